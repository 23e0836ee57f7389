package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/wire"
)

// SourceHealth is what one source did on its last run.
type SourceHealth struct {
	ID          string        `json:"id"`
	Type        string        `json:"type"`
	Collector   string        `json:"collector"`
	LastRun     time.Time     `json:"last_run"`
	LastSuccess time.Time     `json:"last_success,omitempty"`
	Duration    time.Duration `json:"duration_ns"`
	RowsRead    int           `json:"rows_read"`
	// Resumed: the files were read from where the last run stopped;
	// BytesRead is what this run parsed.
	Resumed      bool   `json:"resumed,omitempty"`
	BytesRead    int64  `json:"bytes_read,omitempty"`
	RowsRejected int    `json:"rows_rejected"`
	Records      int    `json:"records"`
	Error        string `json:"error,omitempty"`
	// Warning is what is not wrong yet but worth knowing (a path that
	// matches no file yet): the source is OK, with nothing to send.
	Warning    string      `json:"warning,omitempty"`
	Rejections []Rejection `json:"rejections,omitempty"`
}

// OK reports whether the source read and every row was usable.
func (h SourceHealth) OK() bool { return h.Error == "" && h.RowsRejected == 0 }

// State is what the agent remembers between runs, in the outbox folder.
type State struct {
	LastCollect time.Time      `json:"last_collect"`
	LastUpload  time.Time      `json:"last_upload"`
	LastSite    string         `json:"last_site_hash"`
	Sources     []SourceHealth `json:"sources"`
	// Sent maps a record's key to the fingerprint of the value the central
	// acknowledged, so unchanged records are not sent again.
	Sent map[string]string `json:"sent"`
	// Typical is each series' median quantity per day on earlier runs
	// (Typical), for the plausibility check.
	Typical map[string]float64 `json:"typical,omitempty"`
}

// Agent collects a site's data and delivers it.
type Agent struct {
	Cfg    *Config
	Outbox *Outbox
	Log    *slog.Logger

	mu    sync.Mutex
	state State
}

// New opens the agent's outbox and state.
func New(cfg *Config, log *slog.Logger) (*Agent, error) {
	ob, err := OpenOutbox(cfg.Outbox.Dir, int64(cfg.Outbox.MaxSize))
	if err != nil {
		return nil, err
	}
	a := &Agent{Cfg: cfg, Outbox: ob, Log: log, state: State{Sent: map[string]string{}}}
	raw, err := os.ReadFile(a.statePath())
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &a.state); err != nil {
			log.Error("agent state unreadable: starting afresh (records may be sent again; the central replaces by key)", "file", a.statePath(), "err", err)
			a.state = State{}
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("agent state: %w", err)
	}
	if a.state.Sent == nil {
		a.state.Sent = map[string]string{}
	}
	return a, nil
}

// stateFile is the agent's state in the outbox folder; its size counts
// against outbox.max_size.
const stateFile = "state.json"

func (a *Agent) statePath() string { return filepath.Join(a.Cfg.Outbox.Dir, stateFile) }

