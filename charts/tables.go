package charts

// The tables of the pages: what a chart cannot say in figures (the
// change by effect, power-off, weather, IT and what next), as rows of text.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/weather"
)

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

// nextTable is "what next": the top three levers in words, with tonnes
// and what the tonnes do not say.
func nextTable(who string, levers []planning.Lever) *table {
	next := planning.NextActions(levers, 3)
	if len(next) == 0 {
		return nil
	}
	t := table{Title: "What next for " + who + ": the three levers with the most tonnes", Head: []string{"#", "action", "up to tCO2e/yr", "what the tonnes do not say"}}
	for i, l := range next {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), l.Name, f1(l.PotentialT), declaration.LeverCaveat(l.ID)})
	}
	return &t
}

// actionsTable sets the site's own action plan (site.yaml actions)
// against the data: what each action expects and what the inventories
// show since it started.
func actionsTable(p planning.Plan) *table {
	if len(p.Actions) == 0 {
		return nil
	}
	title := "The site's action plan against the data"
	if p.PlanCompensationYear != nil {
		title += fmt.Sprintf(" (the actions stop covering the trajectory in %d)", *p.PlanCompensationYear)
	}
	t := table{Title: title, Head: []string{"action", "lever", "start", "expected tCO2e/yr", "observed tCO2e/yr", "basis", "owner"}}
	for _, a := range p.Actions {
		obs := "—"
		if a.ObservedT != nil {
			obs = fmt.Sprintf("%+.1f", *a.ObservedT)
		}
		t.Rows = append(t.Rows, []string{a.ID, a.Lever, a.Start.String(), f1(a.ExpectedTPerYear), obs, a.ObservedBasis, a.Owner})
	}
	return &t
}

// changeTable splits the year's change into what the activity, its mix,
// the emission factors, the weather and sites joining or leaving did,
// scope by scope, so that a factor change never reads as progress.
func changeTable(c *planning.Change) *table {
	if c == nil {
		return nil
	}
	pct := func(p *float64) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprintf("%+.1f %%", *p)
	}
	weather := ""
	if c.WeatherSites > 0 {
		weather = fmt.Sprintf("; the weather at the same factors, for %d site(s) normalising heating and cooling to their long-term climate", c.WeatherSites)
	}
	t := table{Title: fmt.Sprintf("What changed from %d to %d, and why (market-based tCO2e; at constant factors %s, as reported %s%s)", c.FromYear, c.ToYear, pct(c.AtConstantFactorsPct), pct(c.ChangePct), weather),
		Head: []string{"scope", fmt.Sprint(c.FromYear), fmt.Sprint(c.ToYear), "change", "activity", "mix", "emission factors", "weather", "sites in and out"}}
	row := func(name string, from, to float64, e planning.Effects) []string {
		return []string{name, f1(from), f1(to), fmt.Sprintf("%+.1f", to-from), fmt.Sprintf("%+.1f", e.ActivityT), fmt.Sprintf("%+.1f", e.MixT),
			fmt.Sprintf("%+.1f", e.FactorT), fmt.Sprintf("%+.1f", e.WeatherT), fmt.Sprintf("%+.1f", e.StructureT)}
	}
	for _, s := range c.ByScope {
		t.Rows = append(t.Rows, row(string(s.Scope), s.FromT, s.ToT, s.Effects))
	}
	t.Rows = append(t.Rows, row("total", c.FromT, c.ToT, c.Effects))
	return &t
}

