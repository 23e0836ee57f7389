package upload

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/outbox"
	"github.com/greenhelp/greenhelp/wire"
)

// database is what several centrals share: the batch ids stored, each
// with the times it was stored (never more than once).
type database struct {
	mu     sync.Mutex
	stored map[string]int
}

// ingest stores id once and says whether it was new.
func (d *database) ingest(id string) (fresh bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stored[id]++
	return d.stored[id] == 1
}

func (d *database) times(id string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stored[id]
}

// central is one loopback `greenhelp serve` on db: it answers as the
// real one does (the batch's id, accepted or duplicate), unless answer
// answers first (it returns true).
type central struct {
	url  string
	hits atomic.Int32
}

func startCentral(t *testing.T, db *database, answer func(w http.ResponseWriter, r *http.Request) bool) *central {
	t.Helper()
	c := &central{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		if answer != nil && answer(w, r) {
			return
		}
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, `{"error":"not gzip"}`, http.StatusBadRequest)
			return
		}
		var b wire.Batch
		if err := json.NewDecoder(zr).Decode(&b); err != nil {
			http.Error(w, `{"error":"not a batch"}`, http.StatusBadRequest)
			return
		}
		ack := wire.Ack{ID: b.ID, Status: wire.AckAccepted, Accepted: len(b.Activities)}
		if !db.ingest(b.ID) {
			ack.Status, ack.Accepted = wire.AckDuplicate, 0
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ack)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

// downURL is a loopback address nothing listens on: connections are
// refused.
func downURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// jsonAnswer answers status with body as the central's JSON.
func jsonAnswer(status int, body string, header ...string) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, _ *http.Request) bool {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return true
	}
}

// harness is an uploader to urls whose waits are noted, never spent,
// with its log, and an outbox to deliver from.
type harness struct {
	u      *Uploader
	ob     *outbox.Outbox
	log    *bytes.Buffer
	mu     sync.Mutex
	sleeps []time.Duration
}

func newHarness(t *testing.T, urls ...string) *harness {
	t.Helper()
	ob, err := outbox.Open(t.TempDir(), 1<<20)
	require.NoError(t, err)
	h := &harness{ob: ob, log: &bytes.Buffer{}}
	h.u = &Uploader{URLs: urls, Token: "tok", Site: "fr-lyo", BackoffInitial: time.Second, BackoffMax: time.Minute,
		Log: slog.New(slog.NewTextHandler(h.log, nil)),
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			return ctx.Err()
		}}
	return h
}

// queue puts a batch of no records in the outbox.
func (h *harness) queue(t *testing.T) (outbox.Entry, string) {
	t.Helper()
	b := wire.Batch{ID: wire.NewID()}
	b.Seal()
	e, err := h.ob.Put(b)
	require.NoError(t, err)
	return e, b.ID
}

func (h *harness) waits() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

