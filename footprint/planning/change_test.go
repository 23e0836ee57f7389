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
	assert.InDelta(t, 0, g.MixT, 1e-12, "one factor row a year: no mix")
	// At constant factors: 90 − 4.5 − 10 = 75.5 t.
	assert.InDelta(t, 75.5, g.AtConstantFactorsT, 1e-9)
	require.NotNil(t, g.ChangePct)
	assert.InDelta(t, -24/90.0*100, *g.ChangePct, 1e-9)
	require.Len(t, g.ByScope, 1, "market-based: the location-based lines are not the trajectory's basis")
	assert.Equal(t, ghg.Scope2Market, g.ByScope[0].Scope)
}

// agg is a line key's year from (factor series, quantity, t) triples.
func agg(rows ...any) lineAgg {
	a := lineAgg{rows: map[string]rowAgg{}}
	for i := 0; i < len(rows); i += 3 {
		q, t := rows[i+1].(float64), rows[i+2].(float64)
		a.rows[rows[i].(string)] = rowAgg{q, t}
		a.qty += q
		a.t += t
	}
	return a
}

func TestAnyLinesDecomposeExactly(t *testing.T) {
	t.Parallel()
	// Lines and rows that appear, disappear, go to zero factor: still exact.
	tests := []struct {
		name   string
		a0, a1 lineAgg
	}{
		{"a new line is all activity", agg(), agg("e", 10.0, 5.0)},
		{"a line that stops is all activity", agg("e", 10.0, 5.0), agg()},
		{"a line whose factor falls to zero", agg("e", 10.0, 5.0), agg("e", 12.0, 0.0)},
		{"both move", agg("e", 7.0, 3.0), agg("e", 9.0, 1.0)},
		{"a row that appears and one that goes", agg("e", 7.0, 3.0, "b", 2.0, 4.0), agg("e", 9.0, 1.0, "f", 1.0, 9.0)},
		{"tonnes without quantity", agg("e", 0.0, 2.0), agg("e", 3.0, 1.0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decompose(tt.a0, tt.a1, nil, nil, changeKey{kind: "travel"})
			assert.InDelta(t, tt.a1.t-tt.a0.t, e.TotalT(), 1e-12)
		})
	}
}

// Every effect by hand: economy 100 pkm at 1 t/pkm → 150 at 2; business 0
// → 50 at 4 (A 100 → 200; economy's share 1 → 0.75, business's 0 → 0.25,
// its factor held at 4).
func TestActivityMixAndFactorByHand(t *testing.T) {
	t.Parallel()
	e := decompose(agg("eco", 100.0, 100.0), agg("eco", 150.0, 300.0, "bus", 50.0, 200.0), nil, nil, changeKey{kind: "travel"})
	// Economy: weight (1·1 + 0.75·2)/3 + (0.75·1 + 1·2)/6 = 1.291667;
	// activity 100 × 1.291667 = 129.1667; mix −0.25 × ((100·1 + 200·2)/3 +
	// (200·1 + 100·2)/6) = −58.3333; factor 200 − 129.1667 + 58.3333 =
	// 129.1667. Business: weight (0.25·4)/3 + (0.25·4)/6 = 0.5; activity
	// 50; mix 0.25 × ((100·4 + 200·4)/3 + (200·4 + 100·4)/6) = 150; factor 0.
	assert.InDelta(t, 129.1666667+50, e.ActivityT, 1e-6)
	assert.InDelta(t, -58.3333333+150, e.MixT, 1e-6)
	assert.InDelta(t, 129.1666667, e.FactorT, 1e-6)
	assert.InDelta(t, 400, e.TotalT(), 1e-9, "500 − 100, exactly")
}

// Only the travel class shifts — economy to business, the same km, the
// same factors: all mix, no activity, no factor.
func TestATravelClassShiftIsMixNotFactor(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "p", Name: "Paris", Country: "GB"}
	lib := factors.Default()
	calc := func(class string) *ghg.Inventory {
		acts := []footprint.Activity{fixture.Act(footprint.KindTravel, "flight_long_haul", "2025-05-01", "2025-05-02", 1000, footprint.UnitPKm, map[string]string{"class": class})}
		inv, err := ghg.Calculate(site, acts, 2025, lib, ghg.Assumptions{}, ghg.Options{})
		require.NoError(t, err)
		return inv
	}
	c := SiteChange("p", 2024, calc("economy"), calc("business"))
	// 1,000 pkm × (0.3394 − 0.11704) kg/pkm (DESNZ 2025 long-haul business
	// and economy, with RF) = 222.36 kg.
	assert.InDelta(t, 1000*(0.3394-0.11704)/1000, c.MixT, 1e-9)
	assert.InDelta(t, 0, c.ActivityT, 1e-12)
	assert.InDelta(t, 0, c.FactorT, 1e-12)
	assert.InDelta(t, c.ChangeT, c.TotalT(), 1e-12)
	require.NotNil(t, c.AtConstantFactorsPct)
	assert.InDelta(t, c.ChangeT, c.AtConstantFactorsT-c.FromT, 1e-12, "a mix change is real: it stays at constant factors")
}

