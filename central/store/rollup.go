package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// The rollups are what every view reads instead of the raw records: per
// site, the valid records contained in one calendar month summed per key
// without its dates (kind, item, source, attrs) and per unit and quality,
// with their count and the days they were logged on; and, kept as they
// are, the few records a month cannot hold — those straddling a month
// boundary (prorated by the calculation exactly as before) and those that
// break the activity contract (set aside by it with a note). A year or a
// month computed from the rollups gives the lines computed from the raw
// records. The rollups live in the catalog whatever the series backend:
// they are maintained in the batch's transaction, recomputed from the
// series for every (site, kind, month) a batch touches — never by adding
// a difference, so a batch applied twice (a retry after a crash between
// the InfluxDB write and the commit) leaves them right.

// RollupRow is one monthly aggregate.
type RollupRow struct {
	Site     string
	Kind     footprint.Kind
	Item     string
	Source   string
	Attrs    string
	Unit     footprint.Unit
	Quality  footprint.Quality
	Month    footprint.Date // the first day of the month
	Quantity float64
	Records  int
	Days     uint32 // bit i: day i+1 of the month has a record
}

// RollupScope is the part of a site's rollups a batch touches: one kind,
// the whole months [From, To).
type RollupScope struct {
	Site     string
	Kind     footprint.Kind
	From, To footprint.Date
}

func monthOf(d footprint.Date) footprint.Date {
	return footprint.NewDate(d.Year(), d.Time().Month(), 1)
}

func nextMonth(d footprint.Date) footprint.Date {
	return footprint.NewDate(d.Year(), d.Time().Month()+1, 1)
}

// ScopesOf returns the scopes a batch of site touches: per kind, from the
// month of its earliest start to the end of the month of its latest end.
func ScopesOf(site string, acts []footprint.Activity) []RollupScope {
	by := map[footprint.Kind]*RollupScope{}
	for _, a := range acts {
		from, to := monthOf(a.Start), nextMonth(a.End.AddDays(-1))
		if !a.Start.Before(a.End) {
			to = nextMonth(a.Start)
		}
		s, ok := by[a.Kind]
		if !ok {
			by[a.Kind] = &RollupScope{Site: site, Kind: a.Kind, From: from, To: to}
			continue
		}
		if from.Before(s.From) {
			s.From = from
		}
		if s.To.Before(to) {
			s.To = to
		}
	}
	out := make([]RollupScope, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Rolled reports whether a record is summed into a monthly row: valid,
// and lying in one calendar month.
func Rolled(a footprint.Activity) bool {
	return a.Start.Before(a.End) && !nextMonth(a.Start).Before(a.End) && len(a.Validate("")) == 0
}

// RollUp aggregates recs (in the series' key order) into monthly rows for
// the months in [from, to) (zero: all) and returns the records kept as
// they are (straddling a month, or invalid) that start in [from, to).
func RollUp(recs []Record, from, to footprint.Date) ([]RollupRow, []Record) {
	type gk struct {
		site, kind, item, source, attrs, unit, quality string
		month                                          footprint.Date
	}
	idx := map[gk]int{}
	var rows []RollupRow
	var spans []Record
	for _, r := range recs {
		a := r.Activity
		if !Rolled(a) {
			if (from.IsZero() || !a.Start.Before(from)) && (to.IsZero() || a.Start.Before(to)) {
				spans = append(spans, r)
			}
			continue
		}
		m := monthOf(a.Start)
		if (!from.IsZero() && m.Before(from)) || (!to.IsZero() && !m.Before(to)) {
			continue
		}
		attrs := footprint.FormatAttrs(a.Attrs)
		k := gk{r.Site, string(a.Kind), a.Item, a.Source, attrs, string(a.Unit), string(a.Quality), m}
		i, ok := idx[k]
		if !ok {
			i = len(rows)
			idx[k] = i
			rows = append(rows, RollupRow{Site: r.Site, Kind: a.Kind, Item: a.Item, Source: a.Source, Attrs: attrs,
				Unit: a.Unit, Quality: a.Quality, Month: m})
		}
		row := &rows[i]
		row.Quantity += a.Quantity
		row.Records++
		row.Days |= daysMask(a)
	}
	return rows, spans
}

// Activity is the row as an activity the calculation reads.
func (r RollupRow) Activity() footprint.Activity {
	attrs, _ := footprint.ParseAttrs(r.Attrs)
	return footprint.Activity{Kind: r.Kind, Item: r.Item, Start: r.Month, End: nextMonth(r.Month), Quantity: r.Quantity,
		Unit: r.Unit, Source: r.Source, Quality: r.Quality, Attrs: attrs,
		Rolled: &footprint.Rolled{Records: r.Records, Days: r.Days}}
}

// ReplaceRollup replaces, inside tx, the rollups of scope with rows and
// spans (computed by RollUp from every record starting in the scope).
func (c *Catalog) ReplaceRollup(ctx context.Context, tx *sql.Tx, sc RollupScope, rows []RollupRow, spans []Record) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_months WHERE site = ? AND kind = ? AND month >= ? AND month < ?`,
		sc.Site, string(sc.Kind), sc.From.String(), sc.To.String()); err != nil {
		return classify("rollup", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_spans WHERE site = ? AND kind = ? AND start >= ? AND start < ?`,
		sc.Site, string(sc.Kind), sc.From.String(), sc.To.String()); err != nil {
		return classify("rollup", err)
	}
	return insertRollup(ctx, tx, rows, spans)
}

