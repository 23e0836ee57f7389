// Package structure is the group's organisational boundary over time: the
// events a site's life declares (acquired, divested, opened, closed,
// outsourced, insourced), the part of each year a site counts in, the
// months its records cover, and how each site counts in each year of the
// group's figures (SiteYear). Which sites count is read from declared
// events, never from whether data arrived (GHG Protocol Corporate
// Standard, ch. 5 "Tracking emissions over time"); footprint/planning
// restates the base year from them.
package structure

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// Kind is what happened to a site on a date.
type Kind string

// The kinds of event. Acquisitions and divestments, outsourcing and
// insourcing transfer emissions between companies (structural changes:
// they restate the base year above the significance threshold); openings
// and closures are the group's own growth and decline (organic: they
// restate nothing).
const (
	Acquired   Kind = "acquired"
	Divested   Kind = "divested"
	Opened     Kind = "opened"
	Closed     Kind = "closed"
	Outsourced Kind = "outsourced"
	Insourced  Kind = "insourced"
)

// Kinds lists the kinds in the order people read them.
func Kinds() []Kind {
	return []Kind{Acquired, Divested, Opened, Closed, Outsourced, Insourced}
}

// ParseKind reads a kind as typed (any case).
func ParseKind(s string) (Kind, error) {
	names := make([]string, 0, 6)
	for _, k := range Kinds() {
		if strings.EqualFold(strings.TrimSpace(s), string(k)) {
			return k, nil
		}
		names = append(names, string(k))
	}
	return "", fmt.Errorf("event kind %q: want one of %s", s, strings.Join(names, ", "))
}

// Enters says whether the site comes into the boundary (acquired, opened,
// insourced) rather than leaves it (divested, closed, outsourced).
func (k Kind) Enters() bool {
	return k == Acquired || k == Opened || k == Insourced
}

// Structural says whether the event transfers emissions from or to
// another company (acquired, divested, outsourced, insourced): the base
// year and the years between are restated for it above the threshold.
// An opening or a closure is organic growth or decline: never restated.
func (k Kind) Structural() bool {
	return k == Acquired || k == Divested || k == Outsourced || k == Insourced
}

// Event is a site's declared event: on On (the first day it counts, for
// an entry; the first day it no longer counts, for an exit).
type Event struct {
	Site string         `json:"site"`
	Kind Kind           `json:"kind"`
	On   footprint.Date `json:"on"`
	Note string         `json:"note,omitempty"`
}

// SortEvents orders events by site, day and kind: a total order (one
// event of a kind a day and site).
func SortEvents(es []Event) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Site != b.Site {
			return a.Site < b.Site
		}
		if a.On.Before(b.On) || b.On.Before(a.On) {
			return a.On.Before(b.On)
		}
		return a.Kind < b.Kind
	})
}

// CheckEvents returns what is wrong with a site's events together: at most
// one entry (acquired, opened, insourced) and one exit (divested, closed,
// outsourced), the exit after the entry. A site sold and bought back is
// registered again under a new id.
func CheckEvents(es []Event) error {
	var entry, exit *Event
	for i := range es {
		e := &es[i]
		if e.Kind.Enters() {
			if entry != nil {
				return fmt.Errorf("site %s: %s on %s and %s on %s: one entry a site (a site sold and bought back is registered again under a new id)", e.Site, entry.Kind, entry.On, e.Kind, e.On)
			}
			entry = e
			continue
		}
		if exit != nil {
			return fmt.Errorf("site %s: %s on %s and %s on %s: one exit a site (reopen it to undo the first)", e.Site, exit.Kind, exit.On, e.Kind, e.On)
		}
		exit = e
	}
	if entry != nil && exit != nil && !entry.On.Before(exit.On) {
		return fmt.Errorf("site %s: %s on %s is not after its %s on %s", entry.Site, exit.Kind, exit.On, entry.Kind, entry.On)
	}
	return nil
}

// Boundary is the part of time a site counts in the group's inventory,
// from its events.
type Boundary struct {
	// From is the first day counted: its acquisition's or insourcing's
	// (zero: from its first record — an opening counts from its first
	// record too).
	From footprint.Date
	// Until is the first day no longer counted (zero: still counted).
	Until footprint.Date
	// Entry and Exit are the events that set them (nil: none).
	Entry, Exit *Event
}

// BoundaryOf reads a site's boundary from its events (CheckEvents holds:
// otherwise its latest entry and its earliest exit count).
func BoundaryOf(es []Event) Boundary {
	es = append([]Event(nil), es...)
	SortEvents(es)
	var b Boundary
	for i := range es {
		e := es[i]
		switch {
		case e.Kind.Enters():
			b.Entry, b.From = &e, footprint.Date{}
			if e.Kind.Structural() {
				b.From = e.On
			}
		case b.Exit == nil:
			b.Exit, b.Until = &e, e.On
		}
	}
	return b
}

