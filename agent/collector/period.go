package collector

import (
	"fmt"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/agent/timefmt"
	"github.com/greenhelp/greenhelp/footprint"
)

// periodSeparators are what a bill writes between a period's first and
// last day, tried in this order when the source does not name its own.
var periodSeparators = []string{" - ", " – ", " — ", " to ", " au ", " bis ", " al ", "–", "—"}

// Periods says how a source's periods are written: the end printed
// inclusive (as a bill prints it: "Jan 5 - Feb 4" covers 4 February) or
// exclusive (the day after the last), and the period column's separator.
type Periods struct {
	// EndInclusive: the end is the period's last day (default true for
	// columns.period; false for columns.start and columns.end, as before).
	EndInclusive *bool `mapstructure:"end_inclusive"`
	// PeriodSeparator is what separates a period column's two dates
	// (default: " - ", " – ", " to ", " au ", " bis " … whichever reads).
	PeriodSeparator string `mapstructure:"period_separator"`
}

// inclusive says whether the source's ends are inclusive.
func (p Periods) inclusive(period bool) bool {
	if p.EndInclusive != nil {
		return *p.EndInclusive
	}
	return period
}

// period reads a row's period, [start, end) with end exclusive: from
// columns.period, or from columns.start and columns.end.
func (c *state) period(r source.Row, p Periods) (footprint.Date, footprint.Date, bool) {
	if raw := strings.TrimSpace(r.Get("period")); raw != "" {
		start, end, err := c.parsePeriod(raw, p.PeriodSeparator)
		if err != nil {
			c.rejectLayout(r, "date_format", raw, err, "period: %q: %v", raw, err)
			return footprint.Date{}, footprint.Date{}, false
		}
		return c.endOf(r, start, end, p.inclusive(true))
	}
	start, ok := c.date(r, "start")
	if !ok {
		return footprint.Date{}, footprint.Date{}, false
	}
	end, ok := c.date(r, "end")
	if !ok {
		return footprint.Date{}, footprint.Date{}, false
	}
	return c.endOf(r, start, end, p.inclusive(false))
}

// endOf makes an inclusive end exclusive (a period whose end comes
// before its start is the record's check to refuse, as before).
func (c *state) endOf(_ source.Row, start, end footprint.Date, inclusive bool) (footprint.Date, footprint.Date, bool) {
	if inclusive {
		end = end.AddDays(1)
	}
	return start, end, true
}

// parsePeriod reads "Jan 5 - Feb 4, 2025" or "Dec 5, 2025 - Jan 4,
// 2026" with the source's date_format (here MMM D, YYYY): the end as
// the layout says, the start as the layout or, when it omits the year,
// the layout without it, in the end's year (the year before when the
// start's month and day come after the end's).
func (c *state) parsePeriod(raw, sep string) (footprint.Date, footprint.Date, error) {
	seps := periodSeparators
	if sep != "" {
		seps = []string{sep}
	}
	noYear, hasNoYear := c.dateLayout.WithoutYear()
	var firstErr error
	for _, s := range seps {
		for from := 0; ; {
			i := strings.Index(raw[from:], s)
			if i < 0 {
				break
			}
			i += from
			from = i + len(s)
			left, right := strings.TrimSpace(raw[:i]), strings.TrimSpace(raw[i+len(s):])
			end, err := c.dayOf(right, c.dateLayout)
			if err != nil {
				firstErr = keep(firstErr, err)
				continue
			}
			start, err := c.dayOf(left, c.dateLayout)
			if err != nil && hasNoYear {
				md, err2 := noYear.Parse(left, time.UTC)
				if err2 != nil {
					firstErr = keep(firstErr, err)
					continue
				}
				y := end.Year()
				if md.Month() > end.Month() || md.Month() == end.Month() && md.Day() > end.Day() {
					y--
				}
				if md.Day() > daysIn(md.Month(), y) {
					firstErr = keep(firstErr, fmt.Errorf("%s %d: %d has no such day", md.Month(), md.Day(), y))
					continue
				}
				start, err = time.Date(y, md.Month(), md.Day(), 0, 0, 0, 0, time.UTC), nil
			}
			if err != nil {
				firstErr = keep(firstErr, err)
				continue
			}
			return footprint.NewDate(start.Year(), start.Month(), start.Day()), footprint.NewDate(end.Year(), end.Month(), end.Day()), nil
		}
	}
	if firstErr != nil {
		return footprint.Date{}, footprint.Date{}, fmt.Errorf("want two dates as %s (the first may omit its year) separated by %s: %w", c.env.Common.DateFormat, sepWords(seps), firstErr)
	}
	return footprint.Date{}, footprint.Date{}, fmt.Errorf("want two dates as %s separated by %s", c.env.Common.DateFormat, sepWords(seps))
}

// dayOf reads a date with the layout, or a timestamp with the source's
// time layout.
func (c *state) dayOf(s string, l timefmt.Layout) (time.Time, error) {
	t, err := l.Parse(s, time.UTC)
	if err != nil {
		if t2, err2 := c.timeLayout.Parse(s, time.UTC); err2 == nil {
			return t2, nil
		}
	}
	return t, err
}

func keep(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func daysIn(m time.Month, year int) int { return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

func sepWords(seps []string) string {
	q := make([]string, len(seps))
	for i, s := range seps {
		q[i] = fmt.Sprintf("%q", s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "one of " + strings.Join(q, ", ")
}
