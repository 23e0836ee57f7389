package planning

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
	"github.com/greenhelp/greenhelp/footprint/weather"
)

func gridInv(site string, year int, kwh, kgPerKWh float64) *ghg.Inventory {
	inv := &ghg.Inventory{Site: site, Year: year, Lines: []ghg.Line{
		{Scope: ghg.Scope2Location, Kind: "electricity", Item: "grid", Unit: "kWh", Quantity: kwh, FactorKgPerUnit: 0.9, T: kwh * 0.9 / 1000},
		{Scope: ghg.Scope2Market, Kind: "electricity", Item: "grid", Unit: "kWh", Quantity: kwh, FactorKgPerUnit: kgPerKWh, T: kwh * kgPerKWh / 1000},
	}}
	inv.Totals()
	return inv
}

func TestTheThreeEffectsAddUpExactlyToTheYearsChange(t *testing.T) {
	t.Parallel()
	// a: 100 MWh at 0.5 kg/kWh → 90 MWh at 0.4 (a greener contract);
	// b: 40 t in 2024, closed in 2025; c: opened in 2025 with 30 t.
	prev := []*ghg.Inventory{gridInv("a", 2024, 100000, 0.5), gridInv("b", 2024, 80000, 0.5)}
	cur := []*ghg.Inventory{gridInv("a", 2025, 90000, 0.4), gridInv("c", 2025, 60000, 0.5)}
	g, sites := GroupChange(2024, prev, cur)
	require.Len(t, sites, 3)
	a := sites[0]
	assert.Equal(t, "continuing", a.Status)
	// Activity: −10 MWh × (0.5 + 0.4)/2 = −4.5 t; factor: −0.1 kg/kWh ×
	// (100 + 90)/2 MWh = −9.5 t; together 36 − 50 = −14 t.
	assert.InDelta(t, -4.5, a.ActivityT, 1e-9)
	assert.InDelta(t, -9.5, a.FactorT, 1e-9)
	assert.InDelta(t, 0, a.StructureT, 1e-12)
	assert.InDelta(t, -14, a.ChangeT, 1e-9)
	assert.Equal(t, "left", sites[1].Status)
	assert.InDelta(t, -40, sites[1].StructureT, 1e-9)
	assert.Equal(t, "joined", sites[2].Status)
	assert.InDelta(t, 30, sites[2].StructureT, 1e-9)

	assert.InDelta(t, 90, g.FromT, 1e-9)
	assert.InDelta(t, 66, g.ToT, 1e-9)
	assert.InDelta(t, -4.5, g.ActivityT, 1e-9)
	assert.InDelta(t, -9.5, g.FactorT, 1e-9)
	assert.InDelta(t, -10, g.StructureT, 1e-9)
	assert.InDelta(t, g.ChangeT, g.ActivityT+g.FactorT+g.StructureT, 1e-12, "exact")
	// At constant factors: 90 − 4.5 − 10 = 75.5 t.
	assert.InDelta(t, 75.5, g.AtConstantFactorsT, 1e-9)
	require.NotNil(t, g.ChangePct)
	assert.InDelta(t, -24/90.0*100, *g.ChangePct, 1e-9)
	require.Len(t, g.ByScope, 1, "market-based: the location-based lines are not the trajectory's basis")
	assert.Equal(t, ghg.Scope2Market, g.ByScope[0].Scope)
}

func TestAnyLinesDecomposeExactly(t *testing.T) {
	t.Parallel()
	// Lines that appear, disappear, go to zero factor: still exact.
	tests := []struct {
		name   string
		a0, a1 lineAgg
	}{
		{"a new line is all activity", lineAgg{}, lineAgg{10, 5}},
		{"a line that stops is all activity", lineAgg{10, 5}, lineAgg{}},
		{"a line whose factor falls to zero", lineAgg{10, 5}, lineAgg{12, 0}},
		{"both move", lineAgg{7, 3}, lineAgg{9, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := shapley(tt.a0, tt.a1)
			assert.InDelta(t, tt.a1.t-tt.a0.t, e.TotalT(), 1e-12)
		})
	}
}

func TestDESNZ2025FlightFactorsShowAsAFactorEffect(t *testing.T) {
	t.Parallel()
	// A French site flies 2.5 % fewer long-haul passenger-km in 2025: the
	// business-travel tonnes fall by far more, because DESNZ 2025 cut the
	// international flight factor from 0.13465 to 0.10916 kg/pkm (economy,
	// with RF). The decomposition puts that on the factor, not on travel.
	site := declaration.Site{ID: "p", Name: "Paris", Country: "FR"}
	lib := factors.Default()
	f24 := []footprint.Activity{fixture.Act(footprint.KindTravel, "flight_long_haul", "2024-05-01", "2024-05-02", 100000, footprint.UnitPKm, map[string]string{"class": "economy"})}
	f25 := []footprint.Activity{fixture.Act(footprint.KindTravel, "flight_long_haul", "2025-05-01", "2025-05-02", 97500, footprint.UnitPKm, map[string]string{"class": "economy"})}
	i24, err := ghg.Calculate(site, f24, 2024, lib, ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	i25, err := ghg.Calculate(site, f25, 2025, lib, ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	c := SiteChange("p", 2024, i24, i25)
	e24, e25 := 100000*0.13465/1000, 97500*0.10916/1000
	assert.InDelta(t, e25-e24, c.ChangeT, 1e-9)
	assert.InDelta(t, -2500*(0.13465+0.10916)/2/1000, c.ActivityT, 1e-9, "the 2.5 % fewer pkm")
	assert.InDelta(t, (0.10916-0.13465)*(100000+97500)/2/1000, c.FactorT, 1e-9, "DESNZ 2025")
	assert.Less(t, c.FactorT, 5*c.ActivityT, "the factor change is most of the drop")
	require.NotNil(t, c.AtConstantFactorsPct)
	// Without the factor effect the drop is the travel's own: −2,500 pkm at
	// the two years' average factor over 13.465 t.
	assert.InDelta(t, -2500*(0.13465+0.10916)/2/1000/e24*100, *c.AtConstantFactorsPct, 1e-9)
}

// The weather's part of a change: what this year's weather added against
// a normal year minus what last year's added, summed over the sites that
// normalise both years — by hand, a mild 2023 after a cold 2022.
func TestTheWeathersPartOfAChangeIsNamed(t *testing.T) {
	t.Parallel()
	wt := func(year int, ts ...float64) *ghg.Inventory {
		w := &weather.Weather{Year: year}
		for _, x := range ts {
			x := x
			n := 1.0
			w.Carriers = append(w.Carriers, weather.NormalisedEnergy{Kind: "fuel", Item: "natural_gas", Normalised: &n, WeatherT: &x})
		}
		return &ghg.Inventory{Site: "a", Year: year, Weather: w}
	}
	a22, a23 := wt(2022, 1.5, 0.2), wt(2023, -1.8, -0.1)           // cold: +1.7 t; mild: −1.9 t
	b22, b23 := wt(2022, 4), &ghg.Inventory{Site: "b", Year: 2023} // b stopped sending temperatures
	b22.Site = "b"
	g, sites := GroupChange(2022, []*ghg.Inventory{a22, b22}, []*ghg.Inventory{a23, b23})
	require.NotNil(t, g.WeatherT)
	assert.InDelta(t, -1.9-1.7, *g.WeatherT, 1e-9)
	assert.Equal(t, 1, g.WeatherSites)
	assert.Nil(t, sites[1].WeatherT)
}
