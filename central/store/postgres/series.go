package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// The records are the activities table, one row per key; the kept
// records of the rollups (rollup_spans) have the same columns.

// recordCols are a record's columns, in the order scanRecords reads.
const recordCols = `site, kind, item, start_day, end_day, source, attrs, quantity, unit, quality`

// chunk is how many records one INSERT … SELECT FROM unnest(…) carries:
// a batch of 50,000 records is a few statements, not 50,000 round trips.
const chunk = 5000

// upsert writes recs (one site's, keys distinct) into table (activities
// or rollup_spans) inside tx: a key already there gets the new value.
func upsert(ctx context.Context, tx pgx.Tx, table string, recs []store.Record) error {
	for len(recs) > 0 {
		n := min(len(recs), chunk)
		part := recs[:n]
		recs = recs[n:]
		var (
			site, kind, item, source, attrs, unit, quality = col(part, 0), col(part, 1), col(part, 2), col(part, 3), col(part, 4), col(part, 5), col(part, 6)
			start, end                                     = make([]time.Time, n), make([]time.Time, n)
			qty                                            = make([]float64, n)
		)
		for i, r := range part {
			start[i], end[i], qty[i] = dayOf(r.Start), dayOf(r.End), r.Quantity
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+table+`(`+recordCols+`)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::date[], $6::text[], $7::text[], $8::float8[], $9::text[], $10::text[])
			ON CONFLICT (site, kind, item, start_day, end_day, source, attrs)
			DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit, quality = excluded.quality`,
			site, kind, item, start, end, source, attrs, qty, unit, quality); err != nil {
			return classify("write "+table, err)
		}
	}
	return nil
}

// col is one text column of recs: 0 site, 1 kind, 2 item, 3 source, 4
// attrs (canonical), 5 unit, 6 quality.
func col(recs []store.Record, c int) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		switch c {
		case 0:
			out[i] = r.Site
		case 1:
			out[i] = string(r.Kind)
		case 2:
			out[i] = r.Item
		case 3:
			out[i] = r.Source
		case 4:
			out[i] = footprint.FormatAttrs(r.Attrs)
		case 5:
			out[i] = string(r.Unit)
		case 6:
			out[i] = string(r.Quality)
		}
	}
	return out
}

// distinct returns acts of site as records, one per key: a key sent twice
// in one batch keeps its last value (as writing them in turn would).
func distinct(site string, acts []footprint.Activity) []store.Record {
	type key struct {
		kind, item, source, attrs string
		start, end                footprint.Date
	}
	at := make(map[key]int, len(acts))
	out := make([]store.Record, 0, len(acts))
	for _, a := range acts {
		k := key{string(a.Kind), a.Item, a.Source, footprint.FormatAttrs(a.Attrs), a.Start, a.End}
		if i, ok := at[k]; ok {
			out[i].Activity = a
			continue
		}
		at[k] = len(out)
		out = append(out, store.Record{Site: site, Activity: a})
	}
	return out
}

// Write upserts every record of acts in one transaction, outside any
// batch: nothing is logged and the rollups are not touched (the copy of
// a store, `greenhelp migrate`, writes the records so, then the rollups
// it copied).
func (s *Store) Write(ctx context.Context, site string, acts []footprint.Activity) error {
	return s.changed(ctx, s.inTx(ctx, "write", func(tx pgx.Tx) error {
		if err := upsert(ctx, tx, "activities", distinct(site, acts)); err != nil {
			return err
		}
		return bumpGeneration(ctx, tx, site)
	}))
}

// queryer is the pool or a transaction (which sees what it wrote).
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Read returns the records matching q, in key order.
func (s *Store) Read(ctx context.Context, q store.Query) ([]store.Record, error) {
	return read(ctx, s.pool, q)
}

func read(ctx context.Context, db queryer, q store.Query) ([]store.Record, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(q.Sites) > 0 {
		where = append(where, "site = ANY("+arg(q.Sites)+"::text[])")
	}
	if len(q.Kinds) > 0 {
		kinds := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			kinds[i] = string(k)
		}
		where = append(where, "kind = ANY("+arg(kinds)+"::text[])")
	}
	if !q.From.IsZero() {
		if q.Starting {
			where = append(where, "start_day >= "+arg(dayOf(q.From)))
		} else {
			where = append(where, "end_day > "+arg(dayOf(q.From)))
		}
	}
	if !q.To.IsZero() {
		where = append(where, "start_day < "+arg(dayOf(q.To)))
	}
	sql := `SELECT ` + recordCols + ` FROM activities`
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY site, kind, item, start_day, end_day, source, attrs" // the primary key's order
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, classify("read", err)
	}
	return scanRecords(rows, "read")
}

// scanRecords reads rows of recordCols: the activities table and the
// rollups' kept records.
func scanRecords(rows pgx.Rows, what string) ([]store.Record, error) {
	defer rows.Close()
	var out []store.Record
	dates := map[time.Time]footprint.Date{}
	date := func(t time.Time) footprint.Date {
		d, ok := dates[t]
		if !ok {
			d = dateOf(t)
			dates[t] = d
		}
		return d
	}
	for rows.Next() {
		var r store.Record
		var kind, attrs, unit, quality string
		var start, end time.Time
		if err := rows.Scan(&r.Site, &kind, &r.Item, &start, &end, &r.Source, &attrs, &r.Quantity, &unit, &quality); err != nil {
			return nil, classify(what, err)
		}
		r.Kind, r.Unit, r.Quality = footprint.Kind(kind), footprint.Unit(unit), footprint.Quality(quality)
		r.Start, r.End = date(start), date(end)
		r.Attrs, _ = footprint.ParseAttrs(attrs) // as store/sqlite reads them: the text was FormatAttrs'
		out = append(out, r)
	}
	return out, classify(what, rows.Err())
}
