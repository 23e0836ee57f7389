package agent

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// bill is an electricity record over [start, end), end exclusive.
func bill(start, end string) footprint.Activity {
	s, _ := footprint.ParseDate(start)
	e, _ := footprint.ParseDate(end)
	return footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: s, End: e, Quantity: 1, Unit: footprint.UnitKWh}
}

func TestCoverageSaysWhatTheRecordsLeaveOut(t *testing.T) {
	t.Parallel()
	today := footprint.NewDate(2026, 1, 20)
	// Twelve bills of 2025 typed with the printed last day as the end
	// (read as exclusive): Jan 5 – Feb 4, …, Dec 5 – Jan 4 2026.
	var typedInclusive []footprint.Activity
	for m := time.January; m <= time.December; m++ {
		s := footprint.NewDate(2025, m, 5)
		e := footprint.NewDate(2025, m+1, 4)
		typedInclusive = append(typedInclusive, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: s, End: e, Quantity: 1, Unit: footprint.UnitKWh})
	}
	tests := []struct {
		name  string
		acts  []footprint.Activity
		rule  CoverageRule
		years []YearCoverage
		warn  []string
	}{
		{
			name: "two bills back to back cover the year, and the days past it are not a gap yet",
			acts: []footprint.Activity{bill("2025-01-01", "2025-07-01"), bill("2025-07-01", "2026-01-05")},
			rule: CoverageRule{MinGap: 1, Today: today},
			// 2026: 1–4 January, 4 days; the year is not over.
			years: []YearCoverage{{2025, 365, 365}, {2026, 365, 4}},
		},
		{
			name: "a missing bill is a gap, and a year without a record is said",
			acts: []footprint.Activity{bill("2025-01-05", "2025-06-05"), bill("2025-07-05", "2026-01-05")},
			rule: CoverageRule{MinGap: 1, BaseYear: 2024, Today: today},
			// 2025: 365 − 4 (1–4 Jan) − 30 (5 Jun – 4 Jul) = 331.
			years: []YearCoverage{{2024, 366, 0}, {2025, 365, 331}, {2026, 365, 4}},
			warn: []string{
				"2024: not covered (0 of 366 days): no record of this source falls in it",
				"2025: 2025-01-01 to 2025-01-04 not covered (4 days)",
				"2025: 2025-06-05 to 2025-07-04 not covered (30 days)",
			},
		},
		{
			name: "a past year's last days are a gap",
			acts: []footprint.Activity{bill("2025-01-01", "2025-12-01")},
			rule: CoverageRule{MinGap: 1, Today: today},
			// 365 − 31 (December) = 334.
			years: []YearCoverage{{2025, 365, 334}},
			warn:  []string{"2025: 2025-12-01 to 2025-12-31 not covered (31 days)"},
		},
		{
			name: "printed ends read as exclusive lose a day per bill, and are said to",
			acts: typedInclusive,
			rule: CoverageRule{MinGap: 1, Today: today},
			// 2025: 365 − 4 (1–4 Jan) − 11 (4 Feb, 4 Mar … 4 Dec) = 350;
			// 2026: 1–3 January (the last bill ends on the 4th, excluded).
			years: []YearCoverage{{2025, 365, 350}, {2026, 365, 3}},
			warn: append([]string{"2025: 2025-01-01 to 2025-01-04 not covered (4 days)"}, append(func() []string {
				var w []string
				for m := time.February; m <= time.December; m++ {
					w = append(w, "2025: "+footprint.NewDate(2025, m, 4).String()+" not covered (1 day)")
				}
				return w
			}(), "electricity/grid: every gap between two periods is one day (11 of 11): the ends look like a bill's printed last day read as the day after: set end_inclusive: true")...),
		},
		{
			name:  "two bills covering the same days count them twice",
			acts:  []footprint.Activity{bill("2025-01-01", "2025-02-06"), bill("2025-02-05", "2026-01-01")},
			rule:  CoverageRule{MinGap: 1, Today: today},
			years: []YearCoverage{{2025, 365, 365}},
			warn:  []string{"2025-02-05 covered by more than one record of electricity/grid (1 day): counted twice — a bill typed twice, or periods that overlap"},
		},
		{
			name: "records before the base year and after today are outside",
			acts: []footprint.Activity{bill("2024-12-05", "2026-01-25")},
			rule: CoverageRule{MinGap: 1, BaseYear: 2025, Today: today},
			// 5–31 December 2024: 27 days; 21–24 January 2026: 4 days after the 20th.
			years: []YearCoverage{{2025, 365, 365}, {2026, 365, 24}},
			warn: []string{
				"27 days before 2025, the base year: outside every reporting year",
				"4 days after today (2026-01-20): records of days to come",
			},
		},
		{
			name: "working days: a weekend is no gap, a fortnight is",
			acts: []footprint.Activity{bill("2025-01-06", "2025-01-11"), bill("2025-01-13", "2025-01-18"), bill("2025-02-03", "2025-02-08")},
			rule: CoverageRule{MinGap: 5, Today: footprint.NewDate(2025, 2, 10)},
			// 5 + 5 + 5 weekdays; the gap of 18 Jan – 2 Feb is 16 days.
			years: []YearCoverage{{2025, 365, 15}},
			warn: []string{
				"2025: 2025-01-01 to 2025-01-05 not covered (5 days)",
				"2025: 2025-01-18 to 2025-02-02 not covered (16 days)",
			},
		},
		{
			name:  "events: days with a booking, no gaps",
			acts:  []footprint.Activity{bill("2025-03-01", "2025-03-02")},
			rule:  CoverageRule{MinGap: 0, Today: today},
			years: []YearCoverage{{2025, 365, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			years, warn := Coverage(tt.acts, tt.rule)
			assert.Equal(t, tt.years, years)
			assert.Equal(t, tt.warn, warn)
		})
	}
}

