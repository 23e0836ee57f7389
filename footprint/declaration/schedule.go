package declaration

import (
	"sort"
	"strings"
	"time"
)

// Interval is a span of real time [From, To).
type Interval struct{ From, To time.Time }

// Intervals returns the power-off window intervals that fall within the
// local day starting at day (midnight in loc), from the site schedule.
// Windows are wall-clock times: on a DST day they are an hour longer or
// shorter in real time.
//
// Adjacent windows join, as the person writing the schedule means them:
// the morning part of a window that spans midnight ("mon–fri 20:00–07:00")
// belongs to the night that started the evening before — and also to a
// listed day whose previous day is off until midnight (a weekend all_day),
// so that Monday 00:00–07:00 after an off Sunday is off too, not on.
func (sched PowerOffSchedule) Intervals(day time.Time, loc *time.Location) []Interval {
	y, m, d := day.Date()
	at := func(dd, minutes int) time.Time { return time.Date(y, m, d+dd, minutes/60, minutes%60, 0, 0, loc) }
	dayStart, dayEnd := at(0, 0), at(1, 0)
	wd := strings.ToLower(day.Weekday().String()[:3])
	prev := strings.ToLower(day.AddDate(0, 0, -1).Weekday().String()[:3])
	prevOffAtMidnight := offAtMidnight(sched, prev)
	var out []Interval
	for _, w := range sched.Windows {
		days := map[string]bool{}
		for _, x := range w.Days {
			days[strings.ToLower(x)] = true
		}
		if w.AllDay {
			if days[wd] {
				out = append(out, Interval{dayStart, dayEnd})
			}
			continue
		}
		from, err1 := ParseClock(w.From)
		to, err2 := ParseClock(w.To)
		if err1 != nil || err2 != nil {
			continue
		}
		if from < to {
			if days[wd] {
				out = append(out, Interval{at(0, from), at(0, to)})
			}
			continue
		}
		// Spans midnight: the evening part today, the morning part of
		// yesterday's window.
		if days[wd] {
			out = append(out, Interval{at(0, from), dayEnd})
		}
		if days[prev] || (days[wd] && prevOffAtMidnight) {
			out = append(out, Interval{dayStart, at(0, to)})
		}
	}
	return mergeIntervals(out)
}

// offAtMidnight reports whether the schedule keeps devices off at the end
// of the weekday wd ("mon" …): an all_day window, or the evening part of a
// window spanning midnight.
func offAtMidnight(sched PowerOffSchedule, wd string) bool {
	for _, w := range sched.Windows {
		listed := false
		for _, x := range w.Days {
			listed = listed || strings.EqualFold(x, wd)
		}
		if !listed {
			continue
		}
		if w.AllDay {
			return true
		}
		from, err1 := ParseClock(w.From)
		to, err2 := ParseClock(w.To)
		if err1 == nil && err2 == nil && from >= to {
			return true
		}
	}
	return false
}

func mergeIntervals(iv []Interval) []Interval {
	sort.Slice(iv, func(i, j int) bool { return iv[i].From.Before(iv[j].From) })
	var out []Interval
	for _, x := range iv {
		if n := len(out); n > 0 && !x.From.After(out[n-1].To) {
			if x.To.After(out[n-1].To) {
				out[n-1].To = x.To
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// Hours returns the real hours of power-off window in the local day
// starting at day.
func (sched PowerOffSchedule) Hours(day time.Time, loc *time.Location) float64 {
	var d time.Duration
	for _, x := range sched.Intervals(day, loc) {
		d += x.To.Sub(x.From)
	}
	return d.Hours()
}
