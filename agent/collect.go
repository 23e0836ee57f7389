package agent

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// Rejection is a row a collector could not use, and why.
type Rejection struct {
	Where  string `json:"where"`
	Reason string `json:"reason"`
}

// Collector turns a source's rows into activity records as they arrive:
// daily (or bill-period) records summed by key, so that re-reading an
// export gives the same keys. Result may answer errUnordered: the source
// is then collected from its whole table (collect).
type Collector interface {
	Add(r Row)
	Result() ([]footprint.Activity, []Rejection, error)
}

// collectorTypes is the registry of collectors by the name a source's
// `collector:` gives; each registers itself from its own file.
var collectorTypes = map[string]func(c *collector, s SourceConfig) Collector{}

func registerCollector(name string, f func(c *collector, s SourceConfig) Collector) {
	collectorTypes[name] = f
}

// byRow is a collector that takes each row on its own.
type byRow struct {
	c   *collector
	add func(*collector, Row)
}

func (b byRow) Add(r Row) { b.add(b.c, r) }

func (b byRow) Result() ([]footprint.Activity, []Rejection, error) {
	acts, rej := b.c.result()
	return acts, rej, nil
}

func init() {
	registerCollector("energy", func(c *collector, _ SourceConfig) Collector { return byRow{c, (*collector).energy} })
	registerCollector("telework", func(c *collector, _ SourceConfig) Collector { return byRow{c, (*collector).telework} })
	registerCollector("travel", func(c *collector, _ SourceConfig) Collector { return byRow{c, (*collector).travel} })
	registerCollector("workstation", func(c *collector, s SourceConfig) Collector {
		switch {
		case s.Type == "manual":
			return byRow{c, (*collector).workstationEstimateRow}
		case s.Columns.Hours != "":
			return byRow{c, (*collector).workstationReport}
		}
		return newPowerLog(c)
	})
}

func newState(s SourceConfig, site footprint.Site) *collector {
	c := &collector{src: s, site: site, sums: map[footprint.Key]*footprint.Activity{}}
	c.dateLayout, _ = goLayout(s.DateFormat)
	c.timeLayout, _ = goLayout(s.TimeFormat)
	c.loc, _ = time.LoadLocation(site.Timezone)
	if c.loc == nil {
		c.loc = time.UTC
	}
	return c
}

// newCollector returns the streaming collector of source s.
func newCollector(s SourceConfig, site footprint.Site) Collector {
	f, ok := collectorTypes[s.Collector]
	if !ok {
		return byRow{newState(s, site), func(*collector, Row) {}}
	}
	return f(newState(s, site), s)
}

// collect turns a whole table into records: the streaming collectors fed
// row by row, and for a power log out of time order the whole-table form.
func collect(s SourceConfig, site footprint.Site, t Table) ([]footprint.Activity, []Rejection) {
	col := newCollector(s, site)
	for _, r := range t.Rows {
		col.Add(r)
	}
	acts, rej, err := col.Result()
	if errors.Is(err, errUnordered) {
		c := newState(s, site)
		c.workstation(t)
		return c.result()
	}
	return acts, rej
}

type collector struct {
	src        SourceConfig
	site       footprint.Site
	loc        *time.Location
	dateLayout string
	timeLayout string
	sums       map[footprint.Key]*footprint.Activity
	order      []footprint.Key
	rejects    []Rejection
}

func (c *collector) reject(r Row, format string, args ...any) {
	c.rejects = append(c.rejects, Rejection{Where: r.Where, Reason: fmt.Sprintf(format, args...)})
}

// emit validates a record and adds it to the sum of its key.
func (c *collector) emit(r Row, a footprint.Activity) bool {
	a.Source = c.src.ID
	if a.Quality == "" {
		a.Quality = footprint.Quality(c.src.Quality)
	}
	if errs := a.Validate(r.Where); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = strings.TrimPrefix(e.Error(), r.Where+": ")
		}
		c.rejects = append(c.rejects, Rejection{Where: r.Where, Reason: strings.Join(msgs, "; ")})
		return false
	}
	k := a.Key(c.site.ID)
	if prev, ok := c.sums[k]; ok {
		prev.Quantity += a.Quantity
		return true
	}
	cp := a
	c.sums[k] = &cp
	c.order = append(c.order, k)
	return true
}

func (c *collector) result() ([]footprint.Activity, []Rejection) {
	out := make([]footprint.Activity, 0, len(c.order))
	for _, k := range c.order {
		a := *c.sums[k]
		a.Quantity = math.Round(a.Quantity*1e6) / 1e6
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].Kind+footprint.Kind(out[i].Item) < out[j].Kind+footprint.Kind(out[j].Item)
	})
	return out, c.rejects
}

// number parses a figure with the source's decimal separator.
func (c *collector) number(r Row, field string) (float64, bool) {
	s := strings.TrimSpace(r.Fields[field])
	if s == "" {
		c.reject(r, "%s: empty: want a number", field)
		return 0, false
	}
	v, err := parseNumber(s, c.src.Decimal)
	if err != nil {
		c.reject(r, "%s: %q: %v", field, s, err)
		return 0, false
	}
	return v, true
}

