package ghg

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// BenchmarkWindowHoursYear is a site-year's power-off window hours (weeknights
// and weekends, Paris): once per site-year calculation with a schedule.
func BenchmarkWindowHoursYear(b *testing.B) {
	s := declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}, {Days: []string{"sat", "sun"}, From: "00:00", To: "24:00"}}}
	from, to := footprint.NewDate(2024, time.January, 1), footprint.NewDate(2025, time.January, 1)
	for i := 0; i < b.N; i++ {
		windowHours(s, 0, "Europe/Paris", from, to)
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
		if got := windowHours(s, 0, tz, from, to); got != want {
			t.Errorf("%q: windowHours = %v, the day-by-day sum %v", tz, got, want)
		}
	}
}

// With shifts, one seat's window hours are the mean over the site's
// seats: a week in Manila (Monday 3 to Monday 10 March 2025), 600 seats.
// The site's week: Monday 00–07 (after the weekend) + 20–24 = 11, Tuesday
// to Friday 11 each, Saturday and Sunday 24 each: 103 h. 200 seats 24/7:
// 0; 150 night seats, off 08–21 on weekdays and all weekend: 5 × 13 + 2
// × 24 = 113; 150 day seats and the 100 seats no group holds: 103. Mean
// (150 × 113 + 250 × 103) ÷ 600 = 42,700 ÷ 600 = 71.1667 h.
func TestWindowHoursWithShiftsAreTheSeatsMean(t *testing.T) {
	t.Parallel()
	weekends := declaration.PowerOffWindow{Days: []string{"sat", "sun"}, AllDay: true}
	s := declaration.PowerOffSchedule{
		Windows: []declaration.PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}, weekends},
		Groups: []declaration.PowerOffGroup{
			{ID: "24x7", OU: "OU=24x7,DC=corp", NeverOff: true, Seats: 200},
			{ID: "night", Devices: []string{"MNL-N-*"}, Seats: 150, Windows: []declaration.PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "08:00", To: "21:00"}, weekends}},
			{ID: "day", Devices: []string{"MNL-02*"}, Seats: 150},
		}}
	from, to := footprint.NewDate(2025, time.March, 3), footprint.NewDate(2025, time.March, 10)
	assert.InDelta(t, 42700.0/600, windowHours(s, 600, "Asia/Manila", from, to), 1e-9)
	s.Groups = nil
	assert.InDelta(t, 103, windowHours(s, 600, "Asia/Manila", from, to), 1e-9)
}
