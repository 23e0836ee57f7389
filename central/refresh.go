package central

import (
	"context"
	"errors"
	"time"
)

// The refresher keeps the stored results (results.go) current in the
// background of `greenhelp serve`: after the batches stop coming for a
// quiet period, it computes the results of the sites whose data moved, so
// that the next cold view reads them instead of every record. It runs at
// start too: a new factor set, configuration or build is a new key for
// every site.

// RefreshStats is what one refresh did.
type RefreshStats struct {
	// Recomputed are the sites read from their records (their results
	// stale, missing or lacking a part); Written the results written.
	Recomputed, Written int
}

// noSave marks a context whose caller writes the results itself
// (RefreshResults): the views it calls do not write them after answering.
type noSave struct{}

// RefreshResults computes what the cold views read — the group page of
// every year (the latest first), which reads every site's every year, the
// trajectory and each year's power-off months and levers — from the
// stored results where they are current and from the records elsewhere,
// and writes the new results before it returns.
func (s *Service) RefreshResults(ctx context.Context) (RefreshStats, error) {
	read, written := s.resRead.Load(), s.resWritten.Load()
	if s.readOnly {
		return RefreshStats{}, nil
	}
	ctx = context.WithValue(ctx, noSave{}, true)
	g, err := s.GroupPage(ctx, 0)
	if errors.Is(err, ErrNoData) { // no full year yet: nothing the views read
		return RefreshStats{}, nil
	}
	if err != nil {
		return RefreshStats{}, err
	}
	for _, y := range g.Years { // the other years' pages: their months and levers
		if y == g.Year {
			continue
		}
		if _, err := s.GroupPage(ctx, y); err != nil && !errors.Is(err, ErrNoData) {
			return RefreshStats{}, err
		}
	}
	sites, err := s.cachedSites(ctx)
	if err != nil {
		return RefreshStats{}, err
	}
	s.saveResults(ctx, sites)
	s.saveGroup(ctx)
	return RefreshStats{Recomputed: int(s.resRead.Load() - read), Written: int(s.resWritten.Load() - written)}, nil
}

// Refresher is how RunRefresher waits.
type Refresher struct {
	// Quiet is how long no batch may arrive before a refresh (default
	// 10 s); Poll how often a store other centrals write is asked whether
	// its data moved (default 30 s).
	Quiet, Poll time.Duration
	// After is the clock's timer (nil: time.After); tests inject theirs.
	After func(time.Duration) <-chan time.Time
	// Done is told of each refresh (nil: logged only).
	Done func(RefreshStats, error)
}

// RunRefresher refreshes the stored results at start and after every
// quiet period following a change (this process's batches, or on a
// shared store the data version moving), until ctx ends. A read-only
// service does not run it.
func (s *Service) RunRefresher(ctx context.Context, r Refresher) {
	if s.readOnly {
		return
	}
	if r.Quiet <= 0 {
		r.Quiet = 10 * time.Second
	}
	if r.Poll <= 0 {
		r.Poll = 30 * time.Second
	}
	after := r.After
	if after == nil {
		after = time.After
	}
	var poll <-chan time.Time
	if _, shared := s.Store.(sharedStore); shared {
		poll = after(r.Poll)
	}
	var seen cacheVersion // the data version the last refresh read
	quiet := after(0)     // at start
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.changes:
			quiet = after(r.Quiet) // again from the last batch
		case <-poll:
			poll = after(r.Poll)
			if v, err := s.dataVersion(ctx); err == nil && v.store != seen.store && quiet == nil {
				quiet = after(r.Quiet)
			}
		case <-quiet:
			quiet = nil
			if v, err := s.dataVersion(ctx); err == nil {
				seen = v
			}
			st, err := s.RefreshResults(ctx)
			if err != nil && ctx.Err() == nil {
				s.Log.Warn("refreshing the calculated results", "error", err)
			} else if st.Recomputed > 0 || st.Written > 0 {
				s.Log.Info("refreshed the calculated results", "recomputed", st.Recomputed, "written", st.Written)
			}
			if r.Done != nil {
				r.Done(st, err)
			}
		}
	}
}
