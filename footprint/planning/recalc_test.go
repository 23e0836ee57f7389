package planning

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

func day(y, m, d int) footprint.Date { return footprint.NewDate(y, time.Month(m), d) }

// The GHG Protocol Corporate Standard's chapter 5 ("Tracking emissions over
// time") examples, years one to three as 2021–2023, every figure in tCO2e:
// organic growth restates nothing; an acquired unit that existed in the
// base year restates it by its base-year emissions (and the years between
// by its own); one that did not exist then restates nothing; a divested
// unit leaves the base and the years between.
func TestTheCorporateStandardsChapter5Examples(t *testing.T) {
	t.Parallel()
	ab := func(site string) SiteSeries { // a unit of 25 t in the base year, 30 t after
		return SiteSeries{Site: site, Counted: map[int]float64{2021: 25, 2022: 30, 2023: 30}}
	}
	tests := []struct {
		name     string
		sites    []SiteSeries
		restated bool
		// the base and each year 2021–2023, as reported and restated
		baseT         float64
		reported, lfl [3]float64 // as reported, like for like (restated)
		change        StructuralChange
	}{
		{
			name:  "organic growth and an opening restate nothing",
			sites: []SiteSeries{ab("a"), ab("b"), {Site: "d", Events: []structure.Event{{Site: "d", Kind: structure.Opened, On: day(2022, 1, 1)}}, Counted: map[int]float64{2022: 10, 2023: 12}}},
			// 25 + 25 = 50 stands; 30 + 30 + 10 = 70; 30 + 30 + 12 = 72.
			baseT: 50, reported: [3]float64{50, 70, 72}, lfl: [3]float64{50, 70, 72},
			change: StructuralChange{Site: "d", Kind: "opened", On: day(2022, 1, 1), Year: 2022, Reason: "organic growth or decline (GHG Protocol Corporate Standard ch. 5): the base is not restated"},
		},
		{
			name: "an acquisition of a unit that existed in the base year restates it by the unit's base-year emissions",
			sites: []SiteSeries{ab("a"), ab("b"), {Site: "c", Events: []structure.Event{{Site: "c", Kind: structure.Acquired, On: day(2023, 1, 1)}},
				Counted: map[int]float64{2023: 25}, Own: map[int]float64{2021: 15, 2022: 20, 2023: 25}}},
			// Base 50 + c's own 15 = 65 (15 / 50 = 30 % ≥ 5 %); 2022: 60 + 20 = 80;
			// 2023: 30 + 30 + 25 = 85, c's own 25 less its counted 25 adds nothing.
			restated: true, baseT: 65, reported: [3]float64{50, 60, 85}, lfl: [3]float64{65, 80, 85},
			change: StructuralChange{Site: "c", Kind: "acquired", On: day(2023, 1, 1), Year: 2023, BaseT: 15, Share: 0.3, Structural: true,
				Reason: "its 2021 emissions from its own records before it entered: 15.0 t"},
		},
		{
			name: "an acquisition of a unit that did not exist in the base year restates nothing",
			sites: []SiteSeries{ab("a"), ab("b"), {Site: "c", Events: []structure.Event{{Site: "c", Kind: structure.Acquired, On: day(2023, 1, 1)}},
				Counted: map[int]float64{2023: 20}, Own: map[int]float64{2022: 15, 2023: 20}}},
			// c came into existence in 2022: no 2021 figure, weight 0. 2023: 30 + 30 + 20 = 80.
			baseT: 50, reported: [3]float64{50, 60, 80}, lfl: [3]float64{50, 60, 80},
			change: StructuralChange{Site: "c", Kind: "acquired", On: day(2023, 1, 1), Year: 2023, Structural: true,
				Reason: "no full year of its own records for 2021: counted as not existing then, nothing added to the base (if it existed, send its 2021 records)"},
		},
		{
			name: "a divestment takes the unit's base-year emissions out of the base",
			sites: []SiteSeries{ab("a"), ab("b"), {Site: "c", Events: []structure.Event{{Site: "c", Kind: structure.Divested, On: day(2023, 1, 1)}},
				Counted: map[int]float64{2021: 25, 2022: 30}}},
			// Base 75 − 25 = 50 (25 / 75 = 33 %); 2022: 90 − 30 = 60; 2023: 60.
			restated: true, baseT: 50, reported: [3]float64{75, 90, 60}, lfl: [3]float64{50, 60, 60},
			change: StructuralChange{Site: "c", Kind: "divested", On: day(2023, 1, 1), Year: 2023, BaseT: 25, Share: 25.0 / 75, Structural: true,
				Reason: "its 2021 emissions as the base counted them: 25.0 t"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Recalculate(GroupSeries{Years: []int{2021, 2022, 2023}, Sites: tt.sites, Threshold: DefaultRecalculationThreshold})
			require.NoError(t, err)
			assert.Equal(t, 2021, r.BaseYear)
			assert.Equal(t, tt.restated, r.Restated, r.Explanation)
			assert.InDelta(t, tt.baseT, r.BaseT, 1e-9)
			assert.InDelta(t, tt.reported[0], r.OriginalBaseT, 1e-9)
			require.Len(t, r.Years, 3)
			for i, ry := range r.Years {
				assert.Equal(t, 2021+i, ry.Year)
				assert.InDelta(t, tt.reported[i], ry.ReportedT, 1e-9, "reported %d", ry.Year)
				assert.InDelta(t, tt.lfl[i], ry.RestatedT, 1e-9, "restated %d", ry.Year)
			}
			require.Len(t, r.Changes, 1)
			assert.Equal(t, tt.change, r.Changes[0])
			// The group's track runs on that base: 4.5 %/yr from it.
			g := GroupTrack(r, DefaultMethod)
			assert.InDelta(t, tt.baseT, g.BaseT, 1e-9)
			assert.InDelta(t, tt.baseT*0.955*0.955, g.Years[2].AllowedT, 1e-9)
			assert.InDelta(t, tt.lfl[2], g.Years[2].ActualT, 1e-9)
			assert.InDelta(t, tt.baseT*math.Pow(0.955, 3), g.NextYearRequiredT, 1e-9)
		})
	}
}

