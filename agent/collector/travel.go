package collector

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// travelCollector reads a travel agency's bookings: flights (IATA pairs
// become great-circle distances with DESNZ's uplift, by haul and cabin),
// rail, car, taxi, bus and coach by distance, hotel nights by country.
type travelCollector struct{}

func init() { register("travel", func() Options { return &travelCollector{} }) }

func (*travelCollector) Defaults(*Common) {}

// MinGap: bookings are events; days without one are no gap.
func (*travelCollector) MinGap() int { return 0 }

func (*travelCollector) Check(env Env, add source.AddFunc) {
	requireColumns(env, add, "date", "mode")
	cols := env.Common.Given()
	if env.Type != "manual" && cols["distance_km"] == "" && (cols["from"] == "" || cols["to"] == "") {
		add("columns.distance_km", "", "missing: give columns.distance_km, or columns.from and columns.to (IATA codes) for flights")
	}
}

func (*travelCollector) New(env Env) Collector {
	c := newState(env)
	return byRow{c, func(r source.Row) { travel(c, r) }}
}

func (*travelCollector) Sample() string {
	return `  # The travel agency's booking export: IATA pairs become great-circle
  # distances (+8 % DESNZ uplift); hotel nights by country.
  - id: travel-agency
    type: csv
    collector: travel
    path: exports/bookings.csv
    columns:
      date: travel_date
      mode: mode                    # flight, rail, car, taxi, bus, coach, hotel (and aliases)
      from: origin                  # IATA code
      to: destination
      distance_km: distance_km      # used when given (rail, car …)
      cabin: cabin                  # economy, premium_economy, business, first
      nights: nights                # hotel
      country: country              # hotel's country (default: the site's)
`
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

func travel(c *state, r source.Row) {
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
