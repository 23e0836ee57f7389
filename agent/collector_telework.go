package agent

import (
	"github.com/greenhelp/greenhelp/footprint"
)

// teleworkCollector reads daily attendance: person-days remote and on
// site (per team rows are summed per day).
type teleworkCollector struct{}

func init() { registerCollector("telework", teleworkCollector{}) }

func (teleworkCollector) Check(s SourceConfig, cols map[string]string, add addFunc) {
	requireColumns(s, cols, add, "date", "remote", "onsite")
}

func (teleworkCollector) New(c *collector, _ SourceConfig) Collector {
	return byRow{c, (*collector).telework}
}

func (teleworkCollector) Sample() string {
	return `  # Daily presence from the workforce-management tool: person-days
  # remote and on site (rows per team are summed per day).
  - id: wfm-presence
    type: csv
    collector: telework
    path: exports/wfm-presence.csv
    columns:
      date: date
      remote: remote
      onsite: onsite
`
}

func (c *collector) telework(r Row) {
	d, ok := c.date(r, "date")
	if !ok {
		return
	}
	remote, ok1 := c.number(r, "remote")
	onsite, ok2 := c.number(r, "onsite")
	if !ok1 || !ok2 {
		return
	}
	// A row is counted whole or not at all: a negative count would
	// otherwise leave its other half counted alone.
	for _, x := range []struct {
		field string
		q     float64
	}{{"remote", remote}, {"onsite", onsite}} {
		if x.q < 0 {
			c.reject(r, "%s: %s: want a number of person-days ≥ 0 (the row is not counted)", x.field, r.Fields[x.field])
			return
		}
	}
	for _, x := range []struct {
		item string
		q    float64
	}{{"remote", remote}, {"onsite", onsite}} {
		c.emit(r, footprint.Activity{Kind: footprint.KindTelework, Item: x.item, Start: d, End: d.AddDays(1), Quantity: x.q, Unit: footprint.UnitPersonDay})
	}
}
