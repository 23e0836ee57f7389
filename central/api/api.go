// Package api is the central's HTTP API: the read API, ingestion and the
// agents' ping, the admin API (also served on the local operator socket),
// /healthz and /metrics. Every handler answers a failure through the one
// mapping of an error to a status (errorStatus) and calls only the
// application service (central.Service), never the store
// (docs/ARCHITECTURE.md, "Errors and statuses").
package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/auth"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/wire"
)

// Handler is the API, /healthz and /metrics: its routes (Routes) and the
// one mapping of an error to a status (Failure). Who may use each route is
// central/server's route table, through central/auth.
type Handler struct {
	svc     *central.Service
	metrics *metricSet
	health  health
}

// New builds the API's handler.
func New(svc *central.Service) *Handler {
	h := &Handler{svc: svc, metrics: newMetrics()}
	h.metrics.reg.MustRegister(siteStatusCollector{h})
	return h
}

// Routes are the API's routes by pattern, unguarded: central/server puts
// each behind the access its route table gives it.
func (h *Handler) Routes() map[string]http.HandlerFunc {
	routes := map[string]http.HandlerFunc{
		"POST /api/v1/sites/{site}/batches":    h.ingest,
		"GET /api/v1/sites/{site}/ping":        h.ping,
		"GET /api/v1/sites":                    h.sites,
		"GET /api/v1/sites/{site}":             h.site,
		"GET /api/v1/sites/{site}/records.csv": h.recordsCSV,
		"GET /api/v1/inventory":                h.inventory,
		"GET /api/v1/trajectory":               h.trajectory,
		"GET /api/v1/changes":                  h.changes,
		"GET /api/v1/records":                  h.records,
		"GET /api/v1/profiles":                 h.profiles,
		"GET /api/v1/export":                   h.export,
		"GET /healthz":                         h.healthz,
	}
	// A collector that fails is logged and the rest is served: a scrape
	// never fails whole for one metric (siteStatusCollector says so as
	// greenhelp_collector_up).
	routes["GET /metrics"] = promhttp.HandlerFor(h.metrics.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError,
		ErrorLog: slog.NewLogLogger(h.svc.Log.Handler(), slog.LevelError)}).ServeHTTP
	h.adminRoutes(func(pattern string, hf http.HandlerFunc) { routes[pattern] = hf })
	return routes
}

// writeJSON encodes v before sending anything, so that a value JSON
// cannot carry (a non-finite number) is a logged 500 with a message, never
// a 200 with an empty body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	// encoding/json's output (its options, two-space indent, a newline
	// after), written by go-json-experiment's encoder: a third of the time
	// (a year's group inventory of 1,000 sites is 26 MB: 0.57 → 0.21 s).
	err := jsonv2.MarshalWrite(&buf, v, jsonv1.DefaultOptionsV1(), jsontext.WithIndent("  "))
	if err == nil {
		buf.WriteByte('\n')
	}
	if err != nil {
		slog.Error("response not encodable", "status", status, "type", fmt.Sprintf("%T", v), "err", err)
		buf.Reset()
		status = http.StatusInternalServerError
		fmt.Fprintf(&buf, "{\n  \"error\": %q\n}\n", "the answer could not be encoded ("+err.Error()+"): this is a bug, please report it with the central's log")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		slog.Debug("response not sent", "err", err)
	}
}

type apiError struct {
	Error  string                 `json:"error"`
	Errors []footprint.FieldError `json:"errors,omitempty"`
}

