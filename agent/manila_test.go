package agent

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// The Manila trial (#29): the six files of a 600-seat site as their
// systems write them (testdata/collect/manila-trial), each read by a
// source configured without reshaping, through the real loader. The
// golden expected.json pins every record; this test checks a few by
// hand, and the coverage check prints (internal/agentcli's test prints
// it through check).
func TestTheManilaTrialReadsEveryFileAsItComes(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "manila-trial")
	a := &Agent{Cfg: cfg, Log: quiet(), clock: func() time.Time { return time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC) }}
	c := a.Collect(context.Background())
	require.Len(t, c.Health, 6)
	health := map[string]SourceHealth{}
	for _, h := range c.Health {
		assert.Empty(t, h.Error, h.ID)
		assert.Zero(t, h.RowsRejected, "%s: %+v", h.ID, h.Rejections)
		health[h.ID] = h
	}
	assert.Empty(t, c.Warnings, "no figure looks off by an order of magnitude")

	type series struct {
		records int
		total   float64
	}
	got := map[string]series{}
	for _, act := range c.Activities {
		k := act.Source + "/" + string(act.Kind) + "/" + act.Item
		s := got[k]
		got[k] = series{s.records + 1, s.total + act.Quantity}
	}
	tests := []struct {
		name   string
		series string
		want   series
	}{
		// 13 bills in the portal's history less the missing one
		// (5 July – 4 August 2025, 56,980.50 kWh): 677,034.25 −
		// 56,980.50 = 620,053.75 kWh, the export's own Total row.
		{"the bills, one missing", "meralco/electricity/grid", series{12, 620053.75}},
		// 12 monthly exercises: 118 + 121 + 124 + 119 + 122 + 120 + 118
		// + 125 + 121 + 119 + 123 + 120 = 1,450 L; 6 outages: 330 + 132
		// + 975 + 396 + 198 + 500 = 2,531 L; 1,450 + 2,531 = 3,981 L.
		{"the genset's runs", "genset/fuel/diesel", series{18, 3981}},
		// R-410A: 4.5 + 6.0 + 3.5 + 5.0 + 3.0 = 22.0 kg.
		{"R-410A topped up", "refrigerant/refrigerant/R410A", series{5, 22}},
		// 1.2 + 2.3 + 1.5 = 5.0 kg.
		{"R-32 topped up", "refrigerant/refrigerant/R32", series{3, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := got[tt.series]
			assert.Equal(t, tt.want.records, g.records)
			assert.InDelta(t, tt.want.total, g.total, 1e-6)
		})
	}

	byDay := map[string]float64{}
	for _, act := range c.Activities {
		byDay[act.Source+"/"+act.Item+"/"+act.Start.String()+"/"+act.End.String()+"/"+act.Attrs["dated"]] += act.Quantity
	}
	// A bill typed with its printed last day loses none: "Jan 5 - Feb 4,
	// 2025" is [5 January, 5 February), 31 days.
	assert.InDelta(t, 47110.25, byDay["meralco/grid/2025-01-05/2025-02-05/"], 1e-9)
	// The roster of Monday 6 January: 24 agents, 7 on their rest day
	// (i mod 7 in {0, 6}: i = 0, 6, 7, 13, 14, 20, 21), 4 of the other 17
	// at home ((6 + i) mod 4 = 0: i = 2, 10, 18, 22), 1 on leave (i = 4):
	// 17 − 4 − 1 = 12 on site.
	assert.InDelta(t, 12, byDay["roster/onsite/2025-01-06/2025-01-07/"], 1e-9)
	assert.InDelta(t, 4, byDay["roster/remote/2025-01-06/2025-01-07/"], 1e-9)
	// Wednesday 15 January: 8 resting (i mod 7 in {1, 2}), 4 at home
	// (i = 5, 13, 17, 21): 24 − 8 − 4 = 12 on site, MNL10238 listed
	// twice (moved from Voice to Chat) counted once.
	assert.InDelta(t, 12, byDay["roster/onsite/2025-01-15/2025-01-16/"], 1e-9)
	// MNL–CEB on 20 January: great circle 566.822 km (haversine, mean
	// radius 6,371 km, OurAirports' coordinates) × 1.08 = 612.168 km.
	assert.InDelta(t, 612.168116, byDay["agency/flight_domestic/2025-01-20/2025-01-21/"], 1e-6)
	// BKK–MNL has no travel date: dated by its booking, 3 February.
	assert.Positive(t, byDay["agency/flight_short_haul/2025-02-03/2025-02-04/booking"])

	// The blank row of the refrigerant log is skipped and said, not read.
	assert.Equal(t, 2, health["refrigerant"].RowsSkipped)
	assert.Contains(t, health["refrigerant"].Skipped, skippedAt("refrigerant-log.csv:8", "a blank row: not data, skipped"))

	cover := func(id string) map[int]int {
		out := map[int]int{}
		for _, y := range health[id].Coverage {
			out[y.Year] = y.Covered
		}
		return out
	}
	// 2025: 365 − 31 days of the missing bill = 334; 2024: 5 to 31
	// December = 27.
	assert.Equal(t, map[int]int{2024: 27, 2025: 334, 2026: 4}, cover("meralco"))
	assert.Contains(t, health["meralco"].CoverageWarnings, "2025: 2025-07-05 to 2025-08-04 not covered (31 days)")
	// The genset log and the refrigerant log are events: no gap between
	// two runs, only the base year without any.
	assert.Equal(t, []string{"2024: not covered (0 of 366 days): no record of this source falls in it"}, health["genset"].CoverageWarnings)
	assert.Equal(t, []string{"2024: not covered (0 of 366 days): no record of this source falls in it"}, health["refrigerant"].CoverageWarnings)
	assert.Equal(t, map[int]int{2024: 0, 2025: 18}, cover("genset"))
	for _, id := range []string{"pc-events", "roster", "agency"} {
		assert.Contains(t, health[id].CoverageWarnings, "2024: not covered (0 of 366 days): no record of this source falls in it", id)
	}
	// The PC's log spans 13 to 17 March 2025 (Manila time): 5 days.
	assert.Equal(t, map[int]int{2024: 0, 2025: 5}, cover("pc-events"))
	for _, act := range c.Activities {
		if act.Source == "pc-events" {
			assert.Equal(t, footprint.KindWorkstation, act.Kind)
		}
	}
}

func skippedAt(where, reason string) source.Rejection {
	return source.Rejection{Where: where, Reason: reason, Skipped: true}
}
