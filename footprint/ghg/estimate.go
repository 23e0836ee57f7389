package ghg

import (
	"sort"

	"github.com/greenhelp/greenhelp/footprint"
)

// Estimated says that part of a site's year stands in for records it never
// sent (a silent site: a completeness gap, estimated rather than left out).
type Estimated struct {
	// FromYear is the site's full year the estimate is scaled from; Days
	// the days of the year it sent nothing for, Share their part of the
	// year.
	FromYear int     `json:"from_year"`
	Days     int     `json:"days"`
	Share    float64 `json:"share"`
	// T is the market-based tonnes estimated (the estimated lines' sum).
	T     float64 `json:"t"`
	Basis string  `json:"basis"`
}

// WithEstimate returns inv (nil: the site sent nothing for year) with days
// of year estimated from last, a full year of the same site: each of last's
// lines × days ÷ the days of year, quality "estimated", basis naming the
// gap and the year it stands in for (so that the lines never merge with
// measured ones). inv and last are not changed; a traced inventory's
// records keep pointing at their lines.
func WithEstimate(inv, last *Inventory, year, days int, basis string) *Inventory {
	out := &Inventory{Year: year, Site: last.Site, SiteName: last.SiteName, Country: last.Country, Profile: last.Profile,
		FactorSet: last.FactorSet, GWPSet: last.GWPSet, UpstreamElectricity: last.UpstreamElectricity, Lines: []Line{}}
	if inv != nil {
		*out = *inv
		out.Lines = append([]Line(nil), inv.Lines...)
		out.Records = append([]LineRecord(nil), inv.Records...)
		out.Notes = append([]string(nil), inv.Notes...)
	}
	from, to := footprint.YearBounds(year)
	share := float64(days) / float64(from.DaysUntil(to))
	est := &Estimated{FromYear: last.Year, Days: days, Share: share, Basis: basis}
	for _, l := range last.Lines {
		l.Quantity *= share
		l.T *= share
		l.Quality, l.Basis, l.Records = footprint.QualityEstimated, basis, 0
		if l.Scope != Scope2Location {
			est.T += l.T
		}
		out.Lines = append(out.Lines, l)
	}
	// Sorted as every inventory's lines, the records' line numbers moved
	// with them.
	perm := lineOrder(out.Lines)
	lines, at := make([]Line, len(perm)), make([]int, len(perm))
	for i, p := range perm {
		lines[i], at[p] = out.Lines[p], i
	}
	out.Lines = lines
	for i := range out.Records {
		out.Records[i].Line = at[out.Records[i].Line]
	}
	out.Notes = append(out.Notes, basis)
	sort.Strings(out.Notes)
	out.Estimated = est
	out.Totals()
	return out
}
