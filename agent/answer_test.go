package agent

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/wire"
)

// witness is a loopback server on another port — another origin — that
// counts every request it gets and those carrying the site token.
type witness struct {
	mu               sync.Mutex
	requests, tokens int
	url              string
}

func newWitness(t *testing.T, token string) *witness {
	w := &witness{}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.requests++
		if strings.Contains(r.Header.Get("Authorization"), token) {
			w.tokens++
		}
		w.mu.Unlock()
		rw.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(rw, "<html>welcome</html>")
	}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

func (w *witness) seen() (requests, tokens int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.requests, w.tokens
}

// zeros yields n zero bytes without holding them.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.n)]
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

// queueOne puts one small batch in the agent's outbox.
func queueOne(t *testing.T, a *Agent) wire.Batch {
	t.Helper()
	b := wire.Batch{ID: wire.NewID(), Activities: []footprint.Activity{{Kind: footprint.KindFuel, Item: "diesel",
		Start: footprint.NewDate(2023, 1, 1), End: footprint.NewDate(2023, 2, 1), Quantity: 120,
		Unit: footprint.UnitLitre, Source: "genset", Quality: footprint.QualityMeasured}}}
	b.Seal()
	_, err := a.Outbox.Put(b)
	require.NoError(t, err)
	return b
}

// Issue 25, item 1: any 2xx was an acknowledgement, and redirects were
// followed (a 307/308 to another port took the token and the batch
// there). Each answer below is not the central's: the batch stays
// pending (never quarantined, no key remembered as sent), the error says
// what came back, nothing reaches another origin, and the central's own
// answer then takes the batch, once.
func TestOnlyTheCentralsOwnAnswerAcknowledgesABatch(t *testing.T) {
	t.Parallel()
	const token = "tok-123"
	other := newWitness(t, token)
	const batchPath = "/api/v1/sites/fr-lyo-gerland/batches"
	redirect := func(code int, to string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			if to == "" {
				to = other.url + batchPath
			}
			w.Header().Set("Location", to)
			w.WriteHeader(code)
		}
	}
	answer := func(status int, ctype, body string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, strings.ReplaceAll(body, "$ID", r.Header.Get("Idempotency-Key")))
		}
	}
	var written atomic.Int64 // bytes of the 10 GB answers actually sent
	huge := func(ctype string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Content-Length", fmt.Sprint(int64(10<<30)))
			n, _ := io.Copy(w, &zeros{n: 10 << 30})
			written.Add(n)
		}
	}
	tests := []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request)
		want   string
	}{
		{"an HTML page", answer(200, "text/html; charset=utf-8", "<html><body>Please log in to the guest Wi-Fi</body></html>"),
			`answered 200 OK but not as the greenhelp central does (not JSON; content type "text/html; charset=utf-8"; body "<html><body>Please log in`},
		{"an empty 200", answer(200, "application/json", ""), "body empty"},
		{"204 No Content", answer(204, "", ""), "answered 204 No Content but not as the greenhelp central does"},
		{`{"status":"rejected"}`, answer(200, "application/json", `{"status":"rejected"}`), "no id"},
		{"the batch's id, rejected", answer(200, "application/json", `{"id":"$ID","status":"rejected","accepted":0}`), `status "rejected", want "accepted" or "duplicate"`},
		{"another batch's id", answer(200, "application/json", `{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","status":"accepted","accepted":1}`), `names batch "01ARZ3NDEKTSV4RRFFQ69G5FAV"`},
		{"the id as a number", answer(200, "application/json", `{"id":1,"status":"accepted"}`), "not the central's acknowledgement"},
		{"the central's words as text/plain", answer(200, "text/plain", `{"id":"$ID","status":"accepted","accepted":1}`), `(not JSON; content type "text/plain"; body "{`},
		{"an acknowledgement and more", answer(200, "application/json", `{"id":"$ID","status":"accepted","accepted":1} {"id":"$ID"}`), "data after the object"},
		{"a member named twice", answer(200, "application/json", `{"id":"$ID","status":"rejected","status":"accepted"}`), "not the central's acknowledgement"},
		{"a 10 GB page", huge("text/html"), `body "\x00\x00`},
		{"a 10 GB JSON answer", huge("application/json"), "an answer over 64 KiB, the rest not read"},
		{"301 to a page of the same origin", redirect(301, "/portal"), `answered 301 Moved Permanently, a redirect to "/portal": the agent never follows one`},
		{"302 to a page of the same origin", redirect(302, "/portal"), `a redirect to "/portal"`},
		{"307 to the same origin", redirect(307, batchPath+"?again"), `a redirect to "` + batchPath + `?again"`},
		{"308 to the same origin", redirect(308, batchPath+"?again"), "308 Permanent Redirect"},
		{"301 to another origin", redirect(301, ""), `a redirect to "` + other.url},
		{"302 to another origin", redirect(302, ""), `a redirect to "` + other.url},
		{"307 to another origin", redirect(307, ""), `a redirect to "` + other.url},
		{"308 to another origin", redirect(308, ""), `a redirect to "` + other.url},
		{"a status HTTP does not define", answer(600, "application/json", `{"id":"$ID","status":"accepted","accepted":1}`), "a status HTTP does not define"},
	}
	// What no answer may cause, checked once every subtest (parallel) has
	// ended: the parent's cleanup runs after them.
	t.Cleanup(func() {
		requests, tokens := other.seen()
		assert.Zero(t, requests, "another origin never got a request")
		assert.Zero(t, tokens, "nor the token")
		// The 10 GB answers were cut off, not drained: the agent read 64 KiB of
		// each and dropped the connection (what loopback buffers hold is sent).
		assert.Less(t, written.Load(), int64(2*256<<20), "bytes sent of 2 × 10 GB")
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			central := newFakeCentral("fr-lyo-gerland", token)
			var real atomic.Bool
			var hostileRequests, elsewhere atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case real.Load():
					central.ServeHTTP(w, r)
				case r.URL.Path != batchPath || r.URL.RawQuery != "":
					elsewhere.Add(1) // a redirect followed
					http.Error(w, "followed", http.StatusTeapot)
				default:
					hostileRequests.Add(1)
					tt.answer(w, r)
				}
			}))
			t.Cleanup(srv.Close)
			a := exampleAgent(t, srv.URL)
			waited := noWaiting(a)
			queueOne(t, a)

			ackedN, refusedN, err := a.drain(ctxFor(t, 60*time.Second), 2)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Zero(t, ackedN)
			assert.Zero(t, refusedN)
			assert.EqualValues(t, 2, hostileRequests.Load(), "tried again, not set aside")
			require.Len(t, waited.all(), 1)
			assert.InDelta(t, 20*time.Millisecond, waited.all()[0], float64(10*time.Millisecond), "the backoff (20 ms ± 50 %) before the second try")
			assert.Zero(t, elsewhere.Load(), "no redirect followed")
			st, err := a.Status()
			require.NoError(t, err)
			assert.Equal(t, 1, st.Pending, "the batch stays in the outbox")
			assert.Empty(t, st.Quarantined)
			assert.True(t, st.LastUpload.IsZero())
			assert.Empty(t, a.state.Sent, "no record counted as sent")

			// The central itself, behind the same address: the batch goes, once.
			real.Store(true)
			ackedN, _, err = a.drain(ctxFor(t, 60*time.Second), 2)
			require.NoError(t, err)
			assert.Equal(t, 1, ackedN)
			records, batches, dups, _ := central.stats()
			assert.Equal(t, 1, records)
			assert.Equal(t, 1, batches)
			assert.Zero(t, dups)
		})
	}
}

