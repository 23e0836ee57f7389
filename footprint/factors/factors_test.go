package factors

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gridCountries are the 39 countries of the reference grid-intensity table.
var gridCountries = strings.Fields("FR PT ES DE GB NL BE GR RO PL BG IT SE MA TN EG SN MG ZA KE TR PH IN CO BR MX SR JM DO US CA CN MY AL RS GE AM MU CI")

// emberGaps are the (country, year) pairs Ember had not published when the
// library was built: the latest year is 2023 for SN, SR, AL, MU, CI and
// 2022 for MG, JM.
var emberGaps = map[string]int{"SN": 2023, "SR": 2023, "AL": 2023, "MU": 2023, "CI": 2023, "MG": 2022, "JM": 2022}

// nationalYears are the countries whose grid is a national publisher's
// combustion factor, and the years read: other years take the nearest.
var nationalYears = map[string][]int{
	"GB": {2024, 2025},                   // DESNZ
	"US": {2022},                         // EPA eGRID2022
	"IN": {2020, 2021, 2022, 2023, 2024}, // CEA v21, financial years
	"ZA": {2021, 2022, 2023},             // DFFE
}

func TestEmbeddedLibraryCitesASourceForEveryRow(t *testing.T) {
	t.Parallel()
	rows := Default().Rows()
	require.Greater(t, len(rows), 300)
	for _, r := range rows {
		assert.NotEmpty(t, r.Source, r.ID())
		assert.NotEmpty(t, r.Unit, r.ID())
		assert.GreaterOrEqual(t, r.KgPerUnit, 0.0, r.ID())
		assert.Equal(t, "embedded", r.Origin)
	}
}

func TestGridFactorExistsForEveryReferenceCountryAndYear(t *testing.T) {
	t.Parallel()
	lib := Default()
	for _, cc := range gridCountries {
		for y := 2019; y <= 2024; y++ {
			for _, item := range []string{"grid", "grid.combustion", "grid.upstream"} {
				m, err := lib.Lookup("electricity", item, cc, y)
				require.NoError(t, err, "%s %s %d", item, cc, y)
				assert.Equal(t, cc, m.Region, "%s %s %d", item, cc, y)
				if years, national := nationalYears[cc]; national {
					if slices.Contains(years, y) {
						assert.Equal(t, y, m.Year, "%s %s %d", item, cc, y)
						assert.Empty(t, m.Fallback, "%s %s %d", item, cc, y)
					} else {
						assert.NotEmpty(t, m.Fallback, "%s %s %d: another year of the national series, said", item, cc, y)
					}
					continue
				}
				if last, gap := emberGaps[cc]; gap && y > last {
					assert.Equal(t, last, m.Year, "%s %d falls back to Ember's latest year", cc, y)
					assert.Contains(t, m.Fallback, "nearest earlier year")
					continue
				}
				assert.Equal(t, y, m.Year, "%s %d", cc, y)
				assert.Empty(t, m.Fallback, "%s %d", cc, y)
				assert.Contains(t, m.Source, "Ember", "%s %s %d", item, cc, y)
			}
		}
	}
}

// Scope 2 (combustion) and its Scope 3.3 upstream add up to the lifecycle
// factor, for every region and year of the library: the split never adds
// nor loses a gram.
func TestGridCombustionPlusUpstreamIsTheLifecycleFactor(t *testing.T) {
	t.Parallel()
	lib := Default()
	grid := lib.Select(Filter{Kind: "electricity", Item: "grid"})
	require.NotEmpty(t, grid)
	for _, g := range grid {
		c, err := lib.Lookup("electricity", "grid.combustion", g.Region, g.Year)
		require.NoError(t, err, g.ID())
		u, err := lib.Lookup("electricity", "grid.upstream", g.Region, g.Year)
		require.NoError(t, err, g.ID())
		require.Equal(t, [2]int{g.Year, g.Year}, [2]int{c.Year, u.Year}, g.ID())
		require.Equal(t, [2]string{g.Region, g.Region}, [2]string{c.Region, u.Region}, g.ID())
		assert.InDelta(t, g.KgPerUnit, c.KgPerUnit+u.KgPerUnit, 1e-9, g.ID())
		assert.Greater(t, u.KgPerUnit, 0.0, "%s: every grid has an upstream", g.ID())
		assert.LessOrEqual(t, c.KgPerUnit, g.KgPerUnit, g.ID())
	}
	// And no split row without its grid row.
	for _, item := range []string{"grid.combustion", "grid.upstream"} {
		for _, r := range lib.Select(Filter{Kind: "electricity", Item: item}) {
			g, err := lib.Lookup("electricity", "grid", r.Region, r.Year)
			require.NoError(t, err, r.ID())
			assert.Equal(t, [2]any{r.Region, r.Year}, [2]any{g.Region, g.Year}, r.ID())
		}
	}
}

