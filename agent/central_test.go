package agent

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/wire"
)

// fakeCentral implements the central's side of the wire contract
// (docs/ARCHITECTURE.md, "The wire contract") on a real loopback HTTP server: bearer token,
// gzip bodies, all-or-nothing validation, idempotency by batch id and
// replacement by activity key.
type fakeCentral struct {
	mu       sync.Mutex
	token    string
	site     string
	records  map[string]footprint.Activity
	applied  map[string]int // batch id → times applied
	dups     int
	requests []time.Time
	// fail, when set, answers the request instead (nil: handle normally).
	fail func(n int, w http.ResponseWriter) bool
	// beforeApply and afterApply run around storing a batch (kill tests).
	beforeApply, afterApply func()
	srv                     *httptest.Server
}

func newFakeCentral(site, token string) *fakeCentral {
	return &fakeCentral{token: token, site: site, records: map[string]footprint.Activity{}, applied: map[string]int{}}
}

func (c *fakeCentral) start(t *testing.T, addr string) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(c)
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("listen %s: %v", addr, err)
		}
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c.srv = srv
	return srv.URL
}

func (c *fakeCentral) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.requests = append(c.requests, time.Now())
	n := len(c.requests)
	fail := c.fail
	c.mu.Unlock()
	if fail != nil && fail(n, w) {
		return
	}
	want := "/api/v1/sites/" + c.site + "/batches"
	if r.Method != http.MethodPost || r.URL.Path != want {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+c.token {
		w.Header().Set("Content-Type", "application/json") // as the central answers (central/api)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":"missing or unknown site token"}`)
		return
	}
	body := r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	var b wire.Batch
	if err := json.NewDecoder(body).Decode(&b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var errs []map[string]any
	for i, a := range b.Activities {
		for _, fe := range a.Validate(fmt.Sprintf("activities[%d]", i)) {
			errs = append(errs, map[string]any{"index": i, "field": fe.Path, "message": fe.Message})
		}
	}
	if len(errs) > 0 { // as the central refuses a batch: JSON, its reason and every problem
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": fmt.Sprintf("%d problem(s): nothing of this batch was stored", len(errs)), "errors": errs})
		return
	}
	if c.beforeApply != nil {
		c.beforeApply()
	}
	ack := wire.Ack{ID: b.ID, Status: wire.AckAccepted, Accepted: len(b.Activities)}
	c.mu.Lock()
	if c.applied[b.ID] > 0 {
		c.dups++
		ack.Status, ack.Accepted = wire.AckDuplicate, 0
	} else {
		c.applied[b.ID]++
		for _, a := range b.Activities {
			c.records[keyString(a.Key(c.site))] = a
		}
	}
	c.mu.Unlock()
	if c.afterApply != nil {
		c.afterApply()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(ack)
}

func (c *fakeCentral) stats() (records, batches, dups, requests int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.applied {
		batches += n
	}
	return len(c.records), batches, c.dups, len(c.requests)
}

func (c *fakeCentral) total(kind footprint.Kind, item string) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := 0.0
	for _, a := range c.records {
		if a.Kind == kind && a.Item == item {
			s += a.Quantity
		}
	}
	return s
}

func (c *fakeCentral) has(prefix string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.records {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
