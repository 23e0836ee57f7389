package store

import (
	"context"
	"time"
)

// Results are the calculated results the service keeps per site (its
// cache of site-years, central/results.go), and each site's data
// generation: a number the store moves in the same transaction as
// anything that changes what the site's calculation reads — its records
// and rollups (Ingest when not a duplicate, RebuildRollups, a series
// Write), its declaration versions (Ingest) and its profile override
// (SetOverride when it changes). A stored result names, in its key, the
// generation it was computed at: once the generation moved, the key no
// longer matches and the result is not used.
type Results interface {
	// Generations returns every site's data generation (a site never
	// changed is absent: generation 0), in one read.
	Generations(ctx context.Context) (map[string]int64, error)
	// SiteResults returns every site's stored result, in one read.
	SiteResults(ctx context.Context) (map[string]SiteResult, error)
	// PutSiteResult stores a site's result, replacing the one before.
	PutSiteResult(ctx context.Context, site, key string, blob []byte) error
}

// SiteResult is a site's stored result: the key it was computed under
// and its encoded content (central decides both).
type SiteResult struct {
	Key       string
	Blob      []byte
	WrittenAt time.Time
}
