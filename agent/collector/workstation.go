package collector

import (
	"maps"
	"math"
	"strconv"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// workstationCollector reads how PCs and screens spend the power-off
// windows: a power-management log of events per device (powerlog.go,
// powerlog_whole.go), a source's spans of device time by state
// (powerspan.go: configmgr), a tool's daily report of device-hours by
// state, or, typed in (type: manual), an estimate at an assumed
// compliance.
type workstationCollector struct {
	// Class is every device's unless columns.class gives it: desktop,
	// laptop, thin_client, monitor.
	Class    string `mapstructure:"class"`
	Location string `mapstructure:"location"` // site (default) or home
	// Events maps a power log's own event names to a state: on, off,
	// sleep, in_use (someone at the machine: a logon, input — never left
	// on in a window), or ignore (an event that says nothing of the
	// power). They come before the names the collector knows (startup,
	// shutdown, sleep, wake, hibernate, logon, logoff, lock, unlock …).
	Events map[string]string `mapstructure:"events"`
	// AssumedCompliance is the share of window hours a workstation
	// estimate without a log counts as off (0–1): required there, 0
	// included — there is no default to fall back on silently.
	AssumedCompliance *float64 `mapstructure:"assumed_compliance"`
}

// ws is the state of a workstation collector: the sums, and the source's
// keys with its event names folded.
type ws struct {
	*state
	o      *workstationCollector
	events map[string]string // the source's own event names → state
	// lastClass is the last class found known: a log's rows repeat it.
	lastClass string
	// classColumn says the rows give a class (a column or a constant).
	classColumn bool
	// lastEvent is the event last looked up in events, as the row wrote
	// it and folded (lastName), with what it gave: a log repeats its few
	// names row after row.
	lastEvent string
	lastName  string
	lastState string
	lastKnown bool
}

func (o *workstationCollector) newWS(env Env) *ws {
	// One map of every name the source may write: the known ones, then
	// the source's own over them (one look-up a row).
	c := &ws{state: newState(env), o: o, events: maps.Clone(powerEvents), classColumn: env.Common.Given()["class"] != ""}
	for name, state := range o.Events {
		c.events[strings.ToLower(strings.TrimSpace(name))] = strings.ToLower(strings.TrimSpace(state))
	}
	c.lastState, c.lastKnown = c.events[c.lastName]
	return c
}

// eventIgnore maps an event that says nothing of the power state.
const eventIgnore = "ignore"

func init() { register("workstation", func() Options { return &workstationCollector{} }) }

func (s *workstationCollector) Defaults(*Common) {
	if s.Location == "" {
		s.Location = "site"
	}
}

func (s *workstationCollector) Check(env Env, add source.AddFunc) {
	if s.Location != "site" && s.Location != "home" {
		add("location", s.Location, `want "site" or "home"`)
	}
	if ac := s.AssumedCompliance; ac != nil && (*ac < 0 || *ac > 1 || math.IsNaN(*ac)) {
		add("assumed_compliance", strconv.FormatFloat(*ac, 'g', -1, 64), "want a share between 0 and 1")
	}
	if spanMode(env) {
		requireColumns(env, add, spanFields...)
	} else {
		requireColumns(env, add, "device|hours", "time|date", "event|state")
	}
	if env.Type != "manual" && env.Common.Columns.Class == "" && s.Class == "" {
		add("class", "", "missing: give class (desktop, laptop, thin_client, monitor) or columns.class")
	}
	for name, state := range s.Events {
		switch strings.ToLower(strings.TrimSpace(state)) {
		case stOn, stOff, stSleep, stUse, eventIgnore:
		default:
			add("events."+name, state, "want on, off, sleep, in_use or ignore")
		}
	}
	if env.Type == "manual" && s.AssumedCompliance == nil {
		add("assumed_compliance", "", "missing: the share of power-off window hours the devices are off (0–1), e.g. from the power-management console's compliance report")
	}
}

func (s *workstationCollector) New(env Env) Collector {
	c := s.newWS(env)
	switch {
	case env.Type == "manual":
		return byRow{c: c.state, add: c.estimateRow}
	case env.Common.Columns.Hours != "":
		return byRow{c: c.state, add: c.report}
	case spanMode(env):
		return newPowerSpans(c)
	}
	return newPowerLog(c)
}

func (*workstationCollector) Sample() string {
	return `  # PC power-management log: one line per power event (startup,
  # shutdown, sleep, wake …). Only device, time and event are read: the
  # user column never leaves the site.
  - id: pc-power
    type: csv
    collector: workstation
    path: exports/pc-power-log.csv
    class: desktop                  # or columns.class: desktop, laptop, thin_client, monitor
    time_format: YYYY-MM-DD HH:mm:ss
    events: {badge_in: in_use, screensaver: ignore} # the log's own names (on, off, sleep, in_use, ignore), before the known ones
    # (logon, unlock: in_use, someone at the machine, never left on; logoff, lock: on)
    columns:
      device: hostname
      time: timestamp
      event: event
  # Or a tool's daily report of device-hours by state:
  #   columns: {date: day, class: class, state: state, hours: device_hours}
  # Or the PCs' Windows System log, with no column to map (type: winevents):
  #   greenhelp-agent sample winevents
  # Or Configuration Manager's power-management data (type: configmgr):
  #   greenhelp-agent sample configmgr
`
}

// workstationReport reads a power-management tool's daily report: device-
// hours per day, class and state (on, off or missed in power-off windows).
func (c *ws) report(r source.Row) {
	d, ok := c.date(r, "date")
	if !ok {
		return
	}
	h, ok := c.number(r, "hours")
	if !ok {
		return
	}
	state := strings.ToLower(strings.TrimSpace(r.Get("state")))
	c.emit(r, footprint.Activity{Kind: footprint.KindWorkstation, Item: first(r.Get("class"), c.o.Class), Start: d, End: d.AddDays(1),
		Quantity: h, Unit: footprint.UnitDeviceH, Attrs: map[string]string{"state": state, "location": c.o.Location}})
}
