package ghg

import (
	"fmt"
	"slices"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/weather"
)

// Inventory is one site's GHG inventory for one calendar year, in tonnes
// CO2e. Every total is the sum of its lines.
type Inventory struct {
	Year     int    `json:"year"`
	Site     string `json:"site"`
	SiteName string `json:"site_name"`
	Country  string `json:"country"`
	// Profile is the climate/grid profile whose assumptions were used ("" none).
	Profile string `json:"profile"`

	// One field per scope of the table (scopes.go), its total.
	Scope1T         float64 `json:"scope1_t"`
	Scope2LocationT float64 `json:"scope2_location_t"`
	Scope2MarketT   float64 `json:"scope2_market_t"`
	// Scope3PurchasedGoodsT is category 1: colocation whose electricity
	// the provider buys, and the cloud (it.go).
	Scope3PurchasedGoodsT float64 `json:"scope3_purchased_goods_t"`
	Scope3CapitalGoodsT   float64 `json:"scope3_capital_goods_t"`
	Scope3FuelEnergyT     float64 `json:"scope3_fuel_energy_t"`
	Scope3BusinessTravelT float64 `json:"scope3_business_travel_t"`
	Scope3CommutingT      float64 `json:"scope3_commuting_t"`
	Scope3HomeworkingT    float64 `json:"scope3_homeworking_t"`
	// TotalLocationT is scope 1 + scope 2 location-based + all scope 3.
	TotalLocationT float64 `json:"total_location_t"`
	// TotalMarketT is scope 1 + scope 2 market-based + all scope 3.
	TotalMarketT float64 `json:"total_market_t"`

	PowerOff PowerOff `json:"power_off"`
	Telework Telework `json:"telework"`
	// Weather is the year's measured weather and the site's energy
	// normalised to its long-term climate, when it sends outdoor
	// temperatures (beside the inventory: nothing in it is restated).
	Weather *weather.Weather `json:"weather,omitempty"`
	// IT is the year's own data centres, colocation and cloud (it.go).
	IT      *IT           `json:"it,omitempty"`
	Quality QualityShares `json:"quality"`
	// OnDefaults is the part of the footprint resting on defaults, and on
	// which (nil: none).
	OnDefaults *OnDefaults `json:"on_defaults,omitempty"`
	Lines      []Line      `json:"lines"`
	// Notes lists factor fallbacks and assumptions a reader must know.
	Notes     []string `json:"notes,omitempty"`
	FactorSet string   `json:"factor_set"`
	// Records is every activity record's share of each line, when the
	// calculation was asked to trace them (Options.Trace).
	Records []LineRecord `json:"records,omitempty"`
	// GWPSet names the global warming potentials applied to refrigerants.
	GWPSet string `json:"gwp_set"`
	// UpstreamElectricity states where the upstream emissions of grid
	// electricity sit (UpstreamBoundary).
	UpstreamElectricity string `json:"upstream_electricity"`
	// Estimated is set when part of the year stands in for records the
	// site never sent (WithEstimate; nil: none).
	Estimated *Estimated `json:"estimated,omitempty"`
}

// UpstreamBoundary is greenhelp's one boundary for upstream electricity
// emissions. Scope 2 holds the combustion of the kWh consumed only (the
// grid.combustion rows: a national combustion factor where one is read,
// else Ember's lifecycle intensity × the direct share of its emissions by
// fuel); the rest of the lifecycle factor (grid.upstream) and the T&D
// losses are Scope 3.3, with the fuels' well-to-tank (GHG Protocol Scope 3
// Technical Guidance, category 3 activities A, B and C). Scope 2 + 3.3 of
// a kWh = (kWh + kWh lost) × the lifecycle factor.
const UpstreamBoundary = "Scope 2 at combustion (grid.combustion factors); Scope 3.3 holds the upstream of generation (grid.upstream), the T&D losses (their combustion and upstream) and the fuels' well-to-tank"

// Scope3T is every Scope 3 category the inventory holds: the table's
// scopes in a category, in its order.
func (inv *Inventory) Scope3T() float64 {
	t := 0.0
	for _, s := range scopeTable {
		if s.Category > 0 {
			t += s.Of(inv)
		}
	}
	return t
}

// Line is one inventory line: Quantity × FactorKgPerUnit / 1000 = T.
type Line struct {
	Kind            string  `json:"kind"`
	Item            string  `json:"item"`
	Quantity        float64 `json:"quantity"`
	Unit            string  `json:"unit"`
	Scope           Scope   `json:"scope"`
	FactorID        string  `json:"factor_id"`
	FactorKgPerUnit float64 `json:"factor_kg_per_unit"`
	FactorSource    string  `json:"factor_source"`
	// FactorYear is the year of the factor row (or contract) used.
	FactorYear int               `json:"factor_year"`
	T          float64           `json:"t"`
	Quality    footprint.Quality `json:"quality"`
	// Basis says how the quantity was derived when it is not summed
	// directly from activity records.
	Basis    string `json:"basis,omitempty"`
	Fallback string `json:"fallback,omitempty"`
	// Restated is set when a later change of method in the factor's
	// series restated it (FactorKgPerUnit is then the restated factor,
	// factors.Restatement): the line is not as first published.
	Restated *factors.Restatement `json:"restated,omitempty"`
	// Records is the number of activity records behind the line.
	Records int `json:"records"`
	// Instrument is what a market-based line of grid electricity rests
	// on (Instruments: certificates, ppa, supplier, residual_mix,
	// location_fallback, own_generation); empty on other lines.
	Instrument string `json:"instrument,omitempty"`
	// Gases is the line's factor split by gas (gases.go); nil: CO2e only.
	Gases *LineGases `json:"gases,omitempty"`
}