func (a *Agent) saveState() error {
	raw, err := json.MarshalIndent(a.state, "", " ")
	if err != nil {
		return err
	}
	return writeDurable(a.Cfg.Outbox.Dir, stateFile, raw)
}

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
	// Rows stream from the source into the collector: a file is never
	// held whole, the collector keeps only what is still open.
	col := newCollector(s, a.Cfg.Site)
	rows := 0
	emit := func(r Row) { rows++; col.Add(r) }
	var bad []Rejection
	var partial map[string]bool
	if r, ok := col.(Resumer); ok && s.resumes() && a.Outbox != nil {
		// A file that only grew is read from where the last run stopped
		// (not by `check`, which reads everything and keeps nothing).
		var st readStats
		bad, st, err = s.streamResuming(ctx, base, a.Outbox.Dir(), a.Cfg.Site, r, emit)
		h.Resumed, h.BytesRead = st.Resumed, st.Bytes
		partial = st.Partial
	} else {
		bad, err = s.stream(ctx, base, emit)
	}
	if errors.Is(err, errNoFiles) {
		h.Warning = err.Error()
		a.Log.Warn("source has nothing to read yet", "source", s.ID, "reason", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	acts, rejects, err := col.Result()
	if errors.Is(err, errUnordered) {
		// A power log out of time order device by device: read whole.
		a.Log.Info("power log not in time order per device: collected from the whole file", "source", s.ID)
		t, err := s.read(ctx, base)
		if err != nil {
			return nil, err
		}
		acts, rejects = collect(s, a.Cfg.Site, t)
		rows, bad = len(t.Rows), t.Bad
	}
	for i, r := range rejects {
		if partial[r.Where] {
			rejects[i].Reason = partialLine + r.Reason
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

func fingerprint(act footprint.Activity) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%v|%s|%s", act.Quantity, act.Unit, act.Quality)))
	return hex.EncodeToString(h[:8])
}

// maxSent bounds the acknowledged keys the state remembers (about 80
// bytes each on disk, so ~8 MB): a daily workstation log of a 3,000-PC
// site makes a few thousand keys a year. Past it the keys with the oldest
// period end are forgotten; were such a record read again it would be
// sent again, and the central, replacing by key, would not count it twice.
const maxSent = 100_000

// pruneSent drops the keys with the oldest period end until at most max
// remain.
func pruneSent(sent map[string]string, max int) {
	if len(sent) <= max {
		return
	}
	keys := make([]string, 0, len(sent))
	for k := range sent {
		keys = append(keys, k)
	}
	end := func(k string) string { // the key's fifth part (keyString)
		parts := strings.SplitN(k, "|", 6)
		if len(parts) < 5 {
			return ""
		}
		return parts[4]
	}
	sort.Slice(keys, func(i, j int) bool { return end(keys[i]) < end(keys[j]) })
	for _, k := range keys[:len(keys)-max] {
		delete(sent, k)
	}
}

func keyString(k footprint.Key) string {
	return strings.Join([]string{k.Site, string(k.Kind), k.Item, k.Start, k.End, k.Source, k.Attrs}, "|")
}

// Enqueue writes what is new or changed since the central last
// acknowledged it (and not already waiting in the outbox) as durable
// batches, with the site declaration when it changed. It returns the
// entries written.
func (a *Agent) Enqueue(acts []footprint.Activity) ([]Entry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	known := map[string]string{}
	for k, v := range a.state.Sent {
		known[k] = v
	}
	pending, err := a.Outbox.Pending()
	if err != nil {
		return nil, err
	}
	siteQueued := false
	for _, e := range pending {
		b, _, err := a.Outbox.Load(e)
		if err != nil {
			a.Log.Error("outbox", "err", err)
			continue
		}
		siteQueued = siteQueued || b.Site != nil
		for _, act := range b.Activities {
			known[keyString(act.Key(a.Cfg.Site.ID))] = fingerprint(act)
		}
	}
	var fresh []footprint.Activity
	seen := map[string]bool{}
	for _, act := range acts {
		k := keyString(act.Key(a.Cfg.Site.ID))
		if known[k] == fingerprint(act) || seen[k] {
			continue
		}
		seen[k] = true
		fresh = append(fresh, act)
	}
	var site *declaration.Site
	if h := siteHash(a.Cfg.Site); h != a.state.LastSite && !siteQueued {
		s := a.Cfg.Site
		site = &s
	}
	var entries []Entry
	size := a.Cfg.Upload.BatchSize
	for i := 0; i < len(fresh) || (i == 0 && site != nil); i += size {
		part := fresh[i:min(i+size, len(fresh))]
		b := Batch{ID: wire.NewID(), Activities: part}
		if i == 0 {
			b.Site = site
		}
		b.Seal()
		e, err := a.Outbox.Put(b)
		if err != nil {
			return entries, err
		}
		entries = append(entries, e)
		if len(fresh) == 0 {
			break
		}
	}
	return entries, nil
}

func siteHash(s declaration.Site) string {
	raw, _ := json.Marshal(s)
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:12])
}

// RecordCollection stores the sources' health and collection time.
func (a *Agent) RecordCollection(c Collected) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.state.LastCollect = time.Now()
	a.state.Sources = c.Health
	if a.state.Typical == nil {
		a.state.Typical = map[string]float64{}
	}
	warned := map[string]bool{}
	for _, w := range c.Warnings {
		warned[w.Source+"|"+w.Kind+"|"+w.Item] = true
	}
	for k, v := range declaration.Typical(c.Activities) {
		if !warned[k] { // a figure in doubt never becomes the reference
			a.state.Typical[k] = v
		}
	}
	return a.saveState()
}

// Ping checks the central is reachable and takes the site's token.
func (a *Agent) Ping(ctx context.Context) (PingResult, error) { return a.uploader().Ping(ctx) }

// Retry moves quarantined batches (named, or all) back to the outbox and
// delivers what is pending, a few tries each: the acknowledged and the
// refused (quarantined again) counts.
func (a *Agent) Retry(ctx context.Context, names []string) (released []Entry, ackedN, refusedN int, err error) {
	if released, err = a.Outbox.Release(names); err != nil {
		return nil, 0, 0, err
	}
	ackedN, refusedN, err = a.drain(ctx, 3)
	return released, ackedN, refusedN, err
}

