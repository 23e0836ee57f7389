package api

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/auth"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/wire"
)

// siteToken checks the request's bearer token is site's; otherwise it
// answers 401 (unknown token) or 403 (another site's) and returns false.
func (h *Handler) siteToken(w http.ResponseWriter, r *http.Request, site string) bool {
	owner, err := h.svc.Authenticate(r.Context(), auth.Bearer(r))
	switch {
	case err != nil:
		h.storeFailed(w, site, err)
		return false
	case owner == "":
		h.refusedToken(r, site, "unauthorized")
		writeJSON(w, http.StatusUnauthorized, apiError{Error: "missing or unknown site token"})
		return false
	case owner != site:
		h.refusedToken(r, site, "forbidden")
		writeJSON(w, http.StatusForbidden, apiError{Error: fmt.Sprintf("this token belongs to site %q, not %q", owner, footprint.Clip(site))})
		return false
	}
	return true
}

// ping is GET /api/v1/sites/{site}/ping: the central is reachable and
// the token is the site's (an agent's `check --ping`).
func (h *Handler) ping(w http.ResponseWriter, r *http.Request) {
	site := r.PathValue("site")
	if !h.siteToken(w, r, site) {
		return
	}
	p, err := h.svc.Ping(r.Context(), site)
	if err != nil {
		h.storeFailed(w, site, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// ingest is POST /api/v1/sites/{site}/batches (docs/ARCHITECTURE.md, "The wire contract"): it
// authenticates, reads and decodes the body, calls Service.Ingest and maps
// its errors to status codes: what only ingestion refuses (an invalid
// batch 400, too many records 413, an id reused 409, counted apart), the
// rest through storeFailed.
func (h *Handler) ingest(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	site := r.PathValue("site")
	m := h.metrics
	if !h.siteToken(w, r, site) {
		return
	}
	raw, status, msg := h.readBody(w, r)
	if status != 0 {
		reason := "bad_body"
		if status == http.StatusRequestEntityTooLarge {
			reason = "too_large"
		}
		m.rejections.WithLabelValues(reason).Inc()
		writeJSON(w, status, apiError{Error: msg})
		return
	}
	b, err := wire.Decode(raw)
	if err == nil {
		start := time.Now()
		var res central.IngestResult
		res, err = h.svc.Ingest(ctx, site, b)
		if err == nil {
			m.storeLatency.WithLabelValues("write").Observe(time.Since(start).Seconds())
			m.batches.WithLabelValues(site, res.Status).Inc()
			if res.Status == "accepted" {
				h.health.wrote() // the store takes writes again (a full disk was freed)
				m.activities.Add(float64(res.Accepted))
				m.lastSeen.WithLabelValues(site).SetToCurrentTime()
				h.svc.Log.Info("batch accepted", "site", site, "batch", b.ID, "records", res.Accepted, "declaration", b.Site != nil)
			}
			writeJSON(w, http.StatusOK, res)
			return
		}
	}
	// The status is errorStatus's; what only ingestion does is count the
	// refusal and, for an invalid batch, list its problems.
	var invalid *wire.InvalidError
	switch status := errorStatus(err); {
	case errors.As(err, &invalid):
		m.batches.WithLabelValues(site, "rejected").Inc()
		m.rejections.WithLabelValues("invalid").Inc()
		h.svc.Log.Warn("batch refused", "site", site, "batch", footprint.Clip(b.ID), "problems", len(invalid.Problems), "first", invalid.Problems[0].Message)
		writeJSON(w, status, map[string]any{"error": fmt.Sprintf("%d problem(s): nothing of this batch was stored", len(invalid.Problems)), "errors": invalid.Problems})
	case errors.Is(err, wire.ErrNotBatch):
		m.rejections.WithLabelValues("bad_json").Inc()
		writeJSON(w, status, apiError{Error: "body: " + err.Error()})
	case errors.Is(err, central.ErrTooMany):
		m.rejections.WithLabelValues("too_large").Inc()
		writeJSON(w, status, apiError{Error: err.Error()})
	case errors.Is(err, store.ErrConflict):
		m.batches.WithLabelValues(site, "conflict").Inc()
		h.svc.Log.Warn("batch id reused for another content: refused", "site", site, "batch", b.ID)
		writeJSON(w, status, apiError{Error: err.Error()})
	default:
		h.storeFailed(w, site, err)
	}
}

// readBody reads the (possibly gzipped) body within limits.max_body, both
// compressed and decompressed. A non-zero status is the answer to give. A
// body still arriving when limits.read_timeout ends is 408: a slow uplink,
// not a bad batch (the agent sends it again; a 400 would set it aside).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	limit := int64(h.svc.Cfg.Limits.MaxBody)
	body := io.Reader(http.MaxBytesReader(w, r.Body, limit))
	// isTimeout: the read deadline (limits.read_timeout) passed, nothing
	// was wrong with what was read.
	isTimeout := func(err error) bool {
		var ne net.Error
		return err != nil && (errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout())
	}
	timedOut := func(err error) (int, string) {
		h.svc.Log.Warn("batch body not received within limits.read_timeout", "site", footprint.Clip(r.PathValue("site")), "read_timeout", h.svc.Cfg.Limits.ReadTimeout, "remote", r.RemoteAddr)
		return http.StatusRequestTimeout, fmt.Sprintf("body: not received within limits.read_timeout (%s): the connection is too slow for this batch; send it again (smaller batches go faster): %v", h.svc.Cfg.Limits.ReadTimeout, err)
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(body)
		if isTimeout(err) {
			status, msg := timedOut(err)
			return nil, status, msg
		}
		if err != nil {
			return nil, http.StatusBadRequest, "body: not gzip: " + err.Error()
		}
		// Bound the decompressed size too (a gzip bomb is 1000:1).
		body = io.LimitReader(zr, limit+1)
	}
	raw, err := io.ReadAll(body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || int64(len(raw)) > limit {
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over limits.max_body (%s): send smaller batches", h.svc.Cfg.Limits.MaxBody)
	}
	if isTimeout(err) {
		status, msg := timedOut(err)
		return nil, status, msg
	}
	if err != nil {
		return nil, http.StatusBadRequest, "body: " + err.Error()
	}
	return raw, 0, ""
}

// storeFailed answers a store failure as every handler does (errorStatus):
// 503 with Retry-After when a retry may succeed, 500 with the message when
// only the operator can cure it (/healthz says so too; the agent keeps the
// batch and retries at its backoff, so nothing waits on a site once the
// store is mended). It counts the batch as unavailable or failed.
func (h *Handler) storeFailed(w http.ResponseWriter, site string, err error) {
	status, msg := h.Failure(w, err)
	switch status {
	case http.StatusServiceUnavailable:
		h.metrics.batches.WithLabelValues(site, "unavailable").Inc()
	case http.StatusInternalServerError:
		h.metrics.batches.WithLabelValues(site, "failed").Inc()
	}
	writeJSON(w, status, apiError{Error: msg})
}

// refusedToken logs and counts a refused token (never the token itself),
// per site when the path names a known site.
func (h *Handler) refusedToken(r *http.Request, site, reason string) {
	h.metrics.rejections.WithLabelValues(reason).Inc()
	label := "unknown"
	if h.svc.Known(r.Context(), site) {
		label = site
	}
	h.metrics.refusedTokens.WithLabelValues(label, reason).Inc()
	h.svc.Log.Warn("site token refused", "site", footprint.Clip(site), "reason", reason, "remote", r.RemoteAddr)
}
