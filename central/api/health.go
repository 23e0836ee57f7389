package api

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
)

// Health is GET /healthz's answer: 200 when the store was read and
// written, 503 when what failed may pass by itself (a lock, a full disk),
// 500 when it cannot (a corrupt file, one that is not a database, a
// read-only one).
type Health struct {
	// Status is ok, unavailable (503) or failed (500).
	Status string `json:"status"`
	// Store is the series backend (sqlite or influxdb).
	Store string `json:"store"`
	// Read and Write are "ok" or what failed ("not tried" for a write
	// after a failed read).
	Read  string `json:"read"`
	Write string `json:"write"`
	// Error says what is wrong and what to do.
	Error     string    `json:"error,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// Health statuses.
const (
	healthOK          = "ok"
	healthUnavailable = "unavailable"
	healthFailed      = "failed"
)

// healthTTL is how long a check's result is served again: /healthz is
// polled, and its check commits a write.
const healthTTL = time.Second

// healthTimeout bounds a check: a store locked longer is unavailable.
const healthTimeout = 2 * time.Second

// health is what /healthz knows: the last check of the store (at most one
// every healthTTL), and what requests met since that a check may miss — a
// damaged file met by a request (SQLite finds it only on the pages read;
// kept until the central restarts) and a full disk met by a write (a
// small write into the space of the write-ahead log succeeds where a
// batch fails; kept until a batch is stored again).
type health struct {
	// checking is held for a check (up to healthTimeout), mu for the
	// fields only: a request that notes a failure never waits for a check.
	checking  sync.Mutex
	mu        sync.Mutex
	checked   time.Time
	read      error
	write     error
	corrupt   error
	corruptAt time.Time
	full      error
	fullAt    time.Time
}

// observe notes a failure a request met, when it says the store is damaged
// or full.
func (hs *health) observe(now time.Time, err error) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	switch {
	case store.Corrupt(err) && hs.corrupt == nil:
		hs.corrupt, hs.corruptAt = err, now
	case store.Full(err):
		hs.full, hs.fullAt = err, now
	}
}

// wrote notes a write that succeeded: the disk is no longer full.
func (hs *health) wrote() {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.full = nil
}

// checkHealth checks the store (or reuses a check younger than healthTTL
// on the service's clock) and returns /healthz's status and answer.
func (h *Handler) checkHealth(ctx context.Context) (int, Health) {
	hs := &h.health
	hs.checking.Lock()
	defer hs.checking.Unlock()
	now := h.svc.Now()
	hs.mu.Lock()
	stale := hs.checked.IsZero() || now.Before(hs.checked) || now.Sub(hs.checked) >= healthTTL
	hs.mu.Unlock()
	if stale {
		// The request ending does not end the check: its result serves
		// the next requests.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), healthTimeout)
		read, write := h.svc.CheckStore(cctx)
		cancel()
		if read != nil || write != nil {
			h.svc.Log.Error("health check failed", "file", h.svc.StorePath(), "read", read, "write", write)
		}
		for _, err := range []error{read, write} {
			if err != nil {
				hs.observe(now, err)
			}
		}
		hs.mu.Lock()
		hs.read, hs.write, hs.checked = read, write, now
		hs.mu.Unlock()
	}
	hs.mu.Lock()
	defer hs.mu.Unlock()
	body := Health{Status: healthOK, Store: h.svc.Cfg.Store.Backend, Read: "ok", Write: "ok", CheckedAt: hs.checked.UTC()}
	if hs.read != nil {
		body.Read, body.Write = hs.read.Error(), "not tried"
	} else if hs.write != nil {
		body.Write = hs.write.Error()
	}
	// The worst finding decides: permanent (500) over transient (503).
	failed := func(err error, since time.Time) {
		status := errorStatus(err)
		if status == http.StatusServiceUnavailable && body.Status == healthFailed {
			return
		}
		body.Status = healthUnavailable
		if status != http.StatusServiceUnavailable {
			body.Status = healthFailed
		}
		body.Error = err.Error()
		if !since.IsZero() {
			body.Error = fmt.Sprintf("since %s: %s", since.UTC().Format(time.RFC3339), body.Error)
		}
		if advice := central.StoreAdvice(err); advice != "" {
			body.Error += ": " + advice
		}
	}
	if hs.full != nil {
		failed(hs.full, hs.fullAt)
	}
	for _, err := range []error{hs.write, hs.read} {
		if err != nil {
			failed(err, time.Time{})
		}
	}
	if hs.corrupt != nil {
		failed(hs.corrupt, hs.corruptAt)
	}
	switch body.Status {
	case healthFailed:
		return http.StatusInternalServerError, body
	case healthUnavailable:
		return http.StatusServiceUnavailable, body
	}
	return http.StatusOK, body
}
