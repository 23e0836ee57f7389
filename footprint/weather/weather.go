package weather

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// Weather normalisation: a mild winter must not read as progress.
//
// The site sends its daily mean outdoor temperature (kind weather, item
// outdoor_temp, °C). A month's actual heating and cooling degree days come
// from the mean of its readings by the monthly-mean method — HDD_m =
// days_m × max(0, 18 − T_m), CDD_m = days_m × max(0, T_m − 18) — the
// method of the long-term normals they are compared with (the profiles'
// city table and the NCEP-NCAR climate grid), so that a normal year
// normalises to itself.
//
// Each energy carrier's monthly consumption is fitted by least squares to
// E_m = a·days_m + b·HDD_m + c·CDD_m (a: the weather-independent load per
// day, b: per heating degree day, c: per cooling degree day; a term whose
// fit is negative is dropped and the fit redone) — the degree-day
// regression of the Carbon Trust's CTG075 "Degree days for energy
// management" (2017) and CIBSE TM41 (2006). The weather-dependent share is
// b·HDD + c·CDD of the actual year, and the year's consumption normalised
// to the long-term climate is
//
//	E_norm = E_actual + b·(HDD_normal − HDD_actual) + c·(CDD_normal − CDD_actual)
//
// (the actual year's residuals kept). The emissions are never restated:
// the normalised figures sit beside the inventory.

// DegreeDayBase is the base temperature of greenhelp's degree days (°C),
// the one of the profiles' climate features.
const DegreeDayBase = 18.0

// minWeatherDays is the share of a month's days that must have a reading
// for its mean to stand for the month: greenhelp's own threshold (no
// published one found), so that a week-long gap in a station export does
// not bias the month.
const minWeatherDays = 0.8

// minFitMonths is the fewest months a carrier's fit uses (three
// coefficients need several more points than that to mean anything).
const minFitMonths = 9

// NormalClimate is a site's long-term annual degree days (base 18 °C) and
// where they come from.
type NormalClimate struct {
	HDD    float64 `json:"hdd"`
	CDD    float64 `json:"cdd"`
	Source string  `json:"source"`
}

// Known reports whether the normals are usable: a source that does not
// say "unknown", and finite degree days ≥ 0.
func (n NormalClimate) Known() bool {
	return !math.IsNaN(n.HDD) && !math.IsNaN(n.CDD) && !math.IsInf(n.HDD, 0) && !math.IsInf(n.CDD, 0) && n.HDD >= 0 && n.CDD >= 0 &&
		n.Source != "" && !strings.HasPrefix(n.Source, "unknown")
}

// WeatherMonth is one month's measured outdoor temperature.
type WeatherMonth struct {
	Month int `json:"month"`
	// DaysRead is the number of days with a reading; MeanC their mean.
	DaysRead int      `json:"days_read"`
	MeanC    *float64 `json:"mean_c,omitempty"`
	HDD      float64  `json:"hdd"`
	CDD      float64  `json:"cdd"`
	// Used is false when fewer than 80 % of the month's days have a reading.
	Used bool `json:"used"`
}

// NormalisedEnergy is one energy carrier's year, actual and normalised.
type NormalisedEnergy struct {
	Kind string `json:"kind"`
	// Item is the carrier: "" for electricity (grid and on-site solar
	// together: what the site consumed), else the fuel.
	Item   string  `json:"item,omitempty"`
	Unit   string  `json:"unit"`
	Actual float64 `json:"actual"`
	// The fit: per day, per heating and per cooling degree day, over
	// FitMonths months, and its coefficient of determination.
	PerDay    float64 `json:"per_day"`
	PerHDD    float64 `json:"per_hdd"`
	PerCDD    float64 `json:"per_cdd"`
	FitMonths int     `json:"fit_months"`
	R2        float64 `json:"r2"`
	// Heating and Cooling are the actual year's weather-dependent shares
	// (PerHDD × HDD, PerCDD × CDD).
	Heating float64 `json:"heating"`
	Cooling float64 `json:"cooling"`
	// Normalised is the year's consumption in a long-term-normal year;
	// nil when it could not be computed (Why says why).
	Normalised *float64 `json:"normalised,omitempty"`
	Why        string   `json:"why,omitempty"`
	// WeatherT is what the year's weather added to the inventory (+) or
	// spared it (−) against a normal year: (Actual − Normalised) × the
	// carrier's location-based factor of the year (Scope 1 for a fuel,
	// Scope 2 location-based grid factor for electricity), tCO2e.
	WeatherT *float64 `json:"weather_t,omitempty"`
	// FactorID is the factor row WeatherT uses.
	FactorID string `json:"factor_id,omitempty"`
}

