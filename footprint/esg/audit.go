package esg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

func (d Dataset) gwpName() string {
	if d.GWPSet == "" {
		return ghg.GWPAR6
	}
	return d.GWPSet
}

func (d Dataset) gwpText() string {
	if d.gwpName() == ghg.GWPAR5 {
		return "IPCC AR5 GWP100 (selected: inventory.gwp AR5), the basis of the UK DESNZ tables (R410A 1924, R32 677, R134a 1300)."
	}
	return "IPCC AR6 GWP100 (WG1 ch. 7, Table 7.SM.7), the latest IPCC assessment as ESRS E1 asks: R32 771, R134a 1530, R22 1960; blends by mass (R410A 2255.5, R407C 1907.93, R404A 4728). The EU F-gas Regulation (EU) 2024/573 Annex I lists AR4 values for its phase-down; it is not the inventory's basis."
}

// methodDatapoints are the E1-6 datapoints about how the figures are made:
// the GWP set, the share under an ETS, biogenic CO2, contractual instruments.
func (d Dataset) methodDatapoints(ref string) []Datapoint {
	g := d.Group
	ets := d.ETSShare * 100
	out := []Datapoint{
		{"GWPSet", "Global warming potentials applied (GWP100)", "ESRS E1-6 AR 39(b)", nil, "", d.gwpName()},
		{"PercentageOfScope1GHGEmissionsFromRegulatedEmissionTradingSchemes", "Share of Scope 1 from installations under a regulated ETS (declared in central.yaml esg.ets_share)", ref + " §48(b)", &ets, "%", ""},
	}
	// Biogenic CO2 outside the scopes: only a biofuel blend carries it.
	var blends []string
	for _, l := range g.Lines {
		if l.Scope == ghg.Scope1 && l.Kind == "fuel" && (strings.HasPrefix(l.FactorID, "fuel/diesel/GB/") || l.Item == "petrol") {
			blends = append(blends, l.Item)
		}
	}
	if len(blends) == 0 {
		zero := 0.0
		out = append(out, Datapoint{"BiogenicEmissionsOfCO2FromCombustionOfBiomassNotIncludedInScope1", "Biogenic CO2 from biomass combustion, outside the scopes", ref + " AR 43(c)", &zero, "tCO2", "no biofuel blend burnt: mineral fuels only"})
	} else {
		out = append(out, Datapoint{"BiogenicEmissionsOfCO2FromCombustionOfBiomassNotIncludedInScope1", "Biogenic CO2 from biomass combustion, outside the scopes", ref + " AR 43(c)", nil, "tCO2",
			fmt.Sprintf("not available: %s burnt as a biofuel blend; DESNZ's outside-of-scopes factors are not in the factor library", strings.Join(unique(blends), ", "))})
	}
	var grid, covered float64
	for _, l := range g.Lines {
		if l.Scope == ghg.Scope2Market && l.Kind == "electricity" && l.Item == "grid" {
			grid += l.Quantity
			if strings.HasPrefix(l.FactorID, "contract/") {
				covered += l.Quantity
			}
		}
	}
	if e := g.Estimated; e != nil {
		out = append(out, Datapoint{"EstimatedGHGEmissionsOfSilentSitesMarketBased", "Part of the market-based total estimated for sites that sent no records for part of the year, from their last full year (site_years)", "entity-specific", num(e.T), "tCO2e", ""})
	}
	if grid > 0 {
		share := round(covered/grid*100, 4)
		out = append(out, Datapoint{"PercentageOfContractualInstrumentsScope2MarketBased", "Share of grid electricity covered by contractual instruments (certificates, PPAs, supplier-specific factors) in market-based Scope 2", ref + " AR 45(d)", &share, "% of kWh", ""})
	}
	return out
}

