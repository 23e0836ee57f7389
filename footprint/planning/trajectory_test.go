package planning

import (
	"math"
	"strings"
	"testing"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllowedMatchesHandComputedValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method Method
		year   int
		want   float64
	}{
		{"compound, base year", Method{ModeCompound, 0.045}, 2020, 1000},
		{"compound, one year on", Method{ModeCompound, 0.045}, 2021, 955},
		{"compound, two years on", Method{ModeCompound, 0.045}, 2022, 1000 * 0.955 * 0.955},
		{"compound, ten years on", Method{ModeCompound, 0.045}, 2030, 1000 * math.Pow(0.955, 10)},
		{"linear SBTi 4.2 %, one year on", Method{ModeLinear, 0.042}, 2021, 958},
		{"linear SBTi 4.2 %, ten years on", Method{ModeLinear, 0.042}, 2030, 580},
		{"linear never goes below zero", Method{ModeLinear, 0.042}, 2050, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, tt.method.Allowed(1000, 2020, tt.year), 1e-9)
		})
	}
}

func TestCompoundAndLinearAgreeAtYearOne(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{0.01, 0.042, 0.045, 0.2} {
		c := Method{ModeCompound, r}.Allowed(123.4, 2019, 2020)
		l := Method{ModeLinear, r}.Allowed(123.4, 2019, 2020)
		assert.InDelta(t, c, l, 1e-9, "rate %g", r)
	}
}

func TestMethodValidation(t *testing.T) {
	t.Parallel()
	for _, m := range []Method{{ModeCompound, 0}, {ModeCompound, 1}, {ModeCompound, -0.1}, {ModeLinear, 4.5}, {"geometric", 0.045}} {
		assert.Error(t, m.Validate(), "%+v", m)
	}
	assert.NoError(t, DefaultMethod.Validate())
}

func TestASiteTrackHasGapStatusAndNextYear(t *testing.T) {
	t.Parallel()
	hist := []History{{Site: "a", Actual: map[int]float64{2020: 1000, 2021: 960, 2022: 900}}}
	g, _ := SeriesOf(hist, DefaultRecalculationThreshold)
	rep, err := Trajectories(hist, g, DefaultMethod)
	require.NoError(t, err)
	tr := rep.Sites[0]
	assert.Equal(t, 2020, tr.BaseYear)
	require.Len(t, tr.Years, 3)
	y21 := tr.Years[1]
	assert.InDelta(t, 955, y21.AllowedT, 1e-9)
	assert.InDelta(t, 5, y21.GapT, 1e-9)
	assert.InDelta(t, 5.0/955*100, y21.GapPct, 1e-9)
	require.NotNil(t, y21.OnTrack)
	assert.False(t, *y21.OnTrack)
	assert.Equal(t, "off track", y21.Verdict())
	y22 := tr.Years[2]
	require.NotNil(t, y22.OnTrack)
	assert.True(t, *y22.OnTrack, "900 ≤ 912.025")
	assert.Nil(t, tr.Years[0].OnTrack, "the base year is the line's start: no verdict")
	assert.Equal(t, "base year", tr.Years[0].Verdict())
	assert.InDelta(t, 5+(900-912.025), y22.CumulativeGapT, 1e-9)
	assert.Equal(t, 2023, tr.NextYear)
	assert.InDelta(t, 1000*math.Pow(0.955, 3), tr.NextYearRequiredT, 1e-9)
	assert.InDelta(t, 900-1000*math.Pow(0.955, 3), tr.ReductionNeededT, 1e-9)
	// Least squares through (2020,1000), (2021,960), (2022,900): slope −50, next 853.33.
	assert.InDelta(t, 2560.0/3, tr.ProjectedNextT, 1e-9)
	assert.Equal(t, "compound 4.5 %/yr", rep.Label)
}

func TestAConfiguredBaseYearWithoutDataIsAnError(t *testing.T) {
	t.Parallel()
	hist := []History{{Site: "a", BaseYear: 2018, Actual: map[int]float64{2020: 1}}}
	g, _ := SeriesOf(hist, DefaultRecalculationThreshold)
	_, err := Trajectories(hist, g, DefaultMethod)
	assert.ErrorContains(t, err, "base year 2018 has no emissions figure")
}

func TestReadHistoryCSVRejectsBadRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"a year twice for a site", "site,year,t\na,2020,10\na,2020,11\n", []string{"h.csv:3: year: 2020", "site a has 2020 already (line 2)"}},
		{"a negative tonnage", "site,year,t\na,2020,-5\n", []string{"h.csv:2: t: -5", "≥ 0"}},
		{"not a number", "site,year,t\na,2020,lots\n", []string{"h.csv:2: t: lots"}},
		{"a missing column", "site,t\na,5\n", []string{`missing column "year"`}},
		{"no rows", "site,year,t\n", []string{"no rows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadHistoryCSV(strings.NewReader(tt.csv), "h.csv")
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestThePlannerFindsTheYearLeversRunOut(t *testing.T) {
	t.Parallel()
	levers := []Lever{{ID: declaration.LeverPowerOff, PotentialT: 120}, {ID: declaration.LeverTelework, PotentialT: -15}, {ID: declaration.LeverLessTravel, PotentialT: 80}}
	p := PlanSite(PlanInput{Site: "s", Method: DefaultMethod, BaseYear: 2024, BaseT: 1000, CurrentYear: 2024, CurrentT: 1000, Levers: levers})
	// needed(y) = 1000 × (1 − 0.955^(y−2024)) first exceeds 200 when
	// 0.955^n < 0.8: n = 5, i.e. 2029.
	require.NotNil(t, p.CompensationYear)
	assert.Equal(t, 2029, *p.CompensationYear)
	assert.InDelta(t, 200, p.TotalPotentialT, 1e-9, "a negative lever adds nothing")
	byYear := map[int]PlanYear{}
	for _, y := range p.Years {
		byYear[y.Year] = y
	}
	assert.InDelta(t, 0, byYear[2028].MissingT, 1e-9)
	assert.InDelta(t, 1000*(1-math.Pow(0.955, 5))-200, byYear[2029].MissingT, 1e-9)
	assert.Equal(t, []string{declaration.LeverPowerOff}, byYear[2025].Levers, "the first lever alone covers the first year")
	assert.Equal(t, []string{declaration.LeverPowerOff, declaration.LeverLessTravel}, byYear[2029].Levers)
	assert.Len(t, p.Years, 2050-2024)
	// Missing tonnes grow every year after the compensation year.
	for y := 2030; y <= 2050; y++ {
		assert.Greater(t, byYear[y].MissingT, byYear[y-1].MissingT)
	}
}

func TestThePlannerSeesNoCompensationWhenLeversLastTo2050(t *testing.T) {
	t.Parallel()
	// needed(2050) = 1000 × (1 − 0.955^26) = 697.6 t.
	p := PlanSite(PlanInput{Site: "s", Method: DefaultMethod, BaseYear: 2024, BaseT: 1000, CurrentYear: 2024, CurrentT: 1000,
		Levers: []Lever{{ID: declaration.LeverGreenElectricity, PotentialT: 500}, {ID: declaration.LeverPowerOff, PotentialT: 200}}})
	assert.Nil(t, p.CompensationYear)
	assert.InDelta(t, 1000*(1-math.Pow(0.955, 26)), p.Years[len(p.Years)-1].NeededT, 1e-9)
}

func TestTheActionPlanIsSetAgainstTheTrajectory(t *testing.T) {
	t.Parallel()
	actions := []ActionResult{{Action: declaration.Action{ID: "pcs", Lever: declaration.LeverPowerOff, Start: footprint.NewDate(2025, 3, 1), ExpectedTPerYear: 60}}}
	p := PlanSite(PlanInput{Site: "s", Method: DefaultMethod, BaseYear: 2024, BaseT: 1000, CurrentYear: 2024, CurrentT: 1000,
		Levers: []Lever{{ID: declaration.LeverPowerOff, PotentialT: 500}}, Actions: actions})
	require.NotNil(t, p.PlanCompensationYear)
	// The plan's 60 t cover 2025 (45 t needed) but not 2026 (87.98 t).
	assert.Equal(t, 2026, *p.PlanCompensationYear)
	assert.InDelta(t, 1000*(1-0.955*0.955)-60, p.Years[1].PlanMissingT, 1e-9)
}

func TestLeversAreSizedFromTheSitesOwnInventory(t *testing.T) {
	t.Parallel()
	site := fixture.Site()
	site.Electricity = declaration.ElectricityContract{}
	acts := []footprint.Activity{
		fixture.Act(footprint.KindElectricity, "grid", "2024-01-01", "2025-01-01", 100000, footprint.UnitKWh, nil),
		fixture.Act(footprint.KindTravel, "flight_long_haul", "2024-06-01", "2024-07-01", 10000, footprint.UnitPKm, map[string]string{"class": "economy"}),
		fixture.Act(footprint.KindTelework, "remote", "2024-06-03", "2024-06-04", 20, footprint.UnitPersonDay, nil),
		fixture.Act(footprint.KindTelework, "onsite", "2024-06-03", "2024-06-04", 80, footprint.UnitPersonDay, nil),
		fixture.Act(footprint.KindWorkstation, "desktop", "2024-06-03", "2024-06-04", 600, footprint.UnitDeviceH, map[string]string{"state": "off"}),
		fixture.Act(footprint.KindWorkstation, "desktop", "2024-06-03", "2024-06-04", 400, footprint.UnitDeviceH, map[string]string{"state": "missed"}),
	}
	inv, err := ghg.Calculate(site, acts, 2024, factors.Default(), ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	ls := Levers(site, inv, []string{declaration.LeverLessTravel, declaration.LeverPowerOff}, ghg.Assumptions{}, factors.Default())
	require.Len(t, ls, len(declaration.LeverIDs())-3, "every lever but the three IT ones: the site has no data centre, colocation or cloud")
	assert.Equal(t, declaration.LeverLessTravel, ls[0].ID, "the profile's order first")
	assert.Equal(t, declaration.LeverPowerOff, ls[1].ID)
	by := map[string]Lever{}
	for _, l := range ls {
		by[l.ID] = l
	}
	// ZA 2024 takes DFFE's 2023 combustion factor 0.942 (Scope 2) and its
	// upstream 0.05719 (Scope 3.3): a kWh saved saves both.
	grid, comb := 0.942+0.05719, 0.942
	// Power-off: 60 % → 95 % compliance = 350 more off hours × 1.9801 W
	// saved (counterfactual 0.60 × 2 W off + 0.40 × 6.9503 W long idle —
	// the documented default, not the site's 60 W in use — = 3.9801 W,
	// less 2 W off).
	assert.InDelta(t, 350*(0.60*2+0.40*desktopIdleW-2)/1e6*grid, by[declaration.LeverPowerOff].PotentialT, 1e-9)
	// Certificates change market-based Scope 2 only: the combustion part.
	assert.InDelta(t, 100000*comb/1000, by[declaration.LeverGreenElectricity].PotentialT, 1e-9)
	// A South African site flies on DESNZ 2024 international economy,
	// 0.13465, restated by DESNZ 2025's change of method (× 0.10916/0.13465).
	assert.InDelta(t, 0.3*10000*0.13465*(0.10916/0.13465)/1000, by[declaration.LeverLessTravel].PotentialT, 1e-9)
	// Telework: 20 % of 80 on-site days × (commute kg/day − 8 h × 0.33378).
	commuteKg := inv.Scope3CommutingT * 1000 / 80
	assert.InDelta(t, 0.2*80*(commuteKg-8*0.33378)/1000, by[declaration.LeverTelework].PotentialT, 1e-9)
	// Carpooling: a quarter of solo-car commuting, halved.
	assert.Greater(t, by[declaration.LeverCarpooling].PotentialT, 0.0)
	assert.NotEmpty(t, by[declaration.LeverEquipment].Assumptions)
}

func TestTeleworkCanRaiseEmissionsInAHeatingClimate(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "fr", Name: "fr", Country: "FR", HoursPerDay: 7.5,
		Commute: &declaration.CommuteSurvey{Modes: []declaration.CommuteMode{{Mode: "metro", Share: 1, OneWayKm: 8}}}}
	acts := []footprint.Activity{fixture.Act(footprint.KindTelework, "onsite", "2024-06-03", "2024-06-04", 100, footprint.UnitPersonDay, nil),
		fixture.Act(footprint.KindTelework, "remote", "2024-06-03", "2024-06-04", 50, footprint.UnitPersonDay, nil)}
	as := ghg.Assumptions{Profile: "low-carbon-grid", HomeworkingKgPerHour: 0.347, HomeworkingSource: "profile"}
	inv, err := ghg.Calculate(site, acts, 2024, factors.Default(), as, ghg.Options{})
	require.NoError(t, err)
	var tele Lever
	for _, l := range Levers(site, inv, nil, as, factors.Default()) {
		if l.ID == declaration.LeverTelework {
			tele = l
		}
	}
	assert.Less(t, tele.PotentialT, 0.0, "16 km of metro emit less than a heated home day")
}

func TestActionsAreComparedWithWhatTheDataShows(t *testing.T) {
	t.Parallel()
	before := &ghg.Inventory{Scope3BusinessTravelT: 100}
	after := &ghg.Inventory{Scope3BusinessTravelT: 70}
	res := EvaluateActions([]declaration.Action{
		{ID: "video", Lever: declaration.LeverLessTravel, Start: footprint.NewDate(2024, 1, 15), ExpectedTPerYear: 25},
		{ID: "later", Lever: declaration.LeverLessTravel, Start: footprint.NewDate(2022, 1, 1), ExpectedTPerYear: 5},
	}, map[int]*ghg.Inventory{2023: before, 2024: after}, 2024)
	require.NotNil(t, res[0].ObservedT)
	assert.InDelta(t, 30, *res[0].ObservedT, 1e-9)
	assert.Nil(t, res[1].ObservedT)
	assert.Contains(t, res[1].ObservedBasis, "no inventory for 2021")
}
