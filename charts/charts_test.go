package charts

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/profiles"
)

var update = flag.Bool("update", false, "rewrite golden files")

func ptr(f float64) *float64 { return &f }

func fixture() GroupData {
	inv := func(y int, s1, s2l, s2m, tr, com, home, remote float64) *ghg.Inventory {
		return &ghg.Inventory{Year: y, Scope1T: s1, Scope2LocationT: s2l, Scope2MarketT: s2m, Scope3BusinessTravelT: tr,
			Scope3CommutingT: com, Scope3HomeworkingT: home, Telework: ghg.Telework{RemoteShare: ptr(remote)}}
	}
	tr := planning.Track{BaseYear: 2022, BaseT: 1000, NextYear: 2025, NextYearRequiredT: 871.0, ProjectedNextT: 905,
		Years: []planning.YearStatus{{Year: 2022, ActualT: 1000, AllowedT: 1000}, {Year: 2023, ActualT: 960, AllowedT: 955}, {Year: 2024, ActualT: 930, AllowedT: 912}}}
	cy := 2031
	return GroupData{
		Page:            Page{Title: "Group", Year: 2024, Years: []int{2022, 2023, 2024}, Method: "compound 4.5 %/yr", Generated: "fixed"},
		Track:           tr,
		ByYear:          []*ghg.Inventory{inv(2022, 20, 600, 600, 100, 250, 30, 0.1), inv(2023, 19, 590, 500, 80, 240, 40, 0.2), inv(2024, 18, 580, 480, 70, 230, 45, 0.25)},
		PowerOffMonthly: []MonthPoint{{Month: "2024-01", AvoidedKWh: 12000, AvoidedT: 8.5}, {Month: "2024-02", AvoidedKWh: 11000, AvoidedT: 7.8}},
		Levers:          []planning.Lever{{ID: "power_off", Name: "PC power-off", PotentialT: 40}, {ID: "telework", Name: "Telework", PotentialT: -5}},
		Plan:            planning.Plan{Horizon: 2050, CompensationYear: &cy, Years: []planning.PlanYear{{Year: 2025, NeededT: 59, CoveredT: 40, MissingT: 19}}},
	}
}

func sites() []SiteSummary {
	return []SiteSummary{
		{ID: "za", Name: "Johannesburg", Profile: "coal-grid", Latitude: -26.1, Longitude: 28.1, Seats: 800, TotalT: 1900, KgPerSeat: 2375, GapPct: ptr(10.4), Compliance: ptr(0.61)},
		{ID: "fr", Name: "Paris", Profile: "low-carbon-grid", Latitude: 48.9, Longitude: 2.3, Seats: 450, TotalT: 300, KgPerSeat: 667, GapPct: ptr(-4.8), Compliance: ptr(0.9)},
	}
}

// TestChartOptionsMatchTheirGoldenFiles checks every builder's ECharts
// option JSON (fixed ids keep it stable); -update rewrites testdata/*.json.
func TestChartOptionsMatchTheirGoldenFiles(t *testing.T) {
	g := fixture()
	ss := sites()
	ids := []string{"low-carbon-grid", "fossil-grid-mild", "fossil-grid-tropical", "coal-grid"}
	tests := []struct {
		name  string
		chart Chart
	}{
		{"trajectory", TrajectoryChart("t", g.Track, g.Method)},
		{"scopes", ScopesChart("s", g.ByYear)},
		{"gaps", GapChart("g", ss)},
		{"map", sitesMap("m", ss, ids, true)},
		{"map_without_boundaries", sitesMap("m", ss, ids, false)},
		{"poweroff", PowerOffChart("p", g.PowerOffMonthly)},
		{"compliance", ComplianceChart("c", ss)},
		{"telework", TeleworkChart("w", g.ByYear)},
		{"levers", LeversChart("l", g.Levers)},
		{"compensation", CompensationChart("k", g.Plan)},
		{"peers", PeersChart("r", ss, "za")},
		{"distribution", ProfileDistribution("d", ss, ids)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.chart.Option()
			var v any
			require.NoError(t, json.Unmarshal([]byte(opt), &v), "the option is JSON: %s", opt)
			golden := filepath.Join("testdata", tt.name+".json")
			if *update {
				var buf bytes.Buffer
				require.NoError(t, json.Indent(&buf, []byte(opt), "", "  "))
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "go test ./charts -update creates it")
			assert.JSONEq(t, string(want), opt)
			// Legible: no paged legend hides a category; every chart has
			// its toolbox (image, data, CSV).
			assert.NotContains(t, opt, `"scroll"`, "a paged legend")
			assert.Contains(t, opt, `"myCSV"`)
		})
	}
}

