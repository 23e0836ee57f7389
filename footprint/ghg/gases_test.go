package ghg

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

func gasLine(t *testing.T, inv *Inventory, kind, item string) Line {
	t.Helper()
	for _, l := range inv.Lines {
		if l.Kind == kind && l.Item == item {
			return l
		}
	}
	t.Fatalf("no %s/%s line", kind, item)
	return Line{}
}

// A French site's 2025: each line split by gas, or CO2e only. By hand:
//   - coach 1000 pkm × DESNZ 2025 (25_314_3146_11_2/_3/_4): CO2 0.02727,
//     CH4 0.00001, N2O 0.00048 kg/pkm → 0.02727, 0.00001, 0.00048 t
//     (sum 0.02776 t = 1000 × 0.02776 / 1000, the line; rail in France
//     is ADEME's, CO2e only);
//   - diesel 100 L at a test override split 2.4 + 0.05 + 0.05 = 2.5 kg/L
//     → CO2 0.24, CH4 0.005, N2O 0.005 t (sum 0.25 t);
//   - R410A 2 kg × AR6 2255.5 = 4.511 t, all HFC;
//   - R22 1 kg × AR6 1960 = 1.96 t, CO2e only (HCFC-22 is no HFC);
//   - grid 1000 kWh: Ember/AIB CO2e only (Scope 2 both ways).
func TestLinesSplitByGas(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "fr-lyon", Name: "Lyon", Country: "FR", Timezone: "Europe/Paris", Seats: 100}
	day := func(kind footprint.Kind, item string, q float64, u footprint.Unit) footprint.Activity {
		return footprint.Activity{Kind: kind, Item: item, Start: footprint.NewDate(2025, 3, 1), End: footprint.NewDate(2025, 3, 2),
			Quantity: q, Unit: u, Source: "test", Quality: footprint.QualityMeasured}
	}
	acts := []footprint.Activity{
		day(footprint.KindTravel, "coach", 1000, footprint.UnitPKm),
		day(footprint.KindFuel, "diesel", 100, footprint.UnitLitre),
		day(footprint.KindRefrigerant, "R410A", 2, footprint.UnitKg),
		day(footprint.KindRefrigerant, "R22", 1, footprint.UnitKg),
		day(footprint.KindElectricity, "grid", 1000, footprint.UnitKWh),
	}
	override, err := factors.Parse(strings.NewReader("kind,item,region,year,kg_co2e_per_unit,unit,source,note,change,kg_co2_per_unit,kg_ch4_per_unit,kg_n2o_per_unit,gases_gwp\n"+
		"fuel,diesel,FR,2025,2.5,L,test split (not a published figure),,,2.4,0.05,0.05,AR5\n"), "override.csv")
	require.NoError(t, err)
	inv, err := Calculate(site, acts, 2025, factors.Default().Merge(override), Assumptions{}, Options{})
	require.NoError(t, err)

	tests := []struct {
		name, kind, item, label string
		want                    map[string]float64
	}{
		{"coach as DESNZ splits it", "travel", "coach", "CO2, CH4, N2O as published, GWP100 AR5", map[string]float64{"CO2": 0.02727, "CH4": 0.00001, "N2O": 0.00048}},
		{"diesel split into CO2, CH4 and N2O", "fuel", "diesel", "CO2, CH4, N2O as published, GWP100 AR5", map[string]float64{"CO2": 0.24, "CH4": 0.005, "N2O": 0.005}},
		{"an HFC leak is the HFC", "refrigerant", "R410A", "HFC, GWP100 AR6", map[string]float64{"HFCs": 4.511}},
		{"HCFC-22 is CO2e only", "refrigerant", "R22", "CO2e only", map[string]float64{"CO2e only": 1.96}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := gasLine(t, inv, tt.kind, tt.item)
			assert.Equal(t, tt.label, l.GasLabel())
			got := l.ByGas()
			sum := 0.0
			for gas, v := range got {
				sum += v
				if _, ok := tt.want[gas]; !ok {
					assert.InDelta(t, 0, v, 1e-12, gas)
				}
			}
			for gas, v := range tt.want {
				assert.InDelta(t, v, got[gas], 1e-12, gas)
			}
			assert.InDelta(t, l.T, sum, 1e-12, "the gases add up to the line")
		})
	}
	for _, l := range inv.Lines {
		if l.Kind == "electricity" {
			assert.Equal(t, "CO2e only", l.GasLabel(), l.FactorID)
		}
	}

	// The gases of every scope add up to its total.
	for _, sc := range Scopes() {
		sum := 0.0
		for _, l := range inv.Lines {
			if l.Scope == sc.ID {
				for _, v := range l.ByGas() {
					sum += v
				}
			}
		}
		assert.InDelta(t, sc.Of(inv), sum, 1e-9, string(sc.ID))
	}
}

// A factor restated by a later method change has no published split: the
// 2024 flights (restated by DESNZ 2025's method) are CO2e only.
func TestARestatedFactorIsCO2eOnly(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "gb-ldn", Name: "London", Country: "GB", Timezone: "Europe/London", Seats: 100}
	acts := []footprint.Activity{{Kind: footprint.KindTravel, Item: "flight_domestic", Start: footprint.NewDate(2024, 3, 1), End: footprint.NewDate(2024, 3, 2),
		Quantity: 500, Unit: footprint.UnitPKm, Source: "test", Quality: footprint.QualityMeasured}}
	inv, err := Calculate(site, acts, 2024, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	l := gasLine(t, inv, "travel", "flight_domestic")
	require.NotNil(t, l.Restated)
	assert.Nil(t, l.Gases)
	assert.Equal(t, map[string]float64{"CO2e only": l.T}, l.ByGas())
}

// A line's rest ("CO2e only", here the rounding between the parts and
// the total) is the same bits on every call: the parts are taken off in
// the export's order, not a map's (in the six orders of these three
// parts, the rest takes five values).
func TestByGasIsTheSameBitsOnEveryCall(t *testing.T) {
	q := 1234.5
	l := Line{Quantity: q, T: q * (0.16844 + 0.00001 + 0.00177) / 1000,
		Gases: &LineGases{CO2KgPerUnit: 0.16844, CH4KgPerUnit: 0.00001, N2OKgPerUnit: 0.00177, GWP: "AR5"}}
	want := l.T - q*0.16844/1000 - q*0.00001/1000 - q*0.00177/1000
	for range 300 {
		got := l.ByGas()
		require.Equal(t, math.Float64bits(want), math.Float64bits(got[co2eOnly]))
	}
}
