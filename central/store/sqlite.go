package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
)

// SQLiteSeries keeps the activity series in the catalog's SQLite file.
type SQLiteSeries struct {
	db *sql.DB
}

// NewSQLiteSeries uses the catalog's database (same file).
func NewSQLiteSeries(c *Catalog) *SQLiteSeries { return &SQLiteSeries{db: c.DB()} }

// Write upserts every record in one transaction.
func (s *SQLiteSeries) Write(ctx context.Context, site string, acts []footprint.Activity) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify("begin", err)
	}
	defer tx.Rollback()
	if err := s.WriteTx(ctx, tx, site, acts); err != nil {
		return err
	}
	return classify("commit", tx.Commit())
}

// WriteTx upserts every record inside tx, the catalog's transaction, so
// that a batch's records and its log entry commit together.
func (s *SQLiteSeries) WriteTx(ctx context.Context, tx *sql.Tx, site string, acts []footprint.Activity) error {
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

// Read returns the records matching q.
func (s *SQLiteSeries) Read(ctx context.Context, q Query) ([]Record, error) {
	return s.read(ctx, s.db, q)
}

// ReadTx is Read inside tx: it sees what the transaction wrote.
func (s *SQLiteSeries) ReadTx(ctx context.Context, tx *sql.Tx, q Query) ([]Record, error) {
	return s.read(ctx, tx, q)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *SQLiteSeries) read(ctx context.Context, db querier, q Query) ([]Record, error) {
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
func scanRecords(rows *sql.Rows, what string) ([]Record, error) {
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
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

// Close is a no-op: the catalog owns the database.
func (s *SQLiteSeries) Close() error { return nil }

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