// The threshold is on the cumulated weight of the structural changes: an
// acquisition of 3 % of the base restates at 2 % and not at 5 %, and is
// listed either way.
func TestTheThresholdDecidesARestatement(t *testing.T) {
	t.Parallel()
	sites := []SiteSeries{
		{Site: "a", Counted: map[int]float64{2021: 1000, 2022: 990}},
		{Site: "c", Events: []structure.Event{{Site: "c", Kind: structure.Insourced, On: day(2022, 7, 1)}},
			// Insourced on 1 July 2022: the group counts its second half (16 t);
			// its own full years are 30 t (2021) and 31 t (2022).
			Counted: map[int]float64{2022: 16}, Own: map[int]float64{2021: 30, 2022: 31}},
	}
	tests := []struct {
		name      string
		threshold float64
		restated  bool
		// 2021 and 2022 restated
		base, y22 float64
	}{
		// 30 / 1,000 = 3 % ≥ 2 %: base 1,030; 2022: 990 + 16 + (31 − 16) = 1,021.
		{"3 % restates at a 2 % threshold", 0.02, true, 1030, 1021},
		{"3 % does not restate at 5 %", 0.05, false, 1000, 1006},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Recalculate(GroupSeries{Years: []int{2021, 2022}, Sites: sites, Threshold: tt.threshold})
			require.NoError(t, err)
			assert.Equal(t, tt.restated, r.Restated)
			assert.InDelta(t, 0.03, r.CumulativeShare, 1e-12)
			assert.InDelta(t, tt.base, r.BaseT, 1e-9)
			assert.InDelta(t, tt.y22, r.Years[1].RestatedT, 1e-9)
			assert.InDelta(t, 1006, r.Years[1].ReportedT, 1e-9, "990 + 16")
			require.Len(t, r.Changes, 1)
			assert.InDelta(t, 30, r.Changes[0].BaseT, 1e-9)
		})
	}
}

// A site that stops sending is a gap, never a divestment: its silent years
// are estimated at its last figure, the base stays as it was, and the
// site-years say which are estimated.
func TestASilentSiteLeavesTheBaseAsItWas(t *testing.T) {
	t.Parallel()
	hist := []History{
		{Site: "a", Actual: map[int]float64{2020: 600, 2021: 580, 2022: 560}},
		{Site: "silent", Actual: map[int]float64{2020: 400, 2021: 390}}, // nothing after 2021
	}
	g, sys := SeriesOf(hist, DefaultRecalculationThreshold)
	rep, err := Trajectories(hist, g, DefaultMethod)
	require.NoError(t, err)
	assert.InDelta(t, 1000, rep.Group.BaseT, 1e-9, "600 + 400: the silent site stays in the base")
	assert.False(t, rep.Recalculation.Restated)
	assert.Empty(t, rep.Recalculation.Changes, "silence is no structural change")
	// 2022: 560 + the silent site's 2021 figure, 390 = 950, of which 390 estimated.
	assert.InDelta(t, 950, rep.Group.Years[2].ActualT, 1e-9)
	assert.InDelta(t, 390, rep.Recalculation.Years[2].EstimatedT, 1e-9)
	assert.InDelta(t, 1000*0.955*0.955, rep.Group.Years[2].AllowedT, 1e-9)
	require.Len(t, sys, 6)
	last := sys[5]
	assert.Equal(t, structure.SiteYear{Site: "silent", Year: 2022, Status: structure.Estimated, T: 390, EstimatedT: 390, EstimatedFrom: 2021,
		Basis: "no figure after 2021 and no event declared: a silent site, estimated at its 2021 figure"}, last)
}