// parseNumber reads a figure written with decimal as its decimal
// separator. Thousands separators — spaces, and the other of '.' and ','
// — are accepted only between groups of three digits, so that a figure
// written with the other decimal separator ("12345,6" read with decimal
// ".") is refused with a hint instead of silently becoming ten times
// larger.
func parseNumber(s, decimal string) (float64, error) {
	thousands := ","
	if decimal == "," {
		thousands = "."
	}
	clean := strings.NewReplacer(" ", thousands, "\u00a0", thousands, "\u202f", thousands).Replace(strings.TrimSpace(s))
	mant, exp := clean, ""
	if i := strings.IndexAny(clean, "eE"); i >= 0 {
		mant, exp = clean[:i], clean[i:]
	}
	intPart, frac, hasFrac := strings.Cut(mant, decimal)
	if hasFrac && strings.Contains(frac, thousands) || strings.Contains(frac, decimal) {
		return 0, fmt.Errorf("want a number with %q as decimal separator", decimal)
	}
	sign := ""
	if strings.HasPrefix(intPart, "-") || strings.HasPrefix(intPart, "+") {
		sign, intPart = intPart[:1], intPart[1:]
	}
	if strings.Contains(intPart, thousands) {
		groups := strings.Split(intPart, thousands)
		ok := len(groups[0]) >= 1 && len(groups[0]) <= 3
		for _, g := range groups[1:] {
			ok = ok && len(g) == 3
		}
		if !ok {
			other := map[string]string{".": ",", ",": "."}[decimal]
			return 0, fmt.Errorf("%q is not between groups of three digits: if it is the decimal separator, set decimal: %q for this source", thousands, other)
		}
		intPart = strings.ReplaceAll(intPart, thousands, "")
	}
	num := sign + intPart
	if hasFrac {
		num += "." + frac
	}
	v, err := strconv.ParseFloat(num+exp, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("want a number with %q as decimal separator", decimal)
	}
	return v, nil
}

func (c *collector) date(r Row, field string) (footprint.Date, bool) {
	s := strings.TrimSpace(r.Fields[field])
	t, err := time.Parse(c.dateLayout, s)
	if err != nil {
		// Accept a timestamp whose date part matches.
		if t2, err2 := time.Parse(c.timeLayout, s); err2 == nil {
			t, err = t2, nil
		}
	}
	if err != nil {
		c.reject(r, "%s: %q: want a date as %s", field, s, c.src.DateFormat)
		return footprint.Date{}, false
	}
	return footprint.NewDate(t.Year(), t.Month(), t.Day()), true
}

var unitAliases = map[string]struct {
	unit footprint.Unit
	mult float64
}{
	"kwh": {footprint.UnitKWh, 1}, "mwh": {footprint.UnitKWh, 1000}, "wh": {footprint.UnitKWh, 0.001},
	"l": {footprint.UnitLitre, 1}, "litre": {footprint.UnitLitre, 1}, "litres": {footprint.UnitLitre, 1}, "liter": {footprint.UnitLitre, 1}, "liters": {footprint.UnitLitre, 1},
	"m3": {footprint.UnitLitre, 1000}, "kg": {footprint.UnitKg, 1}, "g": {footprint.UnitKg, 0.001},
}

func (c *collector) energy(r Row) {
	var a footprint.Activity
	var ok bool
	switch {
	case r.Fields["start"] != "":
		if a.Start, ok = c.date(r, "start"); !ok {
			return
		}
		if a.End, ok = c.date(r, "end"); !ok {
			return
		}
	case r.Fields["date"] != "":
		if a.Start, ok = c.date(r, "date"); !ok {
			return
		}
		a.End = a.Start.AddDays(1)
	default:
		m, err := time.Parse("2006-01", strings.TrimSpace(r.Fields["month"]))
		if err != nil {
			c.reject(r, "month: %q: want YYYY-MM", r.Fields["month"])
			return
		}
		a.Start = footprint.NewDate(m.Year(), m.Month(), 1)
		a.End = footprint.NewDate(m.Year(), m.Month()+1, 1)
	}
	a.Kind = footprint.Kind(first(r.Fields["kind"], c.src.Kind))
	a.Item = first(r.Fields["item"], c.src.Item)
	q, ok := c.number(r, "quantity")
	if !ok {
		return
	}
	unit := first(r.Fields["unit"], c.src.Unit)
	if unit == "" {
		u, _ := footprint.UnitOf(a.Kind, a.Item)
		unit = string(u)
	}
	if al, known := unitAliases[strings.ToLower(unit)]; known {
		want, _ := footprint.UnitOf(a.Kind, a.Item)
		// m3 means litres only for liquid fuels; natural gas in m3 needs a conversion the site states.
		if !(strings.ToLower(unit) == "m3" && want != footprint.UnitLitre) {
			a.Unit, q = al.unit, q*al.mult
		} else {
			a.Unit = footprint.Unit(unit)
		}
	} else {
		a.Unit = footprint.Unit(unit)
	}
	a.Quantity = q
	c.emit(r, a)
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
	for _, x := range []struct {
		item string
		q    float64
	}{{"remote", remote}, {"onsite", onsite}} {
		c.emit(r, footprint.Activity{Kind: footprint.KindTelework, Item: x.item, Start: d, End: d.AddDays(1), Quantity: x.q, Unit: footprint.UnitPersonDay})
	}
}

