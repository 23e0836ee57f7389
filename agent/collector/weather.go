package collector

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// weatherCollector reads the site's outdoor temperature from a weather
// station or a building-management (BMS) export — a reading per row, as
// often as the export gives them (hourly, every 15 minutes, or a daily
// mean) — and sends each day's mean (°C), from which the central computes
// the year's actual degree days and normalises heating and cooling energy
// to the long-term climate. A day read again (today's readings grow
// until midnight) is sent again under the same key: its mean replaces
// the earlier one.
type weatherCollector struct {
	// Unit is the readings' unless columns.unit gives it: °C (default), °F, K.
	Unit string `mapstructure:"unit"`
}

func init() { register("weather", func() Options { return &weatherCollector{} }) }

func (*weatherCollector) Defaults(*Common) {}

func (s *weatherCollector) Check(env Env, add source.AddFunc) {
	requireColumns(env, add, "date", "temperature")
	if _, ok := temperatureUnit(first(s.Unit, "°C")); !ok {
		add("unit", s.Unit, "want °C (default), C, degC, °F, F, degF or K")
	}
}

func (s *weatherCollector) New(env Env) Collector {
	return &dailyMean{c: newState(env), unit: s.Unit, days: map[footprint.Date]*meanOf{}}
}

func (*weatherCollector) Sample() string {
	return `  # Outdoor temperature from the weather station or the building
  # management system: one reading per row (hourly, 15-minute or daily),
  # averaged per day. It sets the year's actual degree days, so that the
  # central can tell a mild winter from a real saving.
  - id: roof-station
    type: csv
    collector: weather
    path: exports/bms-outdoor-temperature.csv
    unit: °C                        # or °F, K (columns.unit for a column)
    time_format: YYYY-MM-DD HH:mm   # the readings' timestamps, if they have one
    columns:
      date: timestamp               # a date, or a timestamp whose date is taken
      temperature: outdoor_temp
`
}

// temperatureUnit converts a reading in unit to °C.
func temperatureUnit(unit string) (func(float64) float64, bool) {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "°c", "c", "degc", "celsius", "":
		return func(v float64) float64 { return v }, true
	case "°f", "f", "degf", "fahrenheit":
		return func(v float64) float64 { return (v - 32) * 5 / 9 }, true
	case "k", "kelvin":
		return func(v float64) float64 { return v - 273.15 }, true
	}
	return nil, false
}

type meanOf struct {
	sum     float64
	n       int
	quality footprint.Quality
}

// dailyMean averages a source's readings per day.
type dailyMean struct {
	c    *state
	unit string
	days map[footprint.Date]*meanOf
}

func (w *dailyMean) Add(r source.Row) {
	c := w.c
	day, ok := c.date(r, "date")
	if !ok {
		return
	}
	v, ok := c.number(r, "temperature")
	if !ok {
		return
	}
	unit := first(r.Get("unit"), w.unit, "°C")
	toC, ok := temperatureUnit(unit)
	if !ok {
		c.reject(r, "unit: %q: want °C, °F or K", unit)
		return
	}
	v = toC(v)
	if v < footprint.MinOutdoorTemp || v > footprint.MaxOutdoorTemp || math.IsNaN(v) {
		c.reject(r, "temperature: %s %s is %.1f °C: outside %g to %g °C, the WMO's recorded extremes (check the unit)", r.Get("temperature"), unit, v, footprint.MinOutdoorTemp, footprint.MaxOutdoorTemp)
		return
	}
	m := w.days[day]
	if m == nil {
		m = &meanOf{}
		w.days[day] = m
	}
	m.sum += v
	m.n++
}

func (w *dailyMean) Result() ([]footprint.Activity, []source.Rejection, error) {
	days := make([]footprint.Date, 0, len(w.days))
	for d := range w.days {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	for _, d := range days {
		m := w.days[d]
		mean := math.Round(m.sum/float64(m.n)*100) / 100
		w.c.emit(source.At(w.c.env.ID+" "+d.String()), footprint.Activity{Kind: footprint.KindWeather, Item: "outdoor_temp",
			Start: d, End: d.AddDays(1), Quantity: mean, Unit: footprint.UnitCelsius})
	}
	acts, rej := w.c.result()
	return acts, rej, nil
}

func (w *dailyMean) Whole(t source.Table) ([]footprint.Activity, []source.Rejection) {
	return whole(w, t)
}

// dayMeanState is one day's readings so far, saved between runs.
type dayMeanState struct {
	Day footprint.Date `json:"day"`
	Sum float64        `json:"sum"`
	N   int            `json:"n"`
}

// Save returns every day's sum and count of readings so far, so that a
// day whose readings continue after the resume point keeps the earlier
// ones in its mean.
func (w *dailyMean) Save() (json.RawMessage, error) {
	if len(w.c.rejects) > 0 {
		return nil, errRejected
	}
	out := make([]dayMeanState, 0, len(w.days))
	for d, m := range w.days {
		out = append(out, dayMeanState{Day: d, Sum: m.sum, N: m.n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day.Before(out[j].Day) })
	return json.Marshal(out)
}

// Restore sets the state Save returned.
func (w *dailyMean) Restore(raw json.RawMessage) error {
	var st []dayMeanState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	for _, s := range st {
		if s.N <= 0 || w.days[s.Day] != nil {
			return fmt.Errorf("saved state: day %s: %d readings or twice", s.Day, s.N)
		}
		w.days[s.Day] = &meanOf{sum: s.Sum, n: s.N}
	}
	return nil
}