// DESNZ 2025's flight factors are a change of method (factors.csv marks
// them): the 2024 flights are restated at the 2025 method, and the
// decomposition sees no factor effect — only the 2.5 % fewer pkm.
func TestTheDESNZ2025FlightChangeIsARestatementNotProgress(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "p", Name: "Paris", Country: "FR"}
	lib := factors.Default()
	f24 := []footprint.Activity{fixture.Act(footprint.KindTravel, "flight_long_haul", "2024-05-01", "2024-05-02", 100000, footprint.UnitPKm, map[string]string{"class": "economy"})}
	f25 := []footprint.Activity{fixture.Act(footprint.KindTravel, "flight_long_haul", "2025-05-01", "2025-05-02", 97500, footprint.UnitPKm, map[string]string{"class": "economy"})}
	i24, err := ghg.Calculate(site, f24, 2024, lib, ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	i25, err := ghg.Calculate(site, f25, 2025, lib, ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	// 2024 as restated: 100,000 pkm × 0.13465 × 0.10916/0.13465 = 10.916 t
	// (published: 13.465 t); 2025: 97,500 × 0.10916 = 10.6431 t.
	require.Len(t, i24.Lines, 1)
	l := i24.Lines[0]
	require.NotNil(t, l.Restated, "the 2024 line says it was restated")
	assert.Equal(t, 0.13465, l.Restated.PublishedKgPerUnit)
	assert.Equal(t, []string{"travel/flight_international.economy/WORLD/2025"}, l.Restated.Methods)
	assert.InDelta(t, 10.916, i24.TotalMarketT, 1e-9)
	c := SiteChange("p", 2024, i24, i25)
	assert.InDelta(t, -2500*0.10916/1000, c.ChangeT, 1e-9)
	assert.InDelta(t, -2500*0.10916/1000, c.ActivityT, 1e-9, "the 2.5 % fewer pkm")
	assert.InDelta(t, 0, c.FactorT, 1e-12, "no progress from the method change")
	assert.InDelta(t, 0, c.MixT, 1e-12)
}

// The weather's part of a change, at the same factors as the rest: gas
// 1,000 kWh (normal 900: a cold year, ω = +0.1) → 800 kWh (normal 880: a
// mild one, ω = −0.1), at 0.2 kg/kWh both years.
func TestTheWeathersPartOfAChangeUsesTheSameFactors(t *testing.T) {
	t.Parallel()
	gas := func(year int, kwh, normal float64) *ghg.Inventory {
		inv := &ghg.Inventory{Site: "a", Year: year, Lines: []ghg.Line{{Scope: ghg.Scope1, Kind: "fuel", Item: "natural_gas", Unit: "kWh",
			Quantity: kwh, FactorID: "fuel/natural_gas/WORLD/2024", FactorKgPerUnit: 0.2, T: kwh * 0.2 / 1000}}}
		if normal > 0 {
			inv.Weather = &weather.Weather{Year: year, Carriers: []weather.NormalisedEnergy{{Kind: "fuel", Item: "natural_gas", Unit: "kWh", Actual: kwh, Normalised: &normal}}}
		}
		inv.Totals()
		return inv
	}
	b22, b23 := gas(2022, 500, 450), gas(2023, 500, 0) // b stopped sending temperatures
	b22.Site, b23.Site = "b", "b"
	g, sites := GroupChange(2022, []*ghg.Inventory{gas(2022, 1000, 900), b22}, []*ghg.Inventory{gas(2023, 800, 880), b23})
	// a: weather (−0.1 × 800 − 0.1 × 1,000) kWh × 0.0002 t/kWh = −0.036 t;
	// activity the rest of −200 kWh × 0.0002 = −0.04 t: −0.004 t, the
	// normal years' 880 − 900 kWh.
	a := sites[0]
	assert.InDelta(t, -0.036, a.WeatherT, 1e-12)
	assert.InDelta(t, -0.004, a.ActivityT, 1e-12)
	assert.InDelta(t, a.ChangeT, a.TotalT(), 1e-15)
	assert.Equal(t, 1, a.WeatherSites)
	assert.Equal(t, 0, sites[1].WeatherSites)
	assert.InDelta(t, 0, sites[1].WeatherT, 1e-15)
	assert.InDelta(t, -0.036, g.WeatherT, 1e-12)
	assert.Equal(t, 1, g.WeatherSites)
	assert.InDelta(t, g.ChangeT, g.TotalT(), 1e-15)
}
