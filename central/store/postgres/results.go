package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/greenhelp/greenhelp/central/store"
)

// The service's calculated results per site and each site's data
// generation (store.Results, migration 3).

// bumpGeneration moves site's data generation inside tx, the transaction
// that changes what its calculation reads (committed with it, or not at
// all).
func bumpGeneration(ctx context.Context, tx pgx.Tx, site string) error {
	_, err := tx.Exec(ctx, `INSERT INTO site_generations(site, generation) VALUES ($1, 1)
		ON CONFLICT (site) DO UPDATE SET generation = site_generations.generation + 1`, site)
	return classify("site generation", err)
}

// Generations returns every site's data generation (absent: 0).
func (s *Store) Generations(ctx context.Context) (map[string]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT site, generation FROM site_generations`)
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
func (s *Store) SiteResults(ctx context.Context) (map[string]store.SiteResult, error) {
	rows, err := s.pool.Query(ctx, `SELECT site, key, blob, written_at FROM site_results`)
	if err != nil {
		return nil, classify("read site results", err)
	}
	defer rows.Close()
	out := map[string]store.SiteResult{}
	for rows.Next() {
		var site string
		var r store.SiteResult
		if err := rows.Scan(&site, &r.Key, &r.Blob, &r.WrittenAt); err != nil {
			return nil, classify("read site results", err)
		}
		out[site] = r
	}
	return out, classify("read site results", rows.Err())
}

// PutSiteResult stores a site's result, replacing the one before. It is
// not a change of the data (DataVersion does not move): a result is
// derived from it.
func (s *Store) PutSiteResult(ctx context.Context, site, key string, blob []byte) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO site_results(site, key, blob, written_at) VALUES ($1, $2, $3, now())
		ON CONFLICT (site) DO UPDATE SET key = excluded.key, blob = excluded.blob, written_at = excluded.written_at`, site, key, blob)
	return classify("write site result", err)
}

var _ store.Results = (*Store)(nil)
