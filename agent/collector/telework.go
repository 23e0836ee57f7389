package collector

import (
	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// teleworkCollector reads daily attendance: person-days remote and on
// site (per team rows are summed per day), or a roster of one row per
// person and day (roster.go).
type teleworkCollector struct {
	// Locations maps each value of a roster's work-location column to
	// onsite, remote or ignore (leave, sick: read, not counted).
	Locations map[string]string `mapstructure:"locations"`
}

func init() { register("telework", func() Options { return &teleworkCollector{} }) }

func (*teleworkCollector) Defaults(*Common) {}

// MinGap: counts by working day; weekends have no rows.
func (*teleworkCollector) MinGap() int { return workingDays }

func (o *teleworkCollector) Check(env Env, add source.AddFunc) {
	if isRoster(env) {
		checkRoster(o, env, add)
		return
	}
	requireColumns(env, add, "date", "remote", "onsite")
	if len(o.Locations) > 0 {
		add("locations", "", "only a roster (columns.person and columns.work_location) has locations")
	}
}

func (o *teleworkCollector) New(env Env) Collector {
	if isRoster(env) {
		return newRoster(o, env)
	}
	c := newState(env)
	return byRow{c: c, add: func(r source.Row) { telework(c, r) }}
}

func (*teleworkCollector) Sample() string {
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
  # An HR roster instead (one row per person and day, with where they
  # worked) is read by the same collector: each person counts once a
  # day (on site when one of their rows says so); ids are never sent.
  #   date_format: M/D/YYYY
  #   columns: {date: Date, person: Employee ID, work_location: Work Location}
  #   locations: {Office: onsite, WFH: remote, Leave: ignore}   # every value: onsite, remote or ignore
`
}

func telework(c *state, r source.Row) {
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
			c.reject(r, "%s: %s: want a number of person-days ≥ 0 (the row is not counted)", x.field, r.Get(x.field))
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