// Issue 25, items 4 and 6: a 408 (a body too slow for the central's
// limits.read_timeout) was quarantined like any 4xx; a Retry-After of
// 86400000 s stopped delivery until the agent restarted.
func TestTimeoutsAndBusyAnswersAreRetriedNeverQuarantined(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests, 500, 502, 503, 504} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			central := newFakeCentral("fr-lyo-gerland", "tok-123")
			central.fail = func(n int, w http.ResponseWriter) bool {
				if n > 2 {
					return false
				}
				w.Header().Set("Retry-After", "86400000") // 1,000 days: capped at upload.backoff_max (100 ms here)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(code)
				_, _ = io.WriteString(w, `{"error":"not now"}`)
				return true
			}
			a := exampleAgent(t, central.start(t, ""))
			waited := noWaiting(a)
			queueOne(t, a)
			ackedN, refusedN, err := a.Drain(ctxFor(t, 60*time.Second))
			require.NoError(t, err)
			assert.Equal(t, 1, ackedN)
			assert.Zero(t, refusedN)
			records, batches, dups, requests := central.stats()
			assert.Equal(t, 3, requests)
			assert.Equal(t, 1, records)
			assert.Equal(t, 1, batches)
			assert.Zero(t, dups)
			assert.Equal(t, []time.Duration{100 * time.Millisecond, 100 * time.Millisecond}, waited.all(), "the central's 1,000 days, capped")
		})
	}
}

// `check --ping` takes the same test as delivery: a redirect is not
// followed and named, and a 200 counts only as the central's JSON naming
// the site.
func TestPingTakesOnlyTheCentralsOwnAnswer(t *testing.T) {
	t.Parallel()
	const token = "tok-123"
	other := newWitness(t, token)
	tests := []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request)
		want   string // "" : the ping succeeds
	}{
		{"the central", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"site":"fr-lyo-gerland","name":"Lyon Gerland","status":"open","server_time":"2025-01-02T03:04:05Z"}`)
		}, ""},
		{"an HTML page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html>portal</html>")
		}, `answered 200 OK but not as the greenhelp central does (not JSON; content type "text/html"; body "<html>portal</html>")`},
		{"JSON naming no site", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"status":"ok"}`)
		}, `it names site "", not "fr-lyo-gerland"`},
		{"JSON naming another site", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"site":"de-ber-mitte","status":"open"}`)
		}, `it names site "de-ber-mitte", not "fr-lyo-gerland"`},
		{"a 10 GB page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.Copy(w, &zeros{n: 10 << 30})
		}, "an answer over 64 KiB"},
		{"307 to another origin", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.url+r.URL.Path, http.StatusTemporaryRedirect)
		}, `answered 307 Temporary Redirect, a redirect to "` + other.url + `/api/v1/sites/fr-lyo-gerland/ping"`},
		{"302 to a login page", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.url+"/login", http.StatusFound)
		}, "a redirect to"},
		{"a proxy's own 401", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
		}, "answered 401 Unauthorized but not as the greenhelp central does"},
		{"the central's 401", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"missing or unknown site token"}`)
		}, "the central knows no site with this token"},
		{"the central's 403", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"error":"this token belongs to site \"x\""}`)
		}, "the token is another site's"},
	}
	t.Cleanup(func() { // once every subtest (parallel) has ended
		requests, tokens := other.seen()
		assert.Zero(t, requests, "another origin never got a request")
		assert.Zero(t, tokens)
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(tt.answer))
			t.Cleanup(srv.Close)
			a := exampleAgent(t, srv.URL)
			pings := a.Ping(context.Background())
			require.Len(t, pings, 1)
			p, err := pings[0].Result, pings[0].Err
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, "Lyon Gerland", p.Name)
				assert.Equal(t, srv.URL, p.URL)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
