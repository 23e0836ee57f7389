package factors

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGasColumnsAreOptionalAndReadWhenGiven(t *testing.T) {
	csv := "kind,item,region,year,kg_co2e_per_unit,unit,source,note,change,kg_co2_per_unit,kg_ch4_per_unit,kg_n2o_per_unit,gases_gwp\n" +
		"travel,car_diesel,WORLD,2025,0.17304,vkm,test source,,,0.17136,0.000005,0.00167,AR5\n" +
		"fuel,diesel,WORLD,2025,2.66155,L,test source\n"
	lib, err := Parse(strings.NewReader(csv), "t.csv")
	require.NoError(t, err)
	car, err := lib.Lookup("travel", "car_diesel", "FR", 2025)
	require.NoError(t, err)
	require.NotNil(t, car.Gases)
	assert.Equal(t, Gases{CO2KgPerUnit: 0.17136, CH4KgPerUnit: 0.000005, N2OKgPerUnit: 0.00167, GWP: "AR5"}, *car.Gases)
	fuel, err := lib.Lookup("fuel", "diesel", "FR", 2025)
	require.NoError(t, err)
	assert.Nil(t, fuel.Gases, "a row without the columns is CO2e only")
}

func TestAnOldOverrideFileWithoutGasColumnsStillReads(t *testing.T) {
	csv := "kind,item,region,year,kg_co2e_per_unit,unit,source,note\nfuel,diesel,FR,2025,2.5,L,my supplier 2025,\n"
	lib, err := Parse(strings.NewReader(csv), "old.csv")
	require.NoError(t, err)
	m, err := lib.Lookup("fuel", "diesel", "FR", 2025)
	require.NoError(t, err)
	assert.Nil(t, m.Gases)
}

func TestBadGasColumnsAreRefusedWithLineFieldAndValue(t *testing.T) {
	head := "kind,item,region,year,kg_co2e_per_unit,unit,source,note,change,kg_co2_per_unit,kg_ch4_per_unit,kg_n2o_per_unit,gases_gwp\n"
	tests := []struct {
		name, row, want string
	}{
		{"a part missing", "travel,car,WORLD,2025,0.2,vkm,s,,,0.19,,0.01,AR5", `t.csv:2: gases: "0.19,,0.01,AR5": give all of`},
		{"a negative part", "travel,car,WORLD,2025,0.2,vkm,s,,,0.21,-0.01,0,AR5", `t.csv:2: kg_ch4_per_unit: "-0.01": must be a finite number ≥ 0`},
		{"an unknown GWP set", "travel,car,WORLD,2025,0.2,vkm,s,,,0.19,0,0.01,SAR", `t.csv:2: gases_gwp: "SAR": must be AR5 or AR6`},
		// 0.15 + 0.01 + 0.01 = 0.17, 15 % short of 0.2: not a rounding.
		{"parts that miss the total", "travel,car,WORLD,2025,0.2,vkm,s,,,0.15,0.01,0.01,AR5", `t.csv:2: gases: "0.17": the parts must add up to kg_co2e_per_unit 0.2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(head+tt.row+"\n"), "t.csv")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// Every embedded split adds up to its row's CO2e (within DESNZ's rounding)
// and is under AR5, the basis DESNZ's own refrigerant rows carry.
func TestEmbeddedSplitsAddUpToTheirRows(t *testing.T) {
	n := 0
	for _, r := range Default().Rows() {
		if r.Gases == nil {
			continue
		}
		n++
		assert.InDelta(t, r.KgPerUnit, r.Gases.Sum(), GasesTolerance*r.KgPerUnit, r.ID())
		assert.Equal(t, "AR5", r.Gases.GWP, r.ID())
		assert.Contains(t, r.Source, "split by gas", r.ID())
	}
	assert.Equal(t, 37, n, "the DESNZ 2025 travel rows with a published split")
}

func FuzzParseGases(f *testing.F) {
	f.Add("kind,item,region,year,kg_co2e_per_unit,unit,source,note,change,kg_co2_per_unit,kg_ch4_per_unit,kg_n2o_per_unit,gases_gwp\ntravel,car,WORLD,2025,0.2,vkm,s,,,0.19,0,0.01,AR5\n")
	f.Add("kind,item,region,year,kg_co2e_per_unit,unit,source\nfuel,diesel,GB,2024,2.5,L,src\n")
	f.Add("kind,item,region,year,kg_co2e_per_unit,unit,source,note,change,kg_co2_per_unit,kg_ch4_per_unit,kg_n2o_per_unit,gases_gwp\ntravel,car,WORLD,2025,0.2,vkm,s,,,NaN,x,,ar6\n")
	f.Fuzz(func(t *testing.T, in string) {
		lib, err := Parse(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		for _, r := range lib.Rows() {
			if g := r.Gases; g != nil && (g.CO2KgPerUnit < 0 || g.CH4KgPerUnit < 0 || g.N2OKgPerUnit < 0) {
				t.Fatalf("%s: negative part accepted", r.ID())
			}
		}
	})
}
