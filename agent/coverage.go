package agent

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// YearCoverage is how many days of a calendar year (the inventory's
// reporting year) a source's records cover.
type YearCoverage struct {
	Year    int `json:"year"`
	Days    int `json:"days"`    // days in the year
	Covered int `json:"covered"` // days at least one record covers
}

// CoverageRule is how a source's records should cover time.
type CoverageRule struct {
	// MinGap is the shortest run of days without a record reported as a
	// gap: 1 for bills and meters (every day counts), more for working
	// days (a roster has no weekend rows), 0 for events (travel: no gaps).
	MinGap int
	// BaseYear is the site's first reporting year (0: the first year the
	// records touch).
	BaseYear int
	// Today: the days after it are in the future, and its year is not
	// over (its trailing days are not a gap yet).
	Today footprint.Date
}

// Coverage says, for the records of one source, the days of each
// reporting year they cover and, as warnings, what they leave out: the
// years not covered, the gaps (between two periods, and at a year's
// start or a past year's end), the days two records of the same series
// both cover (counted twice), and the days outside every reporting year.
// A gap of one day between each two bills is said to look like inclusive
// ends read as exclusive.
func Coverage(acts []footprint.Activity, rule CoverageRule) ([]YearCoverage, []string) {
	if len(acts) == 0 {
		return nil, nil
	}
	covered := map[int]bool{} // day number → covered
	perSeries := map[string]map[int]int{}
	periods := map[string][][2]int{}
	for _, a := range acts {
		s, e := dayNum(a.Start), dayNum(a.End)
		series := string(a.Kind) + "/" + a.Item + "/" + footprint.FormatAttrs(a.Attrs)
		if perSeries[series] == nil {
			perSeries[series] = map[int]int{}
		}
		for d := s; d < e; d++ {
			covered[d] = true
			perSeries[series][d]++
		}
		periods[series] = append(periods[series], [2]int{s, e})
	}
	days := slicesSorted(covered)
	first, last := days[0], days[len(days)-1]
	y0, y1 := dateOf(first).Year(), dateOf(last).Year()
	var warn []string
	if rule.BaseYear != 0 {
		y0 = rule.BaseYear // the years before are outside, said below
	}
	var out []YearCoverage
	today := dayNum(rule.Today)
	for y := y0; y <= y1; y++ {
		ys, ye := dayNum(footprint.NewDate(y, 1, 1)), dayNum(footprint.NewDate(y+1, 1, 1))
		yc := YearCoverage{Year: y, Days: ye - ys}
		for d := ys; d < ye; d++ {
			if covered[d] {
				yc.Covered++
			}
		}
		out = append(out, yc)
		if yc.Covered == 0 {
			warn = append(warn, fmt.Sprintf("%d: not covered (0 of %d days): no record of this source falls in it", y, yc.Days))
			continue
		}
		if rule.MinGap == 0 {
			continue
		}
		end := ye
		if y == y1 && (rule.Today.IsZero() || today < ye) {
			end = last + 1 // the year is not over: its last days may come
		}
		for _, g := range gaps(covered, ys, end) {
			if g[1]-g[0] >= rule.MinGap {
				warn = append(warn, fmt.Sprintf("%d: %s not covered (%s)", y, span(g[0], g[1]), nDays(g[1]-g[0])))
			}
		}
	}
	warn = append(warn, overlaps(perSeries)...)
	if rule.BaseYear != 0 && first < dayNum(footprint.NewDate(rule.BaseYear, 1, 1)) {
		n := 0
		for _, d := range days {
			if d < dayNum(footprint.NewDate(rule.BaseYear, 1, 1)) {
				n++
			}
		}
		warn = append(warn, fmt.Sprintf("%s before %d, the base year: outside every reporting year", nDays(n), rule.BaseYear))
	}
	if !rule.Today.IsZero() && last > today {
		warn = append(warn, fmt.Sprintf("%s after today (%s): records of days to come", nDays(last-today), rule.Today))
	}
	for _, series := range slices.Sorted(maps.Keys(periods)) {
		if h := inclusiveHint(periods[series]); h != "" {
			warn = append(warn, trimSeries(series)+": "+h)
		}
	}
	return out, warn
}

// gaps returns the runs [from, to) of days in [lo, hi) not covered.
func gaps(covered map[int]bool, lo, hi int) [][2]int {
	var out [][2]int
	for d := lo; d < hi; {
		if covered[d] {
			d++
			continue
		}
		e := d
		for e < hi && !covered[e] {
			e++
		}
		out = append(out, [2]int{d, e})
		d = e
	}
	return out
}

// overlaps reports the runs of days two records of one series cover:
// they would be counted twice.
func overlaps(perSeries map[string]map[int]int) []string {
	var out []string
	names := make([]string, 0, len(perSeries))
	for s := range perSeries {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		twice := map[int]bool{}
		for d, n := range perSeries[s] {
			if n > 1 {
				twice[d] = true
			}
		}
		if len(twice) == 0 {
			continue
		}
		ds := slicesSorted(twice)
		for i := 0; i < len(ds); {
			j := i
			for j+1 < len(ds) && ds[j+1] == ds[j]+1 {
				j++
			}
			out = append(out, fmt.Sprintf("%s covered by more than one record of %s (%s): counted twice — a bill typed twice, or periods that overlap", span(ds[i], ds[j]+1), trimSeries(s), nDays(ds[j]+1-ds[i])))
			i = j + 1
		}
	}
	return out
}

// inclusiveHint: periods longer than a day that each leave exactly one
// day between them look like bills' printed (inclusive) ends read as
// exclusive ends.
func inclusiveHint(periods [][2]int) string {
	slices.SortFunc(periods, func(a, b [2]int) int { return a[0] - b[0] })
	oneDay, pairs := 0, 0
	for i := 1; i < len(periods); i++ {
		p, q := periods[i-1], periods[i]
		if p[1]-p[0] <= 1 || q[1]-q[0] <= 1 {
			return ""
		}
		pairs++
		if q[0]-p[1] == 1 {
			oneDay++
		}
	}
	if pairs >= 2 && oneDay == pairs {
		return fmt.Sprintf("every gap between two periods is one day (%d of %d): the ends look like a bill's printed last day read as the day after: set end_inclusive: true", oneDay, pairs)
	}
	return ""
}

// trimSeries names a series without an empty attribute part.
func trimSeries(s string) string {
	if len(s) > 0 && s[len(s)-1] == '/' {
		return s[:len(s)-1]
	}
	return s
}

var epoch = footprint.NewDate(1970, 1, 1)

func dayNum(d footprint.Date) int       { return epoch.DaysUntil(d) }
func dateOf(n int) footprint.Date       { return epoch.AddDays(n) }
func slicesSorted(m map[int]bool) []int { return slices.Sorted(maps.Keys(m)) }

// span writes the days [from, to) as a range of dates.
func span(from, to int) string {
	if to-from == 1 {
		return dateOf(from).String()
	}
	return dateOf(from).String() + " to " + dateOf(to-1).String()
}

func nDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// today is the site's date now.
func today(tz string, now time.Time) footprint.Date {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	t := now.In(loc)
	return footprint.NewDate(t.Year(), t.Month(), t.Day())
}
