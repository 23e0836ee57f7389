package factors

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAMethodChangeRestatesEveryEarlierYearByItsRatio(t *testing.T) {
	t.Parallel()
	const head = "kind,item,region,year,kg_co2e_per_unit,unit,source,note,change\n"
	tests := []struct {
		name    string
		csv     string
		year    int
		wantKg  float64
		methods []string // nil: not restated
	}{
		// 2020 1.0, 2021 1.2 (real), 2022 0.6 (method), 2023 0.5 (real).
		{"the year before the change takes the new method's factor", head + series, 2021, 1.2 * 0.6 / 1.2, []string{"travel/x/WORLD/2022"}},
		{"an earlier year keeps its real change: 1.0 × 0.6/1.2", head + series, 2020, 0.5, []string{"travel/x/WORLD/2022"}},
		{"a year before the first row is restated as the first", head + series, 2015, 0.5, []string{"travel/x/WORLD/2022"}},
		{"the method change's own year is as published", head + series, 2022, 0.6, nil},
		{"a real change after it stays year-specific", head + series, 2023, 0.5, nil},
		// Two method changes: 2019 2.0, 2020 1.0 (method), 2021 3.0 (method):
		// 2019 is 2.0 × 1.0/2.0 × 3.0/1.0 = 3.0.
		{"two method changes multiply", head + "travel,y,WORLD,2019,2.0,pkm,S,\ntravel,y,WORLD,2020,1.0,pkm,S,,method\ntravel,y,WORLD,2021,3.0,pkm,S,,method\n",
			2019, 3.0, []string{"travel/y/WORLD/2020", "travel/y/WORLD/2021"}},
		{"a method change over a zero takes the new factor", head + "travel,z,WORLD,2019,0,pkm,S,\ntravel,z,WORLD,2020,0.4,pkm,S,,method\n",
			2019, 0.4, []string{"travel/z/WORLD/2020"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := Parse(strings.NewReader(tt.csv), "x.csv")
			require.NoError(t, err)
			item := strings.Split(strings.Split(tt.csv, "\n")[1], ",")[1]
			m, err := lib.Lookup("travel", item, "WORLD", tt.year)
			require.NoError(t, err)
			assert.InDelta(t, tt.wantKg, m.KgPerUnit, 1e-12)
			if tt.methods == nil {
				assert.Nil(t, m.Restated)
				return
			}
			require.NotNil(t, m.Restated)
			assert.Equal(t, tt.methods, m.Restated.Methods)
			assert.InDelta(t, tt.wantKg, m.Restated.KgPerUnit, 1e-12)
			assert.Contains(t, m.Restated.Reason(), "methodology change")
		})
	}
}

const series = "travel,x,WORLD,2020,1.0,pkm,S,\ntravel,x,WORLD,2021,1.2,pkm,S,,real\ntravel,x,WORLD,2022,0.6,pkm,S,,method\ntravel,x,WORLD,2023,0.5,pkm,S,\n"

// DESNZ 2025's flight factors are a change of method (marked so in
// factors.csv): a 2024 flight is restated at the 2025 method, the grid's
// decarbonisation is not.
func TestTheDESNZ2025FlightChangeRestates2024(t *testing.T) {
	t.Parallel()
	lib := Default()
	m, err := lib.Lookup("travel", "flight_international.economy", "WORLD", 2024)
	require.NoError(t, err)
	// 0.13465 (2024) × 0.10916/0.13465 (the 2025 method over 2024) = 0.10916.
	assert.InDelta(t, 0.10916, m.KgPerUnit, 1e-12)
	require.NotNil(t, m.Restated)
	assert.Equal(t, 0.13465, m.Restated.PublishedKgPerUnit)
	assert.Equal(t, []string{"travel/flight_international.economy/WORLD/2025"}, m.Restated.Methods)
	assert.Equal(t, "travel/flight_international.economy/WORLD/2024", m.ID(), "the row used is still the year's")
	m, err = lib.Lookup("travel", "flight_long_haul.business", "WORLD", 2025)
	require.NoError(t, err)
	assert.Nil(t, m.Restated)
	assert.Equal(t, 0.3394, m.KgPerUnit)
	for _, r := range lib.Rows() {
		if r.Change == ChangeMethod {
			assert.True(t, r.Kind == "travel" && strings.HasPrefix(r.Item, "flight_") && r.Year == 2025, "only DESNZ 2025's flights are marked method: %s", r.ID())
		}
	}
	g, err := lib.Lookup("electricity", "grid", "FR", 2022)
	require.NoError(t, err)
	assert.Nil(t, g.Restated, "grid decarbonisation stays year-specific")
}

func TestTheChangeColumnIsStrictAndOptional(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		csv  string
		want string // "" = parses
	}{
		{"an override file of the older eight columns reads as before", "kind,item,region,year,kg_co2e_per_unit,unit,source,note\nfuel,diesel,WORLD,2024,2.5,L,A,\n", ""},
		{"a row may leave the optional columns out", "kind,item,region,year,kg_co2e_per_unit,unit,source,note,change\nfuel,diesel,WORLD,2024,2.5,L,A\n", ""},
		{"an unknown change", "kind,item,region,year,kg_co2e_per_unit,unit,source,note,change\nfuel,diesel,WORLD,2024,2.5,L,A,,methodology\n", `x.csv:2: change: "methodology": must be "real"`},
		{"a row longer than the header", "kind,item,region,year,kg_co2e_per_unit,unit,source,note\nfuel,diesel,WORLD,2024,2.5,L,A,b,method\n", "x.csv:2: fields: \"method\": 9 fields where the header has 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := Parse(strings.NewReader(tt.csv), "x.csv")
			if tt.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, ChangeReal, lib.Rows()[0].Change)
		})
	}
}

// FuzzParse: any input either parses, every row's change real or method,
// or is refused with an error; never a panic.
func FuzzParse(f *testing.F) {
	f.Add("kind,item,region,year,kg_co2e_per_unit,unit,source,note,change\n" + series)
	f.Add("kind,item,region,year,kg_co2e_per_unit,unit,source,note\nfuel,diesel,WORLD,2024,2.5,L,A,b,method\n")
	f.Add("kind,item,region,year,kg_co2e_per_unit,unit,source\n\"a,b\",x,WORLD,2024,1,L,S\n")
	f.Fuzz(func(t *testing.T, in string) {
		lib, err := Parse(strings.NewReader(in), "f.csv")
		if err != nil {
			return
		}
		for _, r := range lib.Rows() {
			if r.Change != ChangeReal && r.Change != ChangeMethod {
				t.Fatalf("%s: change %q", r.ID(), r.Change)
			}
			if m, err := lib.Lookup(r.Kind, r.Item, r.Region, r.Year-1); err == nil && m.Restated != nil && len(m.Restated.Methods) == 0 {
				t.Fatalf("%s: a restatement without its method", r.ID())
			}
		}
	})
}
