package agent

import (
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// energyCollector reads metered or billed quantities: electricity, fuel,
// refrigerant, water… by day, bill period or month, in the unit of the
// export (kWh, MWh, Wh, litres, m³ of liquid fuel, kg, g converted).
type energyCollector struct{}

func init() { registerCollector("energy", energyCollector{}) }

func (energyCollector) Check(s SourceConfig, cols map[string]string, add addFunc) {
	requireColumns(s, cols, add, "date|start|month", "quantity")
	if s.Type == "manual" {
		return
	}
	if cols["kind"] == "" && s.Kind == "" {
		add("kind", "", "missing: give kind (electricity, fuel, refrigerant) or columns.kind")
	}
	if cols["item"] == "" && s.Item == "" {
		add("item", "", "missing: give item (e.g. grid, diesel) or columns.item")
	}
	if cols["start"] != "" && cols["end"] == "" {
		add("columns.end", "", "missing: a bill period needs its end column with columns.start")
	}
}

func (energyCollector) New(c *collector, _ SourceConfig) Collector {
	return byRow{c, (*collector).energy}
}

func (energyCollector) Sample() string {
	return `  # Electricity bills or meter readings: a row per day (columns.date),
  # bill period (start and end: the end day excluded) or month (YYYY-MM).
  - id: electricity-bills
    type: csv
    collector: energy
    path: exports/electricity.csv
    kind: electricity               # or columns.kind: electricity, fuel, refrigerant
    item: grid                      # or columns.item: grid, diesel, natural_gas, R32 …
    unit: kWh                       # or columns.unit: kWh, MWh, Wh, L, m3 (liquid fuel), kg, g
    columns:
      start: period_start
      end: period_end
      quantity: kwh
  # The same collector reads an own server room's meters — kind:
  # datacentre, item: it_energy (the PDU/UPS export) or facility_energy
  # (the room's facility meter), attrs: {room: <id under
  # site.data_centres>} — and a colocation contract's IT energy — kind:
  # colocation, item: it_energy, attrs: {contract: <id under
  # site.colocation>}.
`
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
	if len(c.src.Attrs) > 0 {
		a.Attrs = map[string]string{}
		for k, v := range c.src.Attrs {
			a.Attrs[k] = v
		}
	}
	c.emit(r, a)
}
