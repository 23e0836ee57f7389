package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfilesAssignPrintsTheExplainedAssignment(t *testing.T) {
	tests := []struct {
		site, want string
	}{
		{"../../examples/paris/site.yaml", "low-carbon-grid"},
		{"../../examples/johannesburg/site.yaml", "coal-grid"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			code, out, stderr := run(t, "profiles", "assign", "--site", tt.site, "--format", "json")
			require.Equal(t, 0, code, stderr)
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &doc))
			for _, k := range []string{"site", "profile", "distances", "decided_by", "override"} {
				assert.Contains(t, doc, k)
			}
			assert.Equal(t, tt.want, doc["profile"])
			assert.Len(t, doc["distances"], 4)
			assert.Nil(t, doc["override"])
		})
	}
}

func TestProfilesAssignShowsAnOverrideAndRefusesAnUnknownOne(t *testing.T) {
	dir := t.TempDir()
	write := func(pin string) string {
		p := filepath.Join(dir, pin+".yaml")
		require.NoError(t, os.WriteFile(p, []byte("site:\n  id: pt-lis\n  name: Lisbon\n  country: PT\n  city: Lisbon\n  timezone: Europe/Lisbon\n  seats: 100\n  profile:\n    pin: "+pin+"\n    reason: gas-heated building\n"), 0o600))
		return p
	}
	code, out, stderr := run(t, "profiles", "assign", "--site", write("fossil-grid-mild"), "--format", "json")
	require.Equal(t, 0, code, stderr)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "fossil-grid-mild", doc["profile"])
	assert.Equal(t, "low-carbon-grid", doc["computed"])
	assert.Equal(t, "gas-heated building", doc["override"].(map[string]any)["reason"])

	code, _, stderr = run(t, "profiles", "assign", "--site", write("arctic"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `profile override "arctic": unknown profile`)
}

func TestProfilesListNamesTheFourProfiles(t *testing.T) {
	code, out, _ := run(t, "profiles", "list", "--format", "json")
	require.Equal(t, 0, code)
	var ps []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &ps))
	require.Len(t, ps, 4)
	ids := []any{ps[0]["id"], ps[1]["id"], ps[2]["id"], ps[3]["id"]}
	assert.ElementsMatch(t, []any{"low-carbon-grid", "fossil-grid-mild", "fossil-grid-tropical", "coal-grid"}, ids)
}

func TestABadProfilesFileFailsEveryCommandThatUsesIt(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.yaml")
	require.NoError(t, os.WriteFile(p, []byte("profiles:\n  - id: only-one\n"), 0o600))
	t.Setenv("GREENHELP_PROFILES", p)
	code, _, stderr := run(t, "profiles", "list")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "a set defines exactly 4")
}

func TestTrajectoryPrintsSitesAndGroup(t *testing.T) {
	code, out, stderr := run(t, "trajectory", "--history", "../../examples/history.csv", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Mode  string  `json:"mode"`
		Rate  float64 `json:"rate"`
		Sites []struct {
			Site     string  `json:"site"`
			BaseYear int     `json:"base_year"`
			BaseT    float64 `json:"base_t"`
			Years    []struct {
				Year                            int
				ActualT, AllowedT, GapT, GapPct float64
				OnTrack                         bool `json:"on_track"`
			} `json:"years"`
			NextYearRequiredT float64 `json:"next_year_required_t"`
		} `json:"sites"`
		Group map[string]any `json:"group"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "compound", doc.Mode)
	assert.Equal(t, 0.045, doc.Rate)
	require.Len(t, doc.Sites, 3)
	assert.Equal(t, "ph-mnl-makati", doc.Sites[1].Site)
	assert.Equal(t, 2021, doc.Sites[1].BaseYear, "a site opened later has its own base year")
	for _, k := range []string{"base_year", "base_t", "years", "next_year_required_t"} {
		assert.Contains(t, doc.Group, k)
	}
	code, table, _ := run(t, "trajectory", "--history", "../../examples/history.csv", "--mode", "linear", "--rate", "0.042")
	require.Equal(t, 0, code)
	assert.Contains(t, table, "linear 4.2 %/yr")
	assert.Contains(t, table, "GROUP")
}

func TestTrajectoryRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	dup := filepath.Join(dir, "dup.csv")
	require.NoError(t, os.WriteFile(dup, []byte("site,year,t\na,2020,1\na,2020,2\n"), 0o600))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a rate of 4.5 instead of 0.045", []string{"--history", "../../examples/history.csv", "--rate", "4.5"}, "trajectory rate 4.5"},
		{"a rate of zero", []string{"--history", "../../examples/history.csv", "--rate", "0"}, "between 0 and 1"},
		{"an unknown mode", []string{"--history", "../../examples/history.csv", "--mode", "exponential"}, `trajectory mode "exponential"`},
		{"a year twice", []string{"--history", dup}, "site a has 2020 already"},
		{"a base year without data", []string{"--history", "../../examples/history.csv", "--base-year", "2010"}, "base year 2010 has no emissions figure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"trajectory"}, tt.args...)...)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestPlanRanksLeversAndFindsTheCompensationYear(t *testing.T) {
	code, out, stderr := run(t, "plan", "--site", "../../examples/johannesburg/site.yaml",
		"--activities", "../../examples/johannesburg/activities.csv", "--base-year", "2024", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var p struct {
		Profile          string                `json:"profile"`
		Levers           []struct{ ID string } `json:"levers"`
		CompensationYear *int                  `json:"compensation_year"`
		Years            []map[string]any      `json:"years"`
		Actions          []map[string]any      `json:"actions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	assert.Equal(t, "coal-grid", p.Profile)
	require.NotEmpty(t, p.Levers)
	assert.Equal(t, "power_off", p.Levers[0].ID, "on a coal grid power-off comes first")
	require.NotNil(t, p.CompensationYear)
	assert.Len(t, p.Years, 2050-2024)
	assert.Len(t, p.Actions, 2)

	code, table, _ := run(t, "plan", "--site", "../../examples/paris/site.yaml", "--activities", "../../examples/paris/activities.csv")
	require.Equal(t, 0, code)
	assert.Contains(t, table, "low-carbon-grid")
	assert.Contains(t, table, "Less business travel")
	// The Dec 2023 and Jan 2025 bill ends do not make 2023 or 2025 full years.
	assert.Contains(t, table, "base 2024:")

	code, _, stderr = run(t, "plan", "--site", "../../examples/paris/site.yaml", "--activities", "../../examples/paris/activities.csv", "--base-year", "2023")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "full years [2024]")
}

