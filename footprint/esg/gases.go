package esg

import (
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// The emissions by gas: every line's tonnes by gas (ghg.Line.ByGas: its
// factor's published split, an HFC leak as the HFC, else CO2e only),
// summed per scope. The rows of an entity and scope add up to its total
// in by_scope_category.

// gasesTable is the export's emissions_by_gas: the group's every scope and
// gas, then each site's non-zero rows.
func (d Dataset) gasesTable() Table {
	tb := Table{Name: "emissions_by_gas", Head: []string{"entity", "scope", "scope and category", "gas", "tCO2e", "GWP100 set"}}
	add := func(entity string, inv *ghg.Inventory, all bool) {
		by := byScopeAndGas(inv)
		sets := gwpOfGas(inv)
		for _, s := range ghg.Scopes() {
			for _, gas := range ghg.Gases() {
				v := by[s.ID][gas]
				if !all && v == 0 {
					continue
				}
				tb.Rows = append(tb.Rows, []any{entity, string(s.ID), s.Label, gas, t(v), sets[s.ID][gas]})
			}
		}
	}
	add("group", d.Group, true)
	for _, s := range d.Sites {
		add(s.Inventory.Site, s.Inventory, false)
	}
	return tb
}

// gwpOfGas names the GWP set(s) behind each scope's gas ("CO2e only": as
// each source publishes it).
func gwpOfGas(inv *ghg.Inventory) map[ghg.Scope]map[string]string {
	out := map[ghg.Scope]map[string]string{}
	for _, s := range ghg.Scopes() {
		out[s.ID] = map[string]string{"CO2": "none (GWP 1)", co2eOnly: "as each source publishes its CO2e"}
	}
	for _, l := range inv.Lines {
		if l.Gases == nil {
			continue
		}
		for gas, v := range l.ByGas() {
			if v == 0 || gas == "CO2" || gas == co2eOnly {
				continue
			}
			if cur := out[l.Scope][gas]; cur != "" && cur != l.Gases.GWP {
				out[l.Scope][gas] = cur + ", " + l.Gases.GWP
			} else {
				out[l.Scope][gas] = l.Gases.GWP
			}
		}
	}
	return out
}

// gasDatapoints are the summary's figures by gas: the group's Scope 1 and
// its market-based total per gas (entity-specific, beside ESRS E1-6), and
// which GWP set applies to which lines.
func (d Dataset) gasDatapoints(ref string) []Datapoint {
	by := byScopeAndGas(d.Group)
	own := "entity-specific, beside " + ref
	var out []Datapoint
	for _, gas := range ghg.Gases() {
		out = append(out, Datapoint{"Scope1GHGEmissionsBy_" + gasID(gas), "Scope 1 emissions of " + gas + " (emissions_by_gas)", own, num(by[ghg.Scope1][gas]), "tCO2e", ""})
	}
	for _, gas := range ghg.Gases() {
		v := 0.0
		for _, s := range ghg.Scopes() {
			if s.Market {
				v += by[s.ID][gas]
			}
		}
		out = append(out, Datapoint{"TotalGHGEmissionsMarketBasedBy_" + gasID(gas), "Total market-based emissions of " + gas + " (emissions_by_gas)", own, num(v), "tCO2e", ""})
	}
	return append(out, Datapoint{"GWPSetByLines", "Which GWP100 set applies to which lines", own, nil, "", gwpByLines(d.Group)})
}

func gasID(gas string) string {
	switch gas {
	case "HFCs":
		return "HFCs"
	case co2eOnly:
		return "CO2eOnly"
	}
	return gas
}

const co2eOnly = "CO2e only"

// byScopeAndGas sums an inventory's lines by scope and gas.
func byScopeAndGas(inv *ghg.Inventory) map[ghg.Scope]map[string]float64 {
	out := map[ghg.Scope]map[string]float64{}
	for _, l := range inv.Lines {
		if out[l.Scope] == nil {
			out[l.Scope] = map[string]float64{}
		}
		for gas, v := range l.ByGas() {
			out[l.Scope][gas] += v
		}
	}
	return out
}

// gwpByLines says which GWP100 set applies to which lines of inv, e.g.
// "GWP100 AR6: refrigerant lines (HFCs); GWP100 AR5: travel lines split
// into CO2, CH4, N2O (their source's split); CO2e as each source
// publishes it (its own GWP basis, no split): every other line".
func gwpByLines(inv *ghg.Inventory) string {
	sets := map[string]map[string]bool{}
	only := false
	for _, l := range inv.Lines {
		if l.Gases == nil {
			only = true
			continue
		}
		what := l.Kind + " lines split into CO2, CH4, N2O (their source's split)"
		if l.Gases.HFCKgPerUnit > 0 {
			what = "refrigerant lines (HFCs)"
		}
		if sets[l.Gases.GWP] == nil {
			sets[l.Gases.GWP] = map[string]bool{}
		}
		sets[l.Gases.GWP][what] = true
	}
	var parts []string
	for _, set := range []string{ghg.GWPAR6, ghg.GWPAR5} {
		var whats []string
		for w := range sets[set] {
			whats = append(whats, w)
		}
		if len(whats) == 0 {
			continue
		}
		sort.Strings(whats)
		parts = append(parts, "GWP100 "+set+": "+strings.Join(whats, ", "))
	}
	if only {
		parts = append(parts, "CO2e as each source publishes it (its own GWP basis, no split): every other line")
	}
	return strings.Join(parts, "; ")
}
