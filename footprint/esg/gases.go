package esg

import (
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
		by := ghg.ByScopeAndGas(inv)
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
		out[s.ID] = map[string]string{ghg.GasCO2: "none (GWP 1)", ghg.GasCO2eOnly: "as each source publishes its CO2e"}
	}
	for _, l := range inv.Lines {
		if l.Gases == nil {
			continue
		}
		for gas, v := range l.ByGas() {
			if v == 0 || gas == ghg.GasCO2 || gas == ghg.GasCO2eOnly {
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
	by := ghg.ByScopeAndGas(d.Group)
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
	return append(out, Datapoint{"GWPSetByLines", "Which GWP100 set applies to which lines", own, nil, "", ghg.GWPByLines(d.Group)})
}

func gasID(gas string) string {
	switch gas {
	case ghg.GasHFC:
		return "HFCs"
	case ghg.GasCO2eOnly:
		return "CO2eOnly"
	}
	return gas
}