// The derived split by hand for France 2024 (nuclear: little combustion)
// and Poland 2024 (coal): Ember's lifecycle emissions by fuel
// (api_generation_yearly @0bcbcfb8, MtCO2e) weighted by the direct share
// of each technology (IPCC AR5 WG3 Annex III: coal 760/820, gas CC
// 370/490; other fossil: DESNZ gas oil 2.75541/(2.75541+0.62665)).
func TestDerivedCombustionShareByHand(t *testing.T) {
	t.Parallel()
	other := 2.75541 / (2.75541 + 0.62665)
	tests := []struct {
		cc                     string
		coal, gas, oth, lifeMt float64
		grid                   float64
	}{
		{"FR", 1.64, 8.3, 7.42, 7.26 + 17.36, 0.04418},
		{"PL", 88.25, 8.44, 4.97, 2.89 + 101.66, 0.61498},
	}
	lib := Default()
	for _, tt := range tests {
		s := (tt.coal*760/820 + tt.gas*370/490 + tt.oth*other) / tt.lifeMt
		c, err := lib.Lookup("electricity", "grid.combustion", tt.cc, 2024)
		require.NoError(t, err)
		assert.InDelta(t, tt.grid*s, c.KgPerUnit, 5e-6, tt.cc)
		assert.Contains(t, c.Source, "ember-data-api data/api_generation_yearly.csv @0bcbcfb8", tt.cc)
		assert.Contains(t, c.Source, "A.III.2", tt.cc)
	}
}

// National combustion factors, as published (kgCO2e/kWh = tCO2e/MWh).
func TestNationalCombustionFactorsAsPublished(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cc     string
		year   int
		kg     float64
		source string
	}{
		{"ZA", 2023, 0.942, "DFFE"},
		{"ZA", 2021, 1.013, "DGGEF"},
		{"IN", 2023, 0.7290, "CEA"},
		{"US", 2022, 827.382 * 0.45359237 / 1000, "eGRID2022"},
		{"GB", 2024, 0.20705, "7_400_4000_5_1"},
		{"GB", 2025, 0.177, "7_400_4000_5_1"},
	}
	lib := Default()
	for _, tt := range tests {
		m, err := lib.Lookup("electricity", "grid.combustion", tt.cc, tt.year)
		require.NoError(t, err)
		assert.InDelta(t, tt.kg, m.KgPerUnit, 1e-6, "%s %d", tt.cc, tt.year)
		assert.Contains(t, m.Source, tt.source)
	}
	// The UK's upstream is DESNZ's WTT of generation.
	u, err := lib.Lookup("electricity", "grid.upstream", "GB", 2024)
	require.NoError(t, err)
	assert.Equal(t, 0.0459, u.KgPerUnit)
	assert.Contains(t, u.Source, "15_917_4000_5_1")
}

