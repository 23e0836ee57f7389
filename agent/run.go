package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Once delivers what is already queued, then collects, enqueues and
// delivers, waiting at most until ctx ends. Batches queued by an earlier
// run go first and need no disk space, so a full disk or a broken source
// never holds them back. It returns an error unless everything collected
// was acknowledged.
func (a *Agent) Once(ctx context.Context) error {
	_, err := a.OnceSummary(ctx)
	return err
}

// OnceSummary is what a run of Once did, for the person who ran it.
type OnceSummary struct {
	Collected int // records the sources gave
	Queued    int // batches of new or changed records (or declaration) queued
	Delivered int // batches the central acknowledged, earlier ones included
}

// String says what the run did, and when there was nothing new.
func (s OnceSummary) String() string {
	if s.Queued == 0 && s.Delivered == 0 {
		return fmt.Sprintf("nothing new: %d record(s) collected, every one already acknowledged by the central; nothing sent", s.Collected)
	}
	return fmt.Sprintf("%d record(s) collected; %d batch(es) of new or changed records queued; %d batch(es) acknowledged by the central", s.Collected, s.Queued, s.Delivered)
}

// OnceSummary is Once, with what it did.
func (a *Agent) OnceSummary(ctx context.Context) (OnceSummary, error) {
	var problems []error
	var sum OnceSummary
	acked0, refused0, err := a.drain(ctx, 1) // one try each: a central that is down must not hold back collection
	if err != nil {
		a.Log.Warn("queued batches not delivered yet: collecting anyway, they stay queued", "err", err)
	}
	c := a.Collect(ctx)
	sum.Collected = len(c.Activities)
	if err := a.RecordCollection(c); err != nil {
		problems = append(problems, fmt.Errorf("agent state not saved: %w", err))
	}
	if queued, err := a.Enqueue(c.Activities); err != nil {
		problems = append(problems, fmt.Errorf("collection not queued (it will be collected again next run): %w", err))
	} else {
		sum.Queued = len(queued)
	}
	ackedN, refusedN, err := a.Drain(ctx)
	refusedN += refused0
	sum.Delivered = acked0 + ackedN
	if err != nil {
		pending, _ := a.Outbox.Pending()
		problems = append(problems, fmt.Errorf("%d batch(es) not acknowledged yet, kept in %s: %w", len(pending), a.Outbox.Dir(), err))
	}
	if refusedN > 0 {
		problems = append(problems, fmt.Errorf("%d batch(es) refused by the central and quarantined: see `greenhelp-agent status`", refusedN))
	}
	if !c.OK() {
		var bad []string
		for _, h := range c.Health {
			if !h.OK() {
				bad = append(bad, h.ID)
			}
		}
		sort.Strings(bad)
		problems = append(problems, fmt.Errorf("source(s) %s had problems: see `greenhelp-agent check`", strings.Join(bad, ", ")))
	}
	return sum, errors.Join(problems...)
}

// Run is the daemon: it collects at startup when the last collection is
// older than a day, then daily at schedule.collect_at (site time), and
// delivers continuously. It returns when ctx ends; a batch in flight then
// stays in the outbox.
func (a *Agent) Run(ctx context.Context) error {
	loc, _ := time.LoadLocation(a.Cfg.Site.Timezone)
	if loc == nil {
		loc = time.UTC
	}
	wake := make(chan struct{}, 1)
	collect := func() {
		c := a.Collect(ctx)
		if err := a.RecordCollection(c); err != nil {
			a.Log.Error("state", "err", err)
		}
		if _, err := a.Enqueue(c.Activities); err != nil {
			a.Log.Error("collection not queued", "err", err)
			return
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	var wg sync.WaitGroup
	if l := a.Cfg.Metrics.Listen; l != "" {
		srv := &http.Server{Addr: l, Handler: a.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		wg.Add(1)
		go func() {
			defer wg.Done()
			go func() { <-ctx.Done(); _ = srv.Close() }()
			if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
				a.Log.Error("metrics endpoint", "listen", l, "err", err)
			}
		}()
		a.Log.Info("metrics and health", "url", "http://"+l+"/metrics")
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if _, _, err := a.Drain(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("upload", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-time.After(a.Cfg.Upload.Interval):
			}
		}
	}()
	if time.Since(a.state.LastCollect) > 24*time.Hour {
		collect()
	}
	for {
		next := nextAt(time.Now().In(loc), a.Cfg.Schedule.CollectAt)
		a.Log.Info("next collection", "at", next)
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-time.After(time.Until(next)):
			collect()
		}
	}
}

// nextAt returns the next time after now at the local clock time hh:mm.
func nextAt(now time.Time, hhmm string) time.Time {
	m, _ := declaration.ParseClock(hhmm)
	t := time.Date(now.Year(), now.Month(), now.Day(), m/60, m%60, 0, 0, now.Location())
	if !t.After(now) {
		t = time.Date(now.Year(), now.Month(), now.Day()+1, m/60, m%60, 0, 0, now.Location())
	}
	return t
}
