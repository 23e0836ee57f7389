package winlog

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/timefmt"
)

// culture is how a Windows culture writes a date and time: .NET's general
// format "G" (short date, long time), what PowerShell 5.1's Export-Csv
// writes for TimeCreated — agent/timefmt's culture presets.
type culture struct {
	name    string
	layout  timefmt.Layout
	example string // 14 March 2025, 20:02:11
}

// examples show each culture's form of 14 March 2025, 20:02:11, in
// errors (the patterns are agent/timefmt's, with their sources).
var examples = map[string]string{
	"en-US": "3/14/2025 8:02:11 PM", "en-GB": "14/03/2025 20:02:11", "fr-FR": "14/03/2025 20:02:11",
	"de-DE": "14.03.2025 20:02:11", "invariant": "03/14/2025 20:02:11",
}

// cultures are agent/timefmt's cultures, their layouts checked once.
var cultures = func() []culture {
	var out []culture
	for _, name := range timefmt.Cultures() {
		l, err := timefmt.Culture(name)
		if err != nil {
			panic(err) // the presets are code: they parse
		}
		out = append(out, culture{name: name, layout: l, example: examples[name]})
	}
	return out
}()

// CultureNames is the cultures a CSV's timestamps may be written in.
func CultureNames() []string { return timefmt.Cultures() }

// lookupCulture returns the culture named (case-insensitive).
func lookupCulture(name string) (*culture, bool) {
	i := slices.IndexFunc(cultures, func(c culture) bool { return strings.EqualFold(c.name, name) })
	if i < 0 {
		return nil, false
	}
	return &cultures[i], true
}

// CheckCulture reports what is wrong with a culture's name ("" is
// allowed: timestamps are then read only in ISO 8601).
func CheckCulture(name string) error {
	if _, ok := lookupCulture(name); ok || name == "" {
		return nil
	}
	return fmt.Errorf("unknown culture: want one of %s (the Windows culture of the machine that exported the file)", strings.Join(CultureNames(), ", "))
}

// parse reads a local time in c's layout in loc: the instant, and, when
// the clocks went through that local time twice (autumn), the other
// instant it can mean.
func (c *culture) parse(raw string, loc *time.Location) (t, alt time.Time, err error) {
	t, err = c.layout.Parse(raw, loc)
	if err != nil {
		return t, alt, fmt.Errorf("not %s's %s (e.g. %s)", c.name, c.layout, c.example)
	}
	t, alt = local(t)
	return t, alt, nil
}

// local returns t (read in its zone) and, when the clocks showed its wall
// time twice, the other instant (a zone's shift is an hour, or half of
// one).
func local(t time.Time) (time.Time, time.Time) {
	same := func(u time.Time) bool {
		y, m, d := u.Date()
		return y == t.Year() && m == t.Month() && d == t.Day() && u.Hour() == t.Hour() && u.Minute() == t.Minute() && u.Second() == t.Second()
	}
	for _, d := range []time.Duration{-time.Hour, time.Hour, -30 * time.Minute, 30 * time.Minute} {
		if u := t.Add(d); same(u) {
			return t, u
		}
	}
	return t, time.Time{}
}

// readTime reads a TimeCreated: ISO 8601 with its offset (what the deploy
// script and wevtutil write) whatever the culture, else the culture's
// layout in loc.
func (p *parser) readTime(raw string) (t, alt time.Time, err error) {
	raw = strings.TrimSpace(marks.Replace(raw))
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return t, time.Time{}, nil
	}
	if p.culture == nil {
		return t, alt, fmt.Errorf("%q is in a culture's format: set culture: to the exporting machine's (%s)%s", raw, strings.Join(CultureNames(), ", "), readsAs(raw, p.loc))
	}
	t, alt, err = p.culture.parse(raw, p.loc)
	if err != nil {
		return t, alt, fmt.Errorf("%q: %w%s", raw, err, readsAs(raw, p.loc))
	}
	if t.Hour() != hourOf(raw, p.culture, t) {
		return t, alt, fmt.Errorf("%q does not exist in %s (the clocks went forward through it): the export's clock is not in that time zone; set timezone: to the exporting machines' own", raw, p.loc)
	}
	return t, alt, nil
}

// hourOf is the hour raw was written with, as c's layout reads it in UTC
// (where no hour is skipped).
func hourOf(raw string, c *culture, fallback time.Time) int {
	u, err := c.layout.Parse(raw, time.UTC)
	if err != nil {
		return fallback.Hour()
	}
	return u.Hour()
}

// readsAs names the cultures whose layout reads raw, for an error.
func readsAs(raw string, loc *time.Location) string {
	var names []string
	for _, c := range cultures {
		if _, err := c.layout.Parse(raw, loc); err == nil {
			names = append(names, c.name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " — it reads as " + strings.Join(names, " or ")
}