// powerOffTable sets out the latest year's power-off result with what it
// rests on: the watts per class and their origin, and the coverage of the
// records against the declared fleet.
func powerOffTable(byYear []*ghg.Inventory, year int) *table {
	var inv *ghg.Inventory
	for _, y := range byYear { // the page's year, else the latest before it
		if y.Year <= year {
			inv = y
		}
	}
	if inv == nil {
		return nil
	}
	po := inv.PowerOff
	if po.DeviceHours == nil {
		return nil
	}
	t := table{Title: fmt.Sprintf("PC power-off in %d (a lever result, never subtracted from the inventory)", inv.Year), Head: []string{"what", "value", "on what it rests"}}
	comp := "n/a"
	if po.Compliance != nil {
		comp = fmt.Sprintf("%.1f %%", *po.Compliance*100)
	}
	t.Rows = append(t.Rows,
		[]string{"avoided", fmt.Sprintf("%.0f kWh = %.2f tCO2e", po.AvoidedKWh, po.AvoidedT),
			fmt.Sprintf("off and asleep device-hours in windows × (what the device would have drawn without the policy − its off or sleep draw) × %.3f kgCO2e/kWh (grid, location-based)", po.GridKgPerKWh)},
		[]string{"compliance", comp, "off ÷ (off + asleep + left on) device-hours in power-off windows"})
	for _, w := range po.Watts {
		t.Rows = append(t.Rows, []string{w.Class, fmt.Sprintf("%.3g W in use, %.3g W left on, %.3g W asleep, %.3g W off", w.WattsOn, w.WattsIdle, w.WattsSleep, w.WattsOff), w.Origin},
			[]string{w.Class + " without the policy", fmt.Sprintf("%.3g W on average: %.0f %% off already, %.0f %% of the others asleep", w.CounterfactualWatts, w.BaselineOffShare*100, w.LowPowerShare*100), "baseline: " + w.BaselineOrigin})
	}
	if cv := po.Coverage; cv != nil {
		scaled := "—"
		if cv.DeclaredDevices > 0 {
			scaled = fmt.Sprintf("%.0f kWh = %.2f tCO2e scaled to the declared fleet and year", cv.ScaledAvoidedKWh, cv.ScaledAvoidedT)
		}
		t.Rows = append(t.Rows, []string{"coverage", scaled, cv.Note})
	}
	return &t
}

// weatherTable sets out year's heating and cooling energy normalised to
// the site's long-term climate, beside the year before: what the actual
// figures call progress, and what is left of it once the weather is
// taken out.
func weatherTable(byYear []*ghg.Inventory, year int) *table {
	var cur, prev *weather.Weather
	for _, inv := range byYear {
		switch inv.Year {
		case year:
			cur = inv.Weather
		case year - 1:
			prev = inv.Weather
		}
	}
	if cur == nil {
		return nil
	}
	dd := func(p *float64) string {
		if p == nil {
			return "unknown"
		}
		return fmt.Sprintf("%.0f", *p)
	}
	nh, nc := "unknown", "unknown"
	if cur.Normal.Known() {
		nh, nc = fmt.Sprintf("%.0f", cur.Normal.HDD), fmt.Sprintf("%.0f", cur.Normal.CDD)
	}
	t := table{Title: fmt.Sprintf("Energy normalised to the long-term climate, %d (HDD %s, CDD %s measured; normal HDD %s, CDD %s)", year, dd(cur.HDD), dd(cur.CDD), nh, nc),
		Head: []string{"energy", "actual", "of which heating", "of which cooling", "normalised", fmt.Sprintf("change from %d, actual", year-1), "normalised", "weather's tCO2e", "fit"}}
	if cur.Why != "" {
		t.Rows = append(t.Rows, []string{"—", cur.Why, "", "", "", "", "", "", ""})
		return &t
	}
	find := func(w *weather.Weather, c weather.NormalisedEnergy) *weather.NormalisedEnergy {
		if w == nil {
			return nil
		}
		for i := range w.Carriers {
			if w.Carriers[i].Kind == c.Kind && w.Carriers[i].Item == c.Item {
				return &w.Carriers[i]
			}
		}
		return nil
	}
	pct := func(a, b float64) string {
		if b == 0 {
			return "—"
		}
		return fmt.Sprintf("%+.1f %%", (a/b-1)*100)
	}
	for _, c := range cur.Carriers {
		name := c.Kind
		if c.Item != "" {
			name = c.Item
		}
		name += " (" + c.Unit + ")"
		if c.Normalised == nil {
			t.Rows = append(t.Rows, []string{name, fmt.Sprintf("%.0f", c.Actual), "", "", "not normalised: " + c.Why, "", "", "", ""})
			continue
		}
		chA, chN := "—", "—"
		if p := find(prev, c); p != nil {
			chA = pct(c.Actual, p.Actual)
			if p.Normalised != nil {
				chN = pct(*c.Normalised, *p.Normalised)
			}
		}
		wt := "—"
		if c.WeatherT != nil {
			wt = fmt.Sprintf("%+.1f", *c.WeatherT)
		}
		t.Rows = append(t.Rows, []string{name, fmt.Sprintf("%.0f", c.Actual), fmt.Sprintf("%.0f", c.Heating), fmt.Sprintf("%.0f", c.Cooling),
			fmt.Sprintf("%.0f", *c.Normalised), chA, chN, wt,
			fmt.Sprintf("%.4g/day + %.4g/HDD + %.4g/CDD over %d months, R² %.2f", c.PerDay, c.PerHDD, c.PerCDD, c.FitMonths, c.R2)})
	}
	t.Rows = append(t.Rows, []string{"method", "", "", "", "", "", "", "", "degree-day regression (CTG075, TM41), base 18 °C, monthly-mean degree days; normal: " + cur.Normal.Source})
	return &t
}