func unique(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// priorYear gives the comparative figures and the % change N / N−1.
func (d Dataset) priorYear(ref string) []Datapoint {
	p := d.Prior
	if p == nil {
		return []Datapoint{{"PriorYearFigures", "Prior-year figures", ref + " AR 48 (comparative)", nil, "", fmt.Sprintf("no data for %d", d.Year-1)}}
	}
	// A year before the group's base year is not a reporting year: the
	// records it holds (a baseline logged before a roll-out, a site's
	// first weeks) are not a comparable year, and a comparison with them
	// would read as a change of thousands of per cent.
	if base := d.Trajectory.Group.BaseYear; base > 0 && d.Year-1 < base {
		return []Datapoint{{"PriorYearFigures", "Prior-year figures", ref + " AR 48 (comparative)", nil, "",
			fmt.Sprintf("no comparative for %d: before the base year %d, the group's first reporting year", d.Year-1, base)}}
	}
	g := d.Group
	var out []Datapoint
	// The headline figures of the table of scopes (ghg.Headline).
	for _, f := range ghg.Headline() {
		name, cur, old := f.Datapoint.Name, f.Of(g), f.Of(p)
		out = append(out, Datapoint{name + "PriorYear", fmt.Sprintf("%s, %d (comparative)", name, d.Year-1), ref + " AR 48", num(old), "tCO2e", ""})
		if old > 0 {
			pct := round((cur-old)/old*100, 4)
			out = append(out, Datapoint{name + "ChangePercent", fmt.Sprintf("%s, %% change %d / %d", name, d.Year, d.Year-1), ref + " AR 48", &pct, "%", ""})
		}
	}
	if c := d.Changes; c != nil {
		out = append(out,
			Datapoint{"ChangeActivityEffectMarketBased", "Change from the year before due to activity (entity-specific: " + planning.DecompositionMethod + ")", "entity-specific", num(c.Group.ActivityT), "tCO2e", ""},
			Datapoint{"ChangeMixEffectMarketBased", "Change due to the mix within a line at the same amount (travel class, hotel country, certificate share)", "entity-specific", num(c.Group.MixT), "tCO2e", ""},
			Datapoint{"ChangeEmissionFactorEffectMarketBased", "Change due to emission factors (grid decarbonisation, supplier rates; a change of method restates every year instead: method_restatements)", "entity-specific", num(c.Group.FactorT), "tCO2e", ""},
			Datapoint{"ChangeWeatherEffectMarketBased", "Change due to the weather against the year before, at the same factors (sites normalising heating and cooling both years)", "entity-specific", num(c.Group.WeatherT), "tCO2e", ""},
			Datapoint{"ChangeStructuralEffectMarketBased", "Change due to sites joining and leaving", "entity-specific", num(c.Group.StructureT), "tCO2e", ""})
	}
	return out
}

// siteYears says how each site counts in each year up to the export's:
// reported, estimated or missing (a silent site), outside the group.
func (d Dataset) siteYears() Table {
	tb := Table{Name: "site_years", Head: []string{"year", "site", "status", "counted (tCO2e)", "of which estimated (tCO2e)", "days without records", "estimated from", "basis"}}
	for _, sy := range d.SiteYears {
		if sy.Year > d.Year {
			continue
		}
		from := any("")
		if sy.EstimatedFrom != 0 {
			from = sy.EstimatedFrom
		}
		tb.Rows = append(tb.Rows, []any{sy.Year, sy.Site, sy.Status, t(sy.T), t(sy.EstimatedT), structure.GapDays(sy.Gaps), from, sy.Basis})
	}
	return tb
}

// scope3Categories lists the fifteen categories, included or excluded
// with the reason, as ESRS E1-6 §51 and AR 46 ask (ghg.Categories:
// a category is included when a scope of the table is in it).
func (d Dataset) scope3Categories() Table {
	g := d.Group
	tb := Table{Name: "scope3_categories", Head: []string{"category", "name", "status", "tCO2e", "reason"}}
	for _, c := range ghg.Categories() {
		status, v := "excluded", any("")
		if c.Included() {
			status, v = "included", t(c.Of(g))
		}
		tb.Rows = append(tb.Rows, []any{c.Number, c.Name, status, v, c.Boundary})
	}
	return tb
}

// changeDecomposition is the year's change per entity and, for the group,
// per scope and category.
func (d Dataset) changeDecomposition() Table {
	tb := Table{Name: "change_decomposition", Head: []string{"entity", "status", "scope", "from year", "to year", "from (tCO2e)", "to (tCO2e)", "change (tCO2e)",
		"activity effect (tCO2e)", "emission-factor effect (tCO2e)", "structural effect (tCO2e)", "at constant factors (tCO2e)", "change at constant factors (%)",
		"mix effect (tCO2e)", "weather effect (tCO2e)"}}
	c := d.Changes
	if c == nil {
		return tb
	}
	row := func(ch planning.Change) {
		var pct any = ""
		if ch.AtConstantFactorsPct != nil {
			pct = round(*ch.AtConstantFactorsPct, 4)
		}
		tb.Rows = append(tb.Rows, []any{ch.Entity, ch.Status, "total (market-based)", ch.FromYear, ch.ToYear, t(ch.FromT), t(ch.ToT), t(ch.ChangeT),
			t(ch.ActivityT), t(ch.FactorT), t(ch.StructureT), t(ch.AtConstantFactorsT), pct, t(ch.MixT), t(ch.WeatherT)})
	}
	row(c.Group)
	for _, s := range c.Group.ByScope {
		tb.Rows = append(tb.Rows, []any{"group", "group", string(s.Scope), c.Group.FromYear, c.Group.ToYear, t(s.FromT), t(s.ToT), t(s.ToT - s.FromT),
			t(s.ActivityT), t(s.FactorT), t(s.StructureT), t(s.ToT - s.FactorT), "", t(s.MixT), t(s.WeatherT)})
	}
	for _, s := range c.Sites {
		row(s)
	}
	return tb
}

// restatements lists the base-year recalculation and every figure of a
// closed year that differs now.
func (d Dataset) restatements() Table {
	tb := Table{Name: "restatements", Head: []string{"year", "entity", "figure", "published (tCO2e)", "current (tCO2e)", "difference (tCO2e)", "reason", "published on"}}
	if r := d.Trajectory.Recalculation; r != nil {
		for _, c := range r.Changes {
			figure, why := "organic change: site "+c.Kind, c.Reason
			if c.Structural {
				figure = "structural change: site " + c.Kind
				why = fmt.Sprintf("%s; %.2f %% of the %d base (threshold %.1f %%, cumulative %.2f %%): %s", c.Reason, c.Share*100, r.BaseYear, r.Threshold*100, r.CumulativeShare*100, restatedWord(r.Restated))
			}
			tb.Rows = append(tb.Rows, []any{c.Year, c.Site, figure, "", t(c.BaseT), "", why, ""})
		}
		if len(r.Changes) > 0 {
			tb.Rows = append(tb.Rows, []any{r.BaseYear, "group", "base-year emissions (market-based)", t(r.OriginalBaseT), t(r.BaseT), t(r.BaseT - r.OriginalBaseT), r.Explanation, ""})
		}
		for _, y := range r.Years { // the years between, on the present structure
			if y.Year == r.BaseYear || y.Year > d.Year || y.RestatedT == y.ReportedT {
				continue
			}
			tb.Rows = append(tb.Rows, []any{y.Year, "group", "total emissions (market-based), present structure", t(y.ReportedT), t(y.RestatedT), t(y.RestatedT - y.ReportedT),
				"restated for the structural changes above", ""})
		}
	}
	for _, rs := range d.Restatements {
		tb.Rows = append(tb.Rows, []any{rs.Year, rs.Entity, rs.Figure, t(rs.PublishedT), t(rs.CurrentT), t(rs.CurrentT - rs.PublishedT), rs.Reason, rs.PublishedOn})
	}
	return tb
}

func restatedWord(restated bool) string {
	if restated {
		return "base restated"
	}
	return "below the threshold, base not restated"
}

// records lists every activity record's share of every line: per line,
// the quantities and tonnes sum to the line's.
func (d Dataset) records() Table {
	tb := Table{Name: "records", Head: []string{"site", "line", "scope", "line kind", "line item", "factor id", "record start", "record end", "record source", "record attrs",
		"record quantity", "record unit", "quantity in line", "line unit", "tCO2e"}}
	for _, s := range d.Sites {
		inv := s.Inventory
		for _, r := range inv.Records {
			l := inv.Lines[r.Line]
			tb.Rows = append(tb.Rows, []any{inv.Site, r.Line + 1, string(l.Scope), l.Kind, l.Item, l.FactorID, r.Start.String(), r.End.String(), r.Source, attrs(r.Attrs),
				r.RecordQuantity, r.RecordUnit, round(r.Quantity, 9), l.Unit, round(r.T, 12)})
		}
	}
	return tb
}

func attrs(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ";")
}
