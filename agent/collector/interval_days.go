package collector

import (
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// Noter is a collector with notes on what it read that are neither
// records nor rejected rows: a day sent as estimated, intervals given
// twice and counted once, the last day still open. The agent shows them
// with the source's health (Notes, after Result).
type Noter interface {
	Notes() []source.Rejection
}

// dayUse is what the spans give a local day: energy, and the time
// covered by intervals read (exact) or by an index's span over a
// missing reading (spread).
type dayUse struct {
	wh            float64
	exact, spread int64 // ns
}

// Result settles the readings and rolls the spans up to a record per
// local day: complete days as read, days with intervals missing rejected
// or estimated (gaps:), the last day kept open while the export may
// still grow.
func (m *meter) Result() ([]footprint.Activity, []source.Rejection, error) {
	m.settle()
	acts, rej, _ := m.days()
	return acts, append(append([]source.Rejection(nil), m.rejects...), rej...), nil
}

// Notes are the days estimated, the duplicates and the open day.
func (m *meter) Notes() []source.Rejection {
	m.settle()
	_, _, notes := m.days()
	return notes
}

func (m *meter) Whole(t source.Table) ([]footprint.Activity, []source.Rejection) { return whole(m, t) }

// days rolls the spans up to local days.
func (m *meter) days() (acts []footprint.Activity, rejects, notes []source.Rejection) {
	for _, p := range m.pending {
		rejects = append(rejects, source.Rejection{Where: p.Where, Reason: "one reading with a time only: its interval cannot be inferred yet; declare interval: (e.g. 30m)"})
	}
	for _, d := range slicesSortedDates(m.dups) {
		c := m.dups[d]
		notes = append(notes, source.Rejection{Where: c.First, Reason: fmt.Sprintf("%s: %d interval(s) given twice with the same value, counted once", d, c.N)})
	}
	if len(m.spans) == 0 {
		return nil, rejects, notes
	}
	use := map[footprint.Date]*dayUse{}
	for _, s := range m.spans {
		for from := s.From; from < s.To; {
			d := m.day(from)
			to := min(s.To, m.midnight(d.AddDays(1)))
			u := use[d]
			if u == nil {
				u = &dayUse{}
				use[d] = u
			}
			u.wh += s.Wh * float64(to-from) / float64(s.To-s.From)
			if s.Spread {
				u.spread += to - from
			} else {
				u.exact += to - from
			}
			from = to
		}
	}
	end := m.spans[len(m.spans)-1].To
	step := m.typicalStep()
	last := m.day(end - 1)
	days := slicesSortedDates(use)
	for i, d := range days {
		if i > 0 && days[i-1].AddDays(1).Before(d) {
			from, to := days[i-1].AddDays(1), d.AddDays(-1)
			n := from.DaysUntil(d)
			missing := m.midnight(d) - m.midnight(from)
			what := fmt.Sprintf("%s to %s: no reading for %d day(s) (%s): not sent", from, to, n, countMissing(missing, step, "missing"))
			if n == 1 {
				what = fmt.Sprintf("no reading for the whole day (%s): not sent", countMissing(missing, step, "missing"))
			}
			rejects = append(rejects, source.Rejection{Where: "day " + from.String(), Reason: what})
		}
		mid, next := m.midnight(d), m.midnight(d.AddDays(1))
		length := next - mid
		u := use[d]
		covered := u.exact + u.spread
		missing := length - covered
		where := "day " + d.String()
		if missing > 0 && d == last && end < next {
			notes = append(notes, source.Rejection{Where: where, Reason: fmt.Sprintf("read up to %s (%s of %s, %s): the day is sent once its intervals are all there",
				m.fmtTime(end), hm(covered), hm(length), countMissing(missing, step, "so far missing"))})
			continue
		}
		a := footprint.Activity{Kind: footprint.Kind(m.o.Kind), Item: m.o.Item, Start: d, End: d.AddDays(1),
			Quantity: u.wh / 1000, Unit: footprint.UnitKWh, Source: m.env.ID, Quality: footprint.Quality(m.env.Common.Quality)}
		if len(m.attrs) > 0 {
			a.Attrs = maps.Clone(m.attrs)
		}
		if missing > 0 || u.spread > 0 {
			what := countMissing(missing, step, "missing")
			if u.spread > 0 {
				what = strings.TrimPrefix(what+"; ", "no interval missing; ") + fmt.Sprintf("%s only from an index's span over a missing reading", hm(u.spread))
			}
			switch {
			case covered == 0:
				rejects = append(rejects, source.Rejection{Where: where, Reason: fmt.Sprintf("no reading for the whole day (%s): not sent", countMissing(missing, step, "missing"))})
				continue
			case m.o.Gaps != gapsEstimate:
				rejects = append(rejects, source.Rejection{Where: where, Reason: fmt.Sprintf("%s of %s read (%s): not sent (gaps: reject; gaps: estimate sends it filled at its average power, as estimated)", hm(u.exact), hm(length), what)})
				continue
			case m.o.MaxMissing > 0 && time.Duration(missing+u.spread) > m.o.MaxMissing:
				rejects = append(rejects, source.Rejection{Where: where, Reason: fmt.Sprintf("%s of %s read (%s): more than max_missing %s, not sent", hm(u.exact), hm(length), what, hm(int64(m.o.MaxMissing)))})
				continue
			}
			a.Quantity = u.wh / 1000 * float64(length) / float64(covered)
			a.Quality = footprint.QualityEstimated
			notes = append(notes, source.Rejection{Where: where, Reason: fmt.Sprintf("%s of %s read (%s): sent as estimated, %.3f kWh read + %.3f kWh filled at the day's average power",
				hm(u.exact), hm(length), what, u.wh/1000, a.Quantity-u.wh/1000)})
		}
		a.Quantity = math.Round(a.Quantity*1e6) / 1e6
		if errs := a.Validate(where); len(errs) > 0 {
			msgs := make([]string, len(errs))
			for i, e := range errs {
				msgs[i] = strings.TrimPrefix(e.Error(), where+": ")
			}
			rejects = append(rejects, source.Rejection{Where: where, Reason: strings.Join(msgs, "; ")})
			continue
		}
		acts = append(acts, a)
	}
	return acts, rejects, notes
}

// midnight is the instant a local day starts (Unix ns).
func (m *meter) midnight(d footprint.Date) int64 {
	return time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 0, 0, 0, 0, m.loc).UnixNano()
}

