package collector

import (
	"math"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// cloudCollector reads a cloud provider's emissions export — or, where
// the provider gives none, the usage it is estimated from — into monthly
// `cloud` records (Scope 3 category 1 at the central):
//
//   - report: aws — the Customer Carbon Footprint Tool's data export
//     (Amazon Data Exports, "carbon emissions" columns): usage_period_start,
//     usage_period_end, product_code, region_code,
//     total_mbm_emissions_value/_unit and total_lbm_emissions_value/_unit
//     (MTCO2e);
//   - report: gcp — the Carbon Footprint BigQuery export, saved as CSV:
//     usage_month, service.description, location.region,
//     carbon_footprint_total_kgCO2e.market_based and .location_based;
//   - report: azure — the Cloud for Sustainability API's EnrollmentEmission
//     rows (the Emissions Impact Dashboard's data): dateKey (yyyymmdd, the
//     first of the month), azureServiceName, azureRegionName, scope,
//     totalEmissions (mtCO2e), summed over the scopes;
//   - report: usage — a usage export (the billing or cost-and-usage
//     report, reduced to month, item, quantity, unit and region):
//     compute in vCPU-hours, storage in GB-months or TB-hours (ssd/hdd),
//     transfer in GB.
//
// A report giving both methods is sent market-based (the provider's own
// attribution of its energy contracts); location-based where it has none.
type cloudCollector struct {
	// Report is the provider's export format: aws, gcp, azure, or usage
	// (compute, storage and transfer to estimate from).
	Report string `mapstructure:"report"`
	// Provider is the cloud provider of a usage export (aws, gcp, azure)
	// when it has no provider column.
	Provider string `mapstructure:"provider"`
}

func init() { register("cloud", func() Options { return &cloudCollector{} }) }

// cloudReports are the documented columns of each provider's export.
var cloudReports = map[string]Columns{
	"aws": {Start: "usage_period_start", End: "usage_period_end", Service: "product_code", Region: "region_code",
		Market: "total_mbm_emissions_value", MarketUnit: "total_mbm_emissions_unit",
		LocationBase: "total_lbm_emissions_value", LocationUnit: "total_lbm_emissions_unit"},
	"gcp": {Month: "usage_month", Service: "service.description", Region: "location.region",
		Market: "carbon_footprint_total_kgCO2e.market_based", LocationBase: "carbon_footprint_total_kgCO2e.location_based"},
	"azure": {Month: "dateKey", Service: "azureServiceName", Region: "azureRegionName", Market: "totalEmissions"},
	"usage": {Month: "month", Item: "item", Quantity: "quantity", Unit: "unit", Region: "region"},
}

var cloudReportProvider = map[string]string{"aws": "aws", "gcp": "gcp", "azure": "azure"}

// Defaults maps the provider's documented columns the source leaves unset.
func (s *cloudCollector) Defaults(c *Common) {
	def, ok := cloudReports[s.Report]
	if !ok {
		return
	}
	merged := c.Columns
	for field, col := range def.Mapped() {
		if c.Columns.Mapped()[field] == "" {
			setColumn(&merged, field, col)
		}
	}
	c.Columns = merged
}

func (s *cloudCollector) Check(env Env, add source.AddFunc) {
	cols := env.Common.Given()
	if _, ok := cloudReports[s.Report]; !ok {
		add("report", s.Report, "want aws (Customer Carbon Footprint Tool export), gcp (Carbon Footprint export), azure (Emissions Impact Dashboard / Cloud for Sustainability API) or usage")
		return
	}
	if s.Report == "usage" {
		requireColumns(env, add, "month|date|start", "item", "quantity", "unit", "region")
		if cols["provider"] == "" && cloudReportProvider[s.Provider] == "" {
			add("provider", s.Provider, "missing: a usage export names its provider (aws, gcp, azure) or maps columns.provider")
		}
		return
	}
	requireColumns(env, add, "month|start", "market|location")
}

func (s *cloudCollector) New(env Env) Collector {
	c := newState(env)
	return byRow{c: c, add: func(r source.Row) { s.add(c, r) }}
}

func (*cloudCollector) Sample() string {
	return `  # A cloud provider's emissions export, monthly per service and
  # region (Scope 3 category 1): report aws (Customer Carbon Footprint
  # Tool data export), gcp (Carbon Footprint export saved as CSV) or azure
  # (Emissions Impact Dashboard rows); the provider's documented columns
  # are read without a columns block.
  - id: aws-carbon
    type: csv
    collector: cloud
    report: aws
    path: exports/aws-carbon-emissions.csv
    # Where a provider gives no report, its usage (report: usage, with
    # provider: aws|gcp|azure and columns month, item — compute,
    # storage_ssd, storage_hdd, transfer — quantity, unit, region) is
    # estimated with Cloud Carbon Footprint's coefficients.
`
}

func (s *cloudCollector) add(c *state, r source.Row) {
	start, end, ok := cloudPeriod(c, r)
	if !ok {
		return
	}
	report := s.Report
	base := footprint.Activity{Kind: footprint.KindCloud, Start: start, End: end}
	attrs := map[string]string{}
	if s := strings.TrimSpace(r.Get("service")); s != "" {
		attrs["service"] = s
	}
	if g := strings.TrimSpace(strings.ToLower(r.Get("region"))); g != "" {
		attrs["region"] = g
	}
	if report == "usage" {
		prov := strings.ToLower(first(r.Get("provider"), s.Provider))
		attrs["provider"] = prov
		item := strings.ToLower(strings.TrimSpace(r.Get("item")))
		q, ok := c.number(r, "quantity")
		if !ok {
			return
		}
		unit := strings.ToLower(strings.TrimSpace(r.Get("unit")))
		hours := float64(start.DaysUntil(end) * 24)
		switch {
		case item == "compute" && (unit == "vcpu_h" || unit == "vcpu-hours" || unit == "vcpu-hour"):
			base.Unit = footprint.UnitVCPUHour
		case (item == "storage_ssd" || item == "storage_hdd") && (unit == "tb_h" || unit == "tb-hours"):
			base.Unit = footprint.UnitTBHour
		case (item == "storage_ssd" || item == "storage_hdd") && (unit == "gb-month" || unit == "gb_month" || unit == "gb-mo"):
			base.Unit, q = footprint.UnitTBHour, q/1000*hours // a GB-month is a GB held the whole month
		case item == "transfer" && unit == "gb":
			base.Unit = footprint.UnitGB
		case item == "transfer" && unit == "tb":
			base.Unit, q = footprint.UnitGB, q*1000
		default:
			c.reject(r, "item %q in %q: want compute in vCPU-hours, storage_ssd or storage_hdd in GB-month or TB-hours, transfer in GB or TB", item, unit)
			return
		}
		base.Item, base.Quantity, base.Attrs = item, q, attrs
		c.emit(r, base)
		return
	}
	attrs["provider"] = cloudReportProvider[report]
	field, method := "market", "market"
	if strings.TrimSpace(r.Get("market")) == "" {
		field, method = "location", "location"
	}
	q, ok := c.number(r, field)
	if !ok {
		return
	}
	// AWS and Azure report metric tonnes (MTCO2e), Google kilograms.
	unit := strings.ToLower(strings.TrimSpace(first(r.Get(field+"_unit"), map[string]string{"aws": "mtco2e", "azure": "mtco2e", "gcp": "kgco2e"}[report])))
	switch unit {
	case "mtco2e", "tco2e", "t":
		q *= 1000
	case "kgco2e", "kg":
	default:
		c.reject(r, "%s_unit: %q: want MTCO2e or kgCO2e", field, unit)
		return
	}
	if q < 0 {
		c.reject(r, "%s: %s: a provider's emissions are ≥ 0", field, r.Get(field))
		return
	}
	attrs["method"] = method
	base.Item, base.Unit, base.Quantity, base.Attrs = "reported", footprint.UnitKgCO2e, math.Round(q*1e6)/1e6, attrs
	c.emit(r, base)
}

// cloudPeriod reads a row's month (YYYY-MM, a date or yyyymmdd in it) or
// its period: a start and an end that is either exclusive (the first of
// the next month) or the period's last day.
func cloudPeriod(c *state, r source.Row) (footprint.Date, footprint.Date, bool) {
	day := func(field string) (footprint.Date, bool) {
		s := strings.TrimSpace(r.Get(field))
		for _, layout := range []string{"2006-01-02", "20060102", "2006-01"} {
			if len(s) >= len(layout) {
				if t, err := time.Parse(layout, s[:len(layout)]); err == nil {
					return footprint.NewDate(t.Year(), t.Month(), t.Day()), true
				}
			}
		}
		c.reject(r, "%s: %q: want a date (YYYY-MM-DD, a timestamp, yyyymmdd or YYYY-MM)", field, s)
		return footprint.Date{}, false
	}
	if r.Get("start") != "" {
		s, ok := day("start")
		if !ok {
			return s, s, false
		}
		e, ok := day("end")
		if !ok {
			return s, e, false
		}
		if e.Time().Day() != 1 && e.AddDays(1).Time().Day() == 1 {
			e = e.AddDays(1) // the period's last day, inclusive
		}
		if !s.Before(e) {
			c.reject(r, "end: %s is not after start %s", e, s)
			return s, e, false
		}
		return s, e, true
	}
	field := "month"
	if r.Get("month") == "" {
		field = "date"
	}
	d, ok := day(field)
	if !ok {
		return d, d, false
	}
	m := footprint.NewDate(d.Year(), d.Time().Month(), 1)
	return m, footprint.NewDate(m.Year(), m.Time().Month()+1, 1), true
}
