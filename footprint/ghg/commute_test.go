package ghg

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

// manilaSurvey is the split agent/testdata/collect/commute-survey-form
// gives: 39 on-site days a week among the respondents.
func manilaSurvey() *declaration.CommuteSurvey {
	return &declaration.CommuteSurvey{Date: footprint.NewDate(2025, 3, 13), Respondents: 10, Source: "commute-survey", Modes: []declaration.CommuteMode{
		{Mode: "paratransit", Share: 10.0 / 39, OneWayKm: 9}, {Mode: "car_petrol", Share: 5.0 / 39, OneWayKm: 22.8},
		{Mode: "metro", Share: 5.0 / 39, OneWayKm: 12}, {Mode: "motorbike_taxi", Share: 5.0 / 39, OneWayKm: 6},
		{Mode: "tricycle", Share: 5.0 / 39, OneWayKm: 2}, {Mode: "walk", Share: 5.0 / 39, OneWayKm: 1},
		{Mode: "minibus", Share: 4.0 / 39, OneWayKm: 18}}}
}

// The profile's assumed split (fossil-grid-tropical: 45 % bus at 12 km …)
// gives commuting lines of quality default; the site's survey replaces
// them. By hand, 1,000 on-site person-days in 2025:
//
//	paratransit: 1,000 × 10/39 × 2 × 9 km = 4,615.38 pkm × 0.10385 (DESNZ
//	2025 average local bus, standing in) = 479.31 kg
//	motorbike taxi: 1,000 × 5/39 × 2 × 6 km = 1,538.46 pkm × 0.11367
//	(DESNZ 2025 motorbike, one passenger per km) = 174.88 kg
func TestACommuteSurveyChangesTheCommutingLines(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "ph-mnl", Name: "Manila", Country: "PH", Timezone: "Asia/Manila", Seats: 600, FTE: 500}
	acts := []footprint.Activity{{Kind: footprint.KindTelework, Item: "onsite", Start: footprint.NewDate(2025, 3, 1),
		End: footprint.NewDate(2025, 3, 2), Quantity: 1000, Unit: footprint.UnitPersonDay, Source: "wfm", Quality: footprint.QualityMeasured}}
	as := Assumptions{Profile: "fossil-grid-tropical", Commute: &declaration.CommuteSurvey{Modes: []declaration.CommuteMode{
		{Mode: "bus", Share: 0.45, OneWayKm: 12}, {Mode: "rail", Share: 0.10, OneWayKm: 15}, {Mode: "motorbike", Share: 0.15, OneWayKm: 12},
		{Mode: "car_petrol", Share: 0.15, OneWayKm: 18}, {Mode: "carpool", Share: 0.05, OneWayKm: 18}, {Mode: "walk", Share: 0.10, OneWayKm: 1.5}}}}

	before, err := Calculate(site, acts, 2025, factors.Default(), as, Options{})
	require.NoError(t, err)
	bus := line(t, before, Scope3Commuting, "commute", "bus")
	assert.Contains(t, bus.Basis, "profile fossil-grid-tropical default split")
	for _, l := range before.Lines {
		if l.Scope == Scope3Commuting {
			assert.Equal(t, footprint.QualityDefault, l.Quality, l.Item)
		}
	}

	site.Commute = manilaSurvey()
	after, err := Calculate(site, acts, 2025, factors.Default(), as, Options{})
	require.NoError(t, err)
	para := line(t, after, Scope3Commuting, "commute", "paratransit")
	assert.Equal(t, "travel/bus/WORLD/2025", para.FactorID)
	assert.InDelta(t, 1000*10.0/39*2*9, para.Quantity, 1e-9)
	assert.InDelta(t, 0.47931, para.T, 1e-5)
	assert.Contains(t, para.Basis, "site survey read from source commute-survey, 10 respondents of 2025-03-13")
	taxi := line(t, after, Scope3Commuting, "commute", "motorbike_taxi")
	assert.InDelta(t, 0.17488, taxi.T, 1e-5)
	assert.Contains(t, taxi.Basis, "one passenger per motorbike-km")
	assert.True(t, hasNote(after, "no factor for jeepney-like paratransit in the library: DESNZ's average local bus (UK) per passenger-km stands in"))
	for _, l := range after.Lines {
		if l.Scope == Scope3Commuting {
			assert.Equal(t, footprint.QualityEstimated, l.Quality, "a survey is an estimate, not a default: %s", l.Item)
			assert.NotEqual(t, "bus", l.Item, "the profile's split is gone")
		}
	}
	assert.NotEqual(t, before.Scope3CommutingT, after.Scope3CommutingT)
}

// A national row for a local mode (--factors) replaces its stand-in.
func TestANationalFactorReplacesALocalModesStandIn(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "ph-mnl", Name: "Manila", Country: "PH", Timezone: "Asia/Manila", Seats: 600, Commute: manilaSurvey()}
	acts := []footprint.Activity{{Kind: footprint.KindTelework, Item: "onsite", Start: footprint.NewDate(2025, 3, 1),
		End: footprint.NewDate(2025, 3, 2), Quantity: 1000, Unit: footprint.UnitPersonDay, Source: "wfm", Quality: footprint.QualityMeasured}}
	override, err := factors.Parse(strings.NewReader("kind,item,region,year,kg_co2e_per_unit,unit,source,note\n"+
		"travel,paratransit,PH,2025,0.05,pkm,a national study (test),\n"), "override.csv")
	require.NoError(t, err)
	lib := factors.Default().Merge(override)
	inv, err := Calculate(site, acts, 2025, lib, Assumptions{}, Options{})
	require.NoError(t, err)
	para := line(t, inv, Scope3Commuting, "commute", "paratransit")
	assert.Equal(t, "travel/paratransit/PH/2025", para.FactorID)
	assert.InDelta(t, 1000*10.0/39*2*9*0.05/1000, para.T, 1e-12)
	assert.False(t, hasNote(inv, "jeepney-like paratransit"))
}