// Every country of the grid table has a T&D loss share of its own, as a
// share of output; WORLD's is the stated default for the others.
func TestEveryGridCountryHasALossShare(t *testing.T) {
	t.Parallel()
	lib := Default()
	for _, cc := range append(gridCountries, World) {
		m, err := lib.Lookup("td_loss", "grid", cc, 2023)
		require.NoError(t, err, cc)
		assert.Equal(t, cc, m.Region, cc)
		assert.Equal(t, "share_of_output", m.Unit, cc)
		assert.Greater(t, m.KgPerUnit, 0.0, cc)
		assert.Less(t, m.KgPerUnit, 0.35, cc)
	}
	m, err := lib.Lookup("td_loss", "grid", "FR", 2023)
	require.NoError(t, err)
	assert.InDelta(t, 0.0695849027888749, m.KgPerUnit, 1e-6, "WDI EG.ELC.LOSS.ZS, France 2023: 6.958 %")
	assert.Contains(t, m.Source, "EG.ELC.LOSS.ZS")
	assert.Contains(t, m.Source, "CC BY 4.0")
	// The UK's is DESNZ's: T&D ÷ (generation + T&D).
	m, err = lib.Lookup("td_loss", "grid", "GB", 2024)
	require.NoError(t, err)
	assert.InDelta(t, 0.0183/(0.20705+0.0183), m.KgPerUnit, 1e-6)
}

// Every fuel the library burns has a well-to-tank row (Scope 3.3).
func TestEveryFuelHasAWellToTankRow(t *testing.T) {
	t.Parallel()
	lib := Default()
	fuels := map[string]bool{}
	for _, r := range lib.Select(Filter{Kind: "fuel"}) {
		fuels[r.Item] = true
	}
	require.NotEmpty(t, fuels)
	for f := range fuels {
		assert.True(t, lib.Has("wtt", f), "fuel %s has no WTT row", f)
	}
}

func TestLookupFallsBackAndSaysSo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		kind, item string
		region     string
		year       int
		wantID     string
		wantNote   string
	}{
		{"an exact row needs no note", "electricity", "grid", "ZA", 2023, "electricity/grid/ZA/2023", ""},
		{"a year after the latest uses the nearest earlier year", "electricity", "grid", "ZA", 2026, "electricity/grid/ZA/2023", "no 2026 factor for ZA; used 2023"},
		{"a single-edition grid series still says its year", "electricity", "grid.combustion", "US", 2024, "electricity/grid.combustion/US/2022", "no 2024 factor for US; used 2022"},
		{"a country without a loss share uses WORLD's", "td_loss", "grid", "NO", 2023, "td_loss/grid/WORLD/2023", "used WORLD"},
		{"a country without rows uses WORLD", "electricity", "grid", "NO", 2023, "electricity/grid/WORLD/2023", "used WORLD"},
		{"a year before any row uses the earliest", "travel", "flight_long_haul", "WORLD", 2020, "travel/flight_long_haul/WORLD/2024", "earliest available"},
		{"a timeless row (GWP) needs no note", "refrigerant", "R410A", "WORLD", 2024, "refrigerant/R410A/WORLD/2021", ""},
		{"the AR5 set stays selectable", "refrigerant", "R410A.ar5", "WORLD", 2024, "refrigerant/R410A.ar5/WORLD/2014", ""},
		{"hotels use the country's row", "travel", "hotel", "PH", 2024, "travel/hotel/PH/2024", ""},
		{"hotels in an unlisted country use the WORLD median", "travel", "hotel", "MA", 2024, "travel/hotel/WORLD/2024", "used WORLD"},
	}
	lib := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := lib.Lookup(tt.kind, tt.item, tt.region, tt.year)
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, m.ID())
			if tt.wantNote == "" {
				assert.Empty(t, m.Fallback)
			} else {
				assert.Contains(t, m.Fallback, tt.wantNote)
			}
		})
	}
}

