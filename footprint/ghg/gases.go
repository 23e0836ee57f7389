package ghg

import "github.com/greenhelp/greenhelp/footprint/factors"

// Gases lists the gases a line's tonnes split into (Line.ByGas), in the
// export's order: CO2, CH4, N2O, HFCs, and "CO2e only" — what no source
// splits: lines whose factor is published as CO2e only (grid electricity,
// hotels, well-to-tank, the fuels until a split is read, a refrigerant
// that is no HFC), and the publisher's rounding between a split's parts
// and its total.
func Gases() []string { return []string{"CO2", "CH4", "N2O", "HFCs", co2eOnly} }

const co2eOnly = "CO2e only"

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

// ByGas is the line's tonnes by gas: its parts × its quantity, and the
// rest of its tonnes (all of them without a split) as CO2e only. The
// gases of a line add up to its T.
func (l Line) ByGas() map[string]float64 {
	out := map[string]float64{}
	g := l.Gases
	if g == nil {
		out[co2eOnly] = l.T
		return out
	}
	// In this order: the rest is the same bits on every call (a map's
	// order would change its last ones).
	parts := []struct {
		gas string
		kg  float64
	}{{"CO2", g.CO2KgPerUnit}, {"CH4", g.CH4KgPerUnit}, {"N2O", g.N2OKgPerUnit}, {"HFCs", g.HFCKgPerUnit}}
	rest := l.T
	for _, p := range parts {
		if p.kg != 0 {
			out[p.gas] = l.Quantity * p.kg / 1000
			rest -= out[p.gas]
		}
	}
	if rest != 0 {
		out[co2eOnly] = rest
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
