// Package influx keeps a central's records in InfluxDB (Series): the
// store it opens (Open) is store/sqlite's, the catalog and the rollups in
// the data directory's SQLite file, with its records here; that store
// makes a batch all or nothing across the two. See docs/ARCHITECTURE.md,
// "Package map".
package influx

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// Series keeps one point per activity: measurement = kind; tags =
// the key's parts but its dates (site, item, source, attrs) and the
// period's length in days (days); fields = quantity, unit, quality; time =
// start. The key is exactly the point's identity (end = start + days), so
// writing a key again overwrites the same point and a corrected re-send
// never counts twice; and a site's daily records of one item fall in one
// series, not one series each.
//
// Format 1 (before 2026-11) tagged the end date itself, which made every
// record a series of its own: reads cost a cursor per record and a group
// of 200 sites × 5 years passed InfluxDB 1.8's default limit of a million
// series per database (writes refused). Read understands both, a format-2
// point shadowing a format-1 point of the same key; UpgradeFormat rewrites
// format-1 points once.
type Series struct {
	cfg    store.InfluxConfig
	client influxdb2.Client
}

// OpenSeries connects and checks the server answers.
func OpenSeries(ctx context.Context, cfg store.InfluxConfig) (*Series, error) {
	opts := influxdb2.DefaultOptions().SetHTTPRequestTimeout(30).SetPrecision(time.Second)
	c := influxdb2.NewClientWithOptions(cfg.URL, cfg.Token, opts)
	ok, err := c.Ping(ctx)
	if err != nil || !ok {
		c.Close()
		return nil, fmt.Errorf("%w: influxdb at %s does not answer: %v", store.ErrUnavailable, cfg.URL, err)
	}
	return &Series{cfg: cfg, client: c}, nil
}

