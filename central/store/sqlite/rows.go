package sqlite

import (
	"context"
	"strings"
)

// Rows calls fn with each row of table, cols in that order (int64,
// float64, string or nil, as SQLite stores them), in rowid or key order:
// what the copy of a store to another backend reads (greenhelp migrate,
// store/postgres's Import). table and cols come from the caller's code,
// never from input. One statement reads the table: a consistent
// snapshot of it (the copy holds the data directory, so that no writer
// makes two tables disagree).
func (c *Store) Rows(ctx context.Context, table string, cols []string, fn func(row []any) error) error {
	rows, err := c.db.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table)
	if err != nil {
		return classify("read "+table, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return classify("read "+table, err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return classify("read "+table, rows.Err())
}
