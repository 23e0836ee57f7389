package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// The rollups (store/rollup.go) live beside the records: rollup_months
// and rollup_spans, recomputed in the batch's transaction for what it
// touches (updateRollups).

// updateRollups recomputes, inside tx (which holds the site's row and has
// written recs), the rollups of every scope the batch touches from the
// records the table holds for it: a scope's rows are then a
// recomputation by construction, whatever was there before — a
// correction, a re-send, a batch another central committed just before.
// A scope the rollups hold nothing of yet (no monthly row, no kept
// record: no record starts in it, the rollups holding every record) is
// rolled up from the batch's own records in key order, without reading
// them back — the same numbers, summed in the same order.
func updateRollups(ctx context.Context, tx pgx.Tx, site string, recs []store.Record) error {
	acts := make([]footprint.Activity, len(recs))
	for i, r := range recs {
		acts[i] = r.Activity
	}
	for _, sc := range store.ScopesOf(site, acts) {
		args := []any{site, string(sc.Kind), dayOf(sc.From), dayOf(sc.To)}
		var held bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rollup_months WHERE site = $1 AND kind = $2 AND month >= $3 AND month < $4)
			OR EXISTS (SELECT 1 FROM rollup_spans WHERE site = $1 AND kind = $2 AND start_day >= $3 AND start_day < $4)`, args...).Scan(&held); err != nil {
			return classify("rollup", err)
		}
		var scope []store.Record
		if held {
			// Every record a batch writes starts in its scope: the rows and
			// kept records of the scope are those starting in it.
			var err error
			scope, err = read(ctx, tx, store.Query{Sites: []string{site}, Kinds: []footprint.Kind{sc.Kind}, From: sc.From, To: sc.To, Starting: true})
			if err != nil {
				return fmt.Errorf("rollup %s/%s: %w", site, sc.Kind, err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM rollup_months WHERE site = $1 AND kind = $2 AND month >= $3 AND month < $4`, args...); err != nil {
				return classify("rollup", err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM rollup_spans WHERE site = $1 AND kind = $2 AND start_day >= $3 AND start_day < $4`, args...); err != nil {
				return classify("rollup", err)
			}
		} else {
			scope = inKeyOrder(recs, sc.Kind)
		}
		rows, spans := store.RollUp(scope, sc.From, sc.To)
		if err := insertRollup(ctx, tx, rows, spans); err != nil {
			return err
		}
	}
	return nil
}

// inKeyOrder returns recs of kind (one site's, keys distinct) in the
// order read returns them: item, start, end, source, attrs (bytes order,
// as the columns' COLLATE "C").
func inKeyOrder(recs []store.Record, kind footprint.Kind) []store.Record {
	type keyed struct {
		r     store.Record
		attrs string
	}
	var ks []keyed
	for _, r := range recs {
		if r.Kind == kind {
			ks = append(ks, keyed{r, footprint.FormatAttrs(r.Attrs)})
		}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.r.Item, b.r.Item); c != 0 {
			return c
		}
		if c := a.r.Start.Time().Compare(b.r.Start.Time()); c != 0 {
			return c
		}
		if c := a.r.End.Time().Compare(b.r.End.Time()); c != 0 {
			return c
		}
		if c := strings.Compare(a.r.Source, b.r.Source); c != 0 {
			return c
		}
		return strings.Compare(a.attrs, b.attrs)
	})
	out := make([]store.Record, len(ks))
	for i, k := range ks {
		out[i] = k.r
	}
	return out
}

// insertRollup inserts rows and kept records (their scope emptied first).
func insertRollup(ctx context.Context, tx pgx.Tx, rows []store.RollupRow, spans []store.Record) error {
	for len(rows) > 0 {
		n := min(len(rows), chunk)
		part := rows[:n]
		rows = rows[n:]
		site, kind, item, source, attrs, unit, quality := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		month, qty, recs, days := make([]time.Time, n), make([]float64, n), make([]int32, n), make([]int64, n)
		for i, r := range part {
			site[i], kind[i], item[i], source[i], attrs[i], unit[i], quality[i] = r.Site, string(r.Kind), r.Item, r.Source, r.Attrs, string(r.Unit), string(r.Quality)
			month[i], qty[i], recs[i], days[i] = dayOf(r.Month), r.Quantity, int32(r.Records), int64(r.Days)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO rollup_months(site, kind, item, source, attrs, unit, quality, month, quantity, records, days)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::float8[], $10::int4[], $11::int8[])`,
			site, kind, item, source, attrs, unit, quality, month, qty, recs, days); err != nil {
			return classify("rollup", err)
		}
	}
	return upsert(ctx, tx, "rollup_spans", spans)
}

