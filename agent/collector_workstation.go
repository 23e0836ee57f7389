package agent

import (
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
)

// workstationCollector reads how PCs and screens spend the power-off
// windows: a power-management log of events per device (workstation.go,
// workstation_stream.go), a tool's daily report of device-hours by state,
// or, typed in (type: manual), an estimate at an assumed compliance.
type workstationCollector struct{}

// eventIgnore maps an event that says nothing of the power state.
const eventIgnore = "ignore"

func init() { registerCollector("workstation", workstationCollector{}) }

func (workstationCollector) Check(s SourceConfig, cols map[string]string, add addFunc) {
	requireColumns(s, cols, add, "device|hours", "time|date", "event|state")
	if s.Type != "manual" && cols["class"] == "" && s.Class == "" {
		add("class", "", "missing: give class (desktop, laptop, thin_client, monitor) or columns.class")
	}
	for name, state := range s.Events {
		switch strings.ToLower(strings.TrimSpace(state)) {
		case stOn, stOff, stSleep, eventIgnore:
		default:
			add("events."+name, state, "want on, off, sleep or ignore")
		}
	}
	if s.Type == "manual" && s.AssumedCompliance == nil {
		add("assumed_compliance", "", "missing: the share of power-off window hours the devices are off (0–1), e.g. from the power-management console's compliance report")
	}
}

func (workstationCollector) New(c *collector, s SourceConfig) Collector {
	switch {
	case s.Type == "manual":
		return byRow{c, (*collector).workstationEstimateRow}
	case s.Columns.Hours != "":
		return byRow{c, (*collector).workstationReport}
	}
	return newPowerLog(c)
}

func (workstationCollector) Sample() string {
	return `  # PC power-management log: one line per power event (startup,
  # shutdown, sleep, wake …). Only device, time and event are read: the
  # user column never leaves the site.
  - id: pc-power
    type: csv
    collector: workstation
    path: exports/pc-power-log.csv
    class: desktop                  # or columns.class: desktop, laptop, thin_client, monitor
    time_format: YYYY-MM-DD HH:mm:ss
    events: {logon: on, logoff: ignore} # the log's own names (on, off, sleep, ignore), before the known ones
    columns:
      device: hostname
      time: timestamp
      event: event
  # Or a tool's daily report of device-hours by state:
  #   columns: {date: day, class: class, state: state, hours: device_hours}
`
}

// workstationReport reads a power-management tool's daily report: device-
// hours per day, class and state (on, off or missed in power-off windows).
func (c *collector) workstationReport(r Row) {
	d, ok := c.date(r, "date")
	if !ok {
		return
	}
	h, ok := c.number(r, "hours")
	if !ok {
		return
	}
	state := strings.ToLower(strings.TrimSpace(r.Fields["state"]))
	c.emit(r, footprint.Activity{Kind: footprint.KindWorkstation, Item: first(r.Fields["class"], c.src.Class), Start: d, End: d.AddDays(1),
		Quantity: h, Unit: footprint.UnitDeviceH, Attrs: map[string]string{"state": state, "location": c.src.Location}})
}
