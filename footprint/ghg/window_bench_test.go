package ghg

import (
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// BenchmarkWindowHoursYear is a site-year's power-off window hours (weeknights
// and weekends, Paris): once per site-year calculation with a schedule.
func BenchmarkWindowHoursYear(b *testing.B) {
	s := declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}, {Days: []string{"sat", "sun"}, From: "00:00", To: "24:00"}}}
	from, to := footprint.NewDate(2024, time.January, 1), footprint.NewDate(2025, time.January, 1)
	for i := 0; i < b.N; i++ {
		windowHours(s, "Europe/Paris", from, to)
	}
}

// The shapes memo gives every day's own hours: across both DST changes of
// Paris and Sydney, and on UTC, the sum equals the day-by-day evaluation.
func TestWindowHoursEqualTheDayByDaySum(t *testing.T) {
	t.Parallel()
	s := declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}, {Days: []string{"sat", "sun"}, AllDay: true}}}
	for _, tz := range []string{"Europe/Paris", "Australia/Sydney", "America/Santiago", ""} {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "" {
			loc = time.UTC
		}
		from, to := footprint.NewDate(2023, time.December, 20), footprint.NewDate(2025, time.January, 3)
		var want float64
		for d := from; d.Before(to); d = d.AddDays(1) {
			want += s.Hours(time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 0, 0, 0, 0, loc), loc)
		}
		if got := windowHours(s, tz, from, to); got != want {
			t.Errorf("%q: windowHours = %v, the day-by-day sum %v", tz, got, want)
		}
	}
}
