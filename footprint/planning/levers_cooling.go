package planning

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/weather"
)

// The cooling levers: in a hot climate the air-conditioning is most of a
// contact centre's electricity, and its refrigerant leaks are Scope 1.
// Every figure below is published; where a source was read only as
// another publication reports it, the comment says so.
const (
	// TropicalOfficeCoolingShare is the share of a tropical office's
	// electricity that goes to cooling: 60 % (mechanical ventilation,
	// another 10 %, is left out) — Singapore's Building and Construction
	// Authority (BCA), as energyramblings.com reports it from BCA's
	// benchmarking of commercial buildings ("air cooling in non-residential
	// buildings account for 60% of all electricity consumption, with a
	// further 10% used on mechanical ventilation", 5 Sep 2015) and a CNA
	// commentary quotes it ("a typical office in Singapore expends 60 per
	// cent of its energy on cooling"); the Singapore Green Building Council
	// gives the same 60 % / 10 % split (sgc.org.sg, "Briefing with German
	// Trade Mission on Energy Efficiency in Buildings"). No BCA publication
	// itself was read. Lower cross-check: Singapore's National Environment
	// Agency put air-conditioning at 40–50 % of commercial buildings'
	// electricity bills (The Straits Times, 31 Dec 2007).
	TropicalOfficeCoolingShare = 0.60
	// TropicalReferenceCDD is the climate of that share, Singapore's
	// cooling degree days (base 18 °C, the monthly-mean method of the
	// profiles and the weather normalisation): every month's mean is above
	// 18 °C there, so CDD = 365 × (annual mean − 18) = 365 × (27.5 − 18) =
	// 3,467.5, with the 1981–2010 annual mean of 27.5 °C of the
	// Meteorological Service Singapore (Annual Climate Assessment 2018:
	// 2018's 27.9 °C was 0.4 °C above it).
	TropicalReferenceCDD = 3467.5
	// CoolingSetpointRaiseC is the raise the cooling lever assumes: from
	// 21 °C — the chilled offices of Singapore's campaign ("some office
	// buildings are currently chilled at 21 deg C", The Straits Times, 31
	// Dec 2007) and the "typically 20–21 °C" of India's Bureau of Energy
	// Efficiency (BEE statement, The Hindu BusinessLine, 2018) — to 24 °C,
	// BEE's recommended default and the bottom of the 24–26 °C band
	// Singapore's Green Mark rewards (MEWR written reply to Parliament,
	// 6 Jan 2020).
	CoolingSetpointRaiseC = 3.0
	// CoolingSavingPerDegreeC is the share of the air-conditioning's
	// electricity each °C saves: 4.5 %, the middle of Singapore NEA's "up
	// to 3 %" (as The Straits Times, 31 Dec 2007, reports it) and India
	// BEE's "about 6 %" (as The Hindu BusinessLine, 2018, reports BEE's
	// statement: 20 → 24 °C saves about 24 %) — the middle because a
	// contact centre runs the central chilled-water plants of NEA's
	// buildings or the split units of BEE's rooms. The 3 °C give 9–18 %
	// over that range, 13.5 % at the middle.
	CoolingSavingPerDegreeC = 0.045
	// LeakRepairCut is the share of the refrigerant leaks that leak
	// detection and repair (regular leak checks, repair, a log per
	// appliance) removes: 50 % — the US EPA's GreenChill partners keep
	// emission rates about half their industry's average (EPA, GreenChill
	// 15th anniversary report, 2022; 12–13 % of the charge a year against
	// the supermarket average of 25 %, EPA as ACHR News, 16 May 2011, and
	// Supermarket News, 2012, report it). Measured on supermarket
	// refrigeration: the practice is the same for air-conditioning.
	LeakRepairCut = 0.50
	// TypicalLeakRate is the yearly leak of a split commercial air
	// conditioner (< 20 kW): 3 % of its charge — New Zealand Ministry for
	// the Environment, Measuring emissions: a guide for organisations,
	// Appendix B, Table B.1 (default operating leakage rate). Leak repair
	// takes a site no lower.
	TypicalLeakRate = 0.03
	// ComfortCoolingRepairTrigger is the yearly leak rate at which US
	// rules oblige an owner to repair comfort-cooling equipment: 10 % (EPA,
	// Clean Air Act section 608, refrigerant management rule of 2016, 81 FR
	// 82272; as 608studybuddy.com summarises it, the rule text not read).
	ComfortCoolingRepairTrigger = 0.10
)

