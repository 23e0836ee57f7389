package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/greenhelp/greenhelp/footprint"
)

// InfluxConfig locates an InfluxDB (1.8+ with Flux enabled, or 2.x).
type InfluxConfig struct {
	URL string `mapstructure:"url"`
	// Token is a 2.x API token, or "user:password" (or empty) for 1.8.
	Token string `mapstructure:"token"`
	// Org is the 2.x organisation (ignored by 1.8).
	Org string `mapstructure:"org"`
	// Bucket is the 2.x bucket, or "database/retention-policy" for 1.8.
	Bucket string `mapstructure:"bucket"`
}

// InfluxSeries keeps one point per activity: measurement = kind; tags =
// exactly the key's parts (site, item, source, attrs, end); fields =
// quantity, unit, quality; time = start. Writing a key again overwrites
// the same point, so a corrected re-send never counts twice.
type InfluxSeries struct {
	cfg    InfluxConfig
	client influxdb2.Client
}

// OpenInflux connects and checks the server answers.
func OpenInflux(ctx context.Context, cfg InfluxConfig) (*InfluxSeries, error) {
	opts := influxdb2.DefaultOptions().SetHTTPRequestTimeout(30).SetPrecision(time.Second)
	c := influxdb2.NewClientWithOptions(cfg.URL, cfg.Token, opts)
	ok, err := c.Ping(ctx)
	if err != nil || !ok {
		c.Close()
		return nil, fmt.Errorf("%w: influxdb at %s does not answer: %v", ErrUnavailable, cfg.URL, err)
	}
	return &InfluxSeries{cfg: cfg, client: c}, nil
}

func dateTime(d footprint.Date) time.Time { return d.Time() }

// Write sends every record as a point, blocking, with a few retries.
func (s *InfluxSeries) Write(ctx context.Context, site string, acts []footprint.Activity) error {
	pts := make([]*write.Point, 0, len(acts))
	for _, a := range acts {
		tags := map[string]string{"site": site, "item": a.Item, "source": a.Source, "end": a.End.String()}
		if attrs := footprint.FormatAttrs(a.Attrs); attrs != "" {
			tags["attrs"] = attrs
		}
		pts = append(pts, influxdb2.NewPoint(string(a.Kind), tags,
			map[string]any{"quantity": a.Quantity, "unit": string(a.Unit), "quality": string(a.Quality)}, dateTime(a.Start)))
	}
	w := s.client.WriteAPIBlocking(s.cfg.Org, s.cfg.Bucket)
	var err error
	for attempt, wait := 0, 200*time.Millisecond; attempt < 4; attempt, wait = attempt+1, wait*2 {
		for i := 0; i < len(pts); i += 5000 {
			if err = w.WritePoint(ctx, pts[i:min(i+5000, len(pts))]...); err != nil {
				break
			}
		}
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %v", ErrUnavailable, ctx.Err())
		case <-time.After(wait):
		}
	}
	return fmt.Errorf("%w: influxdb write: %v", ErrUnavailable, err)
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
func (s *InfluxSeries) Read(ctx context.Context, q Query) ([]Record, error) {
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
	var b strings.Builder
	fmt.Fprintf(&b, "from(bucket: %s)\n  |> range(start: %s, stop: %s)\n", fluxString(s.cfg.Bucket), start.Format(time.RFC3339), stop.Format(time.RFC3339))
	if len(q.Kinds) > 0 {
		ks := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			ks[i] = string(k)
		}
		fmt.Fprintf(&b, "  |> filter(fn: (r) => %s)\n", orFilter("_measurement", ks))
	} else {
		fmt.Fprintf(&b, "  |> filter(fn: (r) => %s)\n", orFilter("_measurement", kindNames()))
	}
	if len(q.Sites) > 0 {
		fmt.Fprintf(&b, "  |> filter(fn: (r) => %s)\n", orFilter("site", q.Sites))
	}
	b.WriteString(`  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")` + "\n")
	res, err := s.client.QueryAPI(s.cfg.Org).Query(ctx, b.String())
	if err != nil {
		return nil, fmt.Errorf("%w: influxdb query: %v", ErrUnavailable, err)
	}
	defer res.Close()
	var out []Record
	for res.Next() {
		v := res.Record().Values()
		r := Record{Site: str(v["site"])}
		r.Kind = footprint.Kind(res.Record().Measurement())
		r.Item, r.Source = str(v["item"]), str(v["source"])
		t := res.Record().Time().UTC()
		r.Start = footprint.NewDate(t.Year(), t.Month(), t.Day())
		r.End, _ = footprint.ParseDate(str(v["end"]))
		r.Attrs, _ = footprint.ParseAttrs(str(v["attrs"]))
		if f, ok := v["quantity"].(float64); ok {
			r.Quantity = f
		}
		r.Unit, r.Quality = footprint.Unit(str(v["unit"])), footprint.Quality(str(v["quality"]))
		// Overlap with [From, To): enforced here too, since Flux on 1.8
		// includes a point lying exactly on range's stop.
		if (!q.From.IsZero() && !q.From.Before(r.End) && !q.Starting) || (q.Starting && r.Start.Before(q.From)) || (!q.To.IsZero() && !r.Start.Before(q.To)) {
			continue
		}
		out = append(out, r)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("%w: influxdb query: %v", ErrUnavailable, err)
	}
	sortRecords(out)
	return out, nil
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

func sortRecords(rs []Record) {
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
func (s *InfluxSeries) Close() error {
	s.client.Close()
	return nil
}