// batchError is one bad record of a batch.
type batchError struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// sites lists the sites the asker sees: every one for the group's
// viewers, an ambassador's own.
func (h *Handler) sites(w http.ResponseWriter, r *http.Request) {
	sites, err := h.svc.Sites(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	if p := auth.FromContext(r.Context()); p != nil && !p.SeesGroup() {
		sites = slices.DeleteFunc(sites, func(s store.Site) bool { return !p.SeesSite(s.ID) })
	}
	writeJSON(w, http.StatusOK, sites)
}

func (h *Handler) site(w http.ResponseWriter, r *http.Request) {
	d, err := h.svc.SiteDetail(r.Context(), r.PathValue("site"))
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// yearParam is the request's ?year= (central.ParseYear), the year before
// this one when there is none.
func yearParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("year")
	if s == "" {
		return time.Now().Year() - 1, nil
	}
	return central.ParseYear(s)
}

// errorStatus is the one mapping of an error to an HTTP status, for the
// API, ingestion, the admin API and the pages alike:
//
//   - refused for its input (central.ErrInvalid; a batch that is not one
//     or breaks the contract, wire.ErrNotBatch, *wire.InvalidError): 400;
//   - a batch over limits.max_batch (central.ErrTooMany): 413;
//   - nothing there (store.ErrNotFound, ErrNoData, planning.ErrNoHistory): 404;
//   - a clash with what is stored (store.ErrConflict, store.ErrExists,
//     store.ErrYearClosed): 409;
//   - a store failure a retry cannot cure (store.ErrPermanent: a corrupt
//     file, one that is not a database, a read-only file): 500, never
//     Retry-After — it does not pass by itself: the operator must act (an
//     agent keeps the batch and retries at its own backoff);
//   - a store failure that may pass (store.ErrUnavailable: busy or locked,
//     a full disk; a context that ended): 503 with Retry-After;
//   - anything else: 500.
func errorStatus(err error) int {
	switch {
	case errors.Is(err, central.ErrInvalid), errors.Is(err, wire.ErrNotBatch), errors.As(err, new(*wire.InvalidError)):
		return http.StatusBadRequest
	case errors.Is(err, central.ErrTooMany):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, store.ErrNotFound), errors.Is(err, central.ErrNoData), errors.Is(err, planning.ErrNoHistory):
		return http.StatusNotFound
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrExists), errors.Is(err, store.ErrYearClosed):
		return http.StatusConflict
	case errors.Is(err, store.ErrPermanent):
		return http.StatusInternalServerError
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// retryAfter is the Retry-After of a 503: the agent waits that long (at
// most its backoff maximum) before it sends again.
const retryAfter = "30"

// Failure logs a server-side failure, notes a damaged or full store for
// /healthz, sets Retry-After on a 503 and returns err's status
// (errorStatus) and the message to answer with: the pages answer with it
// too.
func (h *Handler) Failure(w http.ResponseWriter, err error) (int, string) {
	status := errorStatus(err)
	msg := err.Error()
	switch status {
	case http.StatusServiceUnavailable:
		h.health.observe(h.svc.Now(), err)
		h.svc.Log.Warn("store unavailable", "err", err)
		w.Header().Set("Retry-After", retryAfter)
		msg = "store unavailable, retry later: " + msg
	case http.StatusInternalServerError:
		h.health.observe(h.svc.Now(), err)
		h.svc.Log.Error("request failed", "err", err)
		if advice := central.StoreAdvice(err); advice != "" {
			msg += ": " + advice
		}
	}
	return status, msg
}

// fail answers err as JSON with errorStatus's status.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	status, msg := h.Failure(w, err)
	writeJSON(w, status, apiError{Error: msg})
}

func (h *Handler) inventory(w http.ResponseWriter, r *http.Request) {
	year, err := yearParam(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	start := time.Now()
	defer func() { h.metrics.storeLatency.WithLabelValues("inventory").Observe(time.Since(start).Seconds()) }()
	if site := r.URL.Query().Get("site"); site != "" {
		inv, err := h.svc.SiteInventory(r.Context(), site, year)
		if err != nil {
			h.fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, inv)
		return
	}
	g, err := h.svc.Inventory(r.Context(), year)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

func (h *Handler) trajectory(w http.ResponseWriter, r *http.Request) {
	rep, err := h.svc.Trajectory(r.Context(), r.URL.Query().Get("site"))
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// changes answers what changed from the year before and why.
func (h *Handler) changes(w http.ResponseWriter, r *http.Request) {
	year, err := yearParam(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	rep, err := h.svc.Changes(r.Context(), year)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// records answers the activity records behind every line of a site's
// inventory for a year (?site=&year=).
func (h *Handler) records(w http.ResponseWriter, r *http.Request) {
	year, err := yearParam(r)
	if err != nil || year == 0 {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "year: want ?year=YYYY and ?site=ID"})
		return
	}
	site := r.URL.Query().Get("site")
	if site == "" {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "site: missing: want ?site=ID&year=YYYY"})
		return
	}
	inv, err := h.svc.TracedInventory(r.Context(), site, year)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"site": site, "year": year, "lines": inv.Lines, "records": inv.Records})
}

func (h *Handler) profiles(w http.ResponseWriter, r *http.Request) {
	year, err := yearParam(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	as, err := h.svc.Assignments(r.Context(), year)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "profiles": h.svc.Profiles.Profiles, "sites": as})
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	status, body := h.checkHealth(r.Context())
	writeJSON(w, status, body)
}