// coolingLevers sizes the cooling-efficiency and leak-repair levers.
// gridKg is the site's location-based grid factor, as for power-off.
func coolingLevers(site declaration.Site, inv *ghg.Inventory, as ghg.Assumptions, gridKg float64, add func(id string, t float64, format string, args ...any)) {
	coolingEfficiency(inv, as, gridKg, add)
	leakRepair(site, inv, add)
}

// coolingEfficiency: the site's office electricity (grid kWh less its
// data-centre rooms' facility energy, which the PUE lever covers) × the
// share that is cooling × the saving of raising setpoints 21 → 24 °C ×
// the grid factor. The share is the site's own degree-day fit's cooling
// when the fit found one; else the published tropical share scaled by
// the site's cooling degree days: cooling ∝ CDD beside a base load that
// does not vary, so cooling ÷ base = 0.60/0.40 × CDD/3,467.5 and the
// share = that ratio ÷ (1 + the ratio).
func coolingEfficiency(inv *ghg.Inventory, as ghg.Assumptions, gridKg float64, add func(id string, t float64, format string, args ...any)) {
	var gridKWh, roomsKWh float64
	for _, l := range inv.Lines {
		if l.Scope == ghg.Scope2Location && l.Kind == "electricity" && l.Item == "grid" {
			gridKWh += l.Quantity
		}
	}
	if inv.IT != nil {
		for _, d := range inv.IT.DataCentres {
			roomsKWh += d.FacilityKWh
		}
	}
	officeKWh := math.Max(0, gridKWh-roomsKWh)
	if officeKWh == 0 || gridKg == 0 {
		add(declaration.LeverCooling, 0, "no grid electricity recorded outside the data-centre rooms: send the electricity bills to size this lever")
		return
	}
	office := fmt.Sprintf("%.0f kWh of grid electricity", officeKWh)
	if roomsKWh > 0 {
		office = fmt.Sprintf("%.0f kWh of grid electricity (%.0f less the data-centre rooms' %.0f kWh: the PUE lever's)", officeKWh, gridKWh, roomsKWh)
	}
	share, how, ok := fitCoolingShare(inv.Weather)
	if !ok {
		cdd, src, known := siteCDD(inv.Weather, as.Climate)
		if !known {
			add(declaration.LeverCooling, 0, "no cooling degree days known for the site (%s): declare site.climate or its coordinates, or send the outdoor temperature, to size this lever", as.Climate.Source)
			return
		}
		k := TropicalOfficeCoolingShare / (1 - TropicalOfficeCoolingShare) * cdd / TropicalReferenceCDD
		share = k / (1 + k)
		how = fmt.Sprintf("%sby the site's %.0f CDD (%s) against the %.0f %% of a tropical office's electricity that is cooling at Singapore's %.0f CDD (BCA): cooling ÷ the rest = %.0f/%.0f × %.0f/%.1f = %.3f",
			how, cdd, src, TropicalOfficeCoolingShare*100, TropicalReferenceCDD, TropicalOfficeCoolingShare*100, (1-TropicalOfficeCoolingShare)*100, cdd, TropicalReferenceCDD, k)
	}
	saving := CoolingSetpointRaiseC * CoolingSavingPerDegreeC
	kwh := officeKWh * share * saving
	add(declaration.LeverCooling, kwh*gridKg/1000,
		"cooling %.1f %% of %s, %s; setpoints 21 → 24 °C × %.1f %% a °C (Singapore NEA 3 %%, India BEE 6 %%) = %.1f %% of it saved: %.0f kWh × %.3f kgCO2e/kWh",
		share*100, office, how, CoolingSavingPerDegreeC*100, saving*100, kwh, gridKg)
}