// Line protocol escapes (as the client's encoder does).
var (
	lpTag    = strings.NewReplacer(`,`, `\,`, ` `, `\ `, `=`, `\=`)
	lpString = strings.NewReplacer("\t", `\t`, "\n", `\n`, "\f", `\f`, "\r", `\r`, `"`, `\"`, `\`, `\\`)
)

// tagEncode makes a tag value line protocol can carry: InfluxDB 1.x's
// parser cannot hold a control character in a tag, and a value ending in a
// backslash escapes the comma after it. '%', '\\' and control characters
// are written %XX (format 2; tagDecode reverses it).
func tagEncode(v string) string {
	i := strings.IndexFunc(v, func(r rune) bool { return r == '%' || r == '\\' || r < 0x20 || r == 0x7f })
	if i < 0 {
		return v
	}
	var b strings.Builder
	b.WriteString(v[:i])
	for j := i; j < len(v); j++ {
		if c := v[j]; c == '%' || c == '\\' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// tagDecode reverses tagEncode.
func tagDecode(v string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	return url.PathUnescape(v)
}

// lpTagValue appends ",key=value" (escaped), or nothing for an empty
// value (line protocol has no empty tag: it reads back as "").
func lpTagValue(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',')
	b = append(b, key...)
	b = append(b, '=')
	v = tagEncode(v)
	if strings.ContainsAny(v, " ,=") {
		return append(b, lpTag.Replace(v)...)
	}
	return append(b, v...)
}

func lpStringField(b []byte, v string) []byte {
	b = append(b, '"')
	if strings.ContainsAny(v, "\t\n\f\r\"\\") {
		b = append(b, lpString.Replace(v)...)
	} else {
		b = append(b, v...)
	}
	return append(b, '"')
}

// lineProtocol renders acts of site as line protocol, one line each (tags in
// key order, time in seconds).
func lineProtocol(site string, acts []footprint.Activity) []string {
	lines := make([]string, len(acts))
	var b []byte
	for i, a := range acts {
		b = append(b[:0], a.Kind...)
		b = lpTagValue(b, "attrs", footprint.FormatAttrs(a.Attrs))
		b = append(b, ",days="...)
		b = strconv.AppendInt(b, int64(a.Start.DaysUntil(a.End)), 10)
		b = lpTagValue(b, "item", a.Item)
		b = lpTagValue(b, "site", site)
		b = lpTagValue(b, "source", a.Source)
		b = append(b, " quantity="...)
		b = strconv.AppendFloat(b, a.Quantity, 'f', -1, 64)
		b = append(b, ",quality="...)
		b = lpStringField(b, string(a.Quality))
		b = append(b, ",unit="...)
		b = lpStringField(b, string(a.Unit))
		b = append(b, ' ')
		b = strconv.AppendInt(b, a.Start.Time().Unix(), 10)
		lines[i] = string(b)
	}
	return lines
}

// Write sends every record as a point, blocking, with a few retries.
func (s *Series) Write(ctx context.Context, site string, acts []footprint.Activity) error {
	lines := lineProtocol(site, acts)
	w := s.client.WriteAPIBlocking(s.cfg.Org, s.cfg.Bucket)
	var err error
	for attempt, wait := 0, 200*time.Millisecond; attempt < 4; attempt, wait = attempt+1, wait*2 {
		for i := 0; i < len(lines); i += 5000 {
			if err = w.WriteRecord(ctx, lines[i:min(i+5000, len(lines))]...); err != nil {
				break
			}
		}
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %v", store.ErrUnavailable, ctx.Err())
		case <-time.After(wait):
		}
	}
	return fmt.Errorf("%w: influxdb write: %v", store.ErrUnavailable, err)
}

func fluxString(s string) string { return strconv.Quote(s) }

func orFilter(field string, vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = fmt.Sprintf("r.%s == %s", field, fluxString(v))
	}
	return "(" + strings.Join(parts, " or ") + ")"
}

// Read queries with Flux; the server filters by time, kind and site and
// pivots the three fields into one row per point.
func (s *Series) Read(ctx context.Context, q store.Query) ([]store.Record, error) {
	// A period is at most a year long, so a record overlapping [From, To)
	// starts after From − 366 days.
	start := time.Unix(0, 0).UTC()
	if !q.From.IsZero() {
		start = q.From.Time().AddDate(0, 0, -367)
		if q.Starting { // time is the start: the range is exact
			start = q.From.Time()
		}
	}
	stop := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	if !q.To.IsZero() {
		stop = q.To.Time()
	}
	out, err := s.query(ctx, s.flux(start, stop, q.Kinds, q.Sites, ""), func(r store.Record) bool {
		// Overlap with [From, To): enforced here too, since Flux on 1.8
		// includes a point lying exactly on range's stop.
		return !((!q.From.IsZero() && !q.From.Before(r.End) && !q.Starting) || (q.Starting && r.Start.Before(q.From)) || (!q.To.IsZero() && !r.Start.Before(q.To)))
	})
	if err != nil {
		return nil, err
	}
	sortRecords(out)
	return out, nil
}

// flux is the query of the points of kinds (none: all) and sites (none:
// all) with time in [start, stop), and an extra filter predicate.
func (s *Series) flux(start, stop time.Time, kinds []footprint.Kind, sites []string, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "from(bucket: %s)\n  |> range(start: %s, stop: %s)\n", fluxString(s.cfg.Bucket), start.Format(time.RFC3339), stop.Format(time.RFC3339))
	if len(kinds) > 0 {
		ks := make([]string, len(kinds))
		for i, k := range kinds {
			ks[i] = string(k)
		}
		fmt.Fprintf(&b, "  |> filter(fn: (r) => %s)\n", orFilter("_measurement", ks))
	} else {
		fmt.Fprintf(&b, "  |> filter(fn: (r) => %s)\n", orFilter("_measurement", kindNames()))
	}
	if len(sites) > 0 {
		enc := make([]string, len(sites))
		for i, st := range sites {
			enc[i] = tagEncode(st)
		}
		fmt.Fprintf(&b, "  |> filter(fn: (r) => %s)\n", orFilter("site", enc))
	}
	if extra != "" {
		fmt.Fprintf(&b, "  |> filter(fn: (r) => %s)\n", extra)
	}
	b.WriteString(`  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")` + "\n")
	return b.String()
}

// query runs a pivoted query and returns its points as records, those
// keep accepts, one per key: a format-2 point shadows a format-1 point of
// the same key (see Series).
func (s *Series) query(ctx context.Context, flux string, keep func(store.Record) bool) ([]store.Record, error) {
	pts, err := s.points(ctx, flux, keep)
	if err != nil {
		return nil, err
	}
	out := make([]store.Record, len(pts))
	for i, p := range pts {
		out[i] = p.Record
	}
	return out, nil
}

// point is a record read and whether it is a format-1 point.
type point struct {
	store.Record
	format1 bool
}

func (s *Series) points(ctx context.Context, flux string, keep func(store.Record) bool) ([]point, error) {
	res, err := s.client.QueryAPI(s.cfg.Org).Query(ctx, flux)
	if err != nil {
		return nil, fmt.Errorf("%w: influxdb query: %v", store.ErrUnavailable, err)
	}
	defer res.Close()
	var out []point
	at := map[string]int{} // key → index in out
	for res.Next() {
		v := res.Record().Values()
		r := store.Record{Site: str(v["site"])}
		r.Kind = footprint.Kind(res.Record().Measurement())
		r.Item, r.Source = str(v["item"]), str(v["source"])
		t := res.Record().Time().UTC()
		r.Start = footprint.NewDate(t.Year(), t.Month(), t.Day())
		format1 := false
		attrs := str(v["attrs"])
		if days, ok := v["days"]; ok && days != nil {
			n, err := strconv.Atoi(str(days))
			if err != nil {
				return nil, fmt.Errorf("%w: influxdb point %s/%s at %s: tag days = %q is not a whole number", store.ErrPermanent, r.Site, r.Kind, r.Start, str(days))
			}
			r.End = r.Start.AddDays(n)
			for _, t := range []*string{&r.Site, &r.Item, &r.Source, &attrs} {
				if *t, err = tagDecode(*t); err != nil {
					return nil, fmt.Errorf("%w: influxdb point %s/%s at %s: a tag is not in format %d: %w", store.ErrPermanent, r.Site, r.Kind, r.Start, Format, err)
				}
			}
		} else {
			format1 = true
			r.End, _ = footprint.ParseDate(str(v["end"]))
		}
		r.Attrs, _ = footprint.ParseAttrs(attrs)
		if f, ok := v["quantity"].(float64); ok {
			r.Quantity = f
		}
		r.Unit, r.Quality = footprint.Unit(str(v["unit"])), footprint.Quality(str(v["quality"]))
		if keep != nil && !keep(r) {
			continue
		}
		k := recordKey(r)
		if i, ok := at[k]; ok {
			// One point of each format for this key: format 2 stands.
			if !format1 {
				out[i] = point{r, false}
			}
			continue
		}
		at[k] = len(out)
		out = append(out, point{r, format1})
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("%w: influxdb query: %v", store.ErrUnavailable, err)
	}
	return out, nil
}

func recordKey(r store.Record) string {
	return strings.Join([]string{r.Site, string(r.Kind), r.Item, r.Start.String(), r.End.String(), r.Source, footprint.FormatAttrs(r.Attrs)}, "\x00")
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func kindNames() []string {
	ks := footprint.Kinds()
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func sortRecords(rs []store.Record) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		for _, c := range [][2]string{{a.Site, b.Site}, {string(a.Kind), string(b.Kind)}, {a.Item, b.Item},
			{a.Start.String(), b.Start.String()}, {a.End.String(), b.End.String()}, {a.Source, b.Source}, {footprint.FormatAttrs(a.Attrs), footprint.FormatAttrs(b.Attrs)}} {
			if c[0] != c[1] {
				return c[0] < c[1]
			}
		}
		return false
	})
}

// Close closes the client.
func (s *Series) Close() error {
	s.client.Close()
	return nil
}