func (h *harness) pending(t *testing.T) int {
	t.Helper()
	p, err := h.ob.Pending()
	require.NoError(t, err)
	return len(p)
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// When the first central does not answer as the central, or not at all,
// the same batch goes to the second at once (no wait), which stores it;
// the second is then the one the next batch goes to first.
func TestTheBatchGoesToTheNextCentralWhenTheFirstFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		first func(w http.ResponseWriter, r *http.Request) bool // nil: nothing listens
		log   string                                            // in the failover's warning
	}{
		{"connection refused", nil, "connection refused"},
		{"503 with Retry-After", jsonAnswer(http.StatusServiceUnavailable, `{"error":"store unavailable"}`, "Retry-After", "30"), "503 Service Unavailable"},
		{"500", jsonAnswer(http.StatusInternalServerError, `{"error":"boom"}`), "500 Internal Server Error"},
		{"a foreign 200 page", func(w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html>captive portal</html>")
			return true
		}, "not as the greenhelp central does"},
		{"a proxy's 404 page", func(w http.ResponseWriter, _ *http.Request) bool {
			http.Error(w, "not found", http.StatusNotFound)
			return true
		}, "404 Not Found but not as the greenhelp central does"},
		{"a proxy's own 401 (its sign-in, in front of one central)", func(w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("WWW-Authenticate", `Basic realm="proxy"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return true
		}, "401 Unauthorized but not as the greenhelp central does"},
		{"a proxy's 403 page", func(w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, "<html>Access denied by policy</html>")
			return true
		}, "403 Forbidden but not as the greenhelp central does"},
		{"a 429 from a proxy", func(w http.ResponseWriter, _ *http.Request) bool {
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return true
		}, "429 Too Many Requests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := &database{stored: map[string]int{}}
			first := downURL(t)
			var a *central
			if tt.first != nil {
				a = startCentral(t, db, tt.first)
				first = a.url
			}
			b := startCentral(t, db, nil)
			h := newHarness(t, first, b.url)
			e, id := h.queue(t)
			res, err := h.u.Deliver(ctxFor(t), h.ob, e, nil, 0)
			require.NoError(t, err)
			assert.Equal(t, Acked, res)
			assert.Equal(t, 1, db.times(id), "stored once")
			assert.Empty(t, h.waits(), "no wait: another central answered in the same round")
			assert.Equal(t, 1, h.u.Current, "the second central is the one that answered")
			assert.Zero(t, h.pending(t))
			logs := h.log.String()
			assert.Contains(t, logs, `level=WARN msg="central failed: the batch goes to the next one"`)
			assert.Contains(t, logs, tt.log)
			assert.Contains(t, logs, `msg="batch acknowledged" batch=`+id+` records=0 central=`+b.url)

			// Sticky: the next batch goes to the second central first,
			// even though the first would now answer.
			if a != nil {
				hitsA := a.hits.Load()
				e2, id2 := h.queue(t)
				res, err = h.u.Deliver(ctxFor(t), h.ob, e2, nil, 0)
				require.NoError(t, err)
				assert.Equal(t, Acked, res)
				assert.Equal(t, hitsA, a.hits.Load(), "the first central got nothing more")
				assert.Equal(t, 1, db.times(id2))
			}
		})
	}
}

// The central's own answers are the database's: the next central would
// say the same, so a refusal does not fail over — a 409 or a 400
// quarantines, a 401 or 403 stops delivery with the batch kept.
func TestTheCentralsOwnRefusalIsNotFailedOver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		want    Outcome
		pending int
	}{
		{"409: the id stored with another content", http.StatusConflict, Refused, 0},
		{"400: a record invalid", http.StatusBadRequest, Refused, 0},
		{"413: too large", http.StatusRequestEntityTooLarge, Refused, 0},
		{"401: an unknown token", http.StatusUnauthorized, badToken, 1},
		{"403: another site's token", http.StatusForbidden, badToken, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := &database{stored: map[string]int{}}
			a := startCentral(t, db, jsonAnswer(tt.status, `{"error":"refused"}`))
			b := startCentral(t, db, nil)
			h := newHarness(t, a.url, b.url)
			e, id := h.queue(t)
			res, err := h.u.Deliver(ctxFor(t), h.ob, e, nil, 0)
			assert.Equal(t, tt.want, res)
			if tt.want == badToken {
				require.ErrorIs(t, err, ErrToken)
			} else {
				require.NoError(t, err)
				q, err := h.ob.Quarantined()
				require.NoError(t, err)
				require.Len(t, q, 1)
				assert.Contains(t, q[0].Reason, "refused")
			}
			assert.Equal(t, tt.pending, h.pending(t))
			assert.Equal(t, int32(1), a.hits.Load())
			assert.Zero(t, b.hits.Load(), "the second central is not asked")
			assert.Zero(t, db.times(id))
			assert.NotContains(t, h.log.String(), "the batch goes to the next one")
		})
	}
}

// When every central fails, the batch stays and the agent waits once per
// round — each central tried once, then the backoff — never between two
// centrals of a round.
func TestWhenEveryCentralFailsTheAgentWaitsOncePerRound(t *testing.T) {
	t.Parallel()
	db := &database{stored: map[string]int{}}
	a := startCentral(t, db, jsonAnswer(http.StatusServiceUnavailable, `{"error":"store unavailable"}`))
	h := newHarness(t, downURL(t), a.url)
	e, id := h.queue(t)
	res, err := h.u.Deliver(ctxFor(t), h.ob, e, nil, 3)
	require.Error(t, err)
	assert.Equal(t, retry, res)
	// 3 rounds of 2 centrals: 3 posts each; a wait between rounds: 3 - 1 = 2.
	assert.Equal(t, int32(3), a.hits.Load())
	waits := h.waits()
	require.Len(t, waits, 2)
	// backoff(n) = 1 s × 2^n ± 50 %: round 0 in [0.5 s, 1.5 s), round 1 in [1 s, 3 s).
	assert.GreaterOrEqual(t, waits[0], 500*time.Millisecond)
	assert.Less(t, waits[0], 1500*time.Millisecond)
	assert.GreaterOrEqual(t, waits[1], time.Second)
	assert.Less(t, waits[1], 3*time.Second)
	assert.Equal(t, 1, h.pending(t), "the batch stays in the outbox")
	assert.Zero(t, db.times(id))
	assert.Contains(t, err.Error(), "central "+h.u.URLs[0]+": network: ")
	assert.Contains(t, err.Error(), "central "+a.url+": 503 Service Unavailable")
	assert.Zero(t, h.u.Current, "no central answered: the first stays first")
	assert.Equal(t, 3, strings.Count(h.log.String(), "the batch goes to the next one"), "a failover per round, from the first central to the second: 3 rounds × 1")
}

// The longest Retry-After of a round is the wait: a central asked not to
// be asked again before then.
func TestTheLongestRetryAfterOfTheRoundIsTheWait(t *testing.T) {
	t.Parallel()
	db := &database{stored: map[string]int{}}
	a := startCentral(t, db, jsonAnswer(http.StatusServiceUnavailable, `{"error":"x"}`, "Retry-After", "7"))
	b := startCentral(t, db, jsonAnswer(http.StatusServiceUnavailable, `{"error":"x"}`, "Retry-After", "30"))
	h := newHarness(t, a.url, b.url)
	e, _ := h.queue(t)
	_, err := h.u.Deliver(ctxFor(t), h.ob, e, nil, 2)
	require.Error(t, err)
	assert.Equal(t, []time.Duration{30 * time.Second}, h.waits(), "max(7 s, 30 s), one wait between the 2 rounds")
}

// A batch the first central stored whose answer was lost goes to the
// second: the same id, so it answers duplicate, and the database holds
// it once.
func TestABatchStoredButNotAnsweredIsADuplicateAtTheNextCentral(t *testing.T) {
	t.Parallel()
	db := &database{stored: map[string]int{}}
	a := startCentral(t, db, func(w http.ResponseWriter, r *http.Request) bool {
		zr, err := gzip.NewReader(r.Body)
		require.NoError(t, err)
		var b wire.Batch
		require.NoError(t, json.NewDecoder(zr).Decode(&b))
		db.ingest(b.ID)
		panic(http.ErrAbortHandler) // the connection drops before the answer
	})
	b := startCentral(t, db, nil)
	h := newHarness(t, a.url, b.url)
	e, id := h.queue(t)
	var acked []string
	res, err := h.u.Deliver(ctxFor(t), h.ob, e, func(b outbox.Batch) { acked = append(acked, b.ID) }, 0)
	require.NoError(t, err)
	assert.Equal(t, Acked, res)
	assert.Equal(t, []string{id}, acked, "acknowledged once")
	assert.Equal(t, 2, db.times(id), "posted twice: stored by the first, a duplicate at the second")
}

// A redirect is not followed, even to another listed central: the token
// goes only where a request is sent on purpose.
func TestARedirectIsNotFollowedButTheNextCentralIsTried(t *testing.T) {
	t.Parallel()
	db := &database{stored: map[string]int{}}
	elsewhere := startCentral(t, db, nil)
	a := startCentral(t, db, func(w http.ResponseWriter, r *http.Request) bool {
		http.Redirect(w, r, elsewhere.url+r.URL.Path, http.StatusTemporaryRedirect)
		return true
	})
	b := startCentral(t, db, nil)
	h := newHarness(t, a.url, b.url)
	e, id := h.queue(t)
	res, err := h.u.Deliver(ctxFor(t), h.ob, e, nil, 0)
	require.NoError(t, err)
	assert.Equal(t, Acked, res)
	assert.Zero(t, elsewhere.hits.Load(), "the redirect was not followed")
	assert.Equal(t, int32(1), b.hits.Load())
	assert.Equal(t, 1, db.times(id))
	assert.Contains(t, h.log.String(), "a redirect to")
}

// The sticky central: after a failover the next batches go to the one
// that answered; when it fails in turn, back to the first.
func TestTheCentralThatAnsweredStaysFirst(t *testing.T) {
	t.Parallel()
	db := &database{stored: map[string]int{}}
	var aDown, bDown atomic.Bool
	down := func(flag *atomic.Bool) func(w http.ResponseWriter, r *http.Request) bool {
		return func(w http.ResponseWriter, r *http.Request) bool {
			if !flag.Load() {
				return false
			}
			return jsonAnswer(http.StatusServiceUnavailable, `{"error":"down"}`)(w, r)
		}
	}
	a, b := startCentral(t, db, down(&aDown)), startCentral(t, db, down(&bDown))
	h := newHarness(t, a.url, b.url)
	deliver := func() {
		t.Helper()
		e, _ := h.queue(t)
		res, err := h.u.Deliver(ctxFor(t), h.ob, e, nil, 0)
		require.NoError(t, err)
		require.Equal(t, Acked, res)
	}
	tests := []struct {
		name         string
		aDown, bDown bool
		hitsA, hitsB int32 // after the step, in all
		current      int
	}{
		{"both up: the first", false, false, 1, 0, 0},
		{"the first down: the second", true, false, 2, 1, 1},
		{"the first back: still the second", false, false, 2, 2, 1},
		{"the second down: the first again", false, true, 3, 3, 0},
		{"both up: still the first", false, false, 4, 3, 0},
	}
	for _, tt := range tests {
		aDown.Store(tt.aDown)
		bDown.Store(tt.bDown)
		deliver()
		assert.Equal(t, tt.hitsA, a.hits.Load(), tt.name)
		assert.Equal(t, tt.hitsB, b.hits.Load(), tt.name)
		assert.Equal(t, tt.current, h.u.Current, tt.name)
	}
	assert.Empty(t, h.waits())
}