func TestTheTrajectoryChartShowsActualAllowedAndADashedProjection(t *testing.T) {
	opt := TrajectoryChart("t", fixture().Track, "compound 4.5 %/yr").Option()
	assert.Contains(t, opt, `"allowed (compound 4.5 %/yr)"`)
	assert.Contains(t, opt, `"type":"dashed"`)
	assert.Contains(t, opt, `"2025"`, "next year is on the axis")
	assert.Contains(t, opt, "905", "the projection")
}

func TestGapsAreColouredByStatus(t *testing.T) {
	opt := GapChart("g", sites()).Option()
	assert.Contains(t, opt, offTrack)
	assert.Contains(t, opt, onTrack)
	assert.Less(t, strings.Index(opt, "Paris"), strings.Index(opt, "Johannesburg"), "ranked by gap")
}

func TestPagesRenderWithLocalAssetsAndFixedIDs(t *testing.T) {
	var buf bytes.Buffer
	g := fixture()
	g.Sites = sites()
	require.NoError(t, RenderGroup(&buf, g, ServedLinks("/assets/")))
	html := buf.String()
	assert.Contains(t, html, `<script src="/assets/echarts.min.js">`)
	for _, id := range []string{"group_trajectory", "group_scopes", "group_gaps", "group_map", "group_poweroff", "group_compliance", "group_telework", "group_levers", "group_compensation"} {
		assert.Contains(t, html, `id="`+id+`"`)
	}
	assert.Contains(t, html, `value="/sites/za"`, "the site filter links every site")
	buf.Reset()
	require.NoError(t, RenderGroup(&buf, g, StaticLinks(0, "")))
	assert.Contains(t, buf.String(), `<script src="assets/echarts.min.js">`)
	assert.Contains(t, buf.String(), `value="sites/za.html"`)
}

func TestTheSitePageSetsOutPowerOffWithItsWattsAndCoverage(t *testing.T) {
	comp := 0.9
	inv := &ghg.Inventory{Year: 2024, PowerOff: ghg.PowerOff{AvoidedKWh: 1234, AvoidedT: 0.87, Compliance: &comp, GridKgPerKWh: 0.70937,
		DeviceHours: map[string]float64{"off": 10},
		Watts: []ghg.ClassWatts{{Class: "desktop", WattsOn: 70, WattsIdle: 6.95, WattsSleep: 3, Origin: "Microsoft Configuration Manager power-management defaults",
			CounterfactualWatts: 39.2, BaselineOffShare: 0.44, BaselineOrigin: "LBNL-46930 (Webber et al. 2001)"}},
		Coverage: &ghg.PowerOffCoverage{DeclaredDevices: 300, ScaledAvoidedKWh: 52416, ScaledAvoidedT: 37.18, Note: "the records cover 0.3 % of the declared fleet's window hours"}}}
	var buf bytes.Buffer
	inv25 := &ghg.Inventory{Year: 2025, PowerOff: ghg.PowerOff{AvoidedKWh: 999, DeviceHours: map[string]float64{"off": 1}}}
	require.NoError(t, RenderSite(&buf, SiteData{Page: Page{Year: 2024}, Site: SiteSummary{ID: "za"}, ByYear: []*ghg.Inventory{inv, inv25}}, ServedLinks("/assets/")))
	html := buf.String()
	assert.Contains(t, html, "PC power-off in 2024", "the page's year, not the latest")
	assert.NotContains(t, html, "PC power-off in 2025")
	assert.Contains(t, html, "1234 kWh = 0.87 tCO2e")
	assert.Contains(t, html, "70 W in use, 6.95 W left on, 3 W asleep, 0 W off")
	assert.Contains(t, html, "Microsoft Configuration Manager")
	assert.Contains(t, html, "39.2 W on average: 44 % off already")
	assert.Contains(t, html, "baseline: LBNL-46930")
	assert.Contains(t, html, "52416 kWh = 37.18 tCO2e scaled to the declared fleet and year")
	assert.Contains(t, html, "0.3 % of the declared fleet")
}

