package collector

import (
	"fmt"
	"maps"

	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// energyCollector reads metered or billed quantities: electricity, fuel,
// refrigerant, water… by day, bill period or month, in the unit of the
// export (kWh, MWh, Wh, litres, m³ of liquid fuel, kg, g converted).
type energyCollector struct {
	// Kind, Item and Unit are every record's unless a column gives them.
	Kind string `mapstructure:"kind"`
	Item string `mapstructure:"item"`
	Unit string `mapstructure:"unit"`
	// Attrs are attributes every record of the source carries: room for a
	// data centre's meters (kind datacentre), contract for a colocation
	// contract's IT energy (kind colocation).
	Attrs map[string]string `mapstructure:"attrs"`
	// Periods: a bill's period in one column, and whether its printed
	// end is its last day (end_inclusive, period_separator).
	Periods `mapstructure:",squash"`
	// EventLog says the rows are events, not a series that covers every
	// day: a generator's runs, refrigerant top-ups, fuel deliveries. A
	// day without a row had none, so check reports the years without
	// any, not the days between two (MinGap).
	EventLog bool `mapstructure:"event_log"`
}

// MinGap: a log of events has no gaps, only years without an event;
// bills and meters should cover every day.
func (s *energyCollector) MinGap() int {
	if s.EventLog {
		return 0
	}
	return 1
}

func init() { register("energy", func() Options { return &energyCollector{} }) }

func (*energyCollector) Defaults(*Common) {}

func (s *energyCollector) Check(env Env, add source.AddFunc) {
	requireColumns(env, add, "date|start|month|period", "quantity")
	if env.Type == "manual" {
		return
	}
	cols := env.Common.Given()
	if cols["kind"] == "" && s.Kind == "" {
		add("kind", "", "missing: give kind (electricity, fuel, refrigerant) or columns.kind")
	}
	if cols["item"] == "" && s.Item == "" {
		add("item", "", "missing: give item (e.g. grid, diesel) or columns.item")
	}
	if cols["start"] != "" && cols["end"] == "" {
		add("columns.end", "", "missing: a bill period needs its end column with columns.start")
	}
	if cols["period"] != "" && (cols["start"] != "" || cols["end"] != "") {
		add("columns.period", cols["period"], "a period column gives the start and the end: map it, or columns.start and columns.end, not both")
	}
	if s.EndInclusive != nil && cols["period"] == "" && cols["start"] == "" {
		add("end_inclusive", fmt.Sprint(*s.EndInclusive), "only a period (columns.period, or columns.start and columns.end) has an end")
	}
}

func (s *energyCollector) New(env Env) Collector {
	c := newState(env)
	return byRow{c: c, add: func(r source.Row) { s.add(c, r) }}
}

func (*energyCollector) Sample() string {
	return `  # Electricity bills or meter readings: a row per day (columns.date),
  # bill period (start and end: the end day excluded unless
  # end_inclusive: true) or month (YYYY-MM). A bill's period in one
  # column ("Jan 5 - Feb 4, 2025") is columns.period with date_format:
  # MMM D, YYYY; its printed end is its last day (end_inclusive, the
  # default for a period column).
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
  # A log of events — a generator's runs (kind: fuel, item: diesel,
  # unit: L, the litres each run used), the refrigerant each service
  # tops up (kind: refrigerant, columns.item: the gas, "R-410A" as
  # written, unit: kg) — is read with columns.date and event_log: true: a
  # day without a row had none, so check reports no gaps between them.
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

func (s *energyCollector) add(c *state, r source.Row) {
	var a footprint.Activity
	var ok bool
	switch {
	case r.Get("start") != "" || r.Get("period") != "":
		if a.Start, a.End, ok = c.period(r, s.Periods); !ok {
			return
		}
	case r.Get("date") != "":
		if a.Start, ok = c.date(r, "date"); !ok {
			return
		}
		a.End = a.Start.AddDays(1)
	default:
		m, err := time.Parse("2006-01", strings.TrimSpace(r.Get("month")))
		if err != nil {
			c.reject(r, "month: %q: want YYYY-MM", r.Get("month"))
			return
		}
		a.Start = footprint.NewDate(m.Year(), m.Month(), 1)
		a.End = footprint.NewDate(m.Year(), m.Month()+1, 1)
	}
	a.Kind = footprint.Kind(first(r.Get("kind"), s.Kind))
	a.Item = itemOf(a.Kind, first(r.Get("item"), s.Item))
	q, ok := c.number(r, "quantity")
	if !ok {
		return
	}
	unit := first(r.Get("unit"), s.Unit)
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
	if len(s.Attrs) > 0 {
		a.Attrs = maps.Clone(s.Attrs)
	}
	c.emit(r, a)
}

// itemOf is the item of kind an export's spelling names: the item
// itself, or the one item that differs from it only in case, hyphens,
// spaces and underscores ("R-410A" as ASHRAE 34 writes it for R410A,
// "Diesel" for diesel). Anything else is left for the record's check to
// refuse, naming the items.
func itemOf(kind footprint.Kind, item string) string {
	if _, ok := footprint.UnitOf(kind, item); ok || item == "" {
		return item
	}
	want, found := squeeze(item), ""
	for _, it := range footprint.Items(kind) {
		if squeeze(it) != want {
			continue
		}
		if found != "" {
			return item // two items match: the record's check names them
		}
		found = it
	}
	if found == "" {
		return item
	}
	return found
}

// squeeze is an item's spelling without case, hyphens, spaces and
// underscores.
func squeeze(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "", "_", "", "\u00a0", "").Replace(strings.TrimSpace(s)))
}
