package esg

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
)

// A 2025 site with a coach trip (DESNZ split) and an R410A leak (HFC):
// emissions_by_gas adds up, per entity and scope, to by_scope_category.
// By hand: R410A 1 kg × AR6 2255.5 = 2.2555 t HFCs in Scope 1; coach
// 2000 pkm × 0.02727 = 0.05454 t CO2, × 0.00001 = 0.00002 t CH4,
// × 0.00048 = 0.00096 t N2O in 3.6; the grid CO2e only.
func TestEmissionsByGasAddUpToTheScopes(t *testing.T) {
	t.Parallel()
	site := fixture.Site()
	acts := append(fixture.Monthly(2025, footprint.KindElectricity, "grid", 1000, nil),
		fixture.Act(footprint.KindRefrigerant, "R410A", "2025-03-01", "2025-03-02", 1, "kg", nil),
		fixture.Act(footprint.KindTravel, "coach", "2025-03-01", "2025-03-02", 2000, "pkm", nil))
	inv, err := ghg.Calculate(site, acts, 2025, factors.Default(), ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	d := Dataset{Year: 2025, Version: "test", FactorSet: factors.Version, InputDigest: "d1", GWPSet: "AR6",
		Sites: []Site{{Inventory: inv, Name: "Site", Country: site.Country}}, Group: ghg.Merge("group", "Group", 2025, []*ghg.Inventory{inv})}

	byScope := map[[2]string]float64{}
	for _, r := range d.byScopeCategory().Rows {
		byScope[[2]string{r[0].(string), r[1].(string)}] = r[3].(float64)
	}
	byGas := map[[2]string]float64{}
	cell := map[[3]string]float64{}
	for _, r := range d.gasesTable().Rows {
		byGas[[2]string{r[0].(string), r[1].(string)}] += r[4].(float64)
		cell[[3]string{r[0].(string), r[1].(string), r[3].(string)}] = r[4].(float64)
	}
	for k, v := range byScope {
		assert.InDelta(t, v, byGas[k], 1e-5, "%v", k)
	}
	assert.InDelta(t, 2.2555, cell[[3]string{"group", "1", "HFCs"}], 1e-9)
	assert.InDelta(t, 0.05454, cell[[3]string{"group", "3.6", "CO2"}], 1e-9)
	assert.InDelta(t, 0.00002, cell[[3]string{"group", "3.6", "CH4"}], 1e-9)
	assert.InDelta(t, 0.00096, cell[[3]string{"group", "3.6", "N2O"}], 1e-9)
	assert.InDelta(t, byScope[[2]string{"group", "2-location"}], cell[[3]string{"group", "2-location", "CO2e only"}], 1e-9)

	dp := map[string]Datapoint{}
	for _, p := range d.Summary() {
		dp[p.Name] = p
	}
	require.NotNil(t, dp["Scope1GHGEmissionsBy_HFCs"].Value)
	assert.InDelta(t, 2.2555, *dp["Scope1GHGEmissionsBy_HFCs"].Value, 1e-9)
	assert.Contains(t, dp["GWPSetByLines"].Text, "GWP100 AR6: refrigerant lines (HFCs); GWP100 AR5: ")
	assert.Contains(t, dp["GWPSetByLines"].Text, "travel lines split into CO2, CH4, N2O")

	// In all three formats.
	for _, tb := range d.Tables() {
		if tb.Name == "emissions_by_gas" {
			b, err := tableCSV(tb)
			require.NoError(t, err)
			assert.Contains(t, string(b), "group,1,Scope 1,HFCs,2.2555,AR6")
		}
	}
	js, err := d.JSON()
	require.NoError(t, err)
	assert.True(t, bytes.Contains(js, []byte(`"emissions_by_gas"`)))
	x, err := d.XLSX()
	require.NoError(t, err)
	assert.NotEmpty(t, x)
}