// typicalStep is the intervals' length to count missing ones in: the
// declared or inferred step, else the most common span.
func (m *meter) typicalStep() time.Duration {
	switch {
	case m.o.Interval > 0:
		return m.o.Interval
	case m.reading == readingIndex && m.indexStep > 0:
		return m.indexStep
	case m.step > 0:
		return m.step
	}
	count := map[int64]int{}
	var best int64
	for _, s := range m.spans {
		d := s.To - s.From
		count[d]++
		if c, b := count[d], count[best]; c > b || c == b && d < best {
			best = d
		}
	}
	return time.Duration(best)
}

// countMissing says how many intervals of step missing is.
func countMissing(missing int64, step time.Duration, what string) string {
	if missing <= 0 {
		return "no interval missing"
	}
	if step <= 0 {
		return hm(missing) + " " + what
	}
	n := math.Ceil(float64(missing)/float64(step) - 1e-9)
	return fmt.Sprintf("%d interval(s) of %s %s", int(n), hm(int64(step)), what)
}

// hm writes a length in hours and minutes: 23h, 1h30m, 45m.
func hm(ns int64) string {
	d := time.Duration(ns).Round(time.Second)
	h, mi, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if mi > 0 {
		fmt.Fprintf(&b, "%dm", mi)
	}
	if sec > 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%ds", sec)
	}
	return b.String()
}

func slicesSortedDates[V any](m map[footprint.Date]V) []footprint.Date {
	out := make([]footprint.Date, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
