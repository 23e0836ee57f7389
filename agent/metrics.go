package agent

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsConfig exposes /metrics and /healthz when Listen is set (e.g.
// "127.0.0.1:9464"), for the group's monitoring of its 200 agents.
type MetricsConfig struct {
	Listen string `mapstructure:"listen"`
}

// statusCollector turns the agent's status into Prometheus metrics at each
// scrape.
type statusCollector struct{ a *Agent }

var (
	descPending     = prometheus.NewDesc("greenhelp_agent_outbox_batches", "Batches waiting for the central's acknowledgement.", nil, nil)
	descPendingB    = prometheus.NewDesc("greenhelp_agent_outbox_bytes", "Bytes waiting in the outbox.", nil, nil)
	descOutboxMax   = prometheus.NewDesc("greenhelp_agent_outbox_max_bytes", "The outbox's size bound.", nil, nil)
	descOldest      = prometheus.NewDesc("greenhelp_agent_outbox_oldest_timestamp_seconds", "Unix time the oldest pending batch was written (0: none).", nil, nil)
	descUpload      = prometheus.NewDesc("greenhelp_agent_last_upload_timestamp_seconds", "Unix time of the last acknowledged batch.", nil, nil)
	descCollect     = prometheus.NewDesc("greenhelp_agent_last_collect_timestamp_seconds", "Unix time of the last collection.", nil, nil)
	descQuarantined = prometheus.NewDesc("greenhelp_agent_quarantined_batches", "Batches the central refused.", nil, nil)
	descSourceUp    = prometheus.NewDesc("greenhelp_agent_source_up", "1 when the source's last run read cleanly.", []string{"source"}, nil)
	descSourceRows  = prometheus.NewDesc("greenhelp_agent_source_rows", "Rows read by the source's last run.", []string{"source"}, nil)
	descSourceRej   = prometheus.NewDesc("greenhelp_agent_source_rejected_rows", "Rows rejected by the source's last run.", []string{"source"}, nil)
	descSourceOK    = prometheus.NewDesc("greenhelp_agent_source_last_success_timestamp_seconds", "Unix time of the source's last successful read.", []string{"source"}, nil)
)

func (c statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPending, descPendingB, descOutboxMax, descOldest, descUpload, descCollect, descQuarantined, descSourceUp, descSourceRows, descSourceRej, descSourceOK} {
		ch <- d
	}
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

func (c statusCollector) Collect(ch chan<- prometheus.Metric) {
	st, err := c.a.Status()
	if err != nil {
		return
	}
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	g(descPending, float64(st.Pending))
	g(descPendingB, float64(st.PendingBytes))
	g(descOutboxMax, float64(c.a.Cfg.Outbox.MaxSize))
	oldest := 0.0
	if st.Oldest != nil {
		oldest = unix(*st.Oldest)
	}
	g(descOldest, oldest)
	g(descUpload, unix(st.LastUpload))
	g(descCollect, unix(st.LastCollect))
	g(descQuarantined, float64(len(st.Quarantined)))
	for _, h := range st.Sources {
		up := 0.0
		if h.OK() {
			up = 1
		}
		g(descSourceUp, up, h.ID)
		g(descSourceRows, float64(h.RowsRead), h.ID)
		g(descSourceRej, float64(h.RowsRejected), h.ID)
		g(descSourceOK, unix(h.LastSuccess), h.ID)
	}
}

// Health is /healthz's answer.
type Health struct {
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Pending int    `json:"pending_batches"`
}

// health is unhealthy when the outbox is nearly full (collection is about
// to stop) or batches have waited more than two days for the central.
func (a *Agent) health() (Health, int) {
	st, err := a.Status()
	if err != nil {
		return Health{Status: "unavailable", Reason: err.Error()}, http.StatusServiceUnavailable
	}
	h := Health{Status: "ok", Pending: st.Pending}
	switch {
	case float64(st.PendingBytes) >= 0.9*float64(a.Cfg.Outbox.MaxSize):
		h.Status, h.Reason = "degraded", "outbox over 90 % of outbox.max_size: collection will stop"
	case st.Oldest != nil && time.Since(*st.Oldest) > 48*time.Hour:
		h.Status, h.Reason = "degraded", "batches have waited more than 48 h for the central"
	}
	if h.Status != "ok" {
		return h, http.StatusServiceUnavailable
	}
	return h, http.StatusOK
}

// MetricsHandler serves /metrics and /healthz.
func (a *Agent) MetricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(statusCollector{a})
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h, code := a.health()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		if err := json.NewEncoder(w).Encode(h); err != nil {
			a.Log.Warn("healthz answer not sent", "err", err)
		}
	})
	return mux
}
