package collector

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// travelCollector reads a travel agency's bookings: flights (IATA pairs
// become great-circle distances with DESNZ's uplift, domestic or by haul,
// and cabin), rail, car, taxi, bus and coach by distance (kilometres or
// miles), hotel nights by country; each on its travel date, or its
// booking date when that is all the export has (said in check and on
// the record).
type travelCollector struct{}

func init() { register("travel", func() Options { return &travelCollector{} }) }

func (*travelCollector) Defaults(*Common) {}

// MinGap: bookings are events; days without one are no gap.
func (*travelCollector) MinGap() int { return 0 }

func (*travelCollector) Check(env Env, add source.AddFunc) {
	requireColumns(env, add, "date|booking_date", "mode")
	cols := env.Common.Given()
	if cols["distance_km"] != "" && cols["distance_mi"] != "" {
		add("columns.distance_mi", cols["distance_mi"], "columns.distance_km is mapped too: give the distance in one unit")
	}
	if env.Type != "manual" && cols["distance_km"] == "" && cols["distance_mi"] == "" && (cols["from"] == "" || cols["to"] == "") {
		add("columns.distance_km", "", "missing: give columns.distance_km (or distance_mi, a distance in miles), or columns.from and columns.to (IATA codes) for flights")
	}
}

func (*travelCollector) New(env Env) Collector {
	t := &travelRun{c: newState(env), unknown: map[string]int{}}
	cols := env.Common.Given()
	t.bookingOnly = cols["date"] == "" && cols["booking_date"] != ""
	return byRow{c: t.c, add: t.row, warn: t.warnings}
}

func (*travelCollector) Sample() string {
	return `  # The travel agency's booking export: IATA pairs become great-circle
  # distances (+8 % DESNZ uplift), domestic when both airports are in one
  # country, else short or long haul; hotel nights by country.
  - id: travel-agency
    type: csv
    collector: travel
    path: exports/bookings.csv
    date_format: DD-MMM-YYYY        # 09-Jan-2025
    # constants: {mode: flight}     # a flights-only export without a mode column
    columns:
      date: Travel Date             # the day travelled
      booking_date: Booking Date    # used when a row has no travel date (said in check)
      mode: mode                    # flight, rail, car, taxi, bus, coach, hotel (and aliases)
      from: Origin                  # IATA code
      to: Destination
      distance_mi: Segment Miles    # or distance_km; flights between known airports use the airports
      cabin: Class                  # economy, premium_economy, business, first
      nights: nights                # hotel
      country: country              # hotel's country (default: the site's)
`
}

var travelModes = map[string]string{
	"flight": "flight", "air": "flight", "plane": "flight", "avion": "flight", "vol": "flight",
	"rail": "rail", "train": "rail", "tgv": "rail",
	"car": "car_petrol", "car_petrol": "car_petrol", "voiture": "car_petrol", "car_diesel": "car_diesel",
	"car_hybrid": "car_hybrid", "car_electric": "car_electric", "taxi": "taxi", "bus": "bus", "coach": "coach",
	"hotel": "hotel",
}

var cabins = map[string]string{"economy": "economy", "eco": "economy", "y": "economy", "premium": "premium_economy",
	"premium_economy": "premium_economy", "premium economy": "premium_economy", "business": "business", "affaires": "business", "c": "business", "j": "business", "first": "first", "f": "first"}

// travelRun is one collection of a travel export: the records, and what
// check should say of the rows as a whole.
type travelRun struct {
	c *state
	// bookingOnly: the source maps a booking date and no travel date.
	bookingOnly bool
	// booked counts the records dated by their booking date; rows the
	// rows taken.
	booked, rows int
	// unknown counts the rows naming each code the table lacks.
	unknown map[string]int
}

// warnings says which rows were dated by booking and which airport codes
// are not in the table.
func (t *travelRun) warnings() []string {
	var out []string
	switch {
	case t.bookingOnly && t.booked > 0:
		out = append(out, fmt.Sprintf("dates are booking dates (columns.booking_date, no columns.date): %s counted on the day booked, which can be another month or year than the trip (the records say so: attribute dated=booking); map the travel date if the export has one", rows(t.booked)))
	case t.booked > 0:
		out = append(out, fmt.Sprintf("%s of %d without a travel date: dated by the booking date (columns.booking_date; the records say so: attribute dated=booking)", rows(t.booked), t.rows))
	}
	if len(t.unknown) > 0 {
		codes := slices.Sorted(maps.Keys(t.unknown))
		named := make([]string, len(codes))
		n := 0
		for i, code := range codes {
			named[i] = fmt.Sprintf("%s (%s)", code, rows(t.unknown[code]))
			n += t.unknown[code]
		}
		out = append(out, fmt.Sprintf("airport codes not in the embedded table, in %s: %s; correct the code, or give those segments' distance (columns.distance_km or distance_mi)", rows(n), strings.Join(named, ", ")))
	}
	return out
}

// date is the row's travel date, else its booking date (dated: true).
func (t *travelRun) date(r source.Row) (d footprint.Date, dated bool, ok bool) {
	if strings.TrimSpace(r.Get("date")) != "" {
		d, ok = t.c.date(r, "date")
		return d, false, ok
	}
	if strings.TrimSpace(r.Get("booking_date")) != "" {
		d, ok = t.c.date(r, "booking_date")
		return d, true, ok
	}
	t.c.reject(r, "date: empty: want the travel date (columns.date) or at least the booking date (columns.booking_date)")
	return d, false, false
}

