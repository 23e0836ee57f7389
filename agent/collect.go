package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/greenhelp/greenhelp/agent/collector"
	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Collected is the outcome of reading every source.
type Collected struct {
	Activities []footprint.Activity
	Health     []SourceHealth
	// Warnings are figures off by an order of magnitude (Plausibility).
	Warnings []declaration.PlausibilityWarning
}

// OK reports whether every source read cleanly.
func (c Collected) OK() bool {
	for _, h := range c.Health {
		if !h.OK() {
			return false
		}
	}
	return true
}

// Collect reads every source; one failing source never stops the others.
func (a *Agent) Collect(ctx context.Context) Collected {
	var out Collected
	base := a.Cfg.baseDir()
	for _, s := range a.Cfg.Sources {
		start := time.Now()
		h := SourceHealth{ID: s.ID, Type: s.Type, Collector: s.Collector, LastRun: start}
		acts, err := a.collectSource(ctx, s, base, &h)
		if err != nil {
			h.Error = err.Error()
			a.Log.Error("source failed", "source", s.ID, "err", err)
		} else {
			h.LastSuccess = time.Now()
			out.Activities = append(out.Activities, acts...)
		}
		if prev := a.previousHealth(s.ID); h.LastSuccess.IsZero() && prev != nil {
			h.LastSuccess = prev.LastSuccess
		}
		h.Duration = time.Since(start)
		out.Health = append(out.Health, h)
	}
	a.mu.Lock()
	out.Warnings = declaration.Plausibility(a.Cfg.Site, out.Activities, a.state.Typical)
	a.mu.Unlock()
	for _, w := range out.Warnings {
		a.Log.Warn("implausible figure: check before it is trusted", "source", w.Source, "kind", w.Kind, "item", w.Item, "warning", w.Message)
	}
	return out
}

// collectSource reads and collects one source. A panic in a parser or a
// collector is that source's error: it never stops the other sources.
func (a *Agent) collectSource(ctx context.Context, s SourceConfig, base string, h *SourceHealth) (acts []footprint.Activity, err error) {
	defer func() {
		if p := recover(); p != nil {
			acts, err = nil, fmt.Errorf("internal error reading this source (please report it): %v", p)
		}
	}()
	if s.Source == nil || s.Options == nil {
		return nil, fmt.Errorf("unknown source type %q or collector %q", s.Type, s.Collector)
	}
	// Rows stream from the source into the collector: a file is never
	// held whole, the collector keeps only what is still open.
	env, cenv, cols := s.env(base, a.Cfg.Site.Timezone), s.collectorEnv(a.Cfg.Site), s.Columns.Mapped()
	env.Skip = func(what string, n int) {
		if h.Ignored == nil {
			h.Ignored = map[string]int{}
		}
		h.Ignored[what] += n
	}
	col := s.Options.New(cenv)
	rows := 0
	emit := func(r source.Row) { rows++; col.Add(r) }
	var bad []source.Rejection
	var partial map[string]bool
	if r, ok := s.Source.(source.Resuming); ok && r.Resumes() && a.Outbox != nil {
		// A file that only grew is read from where the last run stopped
		// (not by `check`, which reads everything and keeps nothing).
		var st source.Stats
		bad, st, err = r.StreamResuming(ctx, env, cols, a.Outbox.Dir(), s.ID, configHash(s, a.Cfg.Site), col, emit)
		h.Resumed, h.BytesRead = st.Resumed, st.Bytes
		partial = st.Partial
	} else {
		bad, err = s.Source.Stream(ctx, env, cols, emit)
	}
	if errors.Is(err, source.ErrNoFiles) {
		h.Warning = err.Error()
		a.Log.Warn("source has nothing to read yet", "source", s.ID, "reason", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	acts, rejects, err := col.Result()
	if errors.Is(err, collector.ErrWhole) {
		// Rows in an order the collector cannot stream (a power log out of
		// time order device by device): the source read whole.
		a.Log.Info("collected from the whole file", "source", s.ID, "reason", err)
		h.Ignored = nil // counted again by the whole read
		t, err := source.Read(ctx, s.Source, env, cols)
		if err != nil {
			return nil, err
		}
		acts, rejects = s.Options.New(cenv).Whole(t)
		rows, bad = len(t.Rows), t.Bad
	}
	for i, r := range rejects {
		if partial[r.Where] {
			rejects[i].Reason = source.PartialLine + r.Reason
		}
	}
	rejects = append(bad, rejects...)
	h.RowsRead, h.RowsRejected, h.Records = rows+len(bad), len(rejects), len(acts)
	h.Rejections = rejects[:min(len(rejects), 20)]
	for _, r := range rejects {
		a.Log.Warn("row rejected", "source", s.ID, "where", r.Where, "reason", r.Reason)
	}
	return acts, nil
}

func (a *Agent) previousHealth(id string) *SourceHealth {
	for i := range a.state.Sources {
		if a.state.Sources[i].ID == id {
			return &a.state.Sources[i]
		}
	}
	return nil
}

// configHash identifies what a saved resume state was computed under: the
// source's keys and the site's declaration (time zone, power-off
// windows…). Another configuration reads whole.
func configHash(s SourceConfig, site declaration.Site) string {
	raw, _ := json.Marshal(struct {
		S         SourceConfig
		Source    source.Options
		Collector collector.Options
		Site      declaration.Site
	}{s, s.Source, s.Options, site})
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:12])
}