func TestLookupOfAnUnknownItemFails(t *testing.T) {
	t.Parallel()
	_, err := Default().Lookup("travel", "hovercraft", "FR", 2024)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestFlightFactorsWithRadiativeForcingExceedThoseWithout(t *testing.T) {
	t.Parallel()
	lib := Default()
	for _, item := range []string{"flight_domestic", "flight_short_haul", "flight_long_haul.business"} {
		with, err := lib.Lookup("travel", item, "WORLD", 2024)
		require.NoError(t, err)
		without, err := lib.Lookup("travel", item+".no_rf", "WORLD", 2024)
		require.NoError(t, err)
		// DESNZ's RF uplift is a factor of 1.7 on the CO2 part.
		assert.InDelta(t, 1.69, with.KgPerUnit/without.KgPerUnit, 0.02, item)
	}
}

func TestParseRejectsBadRowsWithTheirLine(t *testing.T) {
	t.Parallel()
	head := "kind,item,region,year,kg_co2e_per_unit,unit,source,note\n"
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"a row without a source", head + "fuel,diesel,WORLD,2024,2.5,L,,\n", []string{"x.csv:2: source", "cite its source"}},
		{"a negative factor", head + "fuel,diesel,WORLD,2024,-1,L,DESNZ,\n", []string{"x.csv:2: kg_co2e_per_unit", "≥ 0"}},
		{"a bad region", head + "fuel,diesel,Europe,2024,1,L,DESNZ,\n", []string{"region", "alpha-2"}},
		{"a duplicate key", head + "fuel,diesel,WORLD,2024,1,L,A,\nfuel,diesel,WORLD,2024,2,L,B,\n", []string{"x.csv:3", "appears twice (first on line 2)"}},
		{"a missing column", "kind,item,region,year,unit,source\n", []string{"missing column(s) kg_co2e_per_unit"}},
		{"a bad year", head + "fuel,diesel,WORLD,20x4,1,L,A,\n", []string{"x.csv:2: year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.csv), "x.csv")
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestAnOverrideFileReplacesAndAddsRows(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "override.csv")
	require.NoError(t, os.WriteFile(path, []byte("kind,item,region,year,kg_co2e_per_unit,unit,source,note\n"+
		"electricity,grid,ZA,2024,0.9,kWh,Eskom integrated report 2024,\n"+
		"electricity,grid,NO,2024,0.03,kWh,NVE 2024,\n"), 0o600))
	lib, err := Load(path)
	require.NoError(t, err)
	m, err := lib.Lookup("electricity", "grid", "ZA", 2024)
	require.NoError(t, err)
	assert.Equal(t, 0.9, m.KgPerUnit)
	assert.Equal(t, path, m.Origin)
	m, err = lib.Lookup("electricity", "grid", "NO", 2024)
	require.NoError(t, err)
	assert.Empty(t, m.Fallback)
	// The embedded rows are untouched.
	m, err = Default().Lookup("electricity", "grid", "ZA", 2024)
	require.NoError(t, err)
	assert.InDelta(t, 0.99919, m.KgPerUnit, 1e-9)
}

func TestSelectWithAYearPicksTheRowALookupWouldUse(t *testing.T) {
	t.Parallel()
	rows := Default().Select(Filter{Kind: "electricity", Item: "grid", Region: "MG", Year: 2024})
	require.Len(t, rows, 1)
	assert.Equal(t, 2022, rows[0].Year)
}

// The residual mixes as AIB prints them (European Residual Mixes, Table
// 2, gCO2/kWh ÷ 1000): France 40.74 (2023), 23.52 (2024), 17.11 (2025);
// Germany 719.90 (2023). Austria and the Netherlands print N/A (full
// disclosure): no row, never a zero.
func TestResidualMixesAsAIBPrintsThem(t *testing.T) {
	t.Parallel()
	lib := Default()
	tests := []struct {
		cc   string
		year int
		kg   float64
	}{{"FR", 2023, 0.04074}, {"FR", 2024, 0.02352}, {"FR", 2025, 0.01711}, {"DE", 2023, 0.7199}, {"PT", 2025, 0.39286}}
	for _, tt := range tests {
		m, err := lib.Lookup("electricity", "residual_mix", tt.cc, tt.year)
		require.NoError(t, err)
		assert.Equal(t, tt.year, m.Year)
		assert.InDelta(t, tt.kg, m.KgPerUnit, 1e-12, "%s %d", tt.cc, tt.year)
		assert.Contains(t, m.Source, "AIB European Residual Mixes "+strconv.Itoa(tt.year))
	}
	for _, cc := range []string{"AT", "NL"} {
		assert.False(t, lib.HasRegion("electricity", "residual_mix", cc), cc)
	}
	m, err := lib.Lookup("electricity", "residual_mix", "FR", 2019)
	require.NoError(t, err)
	assert.Equal(t, 2023, m.Year)
	assert.Contains(t, m.Fallback, "used 2023", "a yearly series: another year is said")
}