// distanceKm is the row's own distance in km (distance_km, or
// distance_mi × 1.609344); given is false when the row has none.
func (t *travelRun) distanceKm(r source.Row) (km float64, given, ok bool) {
	for _, f := range []struct {
		field string
		perKm float64
	}{{"distance_km", 1}, {"distance_mi", KmPerMile}} {
		if strings.TrimSpace(r.Get(f.field)) == "" {
			continue
		}
		v, ok := t.c.number(r, f.field)
		return v * f.perKm, true, ok
	}
	return 0, false, true
}

func (t *travelRun) row(r source.Row) {
	c := t.c
	t.rows++
	d, byBooking, ok := t.date(r)
	if !ok {
		return
	}
	modeRaw := strings.ToLower(strings.TrimSpace(r.Get("mode")))
	mode, known := travelModes[modeRaw]
	if !known {
		keys := slices.Sorted(maps.Keys(travelModes))
		c.reject(r, "mode: %q: want one of %s", r.Get("mode"), strings.Join(keys, ", "))
		return
	}
	a := footprint.Activity{Kind: footprint.KindTravel, Start: d, End: d.AddDays(1), Attrs: map[string]string{}}
	if byBooking {
		a.Attrs["dated"] = "booking"
	}
	if mode == "hotel" {
		n, ok := c.number(r, "nights")
		if !ok {
			return
		}
		a.Item, a.Unit, a.Quantity = "hotel", footprint.UnitRoomNight, n
		a.Attrs["country"] = strings.ToUpper(first(r.Get("country"), c.site.Country))
		t.emit(r, a, byBooking)
		return
	}
	given, hasGiven, ok := t.distanceKm(r)
	if !ok {
		return
	}
	a.Unit, a.Item = footprint.UnitPKm, mode
	if mode != "flight" {
		if !hasGiven {
			c.reject(r, "distance: empty: %s needs a distance (columns.distance_km or distance_mi)", mode)
			return
		}
		a.Quantity = given
		t.emit(r, a, byBooking)
		return
	}
	if !t.flight(r, &a, given, hasGiven) {
		return
	}
	t.emit(r, a, byBooking)
}

// flight sets a flight's distance and item: between airports of the
// table, their great circle + 8 % (every flight counted one way, DESNZ's);
// with a code the table lacks, the row's own distance, taken as the
// airports' great circle (as agencies' segment miles are) + 8 %.
// Domestic when both airports are in one country, else short or long haul
// by the distance counted; the cabin for short and long haul.
func (t *travelRun) flight(r source.Row, a *footprint.Activity, given float64, hasGiven bool) bool {
	c := t.c
	fromCode, toCode := strings.ToUpper(strings.TrimSpace(r.Get("from"))), strings.ToUpper(strings.TrimSpace(r.Get("to")))
	from, okF := LookupAirport(fromCode)
	to, okT := LookupAirport(toCode)
	var missing []string
	for _, m := range []struct {
		code string
		ok   bool
	}{{fromCode, okF}, {toCode, okT}} {
		if !m.ok && m.code != "" && !slices.Contains(missing, m.code) {
			missing = append(missing, m.code)
			t.unknown[m.code]++
		}
	}
	switch {
	case okF && okT:
		a.Quantity = GreatCircleKm(from, to) * FlightUplift
	case hasGiven:
		a.Quantity = given * FlightUplift
	case len(missing) > 0:
		c.reject(r, "from/to: %s–%s: no airport %s in the embedded table (airports with scheduled service, OurAirports): correct the code, or give the segment's distance (columns.distance_km or distance_mi)", quote(fromCode), quote(toCode), strings.Join(missing, " or "))
		return false
	default:
		c.reject(r, "from/to: empty: a flight needs its airports' IATA codes (columns.from, columns.to) or its distance (columns.distance_km or distance_mi)")
		return false
	}
	switch {
	case okF && okT && from.Country == to.Country:
		a.Item = "flight_domestic"
	case a.Quantity < LongHaulKm:
		a.Item = "flight_short_haul"
	default:
		a.Item = "flight_long_haul"
	}
	if cab := strings.ToLower(strings.TrimSpace(r.Get("cabin"))); cab != "" && a.Item != "flight_domestic" {
		cl, ok := cabins[cab]
		if !ok {
			c.reject(r, "cabin: %q: want economy, premium_economy, business or first", r.Get("cabin"))
			return false
		}
		if a.Item == "flight_short_haul" && (cl == "premium_economy" || cl == "first") {
			cl = "business" // DESNZ short haul has economy and business only
		}
		a.Attrs["class"] = cl
	}
	return true
}

func (t *travelRun) emit(r source.Row, a footprint.Activity, byBooking bool) {
	if len(a.Attrs) == 0 {
		a.Attrs = nil
	}
	if t.c.emit(r, a) && byBooking {
		t.booked++
	}
}

func rows(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

func quote(code string) string {
	if code == "" {
		return `""`
	}
	return code
}
