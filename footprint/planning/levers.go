package planning

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// Lever-sizing assumptions, stated with every potential.
const (
	// PowerOffTargetCompliance is the compliance a well-run power-off
	// policy reaches.
	PowerOffTargetCompliance = 0.95
	// TeleworkShift is one more day a week at home: 20 % of on-site days.
	TeleworkShift = 0.20
	// CarpoolShare of solo-car commuters switch to carpooling, two per car.
	CarpoolShare = 0.25
	// FlightCut is the share of flights replaced by video meetings.
	FlightCut = 0.30
	// LaptopLifeYears spreads a new laptop's manufacture over its life:
	// ADEME/Arcep (2022), as used by ADEME Impact CO2 (numerique.json),
	// default life of a laptop 5 years.
	LaptopLifeYears = 5.0
)

// NextActions are the (up to) n levers with the largest positive
// potential, largest first: "what next".
func NextActions(levers []Lever, n int) []Lever {
	var out []Lever
	for _, l := range levers {
		if l.PotentialT > 0 {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PotentialT > out[j].PotentialT })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Lever is a lever's remaining potential at one site, computed from the
// site's own inventory.
type Lever struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// PotentialT is the yearly reduction the lever can still deliver,
	// tCO2e/yr; negative when it would raise emissions (telework in a
	// heating climate with a short, clean commute).
	PotentialT  float64 `json:"potential_t_per_year"`
	Assumptions string  `json:"assumptions"`
}

