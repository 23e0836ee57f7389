package ghg

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

func (c *calc) powerOff() (PowerOff, error) {
	var po PowerOff
	if len(c.devH) == 0 && len(c.preH) == 0 {
		return po, nil
	}
	grid, err := c.lookup("electricity", "grid", c.site.Country, true)
	if err != nil {
		return po, fmt.Errorf("power-off: %w", err)
	}
	po.DeviceHours = map[string]float64{}
	seen := map[string]bool{}
	var classes []string
	for _, m := range []map[string]map[string]float64{c.devH, c.preH} {
		for cl := range m {
			if !seen[cl] {
				seen[cl] = true
				classes = append(classes, cl)
			}
		}
	}
	sort.Strings(classes)
	var off, sleep, missed float64
	for _, cl := range classes {
		w, err := c.watts(cl)
		if err != nil {
			return po, err
		}
		h, pre := c.devH[cl], c.preH[cl]
		w.DeviceHours = map[string]float64{}
		for _, m := range []map[string]float64{h, pre} {
			for st, v := range m {
				w.DeviceHours[st] += v
			}
		}
		w.UsedKWh = w.EnergyKWh(w.DeviceHours)
		cf := c.counterfactual(cl, &w)
		w.CounterfactualWatts = cf.Draw(w)
		w.AvoidedKWh = (h["off"]*math.Max(0, w.CounterfactualWatts-w.WattsOff) + h["sleep"]*math.Max(0, w.CounterfactualWatts-w.WattsSleep)) / 1000
		po.Watts = append(po.Watts, w)
		po.UsedKWh += w.UsedKWh
		po.AvoidedKWh += w.AvoidedKWh
		for st, v := range h {
			po.DeviceHours[st] += v
		}
		off += h["off"]
		sleep += h["sleep"]
		missed += h["missed"]
	}
	po.GridKgPerKWh = grid.kg
	po.AvoidedT = po.AvoidedKWh * grid.kg / 1000
	// Compliance is the share of window hours switched off, as the
	// policy asks: asleep is not off.
	if off+sleep+missed > 0 {
		comp := off / (off + sleep + missed)
		po.Compliance = &comp
	}
	po.Coverage = c.coverage(po)
	return po, nil
}

// prePolicy reports whether a workstation record ends on or before the
// power-off policy's roll-out date.
func (c *calc) prePolicy(a footprint.Activity) bool {
	return PeriodWindow(c.site, c.from, c.to).InBaseline(&a)
}

func addHours(m map[string]map[string]float64, class, state string, h float64) {
	if state == "" {
		state = "on"
	}
	if m[class] == nil {
		m[class] = map[string]float64{}
	}
	m[class][state] += h
}

// counterfactual is what the class would have done in the windows without
// the policy: measured from the site's window hours logged before the
// roll-out when it has them, else the published after-hours default. It
// records the shares and their origin in w.
func (c *calc) counterfactual(class string, w *ClassWatts) Counterfactual {
	b := c.baseH[class]
	var cf Counterfactual
	if win := b["off"] + b["sleep"] + b["missed"]; win > 0 {
		cf = Counterfactual{BaselineOff: b["off"] / win,
			Source: fmt.Sprintf("measured: %.0f window device-hours logged before the roll-out on %s", win, c.site.PowerOff.Since)}
		if b["sleep"]+b["missed"] > 0 {
			cf.LowPower = b["sleep"] / (b["sleep"] + b["missed"])
		}
	} else if d, ok := DefaultCounterfactual(class); ok {
		cf = d
	} else {
		cf = Counterfactual{Source: "no published after-hours default for this class: every off hour is counted against watts_on (an upper bound); log the weeks before the roll-out (power_off.since) to measure it"}
	}
	w.BaselineOffShare, w.LowPowerShare, w.BaselineOrigin = cf.BaselineOff, cf.LowPower, cf.Source
	return cf
}

// EnergyKWh is the energy of device-hours by state at the class's draws:
// in use at WattsOn; left on in a window ("missed") at WattsIdle, the long
// idle of a device nobody is at; asleep at WattsSleep (a device asleep
// saves less than one switched off); off at WattsOff.
func (w ClassWatts) EnergyKWh(hours map[string]float64) float64 {
	return (hours["on"]*w.WattsOn + hours["missed"]*w.WattsIdle + hours["sleep"]*w.WattsSleep + hours["off"]*w.WattsOff) / 1000
}