// RebuildRollups recomputes site's rollups from every record stored for
// it, in one transaction holding the site's row (no batch of the site
// applies meanwhile, on any central).
func (s *Store) RebuildRollups(ctx context.Context, site string) error {
	return s.changed(ctx, s.inTx(ctx, "rebuild rollups", func(tx pgx.Tx) error {
		if err := lockSite(ctx, tx, site); err != nil {
			return err
		}
		recs, err := read(ctx, tx, store.Query{Sites: []string{site}})
		if err != nil {
			return err
		}
		rows, spans := store.RollUp(recs, footprint.Date{}, footprint.Date{})
		for _, t := range []string{"rollup_months", "rollup_spans"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE site = $1`, site); err != nil {
				return classify("rollup", err)
			}
		}
		if err := insertRollup(ctx, tx, rows, spans); err != nil {
			return err
		}
		return bumpGeneration(ctx, tx, site)
	}))
}

// RollupsBuilt reports whether the rollups hold every stored record (a
// new database: yes; a copy, as its source said).
func (s *Store) RollupsBuilt(ctx context.Context) (bool, error) {
	var v bool
	err := s.pool.QueryRow(ctx, `SELECT rollups_built FROM store_state`).Scan(&v)
	return v, classify("rollup state", err)
}

// SetRollupsBuilt records that the rollups hold every stored record.
func (s *Store) SetRollupsBuilt(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `UPDATE store_state SET rollups_built = true, rollups_built_at = now()`)
	return classify("rollup state", err)
}

// ReadRollup returns, as activities for the calculation, site's monthly
// rows overlapping [q.From, q.To) and its kept records overlapping it, of
// q.Kinds (none: all): the rows first, each part in key order.
func (s *Store) ReadRollup(ctx context.Context, site string, q store.Query) ([]footprint.Activity, error) {
	rows, err := s.RollupRows(ctx, site, q)
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
	spans, err := s.RollupSpans(ctx, site, q)
	if err != nil {
		return nil, err
	}
	for _, r := range spans {
		out = append(out, r.Activity)
	}
	return out, nil
}

func rollupWhere(site string, q store.Query, startCol, endCol string) (string, []any) {
	where, args := []string{"site = $1"}, []any{site}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(q.Kinds) > 0 {
		kinds := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			kinds[i] = string(k)
		}
		where = append(where, "kind = ANY("+arg(kinds)+"::text[])")
	}
	if !q.From.IsZero() {
		where = append(where, endCol+" > "+arg(dayOf(q.From)))
	}
	if !q.To.IsZero() {
		where = append(where, startCol+" < "+arg(dayOf(q.To)))
	}
	return strings.Join(where, " AND "), args
}

// RollupRows returns site's monthly rows overlapping [q.From, q.To).
func (s *Store) RollupRows(ctx context.Context, site string, q store.Query) ([]store.RollupRow, error) {
	// A row's period is [month, next month): it overlaps [From, To) when
	// month < To and month ≥ From's month, i.e. month > the day before.
	if !q.From.IsZero() {
		q.From = store.MonthOf(q.From).AddDays(-1)
	}
	where, args := rollupWhere(site, q, "month", "month")
	rows, err := s.pool.Query(ctx, `SELECT kind, item, source, attrs, unit, quality, month, quantity, records, days
		FROM rollup_months WHERE `+where+` ORDER BY kind, item, source, attrs, unit, quality, month`, args...)
	if err != nil {
		return nil, classify("read rollups", err)
	}
	defer rows.Close()
	out := make([]store.RollupRow, 0, 256)
	// A site's rows repeat a few keys and months: each distinct value is
	// kept once.
	seen := map[string]string{}
	intern := func(b []byte) string {
		if v, ok := seen[string(b)]; ok {
			return v
		}
		v := string(b)
		seen[v] = v
		return v
	}
	months := map[time.Time]footprint.Date{}
	var kind, item, source, attrs, unit, quality []byte
	for rows.Next() {
		r := store.RollupRow{Site: site}
		var month time.Time
		var records int32
		var days int64
		if err := rows.Scan(&kind, &item, &source, &attrs, &unit, &quality, &month, &r.Quantity, &records, &days); err != nil {
			return nil, classify("read rollups", err)
		}
		r.Kind, r.Item, r.Source, r.Attrs = footprint.Kind(intern(kind)), intern(item), intern(source), intern(attrs)
		r.Unit, r.Quality, r.Records, r.Days = footprint.Unit(intern(unit)), footprint.Quality(intern(quality)), int(records), uint32(days)
		m, ok := months[month]
		if !ok {
			m = dateOf(month)
			months[month] = m
		}
		r.Month = m
		out = append(out, r)
	}
	return out, classify("read rollups", rows.Err())
}

// RollupSpans returns site's kept records overlapping [q.From, q.To).
func (s *Store) RollupSpans(ctx context.Context, site string, q store.Query) ([]store.Record, error) {
	where, args := rollupWhere(site, q, "start_day", "end_day")
	rows, err := s.pool.Query(ctx, `SELECT `+recordCols+` FROM rollup_spans WHERE `+where+` ORDER BY kind, item, start_day, end_day, source, attrs`, args...)
	if err != nil {
		return nil, classify("read rollups", err)
	}
	return scanRecords(rows, "read rollups")
}
