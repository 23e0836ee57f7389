package ghg

import (
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/factors"
)

// The gases an inventory is split into (Gases()): the export's
// emissions_by_gas rows, in this order.
const (
	GasCO2 = "CO2"
	GasCH4 = "CH4"
	GasN2O = "N2O"
	GasHFC = "HFCs"
	// GasCO2eOnly is what no source splits: lines whose factor is
	// published as CO2e only (grid electricity, hotels, well-to-tank, the
	// fuels until a split is read, a refrigerant that is no HFC), and the
	// publisher's rounding between a split's parts and its total.
	GasCO2eOnly = "CO2e only"
)

// Gases lists the gas rows in their order.
func Gases() []string { return []string{GasCO2, GasCH4, GasN2O, GasHFC, GasCO2eOnly} }

// LineGases is a line's factor split by gas, kg CO2e per unit of the
// line's quantity, under GWP. Nil on a line: CO2e only.
type LineGases struct {
	CO2KgPerUnit float64 `json:"kg_co2_per_unit,omitempty"`
	CH4KgPerUnit float64 `json:"kg_ch4_per_unit,omitempty"`
	N2OKgPerUnit float64 `json:"kg_n2o_per_unit,omitempty"`
	HFCKgPerUnit float64 `json:"kg_hfc_per_unit,omitempty"`
	// GWP is the GWP100 set the parts are under (AR5, AR6).
	GWP string `json:"gwp"`
}

// hfcs are the refrigerants of the library that are HFCs or blends of
// HFCs only (the blends' compositions: factors.csv notes, ASHRAE 34).
// R22 (HCFC-22, a Montreal Protocol gas) and R290 (propane) are not.
var hfcs = map[string]bool{"R32": true, "R134a": true, "R410A": true, "R407C": true, "R404A": true}

// gasesOf is a factor's split: the row's published one, unless a method
// change restated the factor (the split is of the published factor only).
func gasesOf(m factors.Match) *LineGases {
	g := m.Gases
	if g == nil || m.Restated != nil {
		return nil
	}
	return &LineGases{CO2KgPerUnit: g.CO2KgPerUnit, CH4KgPerUnit: g.CH4KgPerUnit, N2OKgPerUnit: g.N2OKgPerUnit, GWP: g.GWP}
}

// GasT is tonnes CO2e by gas.
type GasT map[string]float64

// ByGas is the line's tonnes by gas: its parts × its quantity, and the
// rest of its tonnes (all of them without a split) as CO2e only. The
// gases of a line add up to its T.
func (l Line) ByGas() GasT {
	out := GasT{}
	g := l.Gases
	if g == nil {
		out[GasCO2eOnly] = l.T
		return out
	}
	parts := map[string]float64{GasCO2: g.CO2KgPerUnit, GasCH4: g.CH4KgPerUnit, GasN2O: g.N2OKgPerUnit, GasHFC: g.HFCKgPerUnit}
	rest := l.T
	for gas, kg := range parts {
		if kg != 0 {
			out[gas] = l.Quantity * kg / 1000
			rest -= out[gas]
		}
	}
	if rest != 0 {
		out[GasCO2eOnly] = rest
	}
	return out
}

// GasLabel says in words how a line is split: which gases, under which
// GWP set, or CO2e only.
func (l Line) GasLabel() string {
	g := l.Gases
	switch {
	case g == nil:
		return "CO2e only"
	case g.HFCKgPerUnit > 0:
		return "HFC, GWP100 " + g.GWP
	default:
		return "CO2, CH4, N2O as published, GWP100 " + g.GWP
	}
}

// ByScopeAndGas sums an inventory's lines by scope and gas.
func ByScopeAndGas(inv *Inventory) map[Scope]GasT {
	out := map[Scope]GasT{}
	for _, l := range inv.Lines {
		if out[l.Scope] == nil {
			out[l.Scope] = GasT{}
		}
		for gas, v := range l.ByGas() {
			out[l.Scope][gas] += v
		}
	}
	return out
}

// GWPByLines says which GWP100 set applies to which lines of inv, e.g.
// "AR6: refrigerant lines (HFCs); AR5: the CH4 and N2O of DESNZ's split
// travel factors; CO2e as published: every other line".
func GWPByLines(inv *Inventory) string {
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
	for _, set := range []string{GWPAR6, GWPAR5} {
		if len(sets[set]) == 0 {
			continue
		}
		var whats []string
		for w := range sets[set] {
			whats = append(whats, w)
		}
		sort.Strings(whats)
		parts = append(parts, "GWP100 "+set+": "+strings.Join(whats, ", "))
	}
	if only {
		parts = append(parts, "CO2e as each source publishes it (its own GWP basis, no split): every other line")
	}
	return strings.Join(parts, "; ")
}
