package central

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// Metrics are the service's Prometheus metrics.
type Metrics struct {
	reg          *prometheus.Registry
	batches      *prometheus.CounterVec
	activities   prometheus.Counter
	rejections   *prometheus.CounterVec
	lastSeen     *prometheus.GaugeVec
	storeLatency *prometheus.HistogramVec
}

func newMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "greenhelp_batches_total",
			Help: "Batches received, by site and result (accepted, duplicate, rejected, unavailable)."}, []string{"site", "result"}),
		activities: prometheus.NewCounter(prometheus.CounterOpts{Name: "greenhelp_activities_total",
			Help: "Activity records stored (a replaced key counts again)."}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "greenhelp_rejections_total",
			Help: "Requests refused, by reason."}, []string{"reason"}),
		lastSeen: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "greenhelp_site_last_seen_timestamp_seconds",
			Help: "Unix time of the site's last accepted batch."}, []string{"site"}),
		storeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "greenhelp_store_seconds",
			Help: "Store operation latency.", Buckets: prometheus.DefBuckets}, []string{"op"}),
	}
	m.reg.MustRegister(m.batches, m.activities, m.rejections, m.lastSeen, m.storeLatency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the API, /healthz and /metrics.
type Handler struct {
	svc     *Service
	metrics *Metrics
	mux     *http.ServeMux
}

// NewHandler builds the HTTP routes.
func NewHandler(svc *Service) *Handler {
	h := &Handler{svc: svc, metrics: newMetrics(), mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /api/v1/sites/{site}/batches", h.ingest)
	h.mux.HandleFunc("GET /api/v1/sites", h.viewer(h.sites))
	h.mux.HandleFunc("GET /api/v1/sites/{site}", h.viewer(h.site))
	h.mux.HandleFunc("GET /api/v1/inventory", h.viewer(h.inventory))
	h.mux.HandleFunc("GET /api/v1/trajectory", h.viewer(h.trajectory))
	h.mux.HandleFunc("GET /api/v1/profiles", h.viewer(h.profiles))
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.Handle("GET /metrics", promhttp.HandlerFor(h.metrics.reg, promhttp.HandlerOpts{}))
	h.AddPages()
	return h
}

// Handle adds a route (the pages register here).
func (h *Handler) Handle(pattern string, hf http.HandlerFunc, protect bool) {
	if protect {
		hf = h.viewer(hf)
	}
	h.mux.HandleFunc(pattern, hf)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
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

// viewer wraps read endpoints with basic auth when viewer credentials are set.
func (h *Handler) viewer(next http.HandlerFunc) http.HandlerFunc {
	v := h.svc.Cfg.Viewer
	if v.User == "" {
		return next
	}
	return func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(v.User)) != 1 || subtle.ConstantTimeCompare([]byte(p), []byte(v.Password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="greenhelp"`)
			writeJSON(w, http.StatusUnauthorized, apiError{Error: "viewer credentials required"})
			return
		}
		next(w, r)
	}
}

func (h *Handler) unavailable(w http.ResponseWriter, err error) {
	h.svc.Log.Error("store unavailable", "err", err)
	w.Header().Set("Retry-After", "30")
	writeJSON(w, http.StatusServiceUnavailable, apiError{Error: "store unavailable, retry later"})
}

// ingest is POST /api/v1/sites/{site}/batches (DESIGN.md, "The wire").
func (h *Handler) ingest(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	site := r.PathValue("site")
	m := h.metrics
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	owner, err := h.svc.Catalog.Authenticate(ctx, strings.TrimSpace(tok))
	switch {
	case err != nil:
		m.batches.WithLabelValues(site, "unavailable").Inc()
		h.unavailable(w, err)
		return
	case owner == "":
		m.rejections.WithLabelValues("unauthorized").Inc()
		writeJSON(w, http.StatusUnauthorized, apiError{Error: "missing or unknown site token"})
		return
	case owner != site:
		m.rejections.WithLabelValues("forbidden").Inc()
		writeJSON(w, http.StatusForbidden, apiError{Error: fmt.Sprintf("this token belongs to site %q, not %q", owner, site)})
		return
	}
	limit := int64(h.svc.Cfg.Limits.MaxBody)
	body := io.Reader(http.MaxBytesReader(w, r.Body, limit))
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(body)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Error: "body: not gzip: " + err.Error()})
			return
		}
		// Bound the decompressed size too (a gzip bomb is 1000:1).
		body = io.LimitReader(zr, limit+1)
	}
	raw, err := io.ReadAll(body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || int64(len(raw)) > limit {
		m.rejections.WithLabelValues("too_large").Inc()
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{Error: fmt.Sprintf("body over limits.max_body (%s): send smaller batches", h.svc.Cfg.Limits.MaxBody)})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: " + err.Error()})
		return
	}
	var b struct {
		ID         string               `json:"id"`
		Site       *footprint.Site      `json:"site"`
		Activities []footprint.Activity `json:"activities"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		m.rejections.WithLabelValues("bad_json").Inc()
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: not a batch (want {\"id\", \"site\", \"activities\"}): " + err.Error()})
		return
	}
	if len(b.Activities) > h.svc.Cfg.Limits.MaxBatch {
		m.rejections.WithLabelValues("too_large").Inc()
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{Error: fmt.Sprintf("%d records: a batch carries at most limits.max_batch = %d", len(b.Activities), h.svc.Cfg.Limits.MaxBatch)})
		return
	}
	if strings.TrimSpace(b.ID) == "" || len(b.ID) > 128 {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "id: missing or over 128 characters: every batch has an id"})
		return
	}
	seen, err := h.svc.Catalog.BatchSeen(ctx, site, b.ID)
	if err != nil {
		m.batches.WithLabelValues(site, "unavailable").Inc()
		h.unavailable(w, err)
		return
	}
	if seen {
		m.batches.WithLabelValues(site, "duplicate").Inc()
		writeJSON(w, http.StatusOK, map[string]any{"id": b.ID, "status": "duplicate", "accepted": 0})
		return
	}
	var bad []batchError
	for i, a := range b.Activities {
		for _, fe := range a.Validate("activities") {
			bad = append(bad, batchError{Index: i, Field: strings.TrimPrefix(fe.Path, "activities."), Message: fe.Error()})
		}
	}
	if b.Site != nil {
		if b.Site.ID != site {
			bad = append(bad, batchError{Index: -1, Field: "site.id", Message: fmt.Sprintf("site.id: %q: the declaration must be the path's site %q", b.Site.ID, site)})
		} else if err := b.Site.Validate("site"); err != nil {
			var ve *footprint.ValidationError
			if errors.As(err, &ve) {
				for _, fe := range ve.Errors {
					bad = append(bad, batchError{Index: -1, Field: fe.Path, Message: fe.Error()})
				}
			}
		}
	}
	if len(bad) > 0 {
		m.batches.WithLabelValues(site, "rejected").Inc()
		m.rejections.WithLabelValues("invalid").Inc()
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("%d problem(s): nothing of this batch was stored", len(bad)), "errors": bad})
		return
	}
	start := time.Now()
	if err := h.svc.Series.Write(ctx, site, b.Activities); err != nil {
		m.batches.WithLabelValues(site, "unavailable").Inc()
		h.unavailable(w, err)
		return
	}
	m.storeLatency.WithLabelValues("write").Observe(time.Since(start).Seconds())
	h.svc.Changed() // the pages' cached data is stale from here on
	sum := sha256.Sum256(raw)
	if err := h.svc.Catalog.LogBatch(ctx, store.BatchLog{ID: b.ID, Site: site, ReceivedAt: time.Now(), Count: len(b.Activities), SHA256: hex.EncodeToString(sum[:])}, b.Site); err != nil {
		// The records are stored (idempotently); the agent will retry and
		// the re-write replaces them with the same values.
		m.batches.WithLabelValues(site, "unavailable").Inc()
		h.unavailable(w, err)
		return
	}
	m.batches.WithLabelValues(site, "accepted").Inc()
	m.activities.Add(float64(len(b.Activities)))
	m.lastSeen.WithLabelValues(site).SetToCurrentTime()
	h.svc.Log.Info("batch accepted", "site", site, "batch", b.ID, "records", len(b.Activities), "declaration", b.Site != nil)
	writeJSON(w, http.StatusOK, map[string]any{"id": b.ID, "status": "accepted", "accepted": len(b.Activities)})
}