func first(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Airport is an entry of the embedded IATA table.
type Airport struct {
	IATA, Country string
	Lat, Lon      float64
}

//go:embed airports.csv
var airportsCSV []byte

var airports = sync.OnceValue(func() map[string]Airport {
	rows, err := csv.NewReader(bytes.NewReader(airportsCSV)).ReadAll()
	if err != nil {
		panic(err)
	}
	m := map[string]Airport{}
	for _, r := range rows[1:] {
		lat, _ := strconv.ParseFloat(r[2], 64)
		lon, _ := strconv.ParseFloat(r[3], 64)
		m[r[0]] = Airport{IATA: r[0], Country: r[1], Lat: lat, Lon: lon}
	}
	return m
})

// LookupAirport returns an airport of the embedded table by IATA code.
func LookupAirport(code string) (Airport, bool) {
	a, ok := airports()[strings.ToUpper(strings.TrimSpace(code))]
	return a, ok
}

// GreatCircleKm is the haversine distance between two airports.
func GreatCircleKm(a, b Airport) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// FlightUplift is DESNZ's 8 % uplift of great-circle distance for
// indirect routes and delays.
const FlightUplift = 1.08

// LongHaulKm is DESNZ's short-/long-haul boundary.
const LongHaulKm = 3700.0

var travelModes = map[string]string{
	"flight": "flight", "air": "flight", "plane": "flight", "avion": "flight", "vol": "flight",
	"rail": "rail", "train": "rail", "tgv": "rail",
	"car": "car_petrol", "car_petrol": "car_petrol", "voiture": "car_petrol", "car_diesel": "car_diesel",
	"car_hybrid": "car_hybrid", "car_electric": "car_electric", "taxi": "taxi", "bus": "bus", "coach": "coach",
	"hotel": "hotel",
}

var cabins = map[string]string{"economy": "economy", "eco": "economy", "y": "economy", "premium": "premium_economy",
	"premium_economy": "premium_economy", "premium economy": "premium_economy", "business": "business", "affaires": "business", "c": "business", "j": "business", "first": "first", "f": "first"}

func (c *collector) travel(r Row) {
	d, ok := c.date(r, "date")
	if !ok {
		return
	}
	modeRaw := strings.ToLower(strings.TrimSpace(r.Fields["mode"]))
	mode, known := travelModes[modeRaw]
	if !known {
		keys := make([]string, 0, len(travelModes))
		for k := range travelModes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		c.reject(r, "mode: %q: want one of %s", r.Fields["mode"], strings.Join(keys, ", "))
		return
	}
	a := footprint.Activity{Kind: footprint.KindTravel, Start: d, End: d.AddDays(1)}
	if mode == "hotel" {
		n, ok := c.number(r, "nights")
		if !ok {
			return
		}
		country := strings.ToUpper(first(r.Fields["country"], c.site.Country))
		a.Item, a.Unit, a.Quantity, a.Attrs = "hotel", footprint.UnitRoomNight, n, map[string]string{"country": country}
		c.emit(r, a)
		return
	}
	var km float64
	from, okF := LookupAirport(r.Fields["from"])
	to, okT := LookupAirport(r.Fields["to"])
	switch {
	case strings.TrimSpace(r.Fields["distance_km"]) != "":
		if km, ok = c.number(r, "distance_km"); !ok {
			return
		}
	case mode == "flight" && okF && okT:
		km = GreatCircleKm(from, to) * FlightUplift
	case mode == "flight":
		c.reject(r, "from/to: %q–%q: unknown airport(s): give distance_km or IATA codes of the embedded table", r.Fields["from"], r.Fields["to"])
		return
	default:
		c.reject(r, "distance_km: empty: %s needs a distance", mode)
		return
	}
	a.Unit, a.Quantity, a.Item = footprint.UnitPKm, km, mode
	if mode == "flight" {
		switch {
		case okF && okT && from.Country == to.Country:
			a.Item = "flight_domestic"
		case km < LongHaulKm:
			a.Item = "flight_short_haul"
		default:
			a.Item = "flight_long_haul"
		}
		if cab := strings.ToLower(strings.TrimSpace(r.Fields["cabin"])); cab != "" && a.Item != "flight_domestic" {
			cl, ok := cabins[cab]
			if !ok {
				c.reject(r, "cabin: %q: want economy, premium_economy, business or first", r.Fields["cabin"])
				return
			}
			if a.Item == "flight_short_haul" && (cl == "premium_economy" || cl == "first") {
				cl = "business" // DESNZ short haul has economy and business only
			}
			a.Attrs = map[string]string{"class": cl}
		}
	}
	c.emit(r, a)
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