func TestTheGroupPageSaysWhatChangedAndWhy(t *testing.T) {
	g := fixture()
	g.Sites = sites()
	pct := -1.8
	g.Change = &planning.Change{FromYear: 2024, ToYear: 2025, FromT: 1000, ToT: 982, ChangeT: -18, ChangePct: &pct,
		Effects: planning.Effects{ActivityT: -5, FactorT: -13}, ByScope: []planning.ScopeChange{
			{Scope: ghg.Scope3BusinessTravel, FromT: 100, ToT: 82, Effects: planning.Effects{ActivityT: -5, FactorT: -13}}}}
	g.Recalculation = &planning.Recalculation{BaseYear: 2019, Explanation: "base restated", Changes: []planning.StructuralChange{
		{Site: "gr", Kind: "divested", On: footprint.NewDate(2023, 4, 1), Year: 2023, BaseT: 600, Share: 0.02, Structural: true, Reason: "its 2019 emissions as the base counted them: 600.0 t"}}}
	g.SiteYears = []structure.SiteYear{{Site: "gr-ath", Year: 2024, Status: structure.Estimated, T: 526.8, EstimatedT: 526.8, EstimatedFrom: 2022,
		Basis: "no records for 2024-01-01–2024-12-31 (366 days): estimated at its 2022 inventory × 366/366"}}
	var buf bytes.Buffer
	require.NoError(t, RenderGroup(&buf, g, ServedLinks("/assets/")))
	html := buf.String()
	assert.Contains(t, html, "What changed from 2024 to 2025, and why")
	assert.Contains(t, html, "<td>-13.0</td>", "the factor effect of business travel")
	assert.Contains(t, html, "Base year 2019: base restated")
	assert.Contains(t, html, "<td>2023-04-01</td>", "the divestment's day")
	assert.Contains(t, html, "its 2019 emissions as the base counted them")
	assert.Contains(t, html, "Site-years the figures estimate or lack")
	assert.Contains(t, html, "<td>gr-ath</td><td>estimated</td><td>526.8</td>")
}

// A site without a full year has "no trajectory yet"; one with only its
// base year is told when the check starts; neither is "on track". After
// the base year, the verdict and the gap.
func TestASiteWithoutAYearAfterItsBaseIsNeverOnTrack(t *testing.T) {
	render := func(year int, tr planning.Track) string {
		var buf bytes.Buffer
		require.NoError(t, RenderSite(&buf, SiteData{Page: Page{Year: year}, Site: SiteSummary{ID: "ma-rab"}, Track: tr}, ServedLinks("/assets/")))
		return buf.String()
	}
	page := render(2025, planning.Track{})
	assert.Contains(t, page, "no trajectory yet")
	assert.NotContains(t, page, "on track")
	page = render(2025, planning.Track{BaseYear: 2025, Years: []planning.YearStatus{{Year: 2025}}})
	assert.Contains(t, page, "2025 is the base year: the trajectory is checked from 2026")
	assert.NotContains(t, page, "on track")
	off := false
	page = render(2026, planning.Track{BaseYear: 2025, Years: []planning.YearStatus{{Year: 2025}, {Year: 2026, GapPct: 3.2, OnTrack: &off}}})
	assert.Contains(t, page, "+3.2 %</b> vs allowed (off track)")
}