// Period is the days [From, To).
type Period struct {
	From footprint.Date `json:"from"`
	To   footprint.Date `json:"to"`
}

// Days is the period's length.
func (p Period) Days() int { return p.From.DaysUntil(p.To) }

// String is "2023-01-01–2023-12-31" (the last day included).
func (p Period) String() string { return p.From.String() + "–" + p.To.AddDays(-1).String() }

// Part is the part of year inside the boundary, from first (a site's
// first counted record: it joins then, organically; an acquired site that
// sent nothing since joins on its day) to end (the day after the group's
// newest record: the year is over for the group up to it); ok is false
// when none.
func (b Boundary) Part(year int, first, end footprint.Date) (Period, bool) {
	if first.IsZero() {
		first = b.From
	}
	from, to := footprint.YearBounds(year)
	for _, d := range []footprint.Date{b.From, first} {
		if from.Before(d) {
			from = d
		}
	}
	for _, d := range []footprint.Date{b.Until, end} {
		if !d.IsZero() && d.Before(to) {
			to = d
		}
	}
	if first.IsZero() || !from.Before(to) {
		return Period{}, false
	}
	return Period{from, to}, true
}

// Coverage is the calendar months a site's records touch (the rule
// footprint.FullYears counts a full year by).
type Coverage struct{ months map[int]bool }

// CoverageOf reads the months acts touch.
func CoverageOf(acts []footprint.Activity) Coverage {
	c := Coverage{months: map[int]bool{}}
	for _, a := range acts {
		last := a.End.AddDays(-1)
		for k := monthKey(a.Start); k <= monthKey(last); k++ {
			c.months[k] = true
		}
	}
	return c
}

func monthKey(d footprint.Date) int { return d.Year()*12 + int(d.Time().Month()) - 1 }

// Gaps returns the days of p in months no record touches, contiguous
// ones merged, in order: what a site owed the group in p and sent nothing
// for.
func (c Coverage) Gaps(p Period) []Period {
	var out []Period
	for k := monthKey(p.From); k <= monthKey(p.To.AddDays(-1)); k++ {
		if c.months[k] {
			continue
		}
		from := footprint.NewDate(k/12, time.Month(k%12+1), 1)
		to := footprint.NewDate((k+1)/12, time.Month((k+1)%12+1), 1)
		if from.Before(p.From) {
			from = p.From
		}
		if p.To.Before(to) {
			to = p.To
		}
		if n := len(out); n > 0 && out[n-1].To.DaysUntil(from) == 0 {
			out[n-1].To = to
			continue
		}
		out = append(out, Period{from, to})
	}
	return out
}

// Site-year statuses: how a site counts in a year of the group's figures.
const (
	// Reported: its records cover its part of the year.
	Reported = "reported"
	// PartlyEstimated: records for part of it, the months it sent
	// nothing for estimated from its last full year.
	PartlyEstimated = "partly estimated"
	// Estimated: silent the whole year, estimated from its last
	// full year.
	Estimated = "estimated"
	// PartlyMissing: records for part of it, the rest missing
	// with no full year before to estimate it from (left out, said so).
	PartlyMissing = "partly missing"
	// Missing: silent the whole year with no full year before.
	Missing = "missing"
	// Outside: records of a year it was outside the group (before
	// its acquisition): not counted, kept for the base-year restatement.
	Outside = "outside the group"
)

// SiteYear is how one site counts in one year of the group's figures.
type SiteYear struct {
	Site   string `json:"site"`
	Year   int    `json:"year"`
	Status string `json:"status"`
	// T is what the group counts of it (market-based tCO2e), EstimatedT
	// the estimated part of T.
	T          float64 `json:"t"`
	EstimatedT float64 `json:"estimated_t"`
	// Gaps are the days it owed the group and sent nothing for;
	// EstimatedFrom the full year they are estimated from (0: not
	// estimated).
	Gaps          []Period `json:"gaps,omitempty"`
	EstimatedFrom int      `json:"estimated_from,omitempty"`
	// Basis says it in words.
	Basis string `json:"basis"`
}

// SortSiteYears orders site-years by year, then site: a total order.
func SortSiteYears(ys []SiteYear) {
	sort.Slice(ys, func(i, j int) bool {
		if ys[i].Year != ys[j].Year {
			return ys[i].Year < ys[j].Year
		}
		return ys[i].Site < ys[j].Site
	})
}

// GapDays is the days of gaps.
func GapDays(gaps []Period) int {
	n := 0
	for _, g := range gaps {
		n += g.Days()
	}
	return n
}

// GapText is the gaps in words: "2023-01-01–2023-12-31, …".
func GapText(gaps []Period) string {
	parts := make([]string, len(gaps))
	for i, g := range gaps {
		parts[i] = g.String()
	}
	return strings.Join(parts, ", ")
}