func (h *Handler) sites(w http.ResponseWriter, r *http.Request) {
	sites, err := h.svc.Catalog.Sites(r.Context())
	if err != nil {
		h.unavailable(w, err)
		return
	}
	if sites == nil {
		sites = []store.Site{}
	}
	writeJSON(w, http.StatusOK, sites)
}

// SiteDetail is GET /api/v1/sites/{id}.
type SiteDetail struct {
	store.Site
	Versions  []store.SiteVersion `json:"declaration_history"`
	LastBatch *store.BatchLog     `json:"last_batch"`
	Freshness []SourceFreshness   `json:"sources"`
}

// SourceFreshness is the latest day each source has data for.
type SourceFreshness struct {
	Source  string `json:"source"`
	LastEnd string `json:"last_day_covered"`
	Records int    `json:"records"`
}

func (h *Handler) site(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("site")
	s, err := h.svc.Catalog.Site(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, apiError{Error: err.Error()})
		return
	}
	if err != nil {
		h.unavailable(w, err)
		return
	}
	d := SiteDetail{Site: s, Versions: []store.SiteVersion{}, Freshness: []SourceFreshness{}}
	if d.Versions, err = h.svc.Catalog.Versions(ctx, id); err != nil {
		h.unavailable(w, err)
		return
	}
	if bs, err := h.svc.Catalog.Batches(ctx, id, 1); err == nil && len(bs) > 0 {
		d.LastBatch = &bs[0]
	}
	recs, err := h.svc.Series.Read(ctx, store.Query{Sites: []string{id}})
	if err != nil {
		h.unavailable(w, err)
		return
	}
	by := map[string]*SourceFreshness{}
	var order []string
	for _, rec := range recs {
		f := by[rec.Source]
		if f == nil {
			f = &SourceFreshness{Source: rec.Source}
			by[rec.Source] = f
			order = append(order, rec.Source)
		}
		f.Records++
		if last := rec.End.AddDays(-1).String(); last > f.LastEnd {
			f.LastEnd = last
		}
	}
	for _, src := range order {
		d.Freshness = append(d.Freshness, *by[src])
	}
	writeJSON(w, http.StatusOK, d)
}

func yearParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("year")
	if s == "" {
		return time.Now().Year() - 1, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		return 0, fmt.Errorf("year %q: want a year such as 2024", s)
	}
	return y, nil
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeJSON(w, http.StatusNotFound, apiError{Error: err.Error()})
	case errors.Is(err, ErrNoData), errors.Is(err, footprint.ErrNoHistory):
		writeJSON(w, http.StatusNotFound, apiError{Error: err.Error()})
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		h.unavailable(w, err)
	default:
		writeJSON(w, http.StatusInternalServerError, apiError{Error: err.Error()})
	}
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
	if _, err := h.svc.Catalog.SchemaVersion(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": h.svc.Cfg.Store.Backend})
}

// Serve runs the HTTP server until ctx ends, then shuts down gracefully:
// in-flight batches finish (committed and acknowledged) or are not
// acknowledged at all.
func Serve(ctx context.Context, svc *Service, h http.Handler, ready func(addr string)) error {
	srv := &http.Server{Addr: svc.Cfg.Addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ln, err := listen(svc.Cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		if svc.Cfg.TLS.Cert != "" {
			errc <- srv.ServeTLS(ln, svc.Cfg.TLS.Cert, svc.Cfg.TLS.Key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	svc.Log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