// leverList is a profile's lever order in words: "1. PC power-off …; 2. …".
func leverList(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		name := declaration.LeverName(id)
		if name == "" {
			name = id
		}
		parts[i] = fmt.Sprintf("%d. %s", i+1, name)
	}
	return strings.Join(parts, "; ")
}

// siteList names a profile's sites, or says it has none.
func siteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return fmt.Sprintf("%d: %s", len(names), strings.Join(names, ", "))
}

// itTable sets out the year's data centres, colocation and cloud with
// their energy, PUE, scope and tonnes, and their share of whose total.
func itTable(inv *ghg.Inventory, whose string) *table {
	if inv == nil || inv.IT == nil {
		return nil
	}
	dc, colo, cloud := inv.IT.Tonnes()
	all := dc + colo + cloud
	share := func(t float64) string {
		if inv.TotalLocationT <= 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f %%", t/inv.TotalLocationT*100)
	}
	at := func(site, id string) string {
		if site == "" {
			return id
		}
		return site + " / " + id
	}
	t := table{Title: fmt.Sprintf("The IT behind the calls, %d: %.1f tCO2e, %s of %s location-based total (data centres %.1f, colocation %.1f, cloud %.1f)",
		inv.Year, all, share(all), whose, dc, colo, cloud),
		Head: []string{"what", "energy", "PUE", "counted as", "tCO2e", "share of the total"}}
	for _, d := range inv.IT.DataCentres {
		pue := "—"
		if d.PUE != nil {
			pue = fmt.Sprintf("%.2f", *d.PUE)
		}
		name := d.ID
		if d.Name != "" {
			name += " (" + d.Name + ")"
		}
		t.Rows = append(t.Rows, []string{"own data centre " + at(d.Site, name), fmt.Sprintf("IT %.0f kWh, facility %.0f kWh", d.ITKWh, d.FacilityKWh), pue,
			"Scope 2, " + d.Counted, f1(d.LocationT), share(d.LocationT)})
	}
	for _, c := range inv.IT.Colocation {
		t.Rows = append(t.Rows, []string{"colocation " + at(c.Site, c.Contract) + " — " + c.Provider + ", " + c.Country,
			fmt.Sprintf("IT %.0f kWh × PUE = %.0f kWh", c.ITKWh, c.FacilityKWh), fmt.Sprintf("%.2f (%s)", c.PUE, c.PUESource), c.Rule, f1(c.T), share(c.T)})
	}
	for _, c := range inv.IT.Cloud {
		energy, pue := "—", "in the provider's report"
		if c.KWh > 0 {
			energy, pue = fmt.Sprintf("%.0f kWh estimated", c.KWh), "the provider's, in the estimate"
		}
		t.Rows = append(t.Rows, []string{"cloud " + at(c.Site, ghg.CloudProviderName(c.Provider)), energy, pue,
			"Scope 3 category 1, " + c.Method, f1(c.T), share(c.T)})
	}
	return &t
}

// defaultsShare is the share of inv's footprint resting on defaults.
func defaultsShare(inv *ghg.Inventory) float64 {
	if inv.OnDefaults == nil {
		return 0
	}
	return inv.OnDefaults.Share
}

// defaultsTable says what the footprint rests on that the site did not
// measure or declare, and what it would take to replace it.
func defaultsTable(inv *ghg.Inventory) *table {
	if inv == nil || inv.OnDefaults == nil {
		return nil
	}
	d := inv.OnDefaults
	t := table{Title: fmt.Sprintf("Resting on defaults: %.1f %% of the footprint (%s tCO2e, location-based)", d.Share*100, f1(d.T)),
		Head: []string{"what the figures rest on", "tCO2e", "share of the footprint"}}
	for _, p := range d.Parts {
		share := 0.0
		if inv.TotalLocationT > 0 {
			share = p.T / inv.TotalLocationT
		}
		t.Rows = append(t.Rows, []string{p.What, f1(p.T), fmt.Sprintf("%.1f %%", share*100)})
	}
	for _, o := range d.Outside {
		t.Rows = append(t.Rows, []string{o, "—", "beside the footprint"})
	}
	return &t
}
