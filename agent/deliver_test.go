package agent

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/agent/outbox"
	"github.com/greenhelp/greenhelp/agent/upload"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// exampleAgent loads examples/agent/site.yaml (copied with its exports)
// pointed at url, with fast retries; each change then edits the
// configuration before the agent opens its outbox. The settings are made
// on the configuration, not in the process's environment, so that the
// tests run in parallel; agentEnv gives them to a child greenhelp-agent.
func exampleAgent(t *testing.T, url string, change ...func(*Config)) *Agent {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../examples/agent")))
	cfg, err := Load(filepath.Join(dir, "site.yaml"), false)
	require.NoError(t, err)
	cfg.Central.URL, cfg.Central.Token = url, "tok-123"
	cfg.Outbox.Dir = filepath.Join(dir, "outbox")
	cfg.Upload.BackoffInitial, cfg.Upload.BackoffMax = 20*time.Millisecond, 100*time.Millisecond
	for _, c := range change {
		c(cfg)
	}
	cfg.requireToken = true
	require.NoError(t, cfg.Validate())
	a, err := New(cfg, quiet())
	require.NoError(t, err)
	return a
}

// agentEnv is the environment of a greenhelp-agent run on a's site.yaml
// with exampleAgent's settings (GREENHELP_AGENT_* overrides).
func agentEnv(a *Agent) []string {
	c := a.Cfg
	return append(os.Environ(),
		"GREENHELP_AGENT_CENTRAL_URL="+c.Central.URL,
		"GREENHELP_AGENT_CENTRAL_TOKEN="+c.Central.Token,
		"GREENHELP_AGENT_OUTBOX_DIR="+c.Outbox.Dir,
		"GREENHELP_AGENT_UPLOAD_BACKOFF_INITIAL="+c.Upload.BackoffInitial.String(),
		"GREENHELP_AGENT_UPLOAD_BACKOFF_MAX="+c.Upload.BackoffMax.String())
}

// expectedRecords is what the example exports collect to.
func expectedRecords(t *testing.T, a *Agent) int {
	t.Helper()
	c := a.Collect(context.Background())
	require.True(t, c.OK(), "%+v", c.Health)
	return len(c.Activities)
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestEverythingIsDeliveredOnceTheCentralComesBack(t *testing.T) {
	// Reserve a loopback port, leave it closed: the central is down.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	a := exampleAgent(t, "http://"+addr)
	want := expectedRecords(t, a)
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	done := make(chan error, 1)
	go func() { done <- a.Once(ctxFor(t, 30*time.Second)) }()
	// Wait for the collection to be queued (not a fixed sleep: under -race on
	// a loaded machine it can take longer); delivery fails meanwhile.
	var pending []outbox.Entry
	require.Eventually(t, func() bool {
		pending, err = a.Outbox.Pending()
		return err == nil && len(pending) > 0
	}, 20*time.Second, 20*time.Millisecond, "the batch waits on disk while the central is down")
	central.start(t, addr)
	require.NoError(t, <-done)

	records, batches, dups, _ := central.stats()
	assert.Equal(t, want, records, "every record arrived")
	assert.Equal(t, 1, batches)
	assert.Zero(t, dups)
	pending, _ = a.Outbox.Pending()
	assert.Empty(t, pending)
	st, err := a.Status()
	require.NoError(t, err)
	assert.False(t, st.LastUpload.IsZero())
}

func TestRetryAfterFromTheCentralIsHonoured(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	central.fail = func(n int, w http.ResponseWriter) bool {
		if n <= 2 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return true
		}
		return false
	}
	a := exampleAgent(t, central.start(t, ""))
	waited := noWaiting(a)
	a.Cfg.Upload.BackoffMax = time.Minute // Retry-After is capped at the backoff maximum
	require.NoError(t, a.Once(ctxFor(t, 30*time.Second)))
	_, batches, _, requests := central.stats()
	assert.Equal(t, 1, batches)
	require.Equal(t, 3, requests)
	// The agent waited the second the central asked for, not its 20 ms backoff.
	assert.Equal(t, []time.Duration{time.Second, time.Second}, waited.all())
}

