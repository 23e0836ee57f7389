package central

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/planning"
)

// Metrics are the service's Prometheus metrics.
type Metrics struct {
	reg          *prometheus.Registry
	batches      *prometheus.CounterVec
	activities   prometheus.Counter
	rejections   *prometheus.CounterVec
	lastSeen     *prometheus.GaugeVec
	storeLatency *prometheus.HistogramVec
	// refusedTokens counts refused site tokens by site ("unknown" when the
	// path names no site of the catalog) and reason.
	refusedTokens *prometheus.CounterVec
}

func newMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "greenhelp_batches_total",
			Help: "Batches received, by site and result (accepted, duplicate, rejected, conflict, unavailable, failed)."}, []string{"site", "result"}),
		activities: prometheus.NewCounter(prometheus.CounterOpts{Name: "greenhelp_activities_total",
			Help: "Activity records stored (a replaced key counts again)."}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "greenhelp_rejections_total",
			Help: "Requests refused, by reason."}, []string{"reason"}),
		lastSeen: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "greenhelp_site_last_seen_timestamp_seconds",
			Help: "Unix time of the site's last accepted batch."}, []string{"site"}),
		refusedTokens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "greenhelp_refused_tokens_total",
			Help: "Site tokens refused on ingestion, by site (unknown: not in the catalog) and reason (unauthorized, forbidden)."}, []string{"site", "reason"}),
		storeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "greenhelp_store_seconds",
			Help: "Store operation latency.", Buckets: prometheus.DefBuckets}, []string{"op"}),
	}
	m.reg.MustRegister(m.batches, m.activities, m.rejections, m.lastSeen, m.storeLatency, m.refusedTokens,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// siteStatusCollector exports each site's status at scrape time:
// greenhelp_site_silent (1: silent, see SiteStatuses) and
// greenhelp_site_closed. A store that cannot be read is
// greenhelp_collector_up{collector="sites"} 0 and a log line, never a
// failed scrape: the other metrics still answer.
type siteStatusCollector struct{ h *Handler }

var (
	siteSilentDesc = prometheus.NewDesc("greenhelp_site_silent",
		"1 when the site stopped sending: no batch for sites.silent_after_days, or its newest record sites.behind_after_days behind the group's.", []string{"site"}, nil)
	siteClosedDesc  = prometheus.NewDesc("greenhelp_site_closed", "1 when the site is closed (sites close).", []string{"site"}, nil)
	collectorUpDesc = prometheus.NewDesc("greenhelp_collector_up",
		"1 when the collector read what it exports at this scrape, 0 when it failed (the reason is in the central's log).", []string{"collector"}, nil)
)

// collectTimeout bounds a collector's store reads (a scrape times out
// after 10 s by default in Prometheus).
const collectTimeout = 5 * time.Second

func (siteStatusCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- siteSilentDesc
	ch <- siteClosedDesc
	ch <- collectorUpDesc
}

func (c siteStatusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), collectTimeout)
	defer cancel()
	sts, err := c.h.svc.SiteStatuses(ctx)
	if err != nil {
		c.h.health.observe(c.h.svc.now(), err)
		c.h.svc.Log.Error("metrics: site statuses not collected", "collector", "sites", "err", err)
		ch <- prometheus.MustNewConstMetric(collectorUpDesc, prometheus.GaugeValue, 0, "sites")
		return
	}
	ch <- prometheus.MustNewConstMetric(collectorUpDesc, prometheus.GaugeValue, 1, "sites")
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	for _, s := range sts {
		ch <- prometheus.MustNewConstMetric(siteSilentDesc, prometheus.GaugeValue, b(s.Status == StatusSilent), s.ID)
		ch <- prometheus.MustNewConstMetric(siteClosedDesc, prometheus.GaugeValue, b(s.Status == StatusClosed), s.ID)
	}
}

// Handler serves the API, /healthz and /metrics.
type Handler struct {
	svc     *Service
	metrics *Metrics
	mux     *http.ServeMux
	health  health
}