// Scale is the factor from what the records hold to the declared fleet
// over the whole period: the fleet's window device-hours over those
// logged. Every lever sized on workstation records uses it, so that a
// two-week log is never taken for a year by one lever and scaled by
// another. Without a coverage (no windows, no declared fleet, nothing
// logged) it is 1: the records as they are, and the note says so.
func (cv *PowerOffCoverage) Scale() (float64, string) {
	if cv == nil || cv.LoggedWindowHours <= 0 || cv.FleetWindowHours <= 0 {
		return 1, " (the records as logged: declare the fleet (site.workstations count) and the power-off windows to scale them to the site and the year)"
	}
	scale := cv.FleetWindowHours / cv.LoggedWindowHours
	return scale, fmt.Sprintf(" (the records cover %.1f %% of the declared fleet's window hours: scaled ×%.2f)", cv.Share*100, scale)
}

// coverage compares the window device-hours recorded for each declared
// class with what the declared fleet's schedule holds over the period,
// and scales the avoided energy class by class at its observed rate.
func (c *calc) coverage(po PowerOff) *PowerOffCoverage {
	if len(c.site.PowerOff.Windows) == 0 && len(c.site.PowerOff.Groups) == 0 {
		return nil
	}
	cv := &PowerOffCoverage{DaysInYear: c.from.DaysUntil(c.to)}
	days := make([]bool, cv.DaysInYear)
	var undeclared []string
	byClass := map[string]ClassWatts{}
	for _, w := range po.Watts {
		byClass[w.Class] = w
	}
	periodHours := windowHours(c.site.PowerOff, c.site.Seats, c.site.Timezone, c.from.Later(c.site.PowerOff.Since), c.to)
	classes := make([]string, 0, len(c.devH))
	for cl := range c.devH {
		classes = append(classes, cl)
	}
	sort.Strings(classes)
	for _, cl := range classes {
		fleet, _ := c.site.Fleet(cl)
		if fleet.Count == 0 {
			undeclared = append(undeclared, cl)
			continue
		}
		h := c.devH[cl]
		logged := h["off"] + h["sleep"] + h["missed"]
		fleetHours := float64(fleet.Count) * periodHours
		cv.DeclaredDevices += fleet.Count
		cv.LoggedWindowHours += logged
		cv.FleetWindowHours += fleetHours
		for i, logged := range c.devDays[cl] {
			days[i] = days[i] || logged
		}
		if logged > 0 {
			cv.ScaledAvoidedKWh += byClass[cl].AvoidedKWh * fleetHours / logged
		}
	}
	for _, logged := range days {
		if logged {
			cv.DaysCovered++
		}
	}
	cv.ScaledAvoidedT = cv.ScaledAvoidedKWh * po.GridKgPerKWh / 1000
	if cv.FleetWindowHours > 0 {
		cv.Share = cv.LoggedWindowHours / cv.FleetWindowHours
	}
	switch {
	case cv.DeclaredDevices == 0:
		cv.Note = fmt.Sprintf("coverage unknown: declare the fleet (site.workstations count) for %s to scale the log to the site", strings.Join(undeclared, ", "))
	case cv.Share < 0.5:
		cv.Note = fmt.Sprintf("the records cover %.1f %% of the declared fleet's window hours (%d devices, %d of %d days): the scaled figure extrapolates a sample", cv.Share*100, cv.DeclaredDevices, cv.DaysCovered, cv.DaysInYear)
	default:
		cv.Note = fmt.Sprintf("the records cover %.1f %% of the declared fleet's window hours (%d devices, %d of %d days)", cv.Share*100, cv.DeclaredDevices, cv.DaysCovered, cv.DaysInYear)
	}
	if len(undeclared) > 0 && cv.DeclaredDevices > 0 {
		cv.Note += fmt.Sprintf("; %s not declared in the fleet: not scaled", strings.Join(undeclared, ", "))
	}
	return cv
}

