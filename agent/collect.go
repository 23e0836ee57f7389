package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
		prev := a.previousHealth(s.ID)
		if h.LastSuccess.IsZero() && prev != nil {
			h.LastSuccess = prev.LastSuccess
		}
		if h.Survey == nil && (h.Error != "" || h.Warning != "") && prev != nil {
			h.Survey = prev.Survey // a survey export that failed or went away: the last survey read stays
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
	env.Say = func(line string) { h.Read = append(h.Read, line) }
	col := s.Options.New(cenv)
	rows, first := 0, ""
	emit := func(r source.Row) {
		if rows == 0 {
			first = r.Where()
		}
		rows++
		s.Common.Apply(r)
		col.Add(r)
	}
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
	said := col
	if errors.Is(err, collector.ErrWhole) {
		// Rows in an order the collector cannot stream (a power log out of
		// time order device by device): the source read whole.
		a.Log.Info("collected from the whole file", "source", s.ID, "reason", err)
		h.Ignored, h.Read = nil, nil // counted again by the whole read
		t, err := source.Read(ctx, s.Source, env, cols)
		if err != nil {
			return nil, err
		}
		for _, r := range t.Rows {
			s.Common.Apply(r)
		}
		said = s.Options.New(cenv)
		acts, rejects = said.Whole(t)
		rows, bad = len(t.Rows), t.Bad
		if len(t.Rows) > 0 {
			first = t.Rows[0].Where()
		}
	}
	for i, r := range rejects {
		if partial[r.Where] {
			rejects[i].Reason = source.PartialLine + r.Reason
		}
	}
	if !h.Resumed {
		if err := firstRowLayout(rejects, first); err != nil {
			return nil, err
		}
	}
	var skipped []source.Rejection
	bad = slices.DeleteFunc(bad, func(r source.Rejection) bool {
		if r.Skipped {
			skipped = append(skipped, r)
		}
		return r.Skipped
	})
	rejects = oncePerRow(append(bad, rejects...))
	h.RowsRead, h.RowsRejected, h.Records = rows+len(bad), len(rejects), len(acts)
	h.Rejections = rejects[:min(len(rejects), 20)]
	h.RowsSkipped, h.Skipped = len(skipped), skipped[:min(len(skipped), 5)]
	for _, r := range rejects {
		a.Log.Warn("row rejected", "source", s.ID, "where", r.Where, "reason", r.Reason)
	}
	if w, ok := said.(collector.Warner); ok {
		h.Warnings = w.Warnings()
	}
	if sv, ok := said.(collector.Surveyor); ok {
		h.Survey = sv.Survey()
	}
	h.Coverage, h.CoverageWarnings = Coverage(acts, CoverageRule{MinGap: collector.MinGap(s.Options), BaseYear: a.Cfg.Site.BaseYear, Today: today(a.Cfg.Site.Timezone, a.now())})
	if n, ok := col.(collector.Noter); ok && !errors.Is(err, collector.ErrWhole) {
		notes := n.Notes()
		h.Notes = notes[:min(len(notes), 20)]
		for _, r := range notes {
			a.Log.Info("note", "source", s.ID, "where", r.Where, "note", r.Reason)
		}
	}
	return acts, nil
}

// firstRowLayout refuses a source whose first row's date or time does
// not read with its layout: the layout is wrong, not the row, and every
// other row would be rejected too (or, worse, read another way).
func firstRowLayout(rejects []source.Rejection, first string) error {
	for _, r := range rejects {
		if r.Where == first && r.Layout != "" {
			return fmt.Errorf("%s: the first row does not read with this source's layout: %s (set date_format or time_format to the export's)", r.Where, r.Layout)
		}
	}
	return nil
}

// oncePerRow merges the rejections of one row into one: a row is rejected
// once, whatever it got wrong ("Rejected" counts rows).
func oncePerRow(rejects []source.Rejection) []source.Rejection {
	at := map[string]int{}
	out := rejects[:0:0]
	for _, r := range rejects {
		if i, ok := at[r.Where]; ok {
			out[i].Reason += "; " + r.Reason
			continue
		}
		at[r.Where] = len(out)
		out = append(out, r)
	}
	return out
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
