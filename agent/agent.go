package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/agent/internal/durable"
	"github.com/greenhelp/greenhelp/agent/outbox"
	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint/declaration"
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
	Warning    string             `json:"warning,omitempty"`
	Rejections []source.Rejection `json:"rejections,omitempty"`
	// RowsSkipped are lines read that are not data (total rows, lines
	// before the header): not rejected; Skipped says the first of them.
	RowsSkipped int                `json:"rows_skipped,omitempty"`
	Skipped     []source.Rejection `json:"skipped,omitempty"`
	// Coverage is the days of each reporting year the records cover;
	// CoverageWarnings what they leave out or count twice (Coverage).
	Coverage         []YearCoverage `json:"coverage,omitempty"`
	CoverageWarnings []string       `json:"coverage_warnings,omitempty"`
	// Notes are what the collector says of rows that were read: a day
	// sent as estimated, intervals given twice and counted once, a day
	// still open (collector.Noter).
	Notes []source.Rejection `json:"notes,omitempty"`
	// Warnings are what the collector says of the rows as a whole
	// (collector.Warner): a travel export dated by booking, the airport
	// codes its table lacks.
	Warnings []string `json:"warnings,omitempty"`
	// Survey is the commute survey a commute_survey source read
	// (collector.Surveyor), kept from the last run that read one: the
	// declaration the agent sends carries it (Agent.declared).
	Survey *declaration.CommuteSurvey `json:"survey,omitempty"`
	// Ignored counts the records the source read and left out on
	// purpose, by what they were (a Windows event log's events that are
	// not power events, by provider and id).
	Ignored map[string]int `json:"ignored,omitempty"`
	// Read is what the source says of what it read as a whole (a
	// Configuration Manager export's computers and days: source.Env.Say).
	Read []string `json:"read,omitempty"`
}

// IgnoredTotal is the number of records ignored.
func (h SourceHealth) IgnoredTotal() int {
	n := 0
	for _, c := range h.Ignored {
		n += c
	}
	return n
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
	Outbox *outbox.Outbox
	Log    *slog.Logger

	mu    sync.Mutex
	state State
	// sleep is the uploader's wait before a retry (upload.Uploader.Sleep);
	// nil is the real one. Tests set it to check the waits without them.
	sleep func(ctx context.Context, d time.Duration) error
	// central is the address of the central that last answered a batch
	// (upload.Uploader.Current): the next run of delivery starts there.
	central string
	// clock is the time now (nil: time.Now); tests set it.
	clock func() time.Time
}

func (a *Agent) now() time.Time {
	if a.clock != nil {
		return a.clock()
	}
	return time.Now()
}

// New opens the agent's outbox and state.
func New(cfg *Config, log *slog.Logger) (*Agent, error) {
	ob, err := outbox.Open(cfg.Outbox.Dir, int64(cfg.Outbox.MaxSize))
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

func (a *Agent) statePath() string { return filepath.Join(a.Cfg.Outbox.Dir, outbox.StateFile) }

func (a *Agent) saveState() error {
	raw, err := json.MarshalIndent(a.state, "", " ")
	if err != nil {
		return err
	}
	return durable.WriteFile(a.Cfg.Outbox.Dir, outbox.StateFile, raw)
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

// declared is the declaration the agent sends: site.yaml's, with the
// commute survey a commute_survey source read (config.Validate allows no
// site.commute beside one). Call with a.mu held.
func (a *Agent) declared() declaration.Site {
	s := a.Cfg.Site
	if s.Commute != nil {
		return s
	}
	for _, h := range a.state.Sources {
		if h.Survey != nil {
			sv := *h.Survey
			s.Commute = &sv
			return s
		}
	}
	return s
}

// Status is what `greenhelp-agent status` shows.
type Status struct {
	Site          string         `json:"site"`
	Pending       int            `json:"pending_batches"`
	PendingBytes  int64          `json:"pending_bytes"`
	Oldest        *time.Time     `json:"oldest_pending,omitempty"`
	LastCollect   time.Time      `json:"last_collect"`
	LastUpload    time.Time      `json:"last_upload"`
	Quarantined   []outbox.Entry `json:"quarantined"`
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