// LineRecord is one activity record's share of one inventory line: the
// lines' quantities and tonnes are the sums of their records' shares.
type LineRecord struct {
	// Line is the index of the line in Inventory.Lines.
	Line   int               `json:"line"`
	Kind   string            `json:"kind"`
	Item   string            `json:"item"`
	Start  footprint.Date    `json:"start"`
	End    footprint.Date    `json:"end"`
	Source string            `json:"source"`
	Attrs  map[string]string `json:"attrs,omitempty"`
	// RecordQuantity and RecordUnit are the record as stored; Quantity is
	// its share in the line (prorated to the period, in the line's unit)
	// and T the tonnes it contributes.
	RecordQuantity float64 `json:"record_quantity"`
	RecordUnit     string  `json:"record_unit"`
	Quantity       float64 `json:"quantity"`
	T              float64 `json:"t"`
}

// PowerOff is the PC power-off lever result. Avoided emissions are a lever
// result, never subtracted from the inventory.
type PowerOff struct {
	UsedKWh    float64 `json:"used_kwh"`
	AvoidedKWh float64 `json:"avoided_kwh"`
	AvoidedT   float64 `json:"avoided_t"`
	// Compliance is off / (off + missed) device-hours in power-off
	// windows; nil when no window hours were recorded.
	Compliance *float64 `json:"compliance"`
	// DeviceHours by state (on, off, sleep, missed).
	DeviceHours map[string]float64 `json:"device_hours,omitempty"`
	// Watts lists the power figures used per class, with their origin.
	Watts []ClassWatts `json:"watts,omitempty"`
	// GridKgPerKWh is the location-based grid factor of the site's country
	// and year that turns avoided kWh into tonnes (and sizes the power-off
	// and equipment levers), whether or not the site sent electricity bills.
	GridKgPerKWh float64 `json:"grid_kg_per_kwh,omitempty"`
	// Coverage compares what the records cover with the declared fleet
	// and the period, and scales the avoided figure to both.
	Coverage *PowerOffCoverage `json:"coverage,omitempty"`
}

// PowerOffCoverage says how much of the declared fleet's power-off window
// hours the workstation records cover. A log of 20 PCs for two weeks of a
// 300-PC site is a sample: its avoided energy is scaled to the declared
// fleet and the whole period, at the rate it observed, with the coverage
// stated — never reported as the site's saving, never a silent 0.
type PowerOffCoverage struct {
	// DeclaredDevices is the fleet declared for the classes with records.
	DeclaredDevices int `json:"declared_devices"`
	// LoggedWindowHours are the device-hours recorded in windows (off,
	// sleep, missed) for the declared classes.
	LoggedWindowHours float64 `json:"logged_window_device_hours"`
	// FleetWindowHours are the declared devices × the window hours of the
	// whole period.
	FleetWindowHours float64 `json:"fleet_window_device_hours"`
	// Share is LoggedWindowHours / FleetWindowHours.
	Share       float64 `json:"share"`
	DaysCovered int     `json:"days_covered"`
	DaysInYear  int     `json:"days_in_period"`
	// ScaledAvoidedKWh and ScaledAvoidedT are the avoided energy and
	// emissions at the observed rate per window hour, over the declared
	// fleet and the whole period.
	ScaledAvoidedKWh float64 `json:"scaled_avoided_kwh"`
	ScaledAvoidedT   float64 `json:"scaled_avoided_t"`
	Note             string  `json:"note"`
}

// ClassWatts records the power draw used for a workstation class.
type ClassWatts struct {
	Class string `json:"class"`
	// WattsOn is the draw of a device in use, outside the windows.
	WattsOn float64 `json:"watts_on"`
	// WattsIdle is the draw of a device left on in a window with nobody at
	// it (a computer at long idle, its display asleep).
	WattsIdle float64 `json:"watts_idle"`
	WattsOff  float64 `json:"watts_off"`
	// WattsSleep is the draw of a device asleep in a power-off window.
	WattsSleep float64 `json:"watts_sleep"`
	// Origin says where each figure comes from.
	Origin string `json:"origin"`
	// DeviceHours are the class's device-hours by state ("on", "missed",
	// "sleep", "off"), those logged before the roll-out included.
	DeviceHours map[string]float64 `json:"device_hours"`
	// UsedKWh is the class's energy use over the year, AvoidedKWh what its
	// off and asleep window hours avoided.
	UsedKWh    float64 `json:"used_kwh"`
	AvoidedKWh float64 `json:"avoided_kwh"`
	// CounterfactualWatts is the average draw of a device of the class in
	// a window hour without the policy (Counterfactual.Draw): the baseline
	// share off, the share of the others in low power, the rest on.
	CounterfactualWatts float64 `json:"counterfactual_watts"`
	BaselineOffShare    float64 `json:"baseline_off_share"`
	LowPowerShare       float64 `json:"low_power_share"`
	BaselineOrigin      string  `json:"baseline_origin"`
}

