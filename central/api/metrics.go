package api

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/greenhelp/greenhelp/central"
)

// metricSet is the central's Prometheus metrics.
type metricSet struct {
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

func newMetrics() *metricSet {
	m := &metricSet{
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
		// The same collectors as prometheus/collectors', through the
		// prometheus package: collectors imports database/sql (its
		// DBStatsCollector), and the API reaches no database.
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{})) //nolint:staticcheck
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
		c.h.health.observe(c.h.svc.Now(), err)
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
		ch <- prometheus.MustNewConstMetric(siteSilentDesc, prometheus.GaugeValue, b(s.Status == central.StatusSilent), s.ID)
		ch <- prometheus.MustNewConstMetric(siteClosedDesc, prometheus.GaugeValue, b(s.Status == central.StatusClosed), s.ID)
	}
}