// Levers sizes every lever of the catalogue for the site from its
// inventory inv, in the order given (a profile's order; unknown ids are
// skipped). gridKg is the site's location-based grid factor (kg/kWh).
func Levers(site declaration.Site, inv *ghg.Inventory, order []string, as ghg.Assumptions, lib *factors.Library) []Lever {
	byScope := map[ghg.Scope]float64{}
	var flightsT, carCommuteT, uncoveredT, uncoveredKWh float64
	var gridKg, upKg float64
	for _, l := range inv.Lines {
		byScope[l.Scope] += l.T
		switch {
		case l.Scope == ghg.Scope3BusinessTravel && strings.HasPrefix(l.Item, "flight_"):
			flightsT += l.T
		case l.Scope == ghg.Scope3Commuting && strings.HasPrefix(l.Item, "car_"):
			carCommuteT += l.T
		case l.Scope == ghg.Scope2Market && l.Item == "grid" && l.FactorKgPerUnit > 0:
			uncoveredT += l.T
			uncoveredKWh += l.Quantity
		case l.Scope == ghg.Scope2Location && l.Kind == "electricity" && l.Item == "grid":
			gridKg = l.FactorKgPerUnit
		case l.Scope == ghg.Scope3FuelEnergy && l.Kind == "electricity" && l.Item == "grid.upstream":
			upKg = l.FactorKgPerUnit
		}
	}
	// A kWh saved saves its Scope 2 (combustion) and its upstream (3.3):
	// the full grid factor, as the power-off figures use.
	gridKg += upKg
	po := inv.PowerOff
	if po.GridKgPerKWh > 0 {
		// The factor the power-off figures used: present even when the
		// site sent no electricity bill (then no Scope 2 line carries it).
		gridKg = po.GridKgPerKWh
	}
	calc := map[string]Lever{}
	add := func(id string, t float64, format string, args ...any) {
		calc[id] = Lever{ID: id, Name: declaration.LeverName(id), PotentialT: t, Assumptions: fmt.Sprintf(format, args...)}
	}
	// Power-off: bring compliance to the target, over the declared fleet
	// and the whole year when the records cover less (PowerOffCoverage).
	off, missed := po.DeviceHours["off"], po.DeviceHours["missed"]+po.DeviceHours["sleep"]
	// One coverage for every lever sized on the workstation records.
	scale, scaled := po.Coverage.Scale()
	if off+missed > 0 && off > 0 {
		extra := math.Max(0, PowerOffTargetCompliance*(off+missed)-off) * scale
		wSaved := po.AvoidedKWh * 1000 / off // mean W saved per off device-hour
		add(declaration.LeverPowerOff, extra*wSaved/1e6*gridKg, "compliance %.0f %% → %.0f %%: %.0f more device-hours off a year × %.1f W saved × %.3f kgCO2e/kWh%s",
			ratio(off, off+missed)*100, PowerOffTargetCompliance*100, extra, wSaved, gridKg, scaled)
	} else {
		add(declaration.LeverPowerOff, 0, "no power-state records in window hours: collect the power-management log to size this lever")
	}
	// Green electricity: cover the rest of grid consumption.
	add(declaration.LeverGreenElectricity, uncoveredT, "certificates or a PPA for the %.0f kWh not yet covered (market-based Scope 2 only; location-based unchanged)", uncoveredKWh)
	// Telework: one more day a week at home.
	if d := inv.Telework.OnsitePersonDays; d > 0 && byScope[ghg.Scope3Commuting] > 0 {
		commuteKg := byScope[ghg.Scope3Commuting] * 1000 / d
		hours := site.HoursPerDay
		if hours == 0 {
			hours = declaration.DefaultHoursPerDay
		}
		homeKgH := homeworkingKgPerHour(inv, as)
		homeKg := hours * homeKgH
		add(declaration.LeverTelework, TeleworkShift*d*(commuteKg-homeKg)/1000,
			"%.0f %% of %.0f on-site person-days move home: commute %.2f kg/day avoided, home-working %.2f kg/day added (%.3f kg/h × %g h)",
			TeleworkShift*100, d, commuteKg, homeKg, homeKgH, hours)
	} else {
		add(declaration.LeverTelework, 0, "no on-site attendance or commuting figure to size this lever")
	}
	add(declaration.LeverCarpooling, carCommuteT*CarpoolShare*0.5, "%.0f %% of solo-car commuting (%.1f t) switches to carpools of two", CarpoolShare*100, carCommuteT)
	add(declaration.LeverLessTravel, flightsT*FlightCut, "%.0f %% of flights (%.1f t) replaced by video meetings", FlightCut*100, flightsT)
	// Equipment: the declared desktops replaced by laptops now — the energy
	// saved each year, state by state (in use, left on, asleep, off) at the
	// documented laptop draws, over the declared fleet and the year (the
	// same coverage as power-off), net of the new laptops' cradle-to-gate
	// emissions spread over their life. A renewal on a low-carbon grid can
	// cost more carbon than it saves: the lever is then negative.
	var desktopKWh, savedKWh float64
	var desktopW ghg.ClassWatts
	laptop, _ := declaration.DefaultDeviceWatts("laptop")
	laptopW := ghg.ClassWatts{Class: "laptop", WattsOn: laptop.WattsOn, WattsIdle: laptop.WattsIdle, WattsSleep: laptop.WattsSleep, WattsOff: laptop.WattsOff}
	for _, w := range po.Watts {
		if w.Class == "desktop" {
			desktopW = w
			desktopKWh = w.EnergyKWh(w.DeviceHours) * scale
			savedKWh = desktopKWh - laptopW.EnergyKWh(w.DeviceHours)*scale
		}
	}
	eq := savedKWh * gridKg / 1000
	laptops := fmt.Sprintf("laptops (%.3g W in use and left on, %.3g W asleep, %.3g W off: %s)", laptopW.WattsOn, laptopW.WattsSleep, laptopW.WattsOff, laptop.OnSource)
	desktopsAt := fmt.Sprintf("%.0f kWh/yr at %.3g W in use, %.3g W left on, %.3g W asleep, %.3g W off%s", desktopKWh, desktopW.WattsOn, desktopW.WattsIdle, desktopW.WattsSleep, desktopW.WattsOff, scaled)
	desktops, _ := site.Fleet("desktop")
	embodied, err := factors.Match{}, error(nil)
	if lib != nil {
		embodied, err = lib.Lookup("purchase", "laptop", factors.World, inv.Year)
	}
	switch {
	case desktopKWh == 0 && desktops.Count > 0:
		add(declaration.LeverEquipment, 0, "no desktop energy recorded: collect the power-management log to size this lever")
	case desktopKWh == 0:
		add(declaration.LeverEquipment, 0, "no desktops recorded or declared: nothing to renew")
	case desktops.Count == 0 || lib == nil || err != nil:
		add(declaration.LeverEquipment, eq, "desktops (%s) replaced by %s: %.0f kWh/yr saved × %.3f kgCO2e/kWh: energy only — declare the desktop count (site.workstations) to net the new laptops' manufacture",
			desktopsAt, laptops, savedKWh, gridKg)
	default:
		perYear := float64(desktops.Count) * embodied.KgPerUnit / LaptopLifeYears / 1000
		add(declaration.LeverEquipment, eq-perYear, "%d desktops (%s) replaced by %s: %.0f kWh/yr × %.3f kgCO2e/kWh = %.2f t/yr of electricity saved − %d × %.1f kgCO2e to make the laptops (%s) over a %g-year life = %.2f t/yr",
			desktops.Count, desktopsAt, laptops, savedKWh, gridKg, eq, desktops.Count, embodied.KgPerUnit, embodied.Source, LaptopLifeYears, perYear)
	}

	coolingLevers(site, inv, as, gridKg, add)
	itLevers(site, inv, lib, add)

	var out []Lever
	for _, id := range order {
		if l, ok := calc[id]; ok {
			out = append(out, l)
			delete(calc, id)
		}
	}
	for _, id := range declaration.LeverIDs() { // levers the order omits come last
		if l, ok := calc[id]; ok {
			out = append(out, l)
		}
	}
	return out
}