// clockAt sets the agent's clock.
func clockAt(a *Agent, t time.Time) *Agent {
	a.clock = func() time.Time { return t }
	return a
}

// A utility's history with its "Billing Period" column, typed as the
// bill prints it (the last day inclusive): no day is lost.
func TestABillTypedWithItsPrintedEndLosesNoDay(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "energy-billing-period-inclusive")
	a := clockAt(&Agent{Cfg: cfg, Log: quiet()}, time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	c := a.Collect(context.Background())
	require.True(t, c.OK(), "%+v", c.Health)
	// The printed "No. of Days" of each bill: 31, 31, 28, 31, 30, 31,
	// 30, 31, 31, 30, 31, 30, 31.
	want := []int{31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	require.Len(t, c.Activities, len(want))
	total, days := 0.0, 0
	for i, act := range c.Activities {
		assert.Equal(t, want[i], act.Start.DaysUntil(act.End), "%s to %s", act.Start, act.End)
		total += act.Quantity
		days += act.Start.DaysUntil(act.End)
	}
	// 5 Dec 2024 – 4 Jan 2026: 27 + 365 + 4 = 396 days, and the bills'
	// kWh as the Total row prints them: 677,034.25.
	assert.Equal(t, 396, days)
	assert.InDelta(t, 677034.25, total, 1e-6)
	h := c.Health[0]
	assert.Equal(t, []YearCoverage{{2025, 365, 365}, {2026, 365, 4}}, h.Coverage)
	assert.Equal(t, []string{"27 days before 2025, the base year: outside every reporting year"}, h.CoverageWarnings)
	assert.Equal(t, 2, h.RowsSkipped, "the title above the header and the Total row")
}

// The same history with June's bill missing and base_year 2023: the
// missing bill and the year no bill covers are warnings.
func TestAMissingBillAndAnUncoveredYearAreWarnings(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "energy-billing-period-inclusive")
	dir := cfg.baseDir()
	raw, err := os.ReadFile(filepath.Join(dir, "meralco-history.csv"))
	require.NoError(t, err)
	var kept []string
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		if !strings.HasPrefix(line, `"Jun 5 - Jul 4, 2025"`) {
			kept = append(kept, line)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "meralco-history.csv"), []byte(strings.Join(kept, "")), 0o600))
	cfg.Site.BaseYear = 2023
	a := clockAt(&Agent{Cfg: cfg, Log: quiet()}, time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	c := a.Collect(context.Background())
	require.True(t, c.OK(), "%+v", c.Health)
	h := c.Health[0]
	// 2024: 5–31 December, 27 days; 2025: 365 − 30 (5 June – 4 July).
	assert.Equal(t, []YearCoverage{{2023, 365, 0}, {2024, 366, 27}, {2025, 365, 335}, {2026, 365, 4}}, h.Coverage)
	assert.Equal(t, []string{
		"2023: not covered (0 of 365 days): no record of this source falls in it",
		"2024: 2024-01-01 to 2024-12-04 not covered (339 days)",
		"2025: 2025-06-05 to 2025-07-04 not covered (30 days)",
	}, h.CoverageWarnings)
}
