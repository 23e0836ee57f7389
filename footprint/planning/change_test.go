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

func TestTheBaseYearIsRestatedAboveTheThresholdAndNotBelow(t *testing.T) {
	t.Parallel()
	// Base 2019: a 600 t, b 300 t, c 100 t (1,000 t). c closes after 2021;
	// d opens in 2022 with 50 t in its first full year.
	hist := []History{
		{Site: "a", Actual: map[int]float64{2019: 600, 2020: 580, 2021: 560, 2022: 540, 2023: 520}},
		{Site: "b", Actual: map[int]float64{2019: 300, 2020: 290, 2021: 280, 2022: 270, 2023: 260}},
		{Site: "c", Actual: map[int]float64{2019: 100, 2020: 95, 2021: 90}},
		{Site: "d", Actual: map[int]float64{2022: 50, 2023: 48}},
	}
	tests := []struct {
		name      string
		threshold float64
		restated  bool
		baseT     float64
	}{
		// (100 + 50) / 1,000 = 15 % ≥ 5 %: 1,000 − 100 + 50 = 950 t.
		{"15 % of structural change restates at 5 %", 0.05, true, 950},
		{"15 % does not restate at a 20 % threshold", 0.20, false, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Recalculate(hist, tt.threshold)
			require.NoError(t, err)
			assert.Equal(t, 2019, r.BaseYear)
			assert.InDelta(t, 1000, r.OriginalBaseT, 1e-9)
			assert.InDelta(t, 0.15, r.CumulativeShare, 1e-12)
			assert.Equal(t, tt.restated, r.Restated)
			assert.InDelta(t, tt.baseT, r.BaseT, 1e-9)
			require.Len(t, r.Changes, 2)
			assert.Equal(t, StructuralChange{Site: "c", Kind: "left", Year: 2022, BaseT: 100, Share: 0.1}, r.Changes[0])
			assert.Equal(t, StructuralChange{Site: "d", Kind: "joined", Year: 2022, BaseT: 50, Share: 0.05}, r.Changes[1])
			require.Len(t, r.Years, 5)
			if tt.restated {
				// 2020 like-for-like: a + b + d's first year = 580 + 290 + 50.
				assert.InDelta(t, 920, r.Years[1].RestatedT, 1e-9)
				assert.InDelta(t, 965, r.Years[1].ReportedT, 1e-9)
				assert.InDelta(t, 828, r.Years[4].RestatedT, 1e-9, "the last year is as reported")
			} else {
				for _, y := range r.Years {
					assert.Equal(t, y.ReportedT, y.RestatedT)
				}
			}
		})
	}
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
