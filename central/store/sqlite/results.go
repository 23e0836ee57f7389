package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
)

// The service's calculated results per site and each site's data
// generation (store.Results, migration 11).

// bumpGeneration moves site's data generation inside tx, the transaction
// that changes what its calculation reads.
func bumpGeneration(ctx context.Context, tx *sql.Tx, site string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO site_generations(site, generation) VALUES (?, 1)
		ON CONFLICT(site) DO UPDATE SET generation = generation + 1`, site)
	return classify("site generation", err)
}

// Generations returns every site's data generation (absent: 0).
func (c *Store) Generations(ctx context.Context) (map[string]int64, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT site, generation FROM site_generations`)
	if err != nil {
		return nil, classify("read site generations", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var site string
		var g int64
		if err := rows.Scan(&site, &g); err != nil {
			return nil, classify("read site generations", err)
		}
		out[site] = g
	}
	return out, classify("read site generations", rows.Err())
}

// SiteResults returns every site's stored result, in one query.
func (c *Store) SiteResults(ctx context.Context) (map[string]store.SiteResult, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT site, key, blob, written_at FROM site_results`)
	if err != nil {
		return nil, classify("read site results", err)
	}
	defer rows.Close()
	out := map[string]store.SiteResult{}
	for rows.Next() {
		var site, at string
		var r store.SiteResult
		if err := rows.Scan(&site, &r.Key, &r.Blob, &at); err != nil {
			return nil, classify("read site results", err)
		}
		r.WrittenAt = parseTime(at)
		out[site] = r
	}
	return out, classify("read site results", rows.Err())
}

// PutSiteResult stores a site's result, replacing the one before.
func (c *Store) PutSiteResult(ctx context.Context, site, key string, blob []byte) error {
	_, err := c.db.ExecContext(ctx, `INSERT INTO site_results(site, key, blob, written_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(site) DO UPDATE SET key = excluded.key, blob = excluded.blob, written_at = excluded.written_at`,
		site, key, blob, time.Now().UTC().Format(time.RFC3339Nano))
	return classify("write site result", err)
}