// fitCoolingShare is the cooling share of the site's electricity by its
// own degree-day fit, when the fit ran and found a cooling term; how says
// so either way.
func fitCoolingShare(w *weather.Weather) (share float64, how string, ok bool) {
	if w == nil {
		return 0, "", false
	}
	for _, ne := range w.Carriers {
		if ne.Kind != "electricity" || ne.Normalised == nil || ne.Actual <= 0 {
			continue
		}
		if ne.PerCDD <= 0 {
			return 0, fmt.Sprintf("the site's own degree-day fit (%d months, R² %.2f) found no cooling term — in a climate hot all year cooling is hard to tell from the base load month by month — so ", ne.FitMonths, ne.R2), false
		}
		return ne.Cooling / ne.Actual, fmt.Sprintf("by the site's own degree-day fit (%d months, R² %.2f: %.1f kWh per CDD × %.0f CDD = %.0f of its %.0f kWh)",
			ne.FitMonths, ne.R2, ne.PerCDD, ne.Cooling/ne.PerCDD, ne.Cooling, ne.Actual), true
	}
	return 0, "", false
}

// siteCDD is the site's cooling degree days: the year's measured ones,
// else its long-term climate.
func siteCDD(w *weather.Weather, normal weather.NormalClimate) (cdd float64, source string, ok bool) {
	if w != nil && w.CDD != nil {
		return *w.CDD, fmt.Sprintf("measured at the site in %d", w.Year), true
	}
	if normal.Known() {
		return normal.CDD, normal.Source, true
	}
	return 0, "", false
}

// leakRepair: per gas, the kilograms the refrigerant log topped up ×
// its GWP (the inventory's Scope 1 lines) × the GreenChill cut — no more
// than brings the site down to the typical leak rate when it declares
// the equipment's charge.
func leakRepair(site declaration.Site, inv *ghg.Inventory, add func(id string, t float64, format string, args ...any)) {
	type gas struct{ kg, t float64 }
	byGas := map[string]*gas{}
	for _, l := range inv.Lines {
		if l.Scope != ghg.Scope1 || l.Kind != "refrigerant" {
			continue
		}
		if byGas[l.Item] == nil {
			byGas[l.Item] = &gas{}
		}
		byGas[l.Item].kg += l.Quantity
		byGas[l.Item].t += l.T
	}
	names := make([]string, 0, len(byGas))
	for n, g := range byGas {
		if g.kg > 0 {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		add(declaration.LeverLeakRepair, 0, "no refrigerant topped up in the year: send the refrigerant log (kind refrigerant, the kg each service adds per gas) to size this lever")
		return
	}
	sort.Strings(names) // the sum the same on every run
	var t float64
	var parts []string
	for _, n := range names {
		g := byGas[n]
		gwp := g.t * 1000 / g.kg
		cut := LeakRepairCut * g.kg
		part := fmt.Sprintf("%s: %.1f kg topped up × %.1f kgCO2e/kg = %.2f t", n, g.kg, gwp, g.t)
		if c, ok := site.RefrigerantCharge(n); ok {
			rate := g.kg / c.ChargeKg
			cut = math.Max(0, math.Min(cut, g.kg-TypicalLeakRate*c.ChargeKg))
			part += fmt.Sprintf(", %.1f %% of its %.0f kg charge a year (typical split air conditioner %.0f %%, NZ MfE; US repair trigger for comfort cooling %.0f %%)",
				rate*100, c.ChargeKg, TypicalLeakRate*100, ComfortCoolingRepairTrigger*100)
			if rate > 1 {
				part += " — more than the whole charge: check site.refrigerants"
			}
		}
		part += fmt.Sprintf(" → %.1f kg less, %.2f t", cut, cut*gwp/1000)
		parts = append(parts, part)
		t += cut * gwp / 1000
	}
	add(declaration.LeverLeakRepair, t, "leak detection and repair halves the leaks (US EPA GreenChill partners against their industry)%s: %s",
		chargeNote(site, names), strings.Join(parts, "; "))
}

// chargeNote says how the declared charges bound the cut.
func chargeNote(site declaration.Site, gases []string) string {
	for _, n := range gases {
		if _, ok := site.RefrigerantCharge(n); ok {
			return fmt.Sprintf(", never below the typical %.0f %% of the charge a year where the charge is declared", TypicalLeakRate*100)
		}
	}
	return "; declare the equipment's charge (site.refrigerants) to compare the site's leak rate with a typical one"
}
