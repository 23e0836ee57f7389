package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// The rollups (store/rollup.go) live in the file whatever holds the
// records: rollup_months and rollup_spans, kept up to date in the batch's
// transaction (updateRollups).

// replaceRollup replaces, inside tx, the rollups of scope with rows and
// spans (computed by RollUp from every record starting in the scope).
func replaceRollup(ctx context.Context, tx *sql.Tx, sc store.RollupScope, rows []store.RollupRow, spans []store.Record) error {
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

func insertRollup(ctx context.Context, tx *sql.Tx, rows []store.RollupRow, spans []store.Record) error {
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

// RebuildRollups recomputes site's rollups from every record stored for
// it, in one transaction.
func (c *Store) RebuildRollups(ctx context.Context, site string) error {
	recs, err := c.Read(ctx, store.Query{Sites: []string{site}})
	if err != nil {
		return err
	}
	rows, spans := store.RollUp(recs, footprint.Date{}, footprint.Date{})
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
	if err := bumpGeneration(ctx, tx, site); err != nil {
		return err
	}
	return classify("commit", tx.Commit())
}

// RollupsBuilt reports whether the rollups hold every stored record (false
// after the upgrade that created them, until RebuildRollups ran for every
// site and SetRollupsBuilt).
func (c *Store) RollupsBuilt(ctx context.Context) (bool, error) {
	var v int
	if err := c.db.QueryRowContext(ctx, `SELECT built FROM rollup_state`).Scan(&v); err != nil {
		return false, classify("rollup state", err)
	}
	return v == 1, nil
}

// SetRollupsBuilt records that the rollups hold every stored record.
func (c *Store) SetRollupsBuilt(ctx context.Context) error {
	_, err := c.db.ExecContext(ctx, `UPDATE rollup_state SET built = 1, built_at = ?`, time.Now().UTC().Format(time.RFC3339))
	return classify("rollup state", err)
}

// ReadRollup returns, as activities for the calculation, site's monthly
// rows overlapping [q.From, q.To) and its kept records overlapping it, of
// q.Kinds (none: all): the rows first, each part in key order.
func (c *Store) ReadRollup(ctx context.Context, site string, q store.Query) ([]footprint.Activity, error) {
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
		out = append(out, footprint.Activity{Kind: r.Kind, Item: r.Item, Start: r.Month, End: store.NextMonth(r.Month), Quantity: r.Quantity,
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

func rollupWhere(site string, q store.Query, startCol, endCol string) (string, []any) {
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
func (c *Store) RollupRows(ctx context.Context, site string, q store.Query) ([]store.RollupRow, error) {
	// A row's period is [month, next month): it overlaps [From, To) when
	// month < To and month ≥ From's month, i.e. month > the day before.
	if !q.From.IsZero() {
		q.From = store.MonthOf(q.From).AddDays(-1)
	}
	where, args := rollupWhere(site, q, "month", "month")
	rows, err := c.db.QueryContext(ctx, `SELECT kind, item, source, attrs, unit, quality, month, quantity, records, days
		FROM rollup_months WHERE `+where+` ORDER BY kind, item, source, attrs, unit, quality, month`, args...)
	if err != nil {
		return nil, classify("read rollups", err)
	}
	defer rows.Close()
	out := make([]store.RollupRow, 0, 256)
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
		r := store.RollupRow{Site: site}
		var days int64
		if err := rows.Scan(&kind, &item, &source, &attrs, &unit, &quality, &month, &r.Quantity, &r.Records, &days); err != nil {
			return nil, classify("read rollups", err)
		}
		r.Kind, r.Item, r.Source, r.Attrs = footprint.Kind(intern(kind)), intern(item), intern(source), intern(attrs)
		r.Unit, r.Quality, r.Days = footprint.Unit(intern(unit)), footprint.Quality(intern(quality)), uint32(days)
		m, ok := months[string(month)]
		if !ok {
			if m, err = footprint.ParseDate(string(month)); err != nil {
				return nil, fmt.Errorf("%w: rollup month %q: %w", store.ErrPermanent, month, err)
			}
			months[string(month)] = m
		}
		r.Month = m
		out = append(out, r)
	}
	return out, classify("read rollups", rows.Err())
}

// RollupSpans returns site's kept records overlapping [q.From, q.To).
func (c *Store) RollupSpans(ctx context.Context, site string, q store.Query) ([]store.Record, error) {
	where, args := rollupWhere(site, q, "start", "end")
	rows, err := c.db.QueryContext(ctx, `SELECT site, kind, item, start, end, source, attrs, quantity, unit, quality
		FROM rollup_spans WHERE `+where+` ORDER BY kind, item, start, end, source, attrs`, args...)
	if err != nil {
		return nil, classify("read rollups", err)
	}
	return scanRecords(rows, "read rollups")
}

// updateRollups brings, inside tx, the rollups of every scope acts touch
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
func (c *Store) updateRollups(ctx context.Context, tx *sql.Tx, site string, acts []footprint.Activity, written func() error) error {
	byKind := map[footprint.Kind][]footprint.Activity{}
	for _, a := range acts {
		byKind[a.Kind] = append(byKind[a.Kind], a)
	}
	for _, sc := range store.ScopesOf(site, acts) {
		fresh, err := c.allNew(ctx, tx, sc, byKind[sc.Kind])
		if err != nil {
			return fmt.Errorf("rollup %s/%s: %w", site, sc.Kind, err)
		}
		if fresh {
			recs := make([]store.Record, len(byKind[sc.Kind]))
			for i, a := range byKind[sc.Kind] {
				recs[i] = store.Record{Site: site, Activity: a}
			}
			rows, spans := store.RollUp(recs, sc.From, sc.To)
			if err := addRollup(ctx, tx, rows, spans); err != nil {
				return err
			}
			continue
		}
		// Every record a batch writes starts in its scope: the rows and kept
		// records of the scope are those starting in it.
		q := store.Query{Sites: []string{site}, Kinds: []footprint.Kind{sc.Kind}, From: sc.From, To: sc.To, Starting: true}
		if written != nil {
			if err := written(); err != nil {
				return err
			}
		}
		var recs []store.Record
		if c.series == nil {
			recs, err = read(ctx, tx, q) // the batch's records, written in tx
		} else {
			recs, err = c.series.Read(ctx, q)
		}
		if err != nil {
			return fmt.Errorf("rollup %s/%s: %w", site, sc.Kind, err)
		}
		rows, spans := store.RollUp(recs, sc.From, sc.To)
		if err := replaceRollup(ctx, tx, sc, rows, spans); err != nil {
			return err
		}
	}
	return nil
}

// allNew reports whether no record of acts (all of scope sc) has a key
// the rollups already hold, nor shares one with another record of acts.
// A key held is either a kept record (rollup_spans, by its key) or a
// record summed into a month, which set the bits of its days in its
// (item, source, attrs, month) rows: a record lying in one month whose
// days meet none of those bits is new (the test errs only towards
// recomputing).
func (c *Store) allNew(ctx context.Context, tx *sql.Tx, sc store.RollupScope, acts []footprint.Activity) (bool, error) {
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
			return false, fmt.Errorf("%w: rollup span %s..%s: not dates", store.ErrPermanent, start, end)
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
			return false, fmt.Errorf("%w: rollup month %q: %w", store.ErrPermanent, month, err)
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
		if a.Start.Before(a.End) && !store.NextMonth(a.Start).Before(a.End) {
			if days[rk{a.Item, a.Source, attrs[i], store.MonthOf(a.Start).Time().Unix()}]&store.DaysMask(a) != 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// addRollup adds, inside tx, new records' rows and kept records to the
// rollups.
func addRollup(ctx context.Context, tx *sql.Tx, rows []store.RollupRow, spans []store.Record) error {
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