func homeworkingKgPerHour(inv *ghg.Inventory, as ghg.Assumptions) float64 {
	for _, l := range inv.Lines {
		if l.Scope == ghg.Scope3Homeworking {
			return l.FactorKgPerUnit
		}
	}
	if as.HomeworkingKgPerHour > 0 {
		return as.HomeworkingKgPerHour
	}
	return 0.33378 // DESNZ 2024 home-working factor, as in the factor library
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// PlanYear is one year of the planner's curve.
type PlanYear struct {
	Year     int     `json:"year"`
	AllowedT float64 `json:"allowed_t"`
	// NeededT is the reduction from the current emissions the trajectory
	// requires that year.
	NeededT float64 `json:"needed_t"`
	// CoveredT is the part the levers (in order) cover; MissingT the rest,
	// to be compensated.
	CoveredT float64  `json:"covered_t"`
	MissingT float64  `json:"missing_t"`
	Levers   []string `json:"levers"`
	// PlanCoveredT is what the site's declared actions cover, and
	// PlanMissingT what the plan leaves uncovered.
	PlanCoveredT float64 `json:"plan_covered_t"`
	PlanMissingT float64 `json:"plan_missing_t"`
}

// Plan is the planner's answer for a site: the levers ranked, and the
// first year the remaining potential no longer covers the trajectory.
type Plan struct {
	Site            string  `json:"site"`
	Profile         string  `json:"profile"`
	Method          string  `json:"method"`
	Basis           string  `json:"basis"`
	BaseYear        int     `json:"base_year"`
	BaseT           float64 `json:"base_t"`
	CurrentYear     int     `json:"current_year"`
	CurrentT        float64 `json:"current_t"`
	Levers          []Lever `json:"levers"`
	TotalPotentialT float64 `json:"total_potential_t"`
	// CompensationYear is the first year the levers no longer cover the
	// trajectory (nil: covered through the horizon).
	CompensationYear *int           `json:"compensation_year"`
	Horizon          int            `json:"horizon"`
	Years            []PlanYear     `json:"years"`
	Actions          []ActionResult `json:"actions,omitempty"`
	// PlanCompensationYear is the first year the site's own action plan
	// falls short (nil when the site has no actions or they suffice).
	PlanCompensationYear *int `json:"plan_compensation_year"`
}

// ActionResult sets an action's expected reduction against what the data
// shows since it started.
type ActionResult struct {
	declaration.Action
	// ObservedT is the reduction seen in the lever's emissions between the
	// year before the action started and the current year (nil: no data
	// from before the start).
	ObservedT     *float64 `json:"observed_t"`
	ObservedBasis string   `json:"observed_basis"`
}

// PlanInput is what the planner needs.
type PlanInput struct {
	Site, Profile string
	Method        Method
	Basis         string // "market" or "location"
	BaseYear      int
	BaseT         float64
	CurrentYear   int
	CurrentT      float64
	Levers        []Lever
	Actions       []ActionResult
	Horizon       int
}

// PlanSite applies the levers in order, year after year to the horizon,
// against the reduction the trajectory requires from current emissions.
func PlanSite(in PlanInput) Plan {
	if in.Horizon == 0 {
		in.Horizon = 2050
	}
	p := Plan{Site: in.Site, Profile: in.Profile, Method: in.Method.Label(), Basis: in.Basis, BaseYear: in.BaseYear, BaseT: in.BaseT,
		CurrentYear: in.CurrentYear, CurrentT: in.CurrentT, Levers: in.Levers, Horizon: in.Horizon, Actions: in.Actions}
	for _, l := range in.Levers {
		if l.PotentialT > 0 {
			p.TotalPotentialT += l.PotentialT
		}
	}
	for y := in.CurrentYear + 1; y <= in.Horizon; y++ {
		allowed := in.Method.Allowed(in.BaseT, in.BaseYear, y)
		py := PlanYear{Year: y, AllowedT: allowed, NeededT: math.Max(0, in.CurrentT-allowed), Levers: []string{}}
		for _, l := range in.Levers {
			if py.CoveredT >= py.NeededT-1e-9 {
				break
			}
			if l.PotentialT <= 0 {
				continue
			}
			py.CoveredT += math.Min(l.PotentialT, py.NeededT-py.CoveredT)
			py.Levers = append(py.Levers, l.ID)
		}
		py.MissingT = math.Max(0, py.NeededT-py.CoveredT)
		if py.MissingT > 1e-9 && p.CompensationYear == nil {
			yy := y
			p.CompensationYear = &yy
		}
		if len(in.Actions) > 0 {
			for _, a := range in.Actions {
				if a.Start.Year() <= y {
					py.PlanCoveredT += a.ExpectedTPerYear
				}
			}
			py.PlanCoveredT = math.Min(py.PlanCoveredT, py.NeededT)
			py.PlanMissingT = py.NeededT - py.PlanCoveredT
			if py.PlanMissingT > 1e-9 && p.PlanCompensationYear == nil {
				yy := y
				p.PlanCompensationYear = &yy
			}
		}
		p.Years = append(p.Years, py)
	}
	return p
}

// LeverEmissionsT is the part of an inventory a lever acts on, for
// comparing years: lower is better except for power-off, where it is the
// avoided tonnes (higher is better) and returned negated.
func LeverEmissionsT(lever string, inv *ghg.Inventory) float64 {
	switch lever {
	case declaration.LeverPowerOff:
		return -inv.PowerOff.AvoidedT
	case declaration.LeverGreenElectricity:
		return inv.Scope2MarketT
	case declaration.LeverTelework:
		return inv.Scope3CommutingT + inv.Scope3HomeworkingT
	case declaration.LeverCarpooling:
		return inv.Scope3CommutingT
	case declaration.LeverLessTravel:
		return inv.Scope3BusinessTravelT
	case declaration.LeverEquipment:
		return inv.PowerOff.UsedKWh * inv.PowerOff.GridKgPerKWh / 1000
	case declaration.LeverCooling:
		// Grid electricity at the full factor the lever is sized by (as
		// power-off's): its Scope 2 (combustion) and its 3.3 upstream.
		t := 0.0
		for _, l := range inv.Lines {
			if l.Kind == "electricity" && (l.Scope == ghg.Scope2Location && l.Item == "grid" || l.Scope == ghg.Scope3FuelEnergy && l.Item == "grid.upstream") {
				t += l.T
			}
		}
		return t
	case declaration.LeverLeakRepair:
		t := 0.0
		for _, l := range inv.Lines {
			if l.Scope == ghg.Scope1 && l.Kind == "refrigerant" {
				t += l.T
			}
		}
		return t
	}
	return 0
}

// EvaluateActions compares each action's expected reduction with the
// change in its lever's emissions between the year before it started and
// the current year, from the inventories by year.
func EvaluateActions(actions []declaration.Action, byYear map[int]*ghg.Inventory, current int) []ActionResult {
	var out []ActionResult
	for _, a := range actions {
		r := ActionResult{Action: a}
		before, ok1 := byYear[a.Start.Year()-1]
		now, ok2 := byYear[current]
		switch {
		case !ok1 || !ok2:
			r.ObservedBasis = fmt.Sprintf("no inventory for %d (the year before the start) to compare with", a.Start.Year()-1)
		case a.Start.Year() > current:
			r.ObservedBasis = "starts after the current year"
		default:
			obs := LeverEmissionsT(a.Lever, before) - LeverEmissionsT(a.Lever, now)
			r.ObservedT = &obs
			r.ObservedBasis = fmt.Sprintf("%s emissions %d vs %d", a.Lever, a.Start.Year()-1, current)
		}
		out = append(out, r)
	}
	return out
}
