package central

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/wire"
)

// IngestResult is what the central did with a batch: the answer the agent
// acknowledges a batch on (wire.Ack, {"id", "status", "accepted"}).
type IngestResult = wire.Ack

// Errors of Ingest besides *wire.InvalidError, store.ErrConflict,
// store.ErrUnavailable and store.ErrPermanent.
var (
	// ErrTooMany is a batch over limits.max_batch.
	ErrTooMany = errors.New("too many records in one batch")
)

// Ingest stores one batch of site, all or nothing, exactly once: the
// batch is validated whole (nothing of a bad batch is stored); an id seen
// before with the same content is a duplicate and changes nothing; an id
// seen before with other content is refused (store.ErrConflict).
//
// Ingestion has a single writer path: batches are applied one at a time,
// in arrival order, so that 200 agents posting at once queue here instead
// of contending for SQLite's write lock (which answered some of them 503
// after busy_timeout) and so that a store's steps for one id (InfluxDB:
// points, then the log) are never interleaved. The store makes the batch
// all or nothing (store.Store.Ingest).
func (s *Service) Ingest(ctx context.Context, site string, b wire.Batch) (IngestResult, error) {
	if n := len(b.Activities); n > s.Cfg.Limits.MaxBatch {
		return IngestResult{}, fmt.Errorf("%w: %d records: a batch carries at most limits.max_batch = %d", ErrTooMany, n, s.Cfg.Limits.MaxBatch)
	}
	hash, err := b.Check(site)
	if err != nil {
		return IngestResult{}, err
	}
	log := store.BatchLog{ID: b.ID, Site: site, Count: len(b.Activities), SHA256: hash}
	s.ingestMu.Lock()
	defer s.ingestMu.Unlock()
	if err := ctx.Err(); err != nil { // the client gave up while queued
		return IngestResult{}, fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	log.ReceivedAt = s.now()
	dup, err := s.Store.Ingest(ctx, log, b.Site, b.Activities)
	if err != nil {
		return IngestResult{}, err
	}
	if dup {
		return IngestResult{ID: b.ID, Status: wire.AckDuplicate}, nil
	}
	s.Changed() // the pages' cached data is stale from here on
	return IngestResult{ID: b.ID, Status: wire.AckAccepted, Accepted: len(b.Activities)}, nil
}

// now is the service's clock (tests inject one).
func (s *Service) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}