// waits are the waits before a retry an agent asked for.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// noWaiting makes a's waits before a retry return at once (unless the
// context has ended), noting each: a test checks the wait the agent chose
// without spending it.
func noWaiting(a *Agent) *waits {
	w := &waits{}
	a.sleep = func(ctx context.Context, d time.Duration) error {
		w.mu.Lock()
		w.d = append(w.d, d)
		w.mu.Unlock()
		return ctx.Err()
	}
	return w
}

func TestARefusedBatchIsQuarantinedWithTheCentralsReason(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	central.fail = func(n int, w http.ResponseWriter) bool {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"1 problem(s): nothing of this batch was stored","errors":[{"index":3,"field":"quantity","message":"must be ≥ 0"}]}`))
		return true
	}
	a := exampleAgent(t, central.start(t, ""))
	err := a.Once(ctxFor(t, 30*time.Second))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refused by the central and quarantined")
	st, err := a.Status()
	require.NoError(t, err)
	assert.Zero(t, st.Pending)
	require.Len(t, st.Quarantined, 1)
	assert.Contains(t, st.Quarantined[0].Reason, "400 Bad Request")
	assert.Contains(t, st.Quarantined[0].Reason, "must be ≥ 0")
	_, _, _, requests := central.stats()
	assert.Equal(t, 1, requests, "a 4xx is not retried")
}

// A refused token is the agent's configuration, not the batches: they
// stay pending (never quarantined), the run stops at once with the fix
// named, and once the token is fixed they go, each counted once.
func TestAWrongTokenKeepsTheBatchesPendingUntilItIsFixed(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "another-token")
	a := exampleAgent(t, central.start(t, ""))
	err := a.Once(ctxFor(t, 30*time.Second))
	require.ErrorIs(t, err, upload.ErrToken)
	assert.Contains(t, err.Error(), "check central.token")
	st, _ := a.Status()
	assert.Empty(t, st.Quarantined)
	require.Positive(t, st.Pending)
	_, _, _, requests := central.stats()
	assert.Equal(t, 1, requests, "one request: no retry loop on a refused token")

	a.Cfg.Central.Token = "another-token"
	require.NoError(t, a.Once(ctxFor(t, 30*time.Second)))
	records, batches, dups, _ := central.stats()
	assert.Positive(t, records)
	assert.Equal(t, st.Pending, batches)
	assert.Zero(t, dups)
}

// A batch an earlier agent quarantined on a 401 (or any refusal since
// fixed at the central) is listed with the central's words, sent again
// by Retry and counted once; retrying again finds nothing; dropping
// names what goes.
func TestAQuarantinedBatchIsRetriedAndCountedOnce(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	a := exampleAgent(t, central.start(t, ""))
	c := a.Collect(context.Background())
	es, err := a.Enqueue(c.Activities)
	require.NoError(t, err)
	require.NotEmpty(t, es)
	for _, e := range es {
		require.NoError(t, a.Outbox.Quarantine(e, `401 Unauthorized: {"error":"missing or unknown site token"}`))
	}
	qs, err := a.Outbox.Quarantined()
	require.NoError(t, err)
	require.Len(t, qs, len(es))
	assert.Equal(t, "401 Unauthorized: missing or unknown site token", qs[0].Reason)

	_, err = a.Outbox.Release([]string{"no-such-batch"})
	require.ErrorContains(t, err, `no quarantined batch "no-such-batch"`)

	released, ackedN, refusedN, err := a.Retry(ctxFor(t, 30*time.Second), nil)
	require.NoError(t, err)
	assert.Len(t, released, len(es))
	assert.Equal(t, len(es), ackedN)
	assert.Zero(t, refusedN)
	_, batches, dups, _ := central.stats()
	assert.Equal(t, len(es), batches)
	released, ackedN, _, err = a.Retry(ctxFor(t, 30*time.Second), nil)
	require.NoError(t, err)
	assert.Empty(t, released)
	assert.Zero(t, ackedN)
	_, batches2, dups2, _ := central.stats()
	assert.Equal(t, batches, batches2)
	assert.Equal(t, dups, dups2)

	// A batch the central refuses for its content is quarantined again,
	// with the central's problems in words; drop removes it.
	bad := c.Activities[:1]
	bad[0].Quantity = -5
	es, err = a.Enqueue(bad)
	require.NoError(t, err)
	ackedN, refusedN, err = a.Drain(ctxFor(t, 30*time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, refusedN)
	qs, _ = a.Outbox.Quarantined()
	require.Len(t, qs, 1)
	assert.Contains(t, qs[0].Reason, "400 Bad Request")
	dropped, err := a.Outbox.Drop([]string{qs[0].Name})
	require.NoError(t, err)
	require.Len(t, dropped, 1)
	qs, _ = a.Outbox.Quarantined()
	assert.Empty(t, qs)
	_ = es
}

func TestUnchangedRecordsAreNotSentAgainAndCorrectionsReplace(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	a := exampleAgent(t, central.start(t, ""))
	require.NoError(t, a.Once(ctxFor(t, 30*time.Second)))
	records, batches, _, _ := central.stats()
	before := central.total(footprint.KindElectricity, "grid")

	// A second run over the same exports sends nothing new, and says so.
	sum, err := a.OnceSummary(ctxFor(t, 30*time.Second))
	require.NoError(t, err)
	_, batches2, _, _ := central.stats()
	assert.Equal(t, batches, batches2)
	assert.Positive(t, sum.Collected)
	assert.Zero(t, sum.Queued)
	assert.Contains(t, sum.String(), "nothing new: ")

	// A corrected bill is sent alone and replaces the earlier value.
	path := filepath.Join(filepath.Dir(a.Cfg.path), "exports", "factures-electricite.csv")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\r\n")
	fields := strings.Split(lines[1], ";")
	fields[3] = "30 000,0"
	lines[1] = strings.Join(fields, ";")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\r\n")), 0o600))
	sum, err = a.OnceSummary(ctxFor(t, 30*time.Second))
	require.NoError(t, err)
	assert.Equal(t, OnceSummary{Collected: sum.Collected, Queued: 1, Delivered: 1}, sum, "the corrected bill alone")
	records3, batches3, _, _ := central.stats()
	assert.Equal(t, batches+1, batches3)
	assert.Equal(t, records, records3, "same keys: replaced, not added")
	old := 22855.8 // January's first figure in the example export
	assert.InDelta(t, before-old+30000, central.total(footprint.KindElectricity, "grid"), 0.01)
}

func TestACorruptOutboxEntryIsMovedAsideAndTheRestDelivered(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	a := exampleAgent(t, central.start(t, ""))
	require.NoError(t, os.WriteFile(filepath.Join(a.Cfg.Outbox.Dir, "pending", "00000000000000000001-BROKEN.json"), []byte("{not json"), 0o600))
	require.NoError(t, a.Once(ctxFor(t, 30*time.Second)))
	corrupt, _ := filepath.Glob(filepath.Join(a.Cfg.Outbox.Dir, "corrupt", "*"))
	assert.Len(t, corrupt, 1)
	records, _, _, _ := central.stats()
	assert.Positive(t, records)
}

// A 4xx that is not the central's refusal — a web server's 404 page at a
// wrong central.url, a proxy's 400 — quarantines nothing: the batch stays
// pending, and goes once the central itself answers.
func TestA4xxThatIsNotTheCentralsRefusalKeepsTheBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
	}{
		{"a web server's 404 page", http.StatusNotFound, "text/html", "<html><body>Not Found</body></html>"},
		{"a proxy's plain 400", http.StatusBadRequest, "text/plain", "Bad Request"},
		{"JSON without the central's error", http.StatusBadRequest, "application/json", `{"status":"rejected"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			central := newFakeCentral("fr-lyo-gerland", "tok-123")
			central.fail = func(n int, w http.ResponseWriter) bool {
				if n > 2 {
					return false
				}
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
				return true
			}
			a := exampleAgent(t, central.start(t, ""))
			waited := noWaiting(a)
			require.NoError(t, a.Once(ctxFor(t, 30*time.Second)))
			st, err := a.Status()
			require.NoError(t, err)
			assert.Zero(t, st.Pending)
			assert.Empty(t, st.Quarantined, "nothing quarantined on an answer that is not the central's")
			assert.Len(t, waited.all(), 2, "the backoff before each retry")
			_, batches, _, requests := central.stats()
			assert.Equal(t, 1, batches, "stored once the central answers")
			assert.Equal(t, 3, requests)
		})
	}
}
