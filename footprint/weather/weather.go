package weather

import (
	"fmt"
	"github.com/greenhelp/greenhelp/footprint"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"time"
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
		for d := later(a.Start, from); d.Before(a.End) && d.Before(to); {
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

// fitDegreeDays fits y = a·x0 + b·x1 + c·x2 by least squares with every
// coefficient ≥ 0: a term whose coefficient comes out negative (or whose
// column is all zero) is dropped and the fit redone. It returns the
// coefficients and R² (1 − SSres/SStot; 1 when y is constant and fitted).
func fitDegreeDays(xs [][3]float64, ys []float64) ([3]float64, float64) {
	active := [3]bool{true, true, true}
	for j := 0; j < 3; j++ {
		nonzero := false
		for _, x := range xs {
			if x[j] != 0 {
				nonzero = true
			}
		}
		active[j] = nonzero
	}
	var coef [3]float64
	for iter := 0; iter < 4; iter++ {
		var idx []int
		for j := 0; j < 3; j++ {
			if active[j] {
				idx = append(idx, j)
			}
		}
		coef = [3]float64{}
		if len(idx) == 0 {
			break
		}
		sol, ok := leastSquares(xs, ys, idx)
		if !ok {
			active[idx[len(idx)-1]] = false // collinear: drop the last term
			continue
		}
		neg := -1
		for k, j := range idx {
			coef[j] = sol[k]
			if sol[k] < 0 && (neg < 0 || sol[k] < coef[neg]) {
				neg = j
			}
		}
		if neg < 0 {
			break
		}
		active[neg] = false
		coef = [3]float64{}
	}
	var mean, ssTot, ssRes float64
	for _, y := range ys {
		mean += y
	}
	mean /= float64(len(ys))
	for i, x := range xs {
		fit := coef[0]*x[0] + coef[1]*x[1] + coef[2]*x[2]
		ssRes += (ys[i] - fit) * (ys[i] - fit)
		ssTot += (ys[i] - mean) * (ys[i] - mean)
	}
	r2 := 1.0
	if ssTot > 0 {
		r2 = 1 - ssRes/ssTot
	} else if ssRes > 1e-9*(1+mean*mean) {
		r2 = 0
	}
	return coef, r2
}

// leastSquares solves the normal equations of the columns idx of xs by
// Gaussian elimination with partial pivoting; ok is false when they are
// singular.
func leastSquares(xs [][3]float64, ys []float64, idx []int) ([]float64, bool) {
	n := len(idx)
	a := make([][]float64, n)
	for r := range a {
		a[r] = make([]float64, n+1)
		for c := 0; c < n; c++ {
			for _, x := range xs {
				a[r][c] += x[idx[r]] * x[idx[c]]
			}
		}
		for i, x := range xs {
			a[r][n] += x[idx[r]] * ys[i]
		}
	}
	for col := 0; col < n; col++ {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-9*(1+math.Abs(a[col][col])) || a[p][col] == 0 {
			return nil, false
		}
		a[col], a[p] = a[p], a[col]
		for r := 0; r < n; r++ {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for c := col; c <= n; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	out := make([]float64, n)
	for r := 0; r < n; r++ {
		out[r] = a[r][n] / a[r][r]
	}
	return out, true
}

// MeasuredClimate is a site's climate from its own outdoor temperatures:
// the mean degree days of its full measured years (every month with
// readings on 80 % of its days, monthly-mean method, base 18 °C).
type MeasuredClimate struct {
	HDD, CDD float64
	Years    []int
	Sources  []string
}

// Describe says where the figures come from, for an explanation.
func (m MeasuredClimate) Describe() string {
	span := strconv.Itoa(m.Years[0])
	if n := len(m.Years); n > 1 {
		span += "–" + strconv.Itoa(m.Years[n-1])
	}
	return fmt.Sprintf("measured at the site: mean of %d full year(s) %s of daily outdoor temperature (%s), monthly-mean degree days base 18 °C",
		len(m.Years), span, strings.Join(m.Sources, ", "))
}

// MeasuredYears returns the actual degree days of every year of acts
// whose twelve months all have their temperature readings, read once.
func MeasuredYears(acts []footprint.Activity) map[int]MeasuredClimate {
	months := map[[2]int]*tempMonth{}
	sources := map[[2]int]map[string]bool{}
	for _, a := range acts {
		if a.Kind != footprint.KindWeather || !tempOK(a) {
			continue
		}
		k := [2]int{a.Start.Year(), int(a.Start.Time().Month())}
		if months[k] == nil {
			months[k], sources[k] = &tempMonth{}, map[string]bool{}
		}
		months[k].add(a)
		sources[k][a.Source] = true
	}
	out := map[int]MeasuredClimate{}
	seen := map[int]bool{}
	for k := range months {
		seen[k[0]] = true
	}
	for y := range seen {
		var m MeasuredClimate
		src := map[string]bool{}
		full := true
		for mo := 1; mo <= 12; mo++ {
			t := months[[2]int{y, mo}]
			n := footprint.NewDate(y, time.Month(mo), 1).DaysUntil(footprint.NewDate(y, time.Month(mo)+1, 1))
			if t == nil || !t.used(n) {
				full = false
				break
			}
			h, c := t.degreeDays(n)
			m.HDD += h
			m.CDD += c
			for s := range sources[[2]int{y, mo}] {
				src[s] = true
			}
		}
		if !full {
			continue
		}
		m.Years = []int{y}
		for s := range src {
			m.Sources = append(m.Sources, s)
		}
		sort.Strings(m.Sources)
		out[y] = m
	}
	return out
}

// MeasuredUpTo is the mean of the full measured years up to and
// including year (ok false when there is none): a year's profile never
// depends on later weather.
func MeasuredUpTo(years map[int]MeasuredClimate, year int) (MeasuredClimate, bool) {
	var out MeasuredClimate
	src := map[string]bool{}
	for y, m := range years {
		if y > year {
			continue
		}
		out.HDD += m.HDD
		out.CDD += m.CDD
		out.Years = append(out.Years, y)
		for _, s := range m.Sources {
			src[s] = true
		}
	}
	n := len(out.Years)
	if n == 0 {
		return out, false
	}
	out.HDD, out.CDD = math.Round(out.HDD/float64(n)), math.Round(out.CDD/float64(n))
	sort.Ints(out.Years)
	for s := range src {
		out.Sources = append(out.Sources, s)
	}
	sort.Strings(out.Sources)
	return out, true
}

// tempMonth is a month's temperature readings: their sum, their count
// and the days they were read on.
type tempMonth struct {
	sum     float64
	records int
	days    uint32 // bit i: day i+1
}

// add counts a daily record, or a rollup of them.
func (t *tempMonth) add(a footprint.Activity) {
	t.sum += a.Quantity
	if a.Rolled != nil {
		t.records += a.Rolled.Records
		t.days |= a.Rolled.Days
		return
	}
	t.records++
	t.days |= 1 << (a.Start.Time().Day() - 1)
}

func (t tempMonth) mean() float64 { return t.sum / float64(t.records) }

// used reports whether the month's readings stand for it: readings on
// minWeatherDays of its n days.
func (t tempMonth) used(n int) bool {
	return t.records > 0 && float64(bits.OnesCount32(t.days)) >= minWeatherDays*float64(n)
}

// degreeDays are the month's HDD and CDD by the monthly-mean method.
func (t tempMonth) degreeDays(n int) (hdd, cdd float64) {
	m := t.mean()
	return float64(n) * math.Max(0, DegreeDayBase-m), float64(n) * math.Max(0, m-DegreeDayBase)
}

// tempOK reports whether a temperature record (or a rollup of them: its
// mean) is usable.
func tempOK(a footprint.Activity) bool {
	mean := a.Quantity / float64(a.Count())
	return a.Item == "outdoor_temp" && a.Count() > 0 && !math.IsNaN(mean) && mean >= footprint.MinOutdoorTemp && mean <= footprint.MaxOutdoorTemp
}

// later returns the later of two dates.
func later(a, b footprint.Date) footprint.Date {
	if a.Before(b) {
		return b
	}
	return a
}