// "What next": the three levers with the most tonnes, largest first, in
// words with what the tonnes do not say; a lever that would raise
// emissions is not proposed.
func TestWhatNextNamesTheTopThreeLeversWithTheirCaveats(t *testing.T) {
	levers := []planning.Lever{{ID: declaration.LeverTelework, Name: "Telework", PotentialT: -3},
		{ID: declaration.LeverGreenElectricity, Name: "Green electricity (certificates / PPA)", PotentialT: 120},
		{ID: declaration.LeverPowerOff, Name: "PC power-off (schedules, compliance)", PotentialT: 14.2},
		{ID: declaration.LeverLessTravel, Name: "Less business travel", PotentialT: 30},
		{ID: declaration.LeverEquipment, Name: "Efficient equipment", PotentialT: 2}}
	var buf bytes.Buffer
	require.NoError(t, RenderSite(&buf, SiteData{Page: Page{Year: 2025}, Site: SiteSummary{ID: "za", Name: "Sandton"}, Levers: levers}, ServedLinks("/assets/")))
	page := buf.String()
	assert.Contains(t, page, "What next for Sandton")
	g, l, p := strings.Index(page, "Green electricity (certificates / PPA)</td>"), strings.Index(page, "Less business travel</td>"), strings.Index(page, "PC power-off (schedules, compliance)</td>")
	require.Positive(t, g)
	assert.Less(t, g, l)
	assert.Less(t, l, p)
	assert.Contains(t, page, "changes market-based Scope 2 only")
	next := planning.NextActions(levers, 3)
	require.Len(t, next, 3)
	assert.Equal(t, declaration.LeverPowerOff, next[2].ID, "the equipment (2 t) and telework (−3 t) are left out")
}

// The profiles table says its levers and sites in words, never as a Go
// list.
func TestTheProfilesTableNamesLeversAndSites(t *testing.T) {
	set, err := profiles.Load("")
	require.NoError(t, err)
	var buf bytes.Buffer
	d := ProfilesData{Page: Page{Year: 2024, Sites: sites()}, Profiles: set.Profiles}
	require.NoError(t, RenderProfiles(&buf, d, ServedLinks("/assets/")))
	html := buf.String()
	assert.Contains(t, html, "1. "+declaration.LeverName(set.Profiles[0].Levers[0]))
	assert.NotContains(t, html, "<td>[")
	assert.Contains(t, html, "<td>none</td>", "a profile without sites says so")
}

func TestTheSitePageSetsTheSitesActionsAgainstTheData(t *testing.T) {
	obs := 41.5
	plan := planning.Plan{Actions: []planning.ActionResult{
		{Action: declaration.Action{ID: "power-off-campaign", Lever: "power_off", Start: footprint.NewDate(2024, 2, 1), ExpectedTPerYear: 60, Owner: "green ambassador"},
			ObservedT: &obs, ObservedBasis: "2023 → 2024 power_off emissions"},
		{Action: declaration.Action{ID: "ppa", Lever: "green_electricity", Start: footprint.NewDate(2026, 1, 1), ExpectedTPerYear: 300},
			ObservedBasis: "starts after the current year"},
	}}
	var buf bytes.Buffer
	require.NoError(t, RenderSite(&buf, SiteData{Page: Page{Year: 2024}, Site: SiteSummary{ID: "za"}, Plan: plan}, ServedLinks("/assets/")))
	html := buf.String()
	assert.Contains(t, html, "The site&#39;s action plan against the data")
	assert.Contains(t, html, "<td>power-off-campaign</td>")
	assert.Contains(t, html, "<td>&#43;41.5</td>", "html/template writes + as &#43;")
	assert.Contains(t, html, "<td>starts after the current year</td>")
}
