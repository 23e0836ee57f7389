package store

import (
	"sort"

	"github.com/greenhelp/greenhelp/footprint"
)

// The rollups are what every view reads instead of the raw records: per
// site, the valid records contained in one calendar month summed per key
// without its dates (kind, item, source, attrs) and per unit and quality,
// with their count and the days they were logged on; and, kept as they
// are, the few records a month cannot hold — those straddling a month
// boundary (prorated by the calculation exactly as before) and those that
// break the activity contract (set aside by it with a note). A year or a
// month computed from the rollups gives the lines computed from the raw
// records. This file is their arithmetic, without a database; a backend
// stores them with the batch, all or nothing (store/sqlite's rollup.go:
// in the catalog, whatever holds the records).

// RollupRow is one monthly aggregate.
type RollupRow struct {
	Site     string
	Kind     footprint.Kind
	Item     string
	Source   string
	Attrs    string
	Unit     footprint.Unit
	Quality  footprint.Quality
	Month    footprint.Date // the first day of the month
	Quantity float64
	Records  int
	Days     uint32 // bit i: day i+1 of the month has a record
}

// RollupScope is the part of a site's rollups a batch touches: one kind,
// the whole months [From, To).
type RollupScope struct {
	Site     string
	Kind     footprint.Kind
	From, To footprint.Date
}

// MonthOf is the first day of d's month.
func MonthOf(d footprint.Date) footprint.Date {
	return footprint.NewDate(d.Year(), d.Time().Month(), 1)
}

// NextMonth is the first day of the month after d's.
func NextMonth(d footprint.Date) footprint.Date {
	return footprint.NewDate(d.Year(), d.Time().Month()+1, 1)
}

// ScopesOf returns the scopes a batch of site touches: per kind, from the
// month of its earliest start to the end of the month of its latest end.
func ScopesOf(site string, acts []footprint.Activity) []RollupScope {
	by := map[footprint.Kind]*RollupScope{}
	for _, a := range acts {
		from, to := MonthOf(a.Start), NextMonth(a.End.AddDays(-1))
		if !a.Start.Before(a.End) {
			to = NextMonth(a.Start)
		}
		s, ok := by[a.Kind]
		if !ok {
			by[a.Kind] = &RollupScope{Site: site, Kind: a.Kind, From: from, To: to}
			continue
		}
		if from.Before(s.From) {
			s.From = from
		}
		if s.To.Before(to) {
			s.To = to
		}
	}
	out := make([]RollupScope, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Rolled reports whether a record is summed into a monthly row: valid,
// and lying in one calendar month.
func Rolled(a footprint.Activity) bool {
	return a.Start.Before(a.End) && !NextMonth(a.Start).Before(a.End) && len(a.Validate("")) == 0
}

// RollUp aggregates recs (in the series' key order) into monthly rows for
// the months in [from, to) (zero: all) and returns the records kept as
// they are (straddling a month, or invalid) that start in [from, to).
func RollUp(recs []Record, from, to footprint.Date) ([]RollupRow, []Record) {
	type gk struct {
		site, kind, item, source, attrs, unit, quality string
		month                                          footprint.Date
	}
	idx := map[gk]int{}
	var rows []RollupRow
	var spans []Record
	for _, r := range recs {
		a := r.Activity
		if !Rolled(a) {
			if (from.IsZero() || !a.Start.Before(from)) && (to.IsZero() || a.Start.Before(to)) {
				spans = append(spans, r)
			}
			continue
		}
		m := MonthOf(a.Start)
		if (!from.IsZero() && m.Before(from)) || (!to.IsZero() && !m.Before(to)) {
			continue
		}
		attrs := footprint.FormatAttrs(a.Attrs)
		k := gk{r.Site, string(a.Kind), a.Item, a.Source, attrs, string(a.Unit), string(a.Quality), m}
		i, ok := idx[k]
		if !ok {
			i = len(rows)
			idx[k] = i
			rows = append(rows, RollupRow{Site: r.Site, Kind: a.Kind, Item: a.Item, Source: a.Source, Attrs: attrs,
				Unit: a.Unit, Quality: a.Quality, Month: m})
		}
		row := &rows[i]
		row.Quantity += a.Quantity
		row.Records++
		row.Days |= DaysMask(a)
	}
	return rows, spans
}

// Activity is the row as an activity the calculation reads.
func (r RollupRow) Activity() footprint.Activity {
	attrs, _ := footprint.ParseAttrs(r.Attrs)
	return footprint.Activity{Kind: r.Kind, Item: r.Item, Start: r.Month, End: NextMonth(r.Month), Quantity: r.Quantity,
		Unit: r.Unit, Source: r.Source, Quality: r.Quality, Attrs: attrs,
		Rolled: &footprint.Rolled{Records: r.Records, Days: r.Days}}
}

// DaysMask is the bits of the days of a record lying in one month.
func DaysMask(a footprint.Activity) uint32 {
	m := MonthOf(a.Start)
	var bits uint32
	for d := m.DaysUntil(a.Start); d < m.DaysUntil(a.End) && d < 32; d++ {
		bits |= 1 << d
	}
	return bits
}
