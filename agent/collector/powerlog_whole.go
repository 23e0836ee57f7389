package collector

import (
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Device power states a log's events lead to.
const (
	stOn    = "on"
	stOff   = "off"
	stSleep = "sleep"
	// stUse is on with someone at it (a logon, input, a session): never
	// "missed" in a power-off window, and not a window hour (the machine
	// is working), counted as on.
	stUse = "in_use"
)

// powerEvents maps a log's event names to the state they start. Sleep,
// standby and suspend keep the device drawing its sleep power, so they are
// a state of their own, not "off"; hibernation writes memory to disk and
// powers down (ACPI S4), so it counts as off.
var powerEvents = map[string]string{
	"on": stOn, "power_on": stOn, "poweron": stOn, "power on": stOn, "startup": stOn, "start": stOn, "boot": stOn, "wake": stOn, "resume": stOn,
	"off": stOff, "power_off": stOff, "poweroff": stOff, "power off": stOff, "shutdown": stOff, "hibernate": stOff,
	"sleep": stSleep, "standby": stSleep, "suspend": stSleep,
	"logon": stUse, "unlock": stUse, "input": stUse, "session_start": stUse,
	"logoff": stOn, "lock": stOn, "idle": stOn, "session_end": stOn,
}

// stateBefore is a device's state before its first event: the opposite of
// where the event leads (a wake follows sleep, a startup follows off, an
// off or sleep follows on, a logoff or lock follows use). Before a first
// logon the machine counts as off: the log shows no hour left on.
func stateBefore(first, event string) string {
	switch {
	case first == stUse:
		return stOff
	case first == stOn && powerEvents[event] == stOn && (event == "logoff" || event == "lock" || event == "idle" || event == "session_end"):
		return stUse
	case first != stOn:
		return stOn
	case event == "wake" || event == "resume":
		return stSleep
	}
	return stOff
}

// interval is a span of real time [From, To).
type interval = declaration.Interval

func overlap(a, b []interval) time.Duration {
	var d time.Duration
	for _, x := range a {
		for _, y := range b {
			d += within(x.From, x.To, y.From, y.To)
		}
	}
	return d
}

func total(iv []interval) time.Duration {
	var d time.Duration
	for _, x := range iv {
		d += x.To.Sub(x.From)
	}
	return d
}

// workstation turns a power-state event log (device, time, event) into
// device-hours per class and local day: "on" outside power-off windows,
// "off", "sleep" and "missed" (left on) inside them. A device's state
// before its first event is the opposite of that event.
func (c *ws) workstation(t source.Table) {
	type ev struct {
		at    time.Time
		state string
		name  string
	}
	devs := map[string][]ev{}
	class := map[string]string{}
	group := map[string]int{}
	var minT, maxT time.Time
	for _, r := range t.Rows {
		dev, at, state, name, cl, ok := c.event(r)
		if !ok {
			continue
		}
		if _, seen := devs[dev]; !seen {
			group[dev] = c.site.PowerOff.GroupOf(dev, strings.TrimSpace(r.Get("ou")))
		}
		devs[dev] = append(devs[dev], ev{at, state, name})
		class[dev] = cl
		if minT.IsZero() || at.Before(minT) {
			minT = at
		}
		if at.After(maxT) {
			maxT = at
		}
	}
	if len(devs) == 0 {
		return
	}
	y, m, d := minT.Date()
	firstDay := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	y, m, d = maxT.Date()
	lastDay := time.Date(y, m, d, 0, 0, 0, 0, c.loc)

	type agg struct{ on, off, sleep, missed time.Duration }
	perDay := map[string]map[string]*agg{} // date → class → hours
	names := make([]string, 0, len(devs))
	for n := range devs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, dev := range names {
		evs := devs[dev]
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
		// Powered-on and asleep intervals over the whole log span.
		spans := map[string][]interval{}
		state := stateBefore(evs[0].state, evs[0].name)
		since := firstDay
		for _, e := range evs {
			if e.state != state {
				spans[state] = append(spans[state], interval{From: since, To: e.at})
				state, since = e.state, e.at
			}
		}
		end := time.Date(lastDay.Year(), lastDay.Month(), lastDay.Day()+1, 0, 0, 0, 0, c.loc)
		spans[state] = append(spans[state], interval{From: since, To: end})
		on, asleep, used := spans[stOn], spans[stSleep], spans[stUse]
		for day := firstDay; day.Before(end); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, c.loc) {
			next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, c.loc)
			win := c.site.PowerOff.GroupIntervals(group[dev], day, c.loc)
			onDay := overlap(on, []interval{{From: day, To: next}}) + overlap(used, []interval{{From: day, To: next}})
			missed := overlap(on, win)
			slept := overlap(asleep, win)
			inUse := overlap(used, win)
			key := day.Format("2006-01-02")
			if perDay[key] == nil {
				perDay[key] = map[string]*agg{}
			}
			a := perDay[key][class[dev]]
			if a == nil {
				a = &agg{}
				perDay[key][class[dev]] = a
			}
			a.on += onDay - missed
			a.missed += missed
			a.sleep += slept
			a.off += total(win) - missed - slept - inUse
		}
	}
	days := make([]string, 0, len(perDay))
	for k := range perDay {
		days = append(days, k)
	}
	sort.Strings(days)
	for _, k := range days {
		date, _ := footprint.ParseDate(k)
		classes := make([]string, 0, len(perDay[k]))
		for cl := range perDay[k] {
			classes = append(classes, cl)
		}
		sort.Strings(classes)
		for _, cl := range classes {
			a := perDay[k][cl]
			for _, st := range []struct {
				state string
				d     time.Duration
			}{{"on", a.on}, {"off", a.off}, {"sleep", a.sleep}, {"missed", a.missed}} {
				c.emit(source.At(c.env.ID+" log "+k), footprint.Activity{Kind: footprint.KindWorkstation, Item: cl,
					Start: date, End: date.AddDays(1), Quantity: st.d.Hours(), Unit: footprint.UnitDeviceH,
					Attrs: map[string]string{"state": st.state, "location": c.o.Location}})
			}
		}
	}
}

// workstationEstimate estimates off/missed device-hours from the declared
// fleet and schedule, for the months listed in a manual source, when there
// is no power-state log: window hours × count, split by the assumed
// compliance. Quality is "estimated".
func (c *ws) estimateRow(r source.Row) {
	{ // one month of the manual source
		m, err := time.Parse("2006-01", strings.TrimSpace(r.Get("month")))
		if err != nil {
			c.reject(r, "month: %q: want YYYY-MM", r.Get("month"))
			return
		}
		for day := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, c.loc); day.Month() == m.Month(); day = day.AddDate(0, 0, 1) {
			win := c.site.PowerOff.MeanHours(day, c.loc, c.site.Seats)
			date := footprint.NewDate(day.Year(), day.Month(), day.Day())
			for _, w := range c.site.Workstations {
				if w.Count == 0 || win == 0 {
					continue
				}
				h := float64(w.Count) * win
				for _, st := range []struct {
					state string
					q     float64
				}{{"off", h * *c.o.AssumedCompliance}, {"missed", h * (1 - *c.o.AssumedCompliance)}} {
					c.emit(r, footprint.Activity{Kind: footprint.KindWorkstation, Item: w.Class, Start: date, End: date.AddDays(1),
						Quantity: st.q, Unit: footprint.UnitDeviceH, Quality: footprint.QualityEstimated,
						Attrs: map[string]string{"state": st.state, "location": c.o.Location}})
				}
			}
		}
	}
}