// A site with an own hall, colocation and cloud: the planner sizes the
// IT levers from its year (PUE to the hall's best month, 1.5 → 1.4 on
// 120,000 kWh of IT = 12,000 kWh; 30 servers at 25 % consolidated to 50 %
// = 60,000 kWh of IT × PUE 1.5 = 90,000 kWh; both × the DE grid).
func TestPlanSizesTheITLevers(t *testing.T) {
	dir := "testdata/calc/it-room-colocation-cloud"
	code, out, stderr := run(t, "plan", "--site", dir+"/site.yaml", "--activities", dir+"/activities.csv", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var p struct {
		Levers []struct {
			ID         string  `json:"id"`
			PotentialT float64 `json:"potential_t_per_year"`
		} `json:"levers"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	got := map[string]float64{}
	for _, l := range p.Levers {
		got[l.ID] = l.PotentialT
	}
	de := 0.34414 // electricity/grid/DE/2024, the calc case's expected.json
	assert.InDelta(t, 12000*de/1000, got["pue"], 1e-9)
	assert.InDelta(t, 90000*de/1000, got["consolidation"], 1e-9)
	assert.Contains(t, got, "cloud_region")
}

// A Manila-like site (declared 2,900 CDD, 1.2 GWh on the PH grid, 24.4 kg
// of R410A topped up, a 120 kg charge declared) gets the cooling levers
// right after green electricity, as its tropical profile orders them,
// sized as the planner's hand-computed tests size them: cooling 0.60/0.40
// × 2,900/3,467.5 = 1.254506 → 55.644 % of 1,200,000 kWh × 13.5 % =
// 90,143.9 kWh × 0.61338 = 55.29 t; leaks 20.3 % of the charge a year,
// half of the 24.4 kg = 12.2 kg × 2,255.5 = 27.52 t. An action may name
// either lever.
func TestPlanOffersATropicalSiteItsCoolingLevers(t *testing.T) {
	dir := t.TempDir()
	site := `site:
  id: ph-mnl-ortigas
  name: Manila Ortigas
  country: PH
  city: Manila
  timezone: Asia/Manila
  seats: 600
  climate: {hdd: 0, cdd: 2900}
  refrigerants:
    - {gas: R410A, charge_kg: 120}
  actions:
    - {id: ldar-contract, lever: leak_repair, start: 2025-01-01, expected_t_per_year: 25}
`
	csv := "kind,item,start,end,quantity,unit,source,quality,attrs\n"
	for m := 1; m <= 12; m++ {
		end := fmt.Sprintf("2024-%02d-01", m+1)
		if m == 12 {
			end = "2025-01-01"
		}
		csv += fmt.Sprintf("electricity,grid,2024-%02d-01,%s,100000,kWh,meralco,measured,\n", m, end)
	}
	for _, r := range []string{"2024-02-12,2024-02-13,6.5", "2024-05-03,2024-05-04,8.2", "2024-08-19,2024-08-20,5.1", "2024-11-07,2024-11-08,4.6"} {
		csv += "refrigerant,R410A," + r + ",kg,aircon-service,measured,\n"
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(site), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "activities.csv"), []byte(csv), 0o600))
	code, out, stderr := run(t, "plan", "--site", filepath.Join(dir, "site.yaml"), "--activities", filepath.Join(dir, "activities.csv"), "--format", "json")
	require.Equal(t, 0, code, stderr)
	var p struct {
		Profile string `json:"profile"`
		Levers  []struct {
			ID          string  `json:"id"`
			PotentialT  float64 `json:"potential_t_per_year"`
			Assumptions string  `json:"assumptions"`
		} `json:"levers"`
		Actions []struct {
			Lever string `json:"lever"`
		} `json:"actions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	assert.Equal(t, "fossil-grid-tropical", p.Profile)
	require.GreaterOrEqual(t, len(p.Levers), 3)
	assert.Equal(t, []string{"green_electricity", "cooling_efficiency", "leak_repair"}, []string{p.Levers[0].ID, p.Levers[1].ID, p.Levers[2].ID})
	k := 0.60 / 0.40 * 2900 / 3467.5
	assert.InDelta(t, 1.2e6*k/(1+k)*0.135*0.61338/1000, p.Levers[1].PotentialT, 1e-9)
	assert.InDelta(t, 55.29, p.Levers[1].PotentialT, 0.005)
	assert.InDelta(t, 12.2*2255.5/1000, p.Levers[2].PotentialT, 1e-9)
	assert.Contains(t, p.Levers[2].Assumptions, "20.3 % of its 120 kg charge a year")
	require.Len(t, p.Actions, 1)
	assert.Equal(t, "leak_repair", p.Actions[0].Lever)
}