// Telework summarises person-days by place of work.
type Telework struct {
	RemotePersonDays float64 `json:"remote_person_days"`
	OnsitePersonDays float64 `json:"onsite_person_days"`
	// RemoteShare is remote / (remote + onsite); nil when both are 0.
	RemoteShare *float64 `json:"remote_share"`
}

// QualityShares are the shares of the location-based total by data quality.
type QualityShares struct {
	MeasuredShare  float64 `json:"measured_share"`
	EstimatedShare float64 `json:"estimated_share"`
	DefaultShare   float64 `json:"default_share"`
}

// Merge sums inventories of the same year into one (the group's): lines
// with the same scope, kind, item, factor, unit, quality and basis add up,
// power-off and telework figures add up and their shares are recomputed.
func Merge(id, name string, year int, invs []*Inventory) *Inventory {
	out := &Inventory{Year: year, Site: id, SiteName: name, FactorSet: "", Lines: []Line{}}
	idx := map[lineKey]int{}
	var notes []string // every site's, sorted and each once at the end
	var off, missed float64
	for _, inv := range invs {
		out.FactorSet, out.GWPSet, out.UpstreamElectricity = inv.FactorSet, inv.GWPSet, inv.UpstreamElectricity
		for _, l := range inv.Lines {
			k := lineKey{l.Scope, l.Kind, l.Item, l.FactorID, l.Unit, l.Quality, l.Basis}
			if i, ok := idx[k]; ok {
				out.Lines[i].Quantity += l.Quantity
				out.Lines[i].T += l.T
				out.Lines[i].Records += l.Records
				continue
			}
			idx[k] = len(out.Lines)
			out.Lines = append(out.Lines, l)
		}
		for _, n := range inv.Notes {
			notes = append(notes, inv.Site+": "+n)
		}
		mergeIT(out, inv)
		po := inv.PowerOff
		out.PowerOff.UsedKWh += po.UsedKWh
		out.PowerOff.AvoidedKWh += po.AvoidedKWh
		out.PowerOff.AvoidedT += po.AvoidedT
		if po.DeviceHours != nil {
			if out.PowerOff.DeviceHours == nil {
				out.PowerOff.DeviceHours = map[string]float64{}
			}
			for st, h := range po.DeviceHours {
				out.PowerOff.DeviceHours[st] += h
			}
			off += po.DeviceHours["off"]
			missed += po.DeviceHours["missed"] + po.DeviceHours["sleep"] // asleep is not off
		}
		if cv := po.Coverage; cv != nil {
			if out.PowerOff.Coverage == nil {
				out.PowerOff.Coverage = &PowerOffCoverage{DaysInYear: cv.DaysInYear}
			}
			g := out.PowerOff.Coverage
			g.DeclaredDevices += cv.DeclaredDevices
			g.LoggedWindowHours += cv.LoggedWindowHours
			g.FleetWindowHours += cv.FleetWindowHours
			g.ScaledAvoidedKWh += cv.ScaledAvoidedKWh
			g.ScaledAvoidedT += cv.ScaledAvoidedT
			g.DaysCovered = max(g.DaysCovered, cv.DaysCovered)
		}
		out.Telework.RemotePersonDays += inv.Telework.RemotePersonDays
		out.Telework.OnsitePersonDays += inv.Telework.OnsitePersonDays
		if e := inv.Estimated; e != nil { // the sites' estimates, in total
			if out.Estimated == nil {
				out.Estimated = &Estimated{Basis: "the estimates of the sites that sent no records for part of the year"}
			}
			out.Estimated.T += e.T
		}
	}
	if off+missed > 0 {
		c := off / (off + missed)
		out.PowerOff.Compliance = &c
	}
	if g := out.PowerOff.Coverage; g != nil && g.FleetWindowHours > 0 {
		g.Share = g.LoggedWindowHours / g.FleetWindowHours
		g.Note = fmt.Sprintf("the sites' records cover %.1f %% of their declared fleets' window hours (%d devices)", g.Share*100, g.DeclaredDevices)
	}
	if d := out.Telework.RemotePersonDays + out.Telework.OnsitePersonDays; d > 0 {
		r := out.Telework.RemotePersonDays / d
		out.Telework.RemoteShare = &r
	}
	slices.Sort(notes)
	out.Notes = slices.Compact(notes)
	sortLines(out.Lines)
	out.Totals()
	return out
}
