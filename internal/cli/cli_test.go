package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run executes greenhelp in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestFactorsPrintsTheGridFactorWithItsSource(t *testing.T) {
	tests := []struct {
		name     string
		region   string
		item     string
		wantKg   float64
		wantYear int
		wantSrc  string
	}{
		{"France, the lifecycle factor", "FR", "grid", 0.04418, 2024, "Ember"},
		{"France, its combustion part (Scope 2)", "FR", "grid.combustion", 0.02482, 2024, "api_generation_yearly"},
		{"a lower-case region", "fr", "grid.upstream", 0.01936, 2024, "electricity/grid/FR/2024"},
		{"South Africa's national combustion factor, 2023 for 2024", "ZA", "grid.combustion", 0.942, 2023, "DFFE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, "factors", "--kind", "electricity", "--region", tt.region, "--year", "2024", "--format", "json")
			require.Equal(t, 0, code, stderr)
			var rows []map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &rows))
			var grid map[string]any
			for _, r := range rows {
				if r["item"] == tt.item {
					grid = r
				}
			}
			require.NotNil(t, grid, out)
			assert.InDelta(t, tt.wantKg, grid["kg_co2e_per_unit"], 1e-9)
			assert.EqualValues(t, tt.wantYear, grid["year"])
			assert.Equal(t, "kWh", grid["unit"])
			assert.Contains(t, grid["source"], tt.wantSrc)
		})
	}
}

func TestFactorsShowsAFallbackForAYearWithoutData(t *testing.T) {
	code, out, _ := run(t, "factors", "--kind", "electricity", "--item", "grid", "--region", "SN", "--year", "2024")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "electricity/grid/SN/2023")
	assert.Contains(t, out, "no 2024 factor for SN; used 2023")
}

func TestFactorsRejectsAFilterThatMatchesNothing(t *testing.T) {
	code, _, stderr := run(t, "factors", "--kind", "electricty")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no factor matches --kind electricty")
}

func TestCalcOnTheExamplesPrintsTheInventoryDocument(t *testing.T) {
	keys := []string{"year", "site", "profile", "scope1_t", "scope2_location_t", "scope2_market_t", "scope3_business_travel_t",
		"scope3_commuting_t", "scope3_homeworking_t", "total_location_t", "total_market_t", "power_off", "quality", "lines"}
	for _, name := range []string{"johannesburg", "paris"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "examples", name)
			code, out, stderr := run(t, "calc", "--site", filepath.Join(dir, "site.yaml"), "--activities", filepath.Join(dir, "activities.csv"), "--year", "2024", "--format", "json")
			require.Equal(t, 0, code, stderr)
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &doc))
			for _, k := range keys {
				assert.Contains(t, doc, k)
			}
			for _, k := range []string{"used_kwh", "avoided_kwh", "avoided_t", "compliance"} {
				assert.Contains(t, doc["power_off"], k)
			}
			for _, k := range []string{"measured_share", "estimated_share", "default_share"} {
				assert.Contains(t, doc["quality"], k)
			}
			lines := doc["lines"].([]any)
			require.NotEmpty(t, lines)
			for _, k := range []string{"kind", "item", "quantity", "unit", "scope", "factor_id", "factor_kg_per_unit", "factor_source", "t", "quality"} {
				assert.Contains(t, lines[0], k)
			}
			code, table, _ := run(t, "calc", "--site", filepath.Join(dir, "site.yaml"), "--activities", filepath.Join(dir, "activities.csv"), "--year", "2024")
			require.Equal(t, 0, code)
			assert.Contains(t, table, "Total location-based")
			assert.Contains(t, table, "PC power-off")
		})
	}
}

// TestCalcCases runs every testdata/calc/<case>/: site.yaml and
// activities.csv in, expected.json (golden, -update rewrites it) or
// expected_error.txt (each line must appear in the error) out.
func TestCalcCases(t *testing.T) {
	dirs, err := filepath.Glob("testdata/calc/*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			code, out, stderr := run(t, "calc", "--site", filepath.Join(dir, "site.yaml"),
				"--activities", filepath.Join(dir, "activities.csv"), "--year", "2024", "--format", "json")
			if want, err := os.ReadFile(filepath.Join(dir, "expected_error.txt")); err == nil {
				assert.Equal(t, 1, code, "a bad input exits non-zero")
				assert.Empty(t, out, "nothing is printed to stdout for a bad input")
				for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
					assert.Contains(t, stderr, line)
				}
				return
			}
			require.Equal(t, 0, code, stderr)
			golden := filepath.Join(dir, "expected.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./internal/cli -run TestCalcCases -update to create it")
			assert.JSONEq(t, string(want), out)
		})
	}
}

func TestCalcRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no site", []string{"calc", "--activities", "x.csv", "--year", "2024"}, "--site: missing"},
		{"no year", []string{"calc", "--site", "s.yaml", "--activities", "x.csv"}, "--year 0"},
		{"a bad format", []string{"calc", "--site", "s.yaml", "--activities", "x.csv", "--year", "2024", "--format", "xml"}, `--format "xml": want one of table, json`},
		{"a missing file", []string{"calc", "--site", "../../examples/paris/site.yaml", "--activities", "nope.csv", "--year", "2024"}, "nope.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestFactorOverridesComeFromTheEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.csv")
	require.NoError(t, os.WriteFile(path, []byte("kind,item,region,year,kg_co2e_per_unit,unit,source\nelectricity,grid,ZA,2024,0.5,kWh,test override\n"), 0o600))
	t.Setenv("GREENHELP_FACTORS", path)
	code, out, stderr := run(t, "factors", "--kind", "electricity", "--item", "grid", "--region", "ZA", "--year", "2024", "--format", "json")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "test override")
}