// Weather is a site's year of measured weather and its energy normalised
// to the long-term climate.
type Weather struct {
	Year int `json:"year"`
	// HDD and CDD are the actual year's degree days, when every month has
	// its readings.
	HDD    *float64       `json:"hdd,omitempty"`
	CDD    *float64       `json:"cdd,omitempty"`
	Normal NormalClimate  `json:"normal"`
	Months []WeatherMonth `json:"months"`
	// Sources are the record sources of the temperatures.
	Sources  []string           `json:"sources"`
	Carriers []NormalisedEnergy `json:"carriers,omitempty"`
	// Why says why nothing was normalised ("" when it was).
	Why string `json:"why,omitempty"`
}

// weatherCarriers are the energies normalised: the site's electricity and
// its heating fuels. Diesel and petrol (generators, vehicles) are not
// weather-driven.
var weatherCarriers = map[footprint.Kind]map[string]bool{
	footprint.KindElectricity: {"grid": true, "onsite_solar": true},
	footprint.KindFuel:        {"natural_gas": true, "heating_oil": true, "gas_oil": true, "lpg": true},
}

func carrierOf(a footprint.Activity) (string, bool) {
	items, ok := weatherCarriers[a.Kind]
	if !ok || !items[a.Item] {
		return "", false
	}
	if a.Kind == footprint.KindElectricity {
		return string(footprint.KindElectricity), true
	}
	return string(a.Kind) + "/" + a.Item, true
}

