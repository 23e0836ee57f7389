package ghg

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
)

// A year of 120,000 kWh of grid electricity at a French, a South African
// and an Ember-only (Moroccan) site, by hand from the published figures:
// Scope 2 is the combustion factor; Scope 3.3 the upstream of generation
// (activity B) and the kWh lost in T&D — consumption × loss share ÷ (1 −
// loss share) — at combustion and upstream (activity C). Scope 2 + 3.3
// = (kWh + kWh lost) × the lifecycle factor.
func TestScope2AtCombustionAndScope33AddUpToTheLifecycleFactorWithLosses(t *testing.T) {
	t.Parallel()
	const kwh = 120000.0
	tests := []struct {
		name, country string
		comb, up      float64 // kgCO2e/kWh
		lifecycle     float64 // kgCO2e/kWh
		lossShare     float64 // of output
		market        float64 // kgCO2e/kWh of uncovered kWh: the residual mix, else comb
	}{
		// Ember 2023 lifecycle 55.28 g (ember-data-api @ae39f587) × the
		// direct share of Ember's emissions by fuel: 33.30 g combustion
		// (RTE's Bilan électrique 2023 gives 32 g: close); World Bank WDI
		// EG.ELC.LOSS.ZS France 2023: 6.9585 %.
		// Market-based: AIB European Residual Mixes 2023, FR 40.74 g.
		{"a French site", "FR", 0.0333, 0.02198, 0.05528, 0.069585, 0.04074},
		// DFFE DGGEF 2023: 0.942 tCO2e/MWh; upstream: Ember's 709.69 g ×
		// (1 − its direct share 0.9194) = 57.19 g; WDI 2023: 10.2491 %.
		{"a South African site (national factor)", "ZA", 0.942, 0.05719, 0.942 + 0.05719, 0.102491, 0.942},
		// Ember 2023 616.82 g, direct share 0.9011: 555.81 g; WDI 2023:
		// 18.1899 %.
		{"an Ember-only site (Morocco)", "MA", 0.55581, 0.06101, 0.61682, 0.181899, 0.55581},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := declaration.Site{ID: "s", Name: "s", Country: tt.country}
			acts := fixture.Monthly(2023, footprint.KindElectricity, "grid", kwh/12, nil)
			inv, err := Calculate(site, acts, 2023, factors.Default(), Assumptions{}, Options{})
			require.NoError(t, err)
			lost := kwh * tt.lossShare / (1 - tt.lossShare)
			assert.InDelta(t, kwh*tt.comb/1000, inv.Scope2LocationT, 1e-9, "Scope 2 location-based: combustion only")
			assert.InDelta(t, kwh*tt.market/1000, inv.Scope2MarketT, 1e-9, "no contract: the residual mix, else the location-based factor")
			assert.InDelta(t, (kwh*tt.up+lost*tt.comb+lost*tt.up)/1000, inv.Scope3FuelEnergyT, 1e-9)
			assert.InDelta(t, (kwh+lost)*tt.lifecycle/1000, inv.Scope2LocationT+inv.Scope3FuelEnergyT, 1e-9)
			assert.InDelta(t, tt.lifecycle, fixture.KG(t, "electricity", "grid", tt.country, 2023), 1e-12)
			// Each 3.3 line names its factor row and what it is.
			want := map[string]string{
				"grid.upstream":      "electricity/grid.upstream/" + tt.country + "/2023",
				"td_losses":          "electricity/grid.combustion/" + tt.country + "/2023",
				"td_losses.upstream": "electricity/grid.upstream/" + tt.country + "/2023",
			}
			for _, l := range inv.Lines {
				if l.Scope != Scope3FuelEnergy {
					continue
				}
				assert.Equal(t, want[l.Item], l.FactorID, l.Item)
				assert.Contains(t, l.Basis, "category 3 activity", l.Item)
				delete(want, l.Item)
			}
			assert.Empty(t, want, "every 3.3 line is there")
			for _, n := range inv.Notes {
				assert.Contains(t, n, "no residual mix for "+tt.country, "the year's own rows: no other year or region stands in")
			}
		})
	}
}

// A country without a loss share of its own takes WORLD's, said in the
// notes — never a silent zero; an override that gives the grid factor
// alone keeps the whole of it in Scope 2, said too.
func TestMissingLossShareOrSplitIsSaid(t *testing.T) {
	t.Parallel()
	acts := fixture.Monthly(2023, footprint.KindElectricity, "grid", 1000, nil)
	inv, err := Calculate(declaration.Site{ID: "no", Name: "Oslo", Country: "NO"}, acts, 2023, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	notes := strings.Join(inv.Notes, "\n")
	assert.Contains(t, notes, "td_loss/grid/WORLD/2023: no td_loss/grid factor for region NO; used WORLD")
	assert.Contains(t, line(t, inv, Scope3FuelEnergy, "electricity", "td_losses").Basis, "loss share: no td_loss/grid factor for region NO; used WORLD")
	lost := 12000 * 0.061324 / (1 - 0.061324) // WDI world 2023: 6.1324 %
	assert.InDelta(t, lost, line(t, inv, Scope3FuelEnergy, "electricity", "td_losses").Quantity, 1e-6)

	over, err := factors.Parse(strings.NewReader("kind,item,region,year,kg_co2e_per_unit,unit,source,note\n"+
		"electricity,grid,FR,2023,0.06,kWh,a national publication,\n"), "override.csv")
	require.NoError(t, err)
	inv, err = Calculate(declaration.Site{ID: "fr", Name: "Lyon", Country: "FR"}, acts, 2023, factors.Default().Merge(over), Assumptions{}, Options{})
	require.NoError(t, err)
	assert.InDelta(t, 12000*0.06/1000, inv.Scope2LocationT, 1e-12)
	assert.Contains(t, strings.Join(inv.Notes, "\n"), "do not add up to electricity/grid/FR/2023")
	for _, l := range inv.Lines {
		assert.NotEqual(t, "grid.upstream", l.Item, "no upstream line without a split")
	}
	lost = 12000 * 0.069585 / (1 - 0.069585)
	assert.InDelta(t, lost*0.06/1000, inv.Scope3FuelEnergyT, 1e-12, "T&D at the whole factor")
}

// A loss share is a share of output; an older override giving kWh lost
// per kWh delivered (kWh/kWh) still counts; a unit the calculation cannot
// read is said.
func TestLostKWhFromEitherForm(t *testing.T) {
	t.Parallel()
	share := factors.Match{Row: factors.Row{Kind: "td_loss", Item: "grid", Region: "FR", Year: 2023, KgPerUnit: 0.2, Unit: "share_of_output"}}
	lost, per, ok := lostKWh(800, share)
	require.True(t, ok)
	assert.InDelta(t, 200, lost, 1e-9, "800 delivered of 1000 generated")
	assert.InDelta(t, 0.25, per, 1e-12)
	perDelivered := share
	perDelivered.Unit, perDelivered.KgPerUnit = "kWh/kWh", 0.25
	lost, _, ok = lostKWh(800, perDelivered)
	require.True(t, ok)
	assert.InDelta(t, 200, lost, 1e-9)
	for _, bad := range []factors.Match{{Row: factors.Row{KgPerUnit: 1, Unit: "share_of_output"}}, {Row: factors.Row{KgPerUnit: 0.1, Unit: "%"}}} {
		_, _, ok = lostKWh(800, bad)
		assert.False(t, ok, bad.Unit)
	}
}
