package ghg

import (
	"fmt"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

// accumulate adds one record of a kind to the calculation: qty is the
// record's quantity within the period. Each kind has one (byKind); adding
// a kind is a row there and its method (docs/ARCHITECTURE.md, where to add
// a kind).
type accumulate func(c *calc, a footprint.Activity, qty float64) error

// byKind is the calculation of each kind of record.
var byKind = map[footprint.Kind]accumulate{
	footprint.KindElectricity: (*calc).electricity,
	footprint.KindFuel:        (*calc).fuel,
	footprint.KindRefrigerant: (*calc).refrigerant,
	footprint.KindTravel:      (*calc).travel,
	footprint.KindPurchase:    (*calc).purchase,
	footprint.KindTelework:    (*calc).telework,
	footprint.KindWorkstation: (*calc).workstation,
	footprint.KindWeather:     (*calc).weather,
	footprint.KindDataCentre:  (*calc).dataCentre,
	footprint.KindColocation:  (*calc).colocation,
	footprint.KindCloud:       (*calc).cloud,
}

// add adds a record through its kind's accumulate.
func (c *calc) add(a footprint.Activity, qty float64) error {
	f, ok := byKind[a.Kind]
	if !ok {
		return fmt.Errorf("kind %q has no calculation", a.Kind)
	}
	return f(c, a, qty)
}

// fuel is Scope 1 combustion, and its well-to-tank in Scope 3.3.
func (c *calc) fuel(a footprint.Activity, qty float64) error {
	f, err := c.lookup("fuel", a.Item, c.site.Country, false)
	if err != nil {
		return err
	}
	c.addLine(Scope1, "fuel", a.Item, qty, string(a.Unit), f, a.Quality, "", c.n)
	c.wellToTank(a, qty)
	return nil
}

// refrigerant is Scope 1 leakage at the chosen GWP set.
func (c *calc) refrigerant(a footprint.Activity, qty float64) error {
	item := a.Item
	if c.opt.GWPSet() == GWPAR5 {
		item += ".ar5"
	}
	// A GWP set is not yearly: it applies to every year reported
	// (a set change restates them all), so the row is taken whatever
	// the year of the assessment.
	m, err := c.lib.Lookup("refrigerant", item, factors.World, 2100)
	if err != nil {
		return err
	}
	f := fromMatch(m)
	if hfcs[a.Item] { // the leak is the HFC itself, at the set's GWP
		f.gases = &LineGases{HFCKgPerUnit: f.kg, GWP: c.opt.GWPSet()}
	}
	c.addLine(Scope1, "refrigerant", a.Item, qty, string(a.Unit), f, a.Quality, "GWP100 "+c.opt.GWPSet(), c.n)
	return nil
}

// travel is business travel, Scope 3 category 6.
func (c *calc) travel(a footprint.Activity, qty float64) error {
	item, region, regionMatters := c.travelItem(a), c.site.Country, false
	if a.Item == "hotel" {
		regionMatters = true
		if cc := a.Attrs["country"]; cc != "" {
			region = cc
		}
	}
	f, err := c.lookup("travel", item, region, regionMatters)
	if err != nil {
		return err
	}
	if a.Attrs["dated"] == "booking" {
		c.bookingDated += c.n
	}
	unit, basis := c.perVehicle(a, f), attrBasis(a)
	if unit != string(a.Unit) {
		basis = strings.TrimPrefix(basis+", 1 occupant: pkm = vehicle-km", ", ")
	}
	c.addLine(Scope3BusinessTravel, "travel", a.Item, qty, unit, f, a.Quality, basis, c.n)
	return nil
}

// purchase is capital goods: the devices' cradle-to-gate emissions, in
// the year they were bought (GHG Protocol Scope 3 category 2).
func (c *calc) purchase(a footprint.Activity, qty float64) error {
	f, err := c.lookup("purchase", a.Item, c.site.Country, false)
	if err != nil {
		return err
	}
	c.addLine(Scope3CapitalGoods, "purchase", a.Item, qty, string(a.Unit), f, a.Quality, "", c.n)
	return nil
}

// telework counts remote and on-site person-days (homeworking and
// commuting are computed from them at the end).
func (c *calc) telework(a footprint.Activity, qty float64) error {
	if a.Item == "remote" {
		c.remoteDays += qty
	} else {
		c.onsiteDays += qty
	}
	c.teleQ[a.Item] = worse(c.teleQ[a.Item], a.Quality)
	return nil
}

// workstation counts device-hours per class and state, and the days
// logged (power-off is computed from them at the end).
func (c *calc) workstation(a footprint.Activity, qty float64) error {
	state := a.Attrs["state"]
	if state == "" {
		state = "on"
	}
	if c.prePolicy(a) {
		// Before the roll-out: energy used, but nothing avoided and
		// no compliance to measure.
		addHours(c.preH, a.Item, state, qty)
		return nil
	}
	addHours(c.devH, a.Item, state, qty)
	c.devQ = worse(c.devQ, a.Quality)
	days := c.devDays[a.Item]
	if days == nil {
		days = make([]bool, c.from.DaysUntil(c.to))
		c.devDays[a.Item] = days
	}
	off := c.from.DaysUntil(a.Start)
	if a.Rolled != nil && a.Rolled.Days != 0 { // a rollup: the days its records were logged on
		for b := 0; b < 32; b++ {
			if i := off + b; a.Rolled.Days&(1<<b) != 0 && i >= 0 && i < len(days) {
				days[i] = true
			}
		}
		return nil
	}
	for i, end := max(0, off), min(len(days), c.from.DaysUntil(a.End)); i < end; i++ {
		days[i] = true
	}
	return nil
}

// weather has no emissions: the year's degree days (weather.Normalise).
func (c *calc) weather(footprint.Activity, float64) error { return nil }

// travelItem is the factor item of a business-travel record: the class
// and radiative-forcing variants, and for flights of a site outside the UK
// DESNZ's international (to/from non-UK) factors — its short- and
// long-haul factors are for flights to or from the UK.
//
// A flight within the site's own country (flight_domestic) takes a
// national domestic factor when the library has one for the country (an
// operator's --factors row travel,flight_domestic,<country>); else DESNZ's
// international factor, with a note: DESNZ's domestic factor is for
// flights within the UK.
func (c *calc) travelItem(a footprint.Activity) string {
	item := a.Item
	cl := a.Attrs["class"]
	if a.Item == "flight_domestic" && !strings.EqualFold(c.site.Country, "GB") {
		if national := c.noRF(a, a.Item); c.lib.HasRegion("travel", national, c.site.Country) {
			return national
		}
		c.notes[fmt.Sprintf("flights within %s (flight_domestic): DESNZ's domestic factor is for flights within the UK; its international (to/from non-UK) factor stands in — a national factor (a row travel,flight_domestic,%s in a --factors file) replaces it", c.site.Country, c.site.Country)] = true
	}
	if strings.HasPrefix(a.Item, "flight_") && !strings.EqualFold(c.site.Country, "GB") {
		intl := "flight_international"
		if cl == "economy" || cl == "business" {
			intl += "." + cl
		}
		if cl == "" || cl == "economy" || cl == "business" {
			item, cl = intl, ""
		} else {
			c.notes[fmt.Sprintf("flights in %s class: DESNZ's international (non-UK) factor for the class is not in the library; the to/from-UK %s factor stands in", cl, a.Item)] = true
		}
	}
	if cl != "" {
		item += "." + cl
	}
	return c.noRF(a, item)
}

// noRF is item without radiative forcing when the options say so.
func (c *calc) noRF(a footprint.Activity, item string) string {
	if strings.HasPrefix(a.Item, "flight_") && c.opt.FlightsWithoutRF {
		return item + ".no_rf"
	}
	return item
}

// perVehicle returns the unit of the line: a car factor is per vehicle-km
// (DESNZ), so passenger-km of one traveller count as vehicle-km.
func (c *calc) perVehicle(a footprint.Activity, f factorRef) string {
	if f.unit == "vkm" && a.Unit == footprint.UnitPKm {
		return "vkm"
	}
	return string(a.Unit)
}

// wellToTank adds the Scope 3.3 line of a fuel burnt: its extraction,
// refining and transport (DESNZ well-to-tank factors). A fuel without a
// WTT row is left out of 3.3 with a note, never counted at zero silently.
func (c *calc) wellToTank(a footprint.Activity, qty float64) {
	if !c.lib.Has("wtt", a.Item) {
		c.notes[fmt.Sprintf("scope 3.3: no well-to-tank factor for fuel %q in the library; its upstream emissions are not counted", a.Item)] = true
		return
	}
	f, err := c.lookup("wtt", a.Item, c.site.Country, false)
	if err != nil {
		return
	}
	c.addLine(Scope3FuelEnergy, "fuel", a.Item, qty, string(a.Unit), f, a.Quality, "well-to-tank", c.n)
}

func attrBasis(a footprint.Activity) string {
	var parts []string
	if cl := a.Attrs["class"]; cl != "" {
		parts = append(parts, "class "+cl)
	}
	if cc := a.Attrs["country"]; cc != "" {
		parts = append(parts, "in "+cc)
	}
	if a.Attrs["dated"] == "booking" {
		parts = append(parts, "dated by booking")
	}
	return strings.Join(parts, ", ")
}

// electricity is grid electricity — Scope 2 location-based at the grid's
// combustion factor, its upstream and T&D losses in Scope 3.3 (gridScope3),
// market-based by the site's contract once the period's consumption is
// known (marketBased, market.go) — or self-generated renewables, 0 under
// both methods.
func (c *calc) electricity(a footprint.Activity, kwh float64) error {
	if a.Item != gridItem {
		// Self-generated renewables: zero under both methods.
		loc, err := c.lookup("electricity", a.Item, c.site.Country, false)
		if err != nil {
			return err
		}
		c.addLine(Scope2Location, "electricity", a.Item, kwh, string(a.Unit), loc, a.Quality, "", c.n)
		c.addMarket(a.Item, kwh, loc, a.Quality, "", instOwn)
		return nil
	}
	g, err := c.grid(c.site.Country)
	if err != nil {
		return err
	}
	c.addLine(Scope2Location, "electricity", a.Item, kwh, string(a.Unit), g.comb, a.Quality, "", c.n)
	c.gridScope3("electricity", c.site.Country, kwh, g, a.Quality, "")
	c.gridUses = append(c.gridUses, gridUse{item: a.Item, kwh: kwh, q: a.Quality, act: c.cur, n: c.n, comb: g.comb})
	return nil
}
