package declaration

import (
	"fmt"
	"github.com/greenhelp/greenhelp/footprint"
	"math"
	"sort"
	"strconv"
)

// Plausibility warnings are raised, before anything is sent, when a
// figure is off by an order of magnitude: a unit typed wrong (MWh for
// kWh), a decimal separator misread, a column mapped to the wrong field.
// They warn and never refuse: a real change (a new data hall, a site
// closing) also moves figures, and the ambassador decides.
const orderOfMagnitude = 10.0

// PlausibilityWarning is one warning about a source's figures.
type PlausibilityWarning struct {
	Source  string `json:"source"`
	Kind    string `json:"kind"`
	Item    string `json:"item"`
	Message string `json:"message"`
}

func (w PlausibilityWarning) String() string {
	return fmt.Sprintf("%s: %s/%s: %s", w.Source, w.Kind, w.Item, w.Message)
}

// seriesKey names a source's series: its records of one kind and item.
func seriesKey(a footprint.Activity) string { return a.Source + "|" + string(a.Kind) + "|" + a.Item }

// perDay is a record's quantity per day of its period.
func perDay(a footprint.Activity) float64 { return a.Quantity / float64(max(1, a.Days())) }

// Typical returns each series' median quantity per day (per seriesKey):
// what Plausibility compares the next run with.
func Typical(acts []footprint.Activity) map[string]float64 {
	by := map[string][]float64{}
	for _, a := range acts {
		if a.Kind == footprint.KindWorkstation || a.Kind == footprint.KindTravel {
			continue // per-state device hours and trips vary by nature
		}
		by[seriesKey(a)] = append(by[seriesKey(a)], perDay(a))
	}
	out := make(map[string]float64, len(by))
	for k, v := range by {
		out[k] = median(v)
	}
	return out
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Plausibility compares what the sources read with the site's declaration
// and with the typical figures of earlier runs (history, from Typical; nil
// when none), and returns a warning for each figure off by an order of
// magnitude:
//
//   - grid electricity against the declared workstation fleet: a site's
//     meter holds its PCs and screens plus lighting and cooling, so its
//     daily kWh lies well above the fleet's draw in working hours and,
//     short of a data hall, within a few times the fleet running all day;
//     a figure ten times outside [fleet in working hours, 3 × fleet all
//     day] is a unit or separator mistake far more often than a fact;
//   - device hours per day against the declared fleet × 24 h (a device
//     cannot run more than a day a day);
//   - person-days per day against the headcount (FTE, else seats);
//   - each series' median per day against the previous runs' median;
//   - each record against its own series' median (one month in MWh among
//     months in kWh).
func Plausibility(site Site, acts []footprint.Activity, history map[string]float64) []PlausibilityWarning {
	var out []PlausibilityWarning
	warn := func(a footprint.Activity, format string, args ...any) {
		out = append(out, PlausibilityWarning{Source: a.Source, Kind: string(a.Kind), Item: a.Item, Message: fmt.Sprintf(format, args...)})
	}
	fleetW, devices := fleetWatts(site)
	hours := site.HoursPerDay
	if hours <= 0 {
		hours = DefaultHoursPerDay
	}
	people := site.FTE
	if people <= 0 {
		people = float64(site.Seats)
	}
	now := Typical(acts)
	warned := map[string]bool{}
	for _, a := range acts {
		k := seriesKey(a)
		if warned[k] {
			continue // one warning per series is enough to act on
		}
		d := perDay(a)
		switch {
		case a.Kind == footprint.KindElectricity && a.Item == "grid" && fleetW > 0:
			lo, hi := fleetW*hours/1000, 3*fleetW*24/1000
			if d > hi*orderOfMagnitude || d < lo/orderOfMagnitude {
				warned[k] = true
				warn(a, "%s–%s: %s kWh a day, while the declared fleet (%d devices, %s W) draws %s kWh in a working day and %s kWh running all day: check the unit (kWh, not MWh or Wh) and the decimal separator",
					a.Start, a.End, fmtQ(d), devices, fmtQ(fleetW), fmtQ(lo), fmtQ(fleetW*24/1000))
				continue
			}
		case a.Kind == footprint.KindWorkstation && devices > 0:
			if n := countOf(site, a.Item); n > 0 && d > float64(n)*24*1.01 {
				warned[k] = true
				warn(a, "%s: %s device-hours in a day for %d declared %s(s): more than 24 h each: check the hours column and the fleet count", a.Start, fmtQ(d), n, a.Item)
				continue
			}
		case a.Kind == footprint.KindTelework && people > 0:
			if d > people*2 {
				warned[k] = true
				warn(a, "%s: %s person-days in a day for a site of %s people (fte, else seats): check the column mapping", a.Start, fmtQ(d), fmtQ(people))
				continue
			}
		}
		if m, ok := now[k]; ok && m > 0 && d > 0 && (d > m*orderOfMagnitude || d < m/orderOfMagnitude) && a.Kind != footprint.KindTelework {
			warned[k] = true
			warn(a, "%s–%s: %s %s a day, against a median of %s for this source: one figure in another unit?", a.Start, a.End, fmtQ(d), a.Unit, fmtQ(m))
			continue
		}
	}
	keys := make([]string, 0, len(now))
	for k := range now {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m, prev := now[k], history[k]
		if warned[k] || prev <= 0 || m <= 0 || (m <= prev*orderOfMagnitude && m >= prev/orderOfMagnitude) {
			continue
		}
		for _, a := range acts {
			if seriesKey(a) == k {
				warn(a, "typical %s %s a day now, %s on earlier runs: %s× — did the unit or decimal setting of this source change?", fmtQ(m), a.Unit, fmtQ(prev), fmtQ(m/prev))
				break
			}
		}
	}
	return out
}

// fleetWatts is the declared fleet's draw when on (W) and its size; a
// class declared without watts takes the documented default.
func fleetWatts(site Site) (float64, int) {
	var w float64
	var n int
	for _, ws := range site.Workstations {
		on := ws.WattsOn
		if on <= 0 {
			if d, ok := DefaultDeviceWatts(ws.Class); ok {
				on = d.WattsOn
			}
		}
		w += float64(ws.Count) * on
		n += ws.Count
	}
	return w, n
}

func countOf(site Site, class string) int {
	n := 0
	for _, ws := range site.Workstations {
		if ws.Class == class {
			n += ws.Count
		}
	}
	return n
}

func fmtQ(v float64) string {
	if math.Abs(v) >= 100 {
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