// Normalise computes the year's measured degree days and each
// energy carrier's consumption normalised to normal, from a site's
// activities (raw records or rollups). It returns nil when the year has
// no temperature reading at all.
func Normalise(acts []footprint.Activity, year int, normal NormalClimate) *Weather {
	from, to := footprint.YearBounds(year)
	any := false
	for i := range acts { // most sites send no temperature: nothing to do
		if acts[i].Kind == footprint.KindWeather && acts[i].Start.Before(to) && from.Before(acts[i].End) {
			any = true
			break
		}
	}
	if !any {
		return nil
	}
	var temp [12]tempMonth
	type carrier struct {
		unit  footprint.Unit
		month [12]float64
		days  [12]uint32 // days of each month the records cover
	}
	carriers := map[string]*carrier{}
	sources := map[string]bool{}
	for _, a := range acts {
		if !a.Start.Before(to) || !from.Before(a.End) {
			continue
		}
		if a.Kind == footprint.KindWeather {
			if !tempOK(a) {
				continue // refused at ingestion; never let one stored value skew a month
			}
			temp[a.Start.Time().Month()-1].add(a)
			sources[a.Source] = true
			continue
		}
		name, ok := carrierOf(a)
		if !ok || math.IsNaN(a.Quantity) || math.IsInf(a.Quantity, 0) || a.Quantity < 0 {
			continue
		}
		c := carriers[name]
		if c == nil {
			c = &carrier{unit: a.Unit}
			carriers[name] = c
		}
		// The record's quantity spread evenly over its days, month by month.
		n := float64(a.Days())
		for d := a.Start.Later(from); d.Before(a.End) && d.Before(to); {
			m := d.Time().Month()
			next := footprint.NewDate(d.Year(), m+1, 1)
			end := next
			if a.End.Before(end) {
				end = a.End
			}
			k := d.DaysUntil(end)
			c.month[m-1] += a.Quantity * float64(k) / n
			if a.Rolled != nil && a.Rolled.Days != 0 {
				c.days[m-1] |= a.Rolled.Days
			} else {
				for i := d.Time().Day() - 1; i < d.Time().Day()-1+k; i++ {
					c.days[m-1] |= 1 << i
				}
			}
			d = end
		}
	}
	if len(sources) == 0 {
		return nil
	}
	if !normal.Known() { // never NaN in a document: JSON has no NaN
		normal.HDD, normal.CDD = 0, 0
		if normal.Source == "" || !strings.HasPrefix(normal.Source, "unknown") {
			normal.Source = "unknown: " + normal.Source
		}
	}
	w := &Weather{Year: year, Normal: normal}
	for s := range sources {
		w.Sources = append(w.Sources, s)
	}
	sort.Strings(w.Sources)
	var monthDays [12]int
	usedAll, used := true, 0
	var hdd, cdd float64
	for m := 0; m < 12; m++ {
		first := footprint.NewDate(year, monthOfIndex(m), 1)
		monthDays[m] = first.DaysUntil(footprint.NewDate(year, monthOfIndex(m)+1, 1))
		t := temp[m]
		wm := WeatherMonth{Month: m + 1, DaysRead: bits.OnesCount32(t.days)}
		if t.records > 0 {
			mean := t.mean()
			wm.MeanC = &mean
			wm.HDD, wm.CDD = t.degreeDays(monthDays[m])
			wm.Used = t.used(monthDays[m])
		}
		if wm.Used {
			used++
			hdd += wm.HDD
			cdd += wm.CDD
		} else {
			usedAll = false
		}
		w.Months = append(w.Months, wm)
	}
	if !usedAll {
		w.Why = fmt.Sprintf("the outdoor temperature covers %d of the year's 12 months (a month needs readings on 80 %% of its days): the year's degree days are unknown, nothing normalised", used)
		return w
	}
	w.HDD, w.CDD = &hdd, &cdd
	if !normal.Known() {
		w.Why = "no long-term climate for the site (" + normal.Source + "): nothing to normalise to"
		return w
	}
	names := make([]string, 0, len(carriers))
	for n := range carriers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		c := carriers[name]
		kind, item, _ := strings.Cut(name, "/")
		ne := NormalisedEnergy{Kind: kind, Item: item, Unit: string(c.unit)}
		var xs [][3]float64
		var ys []float64
		for m := 0; m < 12; m++ {
			ne.Actual += c.month[m]
			full := uint32(1)<<monthDays[m] - 1
			if c.days[m]&full == full && w.Months[m].Used {
				xs = append(xs, [3]float64{float64(monthDays[m]), w.Months[m].HDD, w.Months[m].CDD})
				ys = append(ys, c.month[m])
			}
		}
		ne.FitMonths = len(xs)
		if len(xs) < minFitMonths {
			ne.Why = fmt.Sprintf("%d month(s) of the year have both their whole consumption and their temperature; the fit needs %d", len(xs), minFitMonths)
			w.Carriers = append(w.Carriers, ne)
			continue
		}
		coef, r2 := fitDegreeDays(xs, ys)
		ne.PerDay, ne.PerHDD, ne.PerCDD, ne.R2 = coef[0], coef[1], coef[2], r2
		ne.Heating, ne.Cooling = coef[1]*hdd, coef[2]*cdd
		norm := math.Max(0, ne.Actual+coef[1]*(normal.HDD-hdd)+coef[2]*(normal.CDD-cdd))
		ne.Normalised = &norm
		w.Carriers = append(w.Carriers, ne)
	}
	return w
}

func monthOfIndex(m int) time.Month { return time.Month(m + 1) }
