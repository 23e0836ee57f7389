package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// The records, unless a Series holds them, are the file's activities
// table, one row per key.

// Write upserts every record of acts in the activities table, in one
// transaction, outside any batch: nothing is logged and the rollups are
// not touched (the benchmarks' reference for ingestion; Ingest stores a
// batch).
func (c *Store) Write(ctx context.Context, site string, acts []footprint.Activity) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return classify("begin", err)
	}
	defer tx.Rollback()
	if err := writeTx(ctx, tx, site, acts); err != nil {
		return err
	}
	if err := bumpGeneration(ctx, tx, site); err != nil {
		return err
	}
	return classify("commit", tx.Commit())
}

// writeTx upserts every record inside tx, the batch's transaction, so
// that a batch's records and its log entry commit together.
func writeTx(ctx context.Context, tx *sql.Tx, site string, acts []footprint.Activity) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO activities(site, kind, item, start, end, source, attrs, quantity, unit, quality)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(site, kind, item, start, end, source, attrs) DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit, quality = excluded.quality`)
	if err != nil {
		return classify("prepare write", err)
	}
	defer stmt.Close()
	for _, a := range acts {
		if _, err := stmt.ExecContext(ctx, site, string(a.Kind), a.Item, a.Start.String(), a.End.String(), a.Source,
			footprint.FormatAttrs(a.Attrs), a.Quantity, string(a.Unit), string(a.Quality)); err != nil {
			return classify("write", err)
		}
	}
	return nil
}

// Read returns the records matching q, from the Series or the file.
func (c *Store) Read(ctx context.Context, q store.Query) ([]store.Record, error) {
	if c.series != nil {
		return c.series.Read(ctx, q)
	}
	return read(ctx, c.db, q)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// read reads the activities table, through db or inside a transaction
// (which sees what it wrote).
func read(ctx context.Context, db querier, q store.Query) ([]store.Record, error) {
	var where []string
	var args []any
	if len(q.Sites) > 0 {
		where = append(where, "site IN ("+placeholders(len(q.Sites))+")")
		for _, x := range q.Sites {
			args = append(args, x)
		}
	}
	if len(q.Kinds) > 0 {
		where = append(where, "kind IN ("+placeholders(len(q.Kinds))+")")
		for _, k := range q.Kinds {
			args = append(args, string(k))
		}
	}
	if !q.From.IsZero() {
		if q.Starting {
			where = append(where, "start >= ?")
		} else {
			where = append(where, "end > ?")
		}
		args = append(args, q.From.String())
	}
	if !q.To.IsZero() {
		where = append(where, "start < ?")
		args = append(args, q.To.String())
	}
	sqlq := `SELECT site, kind, item, start, end, source, attrs, quantity, unit, quality FROM activities`
	if len(where) > 0 {
		sqlq += " WHERE " + strings.Join(where, " AND ")
	}
	sqlq += " ORDER BY site, kind, item, start, end, source, attrs" // the primary key: no sort
	rows, err := db.QueryContext(ctx, sqlq, args...)
	if err != nil {
		return nil, classify("read", err)
	}
	return scanRecords(rows, "read")
}

// scanRecords reads rows of (site, kind, item, start, end, source, attrs,
// quantity, unit, quality): the activities table and the rollups' kept
// records.
func scanRecords(rows *sql.Rows, what string) ([]store.Record, error) {
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		var r store.Record
		var kind, start, end, attrs, unit, quality string
		if err := rows.Scan(&r.Site, &kind, &r.Item, &start, &end, &r.Source, &attrs, &r.Quantity, &unit, &quality); err != nil {
			return nil, classify(what, err)
		}
		r.Kind, r.Unit, r.Quality = footprint.Kind(kind), footprint.Unit(unit), footprint.Quality(quality)
		r.Start, _ = footprint.ParseDate(start)
		r.End, _ = footprint.ParseDate(end)
		r.Attrs, _ = footprint.ParseAttrs(attrs)
		out = append(out, r)
	}
	return out, classify(what, rows.Err())
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
