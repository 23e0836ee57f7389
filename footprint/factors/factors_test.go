package factors

import (
	"os"
	"path/filepath"
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
			m, err := lib.Lookup("electricity", "grid", cc, y)
			require.NoError(t, err, "%s %d", cc, y)
			assert.Equal(t, cc, m.Region, "%s %d", cc, y)
			if last, gap := emberGaps[cc]; gap && y > last {
				assert.Equal(t, last, m.Year, "%s %d falls back to Ember's latest year", cc, y)
				assert.Contains(t, m.Fallback, "nearest earlier year")
				continue
			}
			assert.Equal(t, y, m.Year, "%s %d", cc, y)
			assert.Empty(t, m.Fallback, "%s %d", cc, y)
			assert.Contains(t, m.Source, "Ember")
		}
	}
}

func TestGridFactorsMatchEmberPublishedValues(t *testing.T) {
	t.Parallel()
	// Ember country_overview_yearly (ember-data-api @ae39f587), gCO2e/kWh.
	tests := []struct {
		name    string
		country string
		year    int
		gPerKWh float64
	}{
		{"South Africa 2024 is coal-heavy", "ZA", 2024, 709.37},
		{"France 2024 is nuclear", "FR", 2024, 44.18},
		{"France 2022 shows the nuclear outages", "FR", 2022, 78.55},
		{"Philippines 2019", "PH", 2019, 592.66},
		{"Morocco 2023", "MA", 2023, 616.82},
	}
	lib := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := lib.Lookup("electricity", "grid", tt.country, tt.year)
			require.NoError(t, err)
			assert.InDelta(t, tt.gPerKWh/1000, m.KgPerUnit, 1e-9)
			assert.Equal(t, "kWh", m.Unit)
		})
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
		{"a year after the latest uses the nearest earlier year", "electricity", "grid", "ZA", 2026, "electricity/grid/ZA/2024", "no 2026 factor for ZA; used 2024"},
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
	assert.InDelta(t, 0.70937, m.KgPerUnit, 1e-9)
}

func TestSelectWithAYearPicksTheRowALookupWouldUse(t *testing.T) {
	t.Parallel()
	rows := Default().Select(Filter{Kind: "electricity", Item: "grid", Region: "MG", Year: 2024})
	require.Len(t, rows, 1)
	assert.Equal(t, 2022, rows[0].Year)
}
