package winlog

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// culture is how a Windows culture writes a date and time: .NET's general
// format "G" (short date, long time), what PowerShell 5.1's Export-Csv
// writes for TimeCreated. Go's layouts read the forms without a leading
// zero (1, 2, 3, and 15 reading one digit too), so "3/4/2025 8:02:11 PM"
// and "03/04/2025 08:02:11 PM" both read.
//
// TODO(#28): move to agent/timefmt (the layouts as people write them)
// once it exists on main.
type culture struct {
	name    string
	dotnet  string // the .NET pattern, as the error shows it
	layout  string // Go layout
	example string // 14 March 2025, 20:02:11
}

// cultures are the patterns of .NET's culture data (CultureInfo
// DateTimeFormat ShortDatePattern + " " + LongTimePattern), for the
// cultures a contact-centre group's sites run.
var cultures = []culture{
	{"en-US", "M/d/yyyy h:mm:ss tt", "1/2/2006 3:04:05 PM", "3/14/2025 8:02:11 PM"},
	{"en-GB", "dd/MM/yyyy HH:mm:ss", "2/1/2006 15:04:05", "14/03/2025 20:02:11"},
	{"fr-FR", "dd/MM/yyyy HH:mm:ss", "2/1/2006 15:04:05", "14/03/2025 20:02:11"},
	{"de-DE", "dd.MM.yyyy HH:mm:ss", "2.1.2006 15:04:05", "14.03.2025 20:02:11"},
}

// CultureNames is the cultures a CSV's timestamps may be written in.
func CultureNames() []string {
	out := make([]string, len(cultures))
	for i, c := range cultures {
		out[i] = c.name
	}
	return out
}

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
// instant it can mean. A local time the clocks skipped (spring) is an
// error: the export was not written in loc.
func (c *culture) parse(raw string, loc *time.Location) (t, alt time.Time, err error) {
	t, err = time.ParseInLocation(c.layout, raw, loc)
	if err != nil {
		return t, alt, fmt.Errorf("not %s's %s (e.g. %s)", c.name, c.dotnet, c.example)
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
	u, err := time.ParseInLocation(c.layout, raw, time.UTC)
	if err != nil {
		return fallback.Hour()
	}
	return u.Hour()
}

// readsAs names the cultures whose layout reads raw, for an error.
func readsAs(raw string, loc *time.Location) string {
	var names []string
	for _, c := range cultures {
		if _, err := time.ParseInLocation(c.layout, raw, loc); err == nil {
			names = append(names, c.name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " — it reads as " + strings.Join(names, " or ")
}