// windowHours is one device's power-off window hours over [from, to) in
// the site's time zone (UTC when unknown): with groups (shifts), the mean
// over the site's seats (PowerOffSchedule.MeanHours). A day's hours depend only on
// its weekday and on the UTC offsets around it (a window may start the
// evening before and end the morning after), so each such shape is
// computed once per call: a year is a dozen schedule evaluations, not 365.
func windowHours(sched declaration.PowerOffSchedule, seats int, tz string, from, to footprint.Date) float64 {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	type shape struct {
		wd      time.Weekday
		offsets [4]int // at the midnights of the day before, the day, the day after and the one after that
	}
	n := from.DaysUntil(to)
	if n <= 0 {
		return 0
	}
	y, m, d0 := from.Year(), from.Time().Month(), from.Time().Day()
	midnight := func(i int) time.Time { return time.Date(y, m, d0+i, 0, 0, 0, 0, loc) }
	// offsets[i] is the UTC offset at the midnight starting day i−1 (from
	// the day before from to the day after to), filled a zone period at a
	// time: a year has two or three.
	offsets := make([]int, n+3)
	for i := 0; i < len(offsets); {
		t := midnight(i - 1)
		_, o := t.Zone()
		j := len(offsets)
		if _, end := t.ZoneBounds(); !end.IsZero() {
			ey, em, ed := end.In(loc).Date()
			k := from.AddDays(-1).DaysUntil(footprint.NewDate(ey, em, ed))
			if midnight(k - 1).Before(end) {
				k++ // the first midnight at or after the change
			}
			j = min(j, max(k, i+1))
		}
		for ; i < j; i++ {
			offsets[i] = o
		}
	}
	wd0 := midnight(0).Weekday()
	memo := make(map[shape]float64, 16)
	var h float64
	for i := 0; i < n; i++ {
		k := shape{wd: (wd0 + time.Weekday(i)) % 7, offsets: [4]int(offsets[i : i+4])}
		v, ok := memo[k]
		if !ok {
			v = sched.MeanHours(midnight(i), loc, seats)
			memo[k] = v
		}
		h += v
	}
	return h
}

// watts returns the power figures of a workstation class: the site's
// declaration, else the profile's fleet, else the documented default —
// figure by figure, so that a site declaring only class and count (or
// watts_on alone) gets the defaults for the rest, each figure's origin
// said.
func (c *calc) watts(class string) (ClassWatts, error) {
	w := ClassWatts{Class: class}
	var on, idle, sleep, off declaration.FigureSource
	fill := func(f *declaration.FigureSource, v float64, origin string) {
		if f.Source == "" && v > 0 {
			f.Watts, f.Source = v, origin
		}
	}
	fillAll := func(d declaration.DeviceWatts) {
		fill(&on, d.WattsOn, d.OnSource)
		fill(&idle, d.WattsIdle, d.IdleSource)
		fill(&sleep, d.WattsSleep, d.SleepSource)
		fill(&off, d.WattsOff, d.OffSource)
	}
	if d, ok := c.site.Fleet(class); ok {
		o := "site declaration"
		fillAll(declaration.DeviceWatts{WattsOn: d.WattsOn, WattsIdle: d.WattsIdle, WattsSleep: d.WattsSleep, WattsOff: d.WattsOff,
			OnSource: o, IdleSource: o, SleepSource: o, OffSource: o})
	}
	for _, f := range c.as.Fleet {
		if f.Class == class {
			o := "profile " + c.as.Profile
			fillAll(declaration.DeviceWatts{WattsOn: f.WattsOn, WattsIdle: f.WattsIdle, WattsSleep: f.WattsSleep, WattsOff: f.WattsOff,
				OnSource: o, IdleSource: o, SleepSource: o, OffSource: o})
		}
	}
	d, ok := declaration.DefaultDeviceWatts(class)
	if ok && d.IdleIsOn && idle.Source == "" && on.Source != "" {
		idle = on // a monitor left on draws its on power, as declared
	}
	if ok {
		fillAll(d)
		// A default of 0 W (off) is a figure too: it has a source.
		if off.Source == "" {
			off.Source = d.OffSource
		}
	}
	if on.Source == "" {
		return ClassWatts{}, fmt.Errorf("power-off: workstation class %q has device-hours but no power figure: declare it under site.workstations (class, count, watts_on, watts_off)", class)
	}
	if idle.Source == "" {
		idle = declaration.FigureSource{Watts: on.Watts, Source: "no idle figure: left on counted at the on draw"}
	}
	if sleep.Source == "" {
		sleep = declaration.FigureSource{Watts: off.Watts, Source: "no sleep figure: asleep counted as off"}
	}
	w.WattsOn, w.WattsIdle, w.WattsSleep, w.WattsOff = on.Watts, idle.Watts, sleep.Watts, off.Watts
	on.Name, idle.Name, sleep.Name, off.Name = "on", "left on", "asleep", "off"
	w.Origin = declaration.JoinSources([]declaration.FigureSource{on, idle, sleep, off})
	return w, nil
}