func insertRollup(ctx context.Context, tx *sql.Tx, rows []RollupRow, spans []Record) error {
	if len(rows) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO rollup_months(site, kind, item, source, attrs, unit, quality, month, quantity, records, days)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return classify("rollup", err)
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r.Site, string(r.Kind), r.Item, r.Source, r.Attrs, string(r.Unit), string(r.Quality),
				r.Month.String(), r.Quantity, r.Records, int64(r.Days)); err != nil {
				return classify("rollup", err)
			}
		}
	}
	if len(spans) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO rollup_spans(site, kind, item, start, end, source, attrs, quantity, unit, quality)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return classify("rollup", err)
		}
		defer st.Close()
		for _, r := range spans {
			if _, err := st.ExecContext(ctx, r.Site, string(r.Kind), r.Item, r.Start.String(), r.End.String(), r.Source,
				footprint.FormatAttrs(r.Attrs), r.Quantity, string(r.Unit), string(r.Quality)); err != nil {
				return classify("rollup", err)
			}
		}
	}
	return nil
}

// RebuildRollups recomputes site's rollups from every record the series
// holds for it, in one transaction.
func (c *Catalog) RebuildRollups(ctx context.Context, series Series, site string) error {
	recs, err := series.Read(ctx, Query{Sites: []string{site}})
	if err != nil {
		return err
	}
	rows, spans := RollUp(recs, footprint.Date{}, footprint.Date{})
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return classify("begin", err)
	}
	defer tx.Rollback()
	for _, t := range []string{"rollup_months", "rollup_spans"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE site = ?`, site); err != nil {
			return classify("rollup", err)
		}
	}
	if err := insertRollup(ctx, tx, rows, spans); err != nil {
		return err
	}
	return classify("commit", tx.Commit())
}

// RollupsBuilt reports whether the rollups hold every stored record (false
// after the upgrade that created them, until RebuildRollups ran for every
// site and SetRollupsBuilt).
func (c *Catalog) RollupsBuilt(ctx context.Context) (bool, error) {
	var v int
	if err := c.db.QueryRowContext(ctx, `SELECT built FROM rollup_state`).Scan(&v); err != nil {
		return false, classify("rollup state", err)
	}
	return v == 1, nil
}

// SetRollupsBuilt records that the rollups hold every stored record.
func (c *Catalog) SetRollupsBuilt(ctx context.Context) error {
	_, err := c.db.ExecContext(ctx, `UPDATE rollup_state SET built = 1, built_at = ?`, time.Now().UTC().Format(time.RFC3339))
	return classify("rollup state", err)
}

// InfluxFormat is the format of the points of the InfluxDB series (see
// InfluxSeries); SetInfluxFormat records an upgrade.
func (c *Catalog) InfluxFormat(ctx context.Context) (int, error) {
	var v int
	err := c.db.QueryRowContext(ctx, `SELECT influx_format FROM series_state`).Scan(&v)
	return v, classify("series state", err)
}

// SetInfluxFormat records the format the InfluxDB series' points are in.
func (c *Catalog) SetInfluxFormat(ctx context.Context, v int) error {
	_, err := c.db.ExecContext(ctx, `UPDATE series_state SET influx_format = ?`, v)
	return classify("series state", err)
}

// ReadRollup returns, as activities for the calculation, site's monthly
// rows overlapping [q.From, q.To) and its kept records overlapping it, of
// q.Kinds (none: all): the rows first, each part in key order.
func (c *Catalog) ReadRollup(ctx context.Context, site string, q Query) ([]footprint.Activity, error) {
	rows, err := c.RollupRows(ctx, site, q)
	if err != nil {
		return nil, err
	}
	out := make([]footprint.Activity, 0, len(rows))
	rolled := make([]footprint.Rolled, len(rows))
	attrsOf := map[string]map[string]string{} // shared by the rows of one attrs text: read-only
	for i, r := range rows {
		at, ok := attrsOf[r.Attrs]
		if !ok {
			at, _ = footprint.ParseAttrs(r.Attrs)
			attrsOf[r.Attrs] = at
		}
		rolled[i] = footprint.Rolled{Records: r.Records, Days: r.Days}
		out = append(out, footprint.Activity{Kind: r.Kind, Item: r.Item, Start: r.Month, End: nextMonth(r.Month), Quantity: r.Quantity,
			Unit: r.Unit, Source: r.Source, Quality: r.Quality, Attrs: at, Rolled: &rolled[i]})
	}
	spans, err := c.RollupSpans(ctx, site, q)
	if err != nil {
		return nil, err
	}
	for _, r := range spans {
		out = append(out, r.Activity)
	}
	return out, nil
}

func rollupWhere(site string, q Query, startCol, endCol string) (string, []any) {
	where, args := "site = ?", []any{site}
	if len(q.Kinds) > 0 {
		where += " AND kind IN (" + placeholders(len(q.Kinds)) + ")"
		for _, k := range q.Kinds {
			args = append(args, string(k))
		}
	}
	if !q.From.IsZero() {
		where += " AND " + endCol + " > ?"
		args = append(args, q.From.String())
	}
	if !q.To.IsZero() {
		where += " AND " + startCol + " < ?"
		args = append(args, q.To.String())
	}
	return where, args
}

// RollupRows returns site's monthly rows overlapping [q.From, q.To).
func (c *Catalog) RollupRows(ctx context.Context, site string, q Query) ([]RollupRow, error) {
	// A row's period is [month, next month): it overlaps [From, To) when
	// month < To and month ≥ From's month, i.e. month > the day before.
	if !q.From.IsZero() {
		q.From = monthOf(q.From).AddDays(-1)
	}
	where, args := rollupWhere(site, q, "month", "month")
	rows, err := c.db.QueryContext(ctx, `SELECT kind, item, source, attrs, unit, quality, month, quantity, records, days
		FROM rollup_months WHERE `+where+` ORDER BY kind, item, source, attrs, unit, quality, month`, args...)
	if err != nil {
		return nil, classify("read rollups", err)
	}
	defer rows.Close()
	out := make([]RollupRow, 0, 256)
	// A site's rows repeat a few keys and months: the text is read into
	// reused buffers and each distinct value kept once.
	seen := map[string]string{}
	intern := func(b sql.RawBytes) string {
		if v, ok := seen[string(b)]; ok {
			return v
		}
		v := string(b)
		seen[v] = v
		return v
	}
	months := map[string]footprint.Date{}
	var kind, item, source, attrs, unit, quality, month sql.RawBytes
	for rows.Next() {
		r := RollupRow{Site: site}
		var days int64
		if err := rows.Scan(&kind, &item, &source, &attrs, &unit, &quality, &month, &r.Quantity, &r.Records, &days); err != nil {
			return nil, classify("read rollups", err)
		}
		r.Kind, r.Item, r.Source, r.Attrs = footprint.Kind(intern(kind)), intern(item), intern(source), intern(attrs)
		r.Unit, r.Quality, r.Days = footprint.Unit(intern(unit)), footprint.Quality(intern(quality)), uint32(days)
		m, ok := months[string(month)]
		if !ok {
			if m, err = footprint.ParseDate(string(month)); err != nil {
				return nil, fmt.Errorf("%w: rollup month %q: %w", ErrPermanent, month, err)
			}
			months[string(month)] = m
		}
		r.Month = m
		out = append(out, r)
	}
	return out, classify("read rollups", rows.Err())
}

// RollupSpans returns site's kept records overlapping [q.From, q.To).
func (c *Catalog) RollupSpans(ctx context.Context, site string, q Query) ([]Record, error) {
	where, args := rollupWhere(site, q, "start", "end")
	rows, err := c.db.QueryContext(ctx, `SELECT site, kind, item, start, end, source, attrs, quantity, unit, quality
		FROM rollup_spans WHERE `+where+` ORDER BY kind, item, start, end, source, attrs`, args...)
	if err != nil {
		return nil, classify("read rollups", err)
	}
	return scanRecords(rows, "read rollups")
}

// UpdateRollups brings, inside tx, the rollups of every scope acts touch
// up to date with the series once acts are written (read in tx on the
// SQLite series, which wrote them in it). A scope whose records are all
// new — no key the series held before, which the rollups tell without
// reading the series — gets the batch's own sums added; any other scope
// (a correction, a re-send, a record replacing an earlier one) is
// recomputed from the records the series holds for it, never by adding a
// difference. A batch applied twice (a retry after a crash between the
// InfluxDB write and the commit) leaves them right either way: the
// rollups hold what committed, and the retry finds its keys new to them.
//
// written, when not nil, waits for the batch's write to the series (run
// alongside by the caller) and returns its error: called before the
// series is read.
func (c *Catalog) UpdateRollups(ctx context.Context, tx *sql.Tx, series Series, site string, acts []footprint.Activity, written func() error) error {
	byKind := map[footprint.Kind][]footprint.Activity{}
	for _, a := range acts {
		byKind[a.Kind] = append(byKind[a.Kind], a)
	}
	for _, sc := range ScopesOf(site, acts) {
		fresh, err := c.allNew(ctx, tx, sc, byKind[sc.Kind])
		if err != nil {
			return fmt.Errorf("rollup %s/%s: %w", site, sc.Kind, err)
		}
		if fresh {
			recs := make([]Record, len(byKind[sc.Kind]))
			for i, a := range byKind[sc.Kind] {
				recs[i] = Record{Site: site, Activity: a}
			}
			rows, spans := RollUp(recs, sc.From, sc.To)
			if err := addRollup(ctx, tx, rows, spans); err != nil {
				return err
			}
			continue
		}
		// Every record a batch writes starts in its scope: the rows and kept
		// records of the scope are those starting in it.
		q := Query{Sites: []string{site}, Kinds: []footprint.Kind{sc.Kind}, From: sc.From, To: sc.To, Starting: true}
		if written != nil {
			if err := written(); err != nil {
				return err
			}
		}
		var recs []Record
		if tw, ok := series.(TxWriter); ok {
			recs, err = tw.ReadTx(ctx, tx, q)
		} else {
			recs, err = series.Read(ctx, q)
		}
		if err != nil {
			return fmt.Errorf("rollup %s/%s: %w", site, sc.Kind, err)
		}
		rows, spans := RollUp(recs, sc.From, sc.To)
		if err := c.ReplaceRollup(ctx, tx, sc, rows, spans); err != nil {
			return err
		}
	}
	return nil
}

// daysMask is the bits of the days of a record lying in one month.
func daysMask(a footprint.Activity) uint32 {
	m := monthOf(a.Start)
	var bits uint32
	for d := m.DaysUntil(a.Start); d < m.DaysUntil(a.End) && d < 32; d++ {
		bits |= 1 << d
	}
	return bits
}

// allNew reports whether no record of acts (all of scope sc) has a key
// the rollups already hold, nor shares one with another record of acts.
// A key held is either a kept record (rollup_spans, by its key) or a
// record summed into a month, which set the bits of its days in its
// (item, source, attrs, month) rows: a record lying in one month whose
// days meet none of those bits is new (the test errs only towards
// recomputing).
func (c *Catalog) allNew(ctx context.Context, tx *sql.Tx, sc RollupScope, acts []footprint.Activity) (bool, error) {
	type rk struct {
		item, source, attrs string
		month               int64
	}
	type sk struct {
		item, source, attrs string
		start, end          int64
	}
	keys := make(map[sk]bool, len(acts))
	attrs := make([]string, len(acts))
	for i, a := range acts {
		attrs[i] = footprint.FormatAttrs(a.Attrs)
		k := sk{a.Item, a.Source, attrs[i], a.Start.Time().Unix(), a.End.Time().Unix()}
		if keys[k] {
			return false, nil
		}
		keys[k] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT item, start, end, source, attrs FROM rollup_spans WHERE site = ? AND kind = ? AND start >= ? AND start < ?`,
		sc.Site, string(sc.Kind), sc.From.String(), sc.To.String())
	if err != nil {
		return false, classify("read rollups", err)
	}
	held := false
	for rows.Next() {
		var k sk
		var start, end string
		if err := rows.Scan(&k.item, &start, &end, &k.source, &k.attrs); err != nil {
			rows.Close()
			return false, classify("read rollups", err)
		}
		s, err1 := footprint.ParseDate(start)
		e, err2 := footprint.ParseDate(end)
		if err1 != nil || err2 != nil {
			rows.Close()
			return false, fmt.Errorf("%w: rollup span %s..%s: not dates", ErrPermanent, start, end)
		}
		k.start, k.end = s.Time().Unix(), e.Time().Unix()
		held = held || keys[k]
	}
	rows.Close()
	if err := rows.Err(); err != nil || held {
		return false, classify("read rollups", err)
	}
	days := map[rk]uint32{}
	rows, err = tx.QueryContext(ctx, `SELECT item, source, attrs, month, days FROM rollup_months WHERE site = ? AND kind = ? AND month >= ? AND month < ?`,
		sc.Site, string(sc.Kind), sc.From.String(), sc.To.String())
	if err != nil {
		return false, classify("read rollups", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k rk
		var d int64
		var month string
		if err := rows.Scan(&k.item, &k.source, &k.attrs, &month, &d); err != nil {
			return false, classify("read rollups", err)
		}
		m, err := footprint.ParseDate(month)
		if err != nil {
			return false, fmt.Errorf("%w: rollup month %q: %w", ErrPermanent, month, err)
		}
		k.month = m.Time().Unix()
		days[k] |= uint32(d)
	}
	if err := rows.Err(); err != nil {
		return false, classify("read rollups", err)
	}
	if len(days) == 0 {
		return true, nil
	}
	for i, a := range acts {
		if a.Start.Before(a.End) && !nextMonth(a.Start).Before(a.End) {
			if days[rk{a.Item, a.Source, attrs[i], monthOf(a.Start).Time().Unix()}]&daysMask(a) != 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// addRollup adds, inside tx, new records' rows and kept records to the
// rollups.
func addRollup(ctx context.Context, tx *sql.Tx, rows []RollupRow, spans []Record) error {
	if len(rows) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO rollup_months(site, kind, item, source, attrs, unit, quality, month, quantity, records, days)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (site, kind, item, source, attrs, unit, quality, month) DO UPDATE SET
				quantity = quantity + excluded.quantity, records = records + excluded.records, days = days | excluded.days`)
		if err != nil {
			return classify("rollup", err)
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r.Site, string(r.Kind), r.Item, r.Source, r.Attrs, string(r.Unit), string(r.Quality),
				r.Month.String(), r.Quantity, r.Records, int64(r.Days)); err != nil {
				return classify("rollup", err)
			}
		}
	}
	return insertRollup(ctx, tx, nil, spans)
}