// NewHandler builds the HTTP routes.
func NewHandler(svc *Service) *Handler {
	h := &Handler{svc: svc, metrics: newMetrics(), mux: http.NewServeMux()}
	h.metrics.reg.MustRegister(siteStatusCollector{h})
	h.mux.HandleFunc("POST /api/v1/sites/{site}/batches", h.ingest)
	h.mux.HandleFunc("GET /api/v1/sites/{site}/ping", h.ping)
	h.adminRoutes(func(pattern string, hf http.HandlerFunc) { h.mux.HandleFunc(pattern, h.admin(hf)) })
	h.mux.HandleFunc("GET /api/v1/sites", h.viewer(h.sites))
	h.mux.HandleFunc("GET /api/v1/sites/{site}", h.viewer(h.site))
	h.mux.HandleFunc("GET /api/v1/inventory", h.viewer(h.inventory))
	h.mux.HandleFunc("GET /api/v1/trajectory", h.viewer(h.trajectory))
	h.mux.HandleFunc("GET /api/v1/changes", h.viewer(h.changes))
	h.mux.HandleFunc("GET /api/v1/records", h.viewer(h.records))
	h.mux.HandleFunc("GET /api/v1/profiles", h.viewer(h.profiles))
	h.mux.HandleFunc("GET /healthz", h.healthz)
	// A collector that fails is logged and the rest is served: a scrape
	// never fails whole for one metric (siteStatusCollector says so as
	// greenhelp_collector_up).
	metrics := promhttp.HandlerFor(h.metrics.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError,
		ErrorLog: slog.NewLogLogger(svc.Log.Handler(), slog.LevelError)}).ServeHTTP
	if svc.Cfg.Viewer.ProtectMetrics {
		metrics = h.viewer(metrics)
	}
	h.mux.HandleFunc("GET /metrics", metrics)
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

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { withSecurityHeaders(w, r, h.mux) }

// writeJSON encodes v before sending anything, so that a value JSON
// cannot carry (a non-finite number) is a logged 500 with a message, never
// a 200 with an empty body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
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

func (h *Handler) sites(w http.ResponseWriter, r *http.Request) {
	sites, err := h.svc.Store.Sites(r.Context())
	if err != nil {
		h.fail(w, err)
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
	Quality   DataQuality         `json:"data_quality"`
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
	s, err := h.svc.Store.Site(ctx, id)
	if err != nil {
		h.fail(w, err)
		return
	}
	d := SiteDetail{Site: s, Versions: []store.SiteVersion{}, Freshness: []SourceFreshness{}}
	if d.Versions, err = h.svc.Store.Versions(ctx, id); err != nil {
		h.fail(w, err)
		return
	}
	bs, err := h.svc.Store.Batches(ctx, id, 1)
	if err != nil {
		h.fail(w, err)
		return
	}
	if len(bs) > 0 {
		d.LastBatch = &bs[0]
	}
	recs, err := h.svc.Store.Read(ctx, store.Query{Sites: []string{id}})
	if err != nil {
		h.fail(w, err)
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
	if d.Quality, err = h.svc.dataQuality(ctx, s, recs); err != nil {
		h.fail(w, err)
		return
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

// errorStatus is the one mapping of an error to an HTTP status, for the
// API, ingestion, the admin API and the pages alike:
//
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
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, store.ErrNotFound), errors.Is(err, ErrNoData), errors.Is(err, planning.ErrNoHistory):
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

// failStatus logs a server-side failure, notes a damaged or full store for
// /healthz, sets Retry-After on a 503 and returns err's status
// (errorStatus) and the message to answer with.
func (h *Handler) failStatus(w http.ResponseWriter, err error) (int, string) {
	status := errorStatus(err)
	msg := err.Error()
	switch status {
	case http.StatusServiceUnavailable:
		h.health.observe(h.svc.now(), err)
		h.svc.Log.Warn("store unavailable", "err", err)
		w.Header().Set("Retry-After", retryAfter)
		msg = "store unavailable, retry later: " + msg
	case http.StatusInternalServerError:
		h.health.observe(h.svc.now(), err)
		h.svc.Log.Error("request failed", "err", err)
		if advice := storeAdvice(err); advice != "" {
			msg += ": " + advice
		}
	}
	return status, msg
}

// fail answers err as JSON with errorStatus's status.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	status, msg := h.failStatus(w, err)
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

// Serve runs the HTTP server until ctx ends, then shuts down gracefully:
// in-flight batches finish (committed and acknowledged) or are not
// acknowledged at all.
func Serve(ctx context.Context, svc *Service, h http.Handler, ready func(addr string)) error {
	l := svc.Cfg.Limits
	srv := &http.Server{Addr: svc.Cfg.Addr, Handler: h, ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout,
		WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout, MaxHeaderBytes: int(l.MaxHeaderBytes),
		ErrorLog: slog.NewLogLogger(svc.Log.Handler(), slog.LevelWarn)}
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