func (a *Agent) uploader() *Uploader {
	return &Uploader{BaseURL: a.Cfg.Central.URL, Token: a.Cfg.Central.Token, Site: a.Cfg.Site.ID,
		// Redirects are never followed: the token stays with central.url.
		Client:         &http.Client{Timeout: a.Cfg.Central.Timeout, CheckRedirect: NoRedirects},
		BackoffInitial: a.Cfg.Upload.BackoffInitial, BackoffMax: a.Cfg.Upload.BackoffMax, Log: a.Log}
}

// Drain delivers every pending batch, oldest first, retrying until each is
// acknowledged or refused or ctx ends. It returns how many were
// acknowledged and refused.
func (a *Agent) Drain(ctx context.Context) (ackedN, refusedN int, err error) {
	return a.drain(ctx, 0)
}

// drain is Drain with at most attempts tries per batch (0: until ctx ends);
// it stops at the first batch still not delivered.
func (a *Agent) drain(ctx context.Context, attempts int) (ackedN, refusedN int, err error) {
	up := a.uploader()
	pending, err := a.Outbox.Pending()
	if err != nil {
		return 0, 0, err
	}
	for _, e := range pending {
		res, err := up.deliver(ctx, a.Outbox, e, a.onAck, attempts)
		switch {
		case err != nil:
			return ackedN, refusedN, err
		case res == acked:
			ackedN++
		case res == refused:
			refusedN++
		}
	}
	return ackedN, refusedN, nil
}

func (a *Agent) onAck(b Batch) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, act := range b.Activities {
		a.state.Sent[keyString(act.Key(a.Cfg.Site.ID))] = fingerprint(act)
	}
	pruneSent(a.state.Sent, maxSent)
	if b.Site != nil {
		a.state.LastSite = siteHash(*b.Site)
	}
	a.state.LastUpload = time.Now()
	if err := a.saveState(); err != nil {
		a.Log.Error("agent state not saved (records may be sent again; the central replaces by key)", "err", err)
	}
}

// Status is what `greenhelp-agent status` shows.
type Status struct {
	Site          string         `json:"site"`
	Pending       int            `json:"pending_batches"`
	PendingBytes  int64          `json:"pending_bytes"`
	Oldest        *time.Time     `json:"oldest_pending,omitempty"`
	LastCollect   time.Time      `json:"last_collect"`
	LastUpload    time.Time      `json:"last_upload"`
	Quarantined   []Entry        `json:"quarantined"`
	Sources       []SourceHealth `json:"sources"`
	OutboxMaxSize string         `json:"outbox_max_size"`
}

// Status reports the outbox and the last runs.
func (a *Agent) Status() (Status, error) {
	a.mu.Lock()
	st := Status{Site: a.Cfg.Site.ID, LastCollect: a.state.LastCollect, LastUpload: a.state.LastUpload,
		Sources: append([]SourceHealth(nil), a.state.Sources...), OutboxMaxSize: a.Cfg.Outbox.MaxSize.String()}
	a.mu.Unlock()
	pending, err := a.Outbox.Pending()
	if err != nil {
		return st, err
	}
	st.Pending = len(pending)
	for _, e := range pending {
		st.PendingBytes += e.Size
	}
	if len(pending) > 0 {
		t := pending[0].Written
		st.Oldest = &t
	}
	st.Quarantined, err = a.Outbox.Quarantined()
	return st, err
}

// Once delivers what is already queued, then collects, enqueues and
// delivers, waiting at most until ctx ends. Batches queued by an earlier
// run go first and need no disk space, so a full disk or a broken source
// never holds them back. It returns an error unless everything collected
// was acknowledged.
func (a *Agent) Once(ctx context.Context) error {
	var problems []error
	_, refused0, err := a.drain(ctx, 1) // one try each: a central that is down must not hold back collection
	if err != nil {
		a.Log.Warn("queued batches not delivered yet: collecting anyway, they stay queued", "err", err)
	}
	c := a.Collect(ctx)
	if err := a.RecordCollection(c); err != nil {
		problems = append(problems, fmt.Errorf("agent state not saved: %w", err))
	}
	if _, err := a.Enqueue(c.Activities); err != nil {
		problems = append(problems, fmt.Errorf("collection not queued (it will be collected again next run): %w", err))
	}
	_, refusedN, err := a.Drain(ctx)
	refusedN += refused0
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
	return errors.Join(problems...)
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
