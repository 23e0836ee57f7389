package factors

import (
	"math"
	"strconv"
	"strings"
)

// Gases is a factor row's CO2e split by gas, each part in kg CO2e per unit
// as the publisher gives it (UK DESNZ's "kg CO2e of CO2 / CH4 / N2O per
// unit"), under the named GWP100 set. The parts add up to the row's
// kg_co2e_per_unit within the publisher's rounding (GasesTolerance).
type Gases struct {
	CO2KgPerUnit float64 `json:"kg_co2_per_unit"`
	CH4KgPerUnit float64 `json:"kg_ch4_per_unit"`
	N2OKgPerUnit float64 `json:"kg_n2o_per_unit"`
	// GWP names the GWP100 set the CH4 and N2O parts are under (AR5, AR6).
	GWP string `json:"gwp"`
}

// Sum is the parts' total, kg CO2e per unit.
func (g Gases) Sum() float64 { return g.CO2KgPerUnit + g.CH4KgPerUnit + g.N2OKgPerUnit }

// GasesTolerance is how far the parts' sum may stand from the row's CO2e,
// relative to it, before the row is refused: DESNZ rounds each column to
// five decimals, so a small factor's parts can miss its total by a few
// 1e-6 kg (car_diesel 2025: 0.17136 + 0.000005 + 0.00167 = 0.173035 for
// 0.17304) — and never by a whole part.
const GasesTolerance = 0.005

// GWP sets a row's split may name.
var gasesGWP = []string{"AR5", "AR6"}

// parseGases reads the optional split of a row: all three parts and the
// GWP set, or none of them.
func parseGases(get func(string) string, co2e float64, bad func(field, value, want string)) *Gases {
	cols := []string{"kg_co2_per_unit", "kg_ch4_per_unit", "kg_n2o_per_unit"}
	given := 0
	for _, c := range append(cols, "gases_gwp") {
		if get(c) != "" {
			given++
		}
	}
	if given == 0 {
		return nil
	}
	if given < 4 {
		bad("gases", strings.Join([]string{get(cols[0]), get(cols[1]), get(cols[2]), get("gases_gwp")}, ","),
			"give all of kg_co2_per_unit, kg_ch4_per_unit, kg_n2o_per_unit and gases_gwp, or none (the source gives CO2e only)")
		return nil
	}
	var parts [3]float64
	ok := true
	for i, c := range cols {
		v, err := strconv.ParseFloat(get(c), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			bad(c, get(c), "must be a finite number ≥ 0 (kg CO2e of the gas per unit)")
			ok = false
		}
		parts[i] = v
	}
	g := &Gases{CO2KgPerUnit: parts[0], CH4KgPerUnit: parts[1], N2OKgPerUnit: parts[2], GWP: strings.ToUpper(get("gases_gwp"))}
	known := false
	for _, s := range gasesGWP {
		known = known || g.GWP == s
	}
	if !known {
		bad("gases_gwp", get("gases_gwp"), "must be "+strings.Join(gasesGWP, " or ")+": the GWP100 set of the CH4 and N2O parts")
		ok = false
	}
	if ok && math.Abs(g.Sum()-co2e) > GasesTolerance*co2e+1e-9 {
		bad("gases", strconv.FormatFloat(g.Sum(), 'g', -1, 64),
			"the parts must add up to kg_co2e_per_unit "+strconv.FormatFloat(co2e, 'g', -1, 64)+" (within 0.5 %, the publisher's rounding)")
		ok = false
	}
	if !ok {
		return nil
	}
	return g
}
