package planning

import (
	"fmt"
	"math"
	"sort"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

// DefaultRecalculationThreshold is the base-year recalculation policy's
// default significance threshold: 5 % of the base-year emissions, the
// figure the GHG Protocol Corporate Standard (ch. 5) cites as commonly used.
const DefaultRecalculationThreshold = 0.05

// SiteSeries is one site's figures for the group's series (market-based
// tCO2e).
type SiteSeries struct {
	Site string
	// Events are its declared events (its closure included).
	Events []structure.Event
	// Counted is what the group counts of it each year: its records inside
	// its boundary, with the months it stayed silent estimated; Estimated
	// the estimated part.
	Counted   map[int]float64
	Estimated map[int]float64
	// Own is its whole-year figure from its own records, for the full
	// years before its acquisition or insourcing and the year of it: what
	// the base and the years between are restated with.
	Own map[int]float64
}

// GroupSeries is the group's figures, site by site.
type GroupSeries struct {
	// Years are the group's years: the first is the base year.
	Years []int
	Sites []SiteSeries
	// Threshold is the recalculation policy's significance threshold, a
	// share of the base-year emissions.
	Threshold float64
}

// StructuralChange is an event of the series' time (or a site that came
// without one), with its weight in the base-year recalculation.
type StructuralChange struct {
	Site string `json:"site"`
	// Kind is the event's, or "joined" for a site that came without one.
	Kind string         `json:"kind"`
	On   footprint.Date `json:"on,omitzero"`
	Year int            `json:"year"`
	// BaseT is its weight: the base-year emissions an acquisition adds
	// (from the unit's own records) or a divestment takes away; 0 for an
	// organic change. Share is BaseT over the group's original base.
	BaseT float64 `json:"base_t"`
	Share float64 `json:"share"`
	// Structural says whether it counts towards a restatement; Reason
	// says how its weight was found, or why it has none.
	Structural bool   `json:"structural"`
	Reason     string `json:"reason"`
}

// RestatedYear is one year of the group's series, as reported (the sites
// of that year) and on the present structure.
type RestatedYear struct {
	Year      int     `json:"year"`
	ReportedT float64 `json:"reported_t"`
	RestatedT float64 `json:"restated_t"`
	// EstimatedT is the part of ReportedT estimated for silent sites.
	EstimatedT float64 `json:"estimated_t"`
}

// Recalculation is the group's base-year recalculation for structural
// changes.
type Recalculation struct {
	BaseYear      int     `json:"base_year"`
	OriginalBaseT float64 `json:"original_base_t"`
	// BaseT is the base the group reports: restated when Restated.
	BaseT     float64 `json:"base_t"`
	Threshold float64 `json:"threshold"`
	// CumulativeShare is Σ |weight of the structural changes| / OriginalBaseT.
	CumulativeShare float64            `json:"cumulative_share"`
	Restated        bool               `json:"restated"`
	Changes         []StructuralChange `json:"changes"`
	Years           []RestatedYear     `json:"years"`
	Explanation     string             `json:"explanation"`
}

// Recalculate applies the base-year recalculation policy to the group's
// series. Only declared acquisitions, divestments, outsourcing and
// insourcing weigh: an acquisition by the unit's base-year emissions from
// its own records (none when it has no full year of them then: a unit
// that did not exist in the base year restates nothing), a divestment by
// what the base counted of it. When their weights together reach the
// threshold, the base and every year are restated on the present
// structure: an acquired unit enters the years before it with its own
// figures, a divested one leaves every year up to it. Openings, closures,
// sites joining without an event and silent sites are organic or gaps:
// they never move the base.
func Recalculate(g GroupSeries) (Recalculation, error) {
	r := Recalculation{Threshold: g.Threshold}
	if len(g.Years) == 0 || len(g.Sites) == 0 {
		return r, ErrNoHistory
	}
	years := append([]int(nil), g.Years...)
	sort.Ints(years)
	sites := append([]SiteSeries(nil), g.Sites...)
	sort.Slice(sites, func(i, j int) bool { return sites[i].Site < sites[j].Site })
	base, last := years[0], years[len(years)-1]
	r.BaseYear = base
	for _, s := range sites {
		r.OriginalBaseT += s.Counted[base]
	}
	if r.OriginalBaseT <= 0 {
		return r, fmt.Errorf("group base year %d has no emissions: nothing to track against", base)
	}
	var moved float64
	var restating []restate
	for _, s := range sites {
		cs, rs := siteChanges(s, base, last, r.OriginalBaseT)
		for _, c := range cs {
			moved += math.Abs(c.BaseT)
		}
		r.Changes = append(r.Changes, cs...)
		restating = append(restating, rs...)
	}
	sort.Slice(r.Changes, func(i, j int) bool {
		a, b := r.Changes[i], r.Changes[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.On.Before(b.On) || b.On.Before(a.On) {
			return a.On.Before(b.On)
		}
		if a.Site != b.Site {
			return a.Site < b.Site
		}
		return a.Kind < b.Kind
	})
	r.CumulativeShare = moved / r.OriginalBaseT
	r.Restated = moved > 0 && r.CumulativeShare >= g.Threshold-1e-12
	for _, y := range years {
		ry := RestatedYear{Year: y}
		for _, s := range sites {
			ry.ReportedT += s.Counted[y]
			ry.EstimatedT += s.Estimated[y]
		}
		ry.RestatedT = ry.ReportedT
		if r.Restated {
			for _, a := range restating {
				ry.RestatedT += a.adjust(y)
			}
		}
		r.Years = append(r.Years, ry)
	}
	r.BaseT = r.Years[0].RestatedT
	r.Explanation = r.explain(moved)
	return r, nil
}

func (r Recalculation) explain(moved float64) string {
	base, th := r.BaseYear, r.Threshold*100
	switch {
	case len(r.Changes) == 0:
		return fmt.Sprintf("no site entered or left the group since %d: the base stands", base)
	case r.Restated:
		return fmt.Sprintf("structural changes weigh %.1f %% of the %d base (threshold %.1f %%): base restated from %.1f to %.1f tCO2e, and every year since on the group's present structure", r.CumulativeShare*100, base, th, r.OriginalBaseT, r.BaseT)
	case moved == 0:
		return fmt.Sprintf("no structural change (acquisition, divestment, outsourcing, insourcing) weighs in the %d base: openings, closures and sites joining are organic growth or decline, the base stands", base)
	}
	return fmt.Sprintf("structural changes weigh %.1f %% of the %d base, under the %.1f %% threshold: the base is not restated", r.CumulativeShare*100, base, th)
}

// restate is what a structural event does to each year of the series on
// the present structure.
type restate struct {
	s SiteSeries
	e structure.Event
}

func (a restate) adjust(y int) float64 {
	ey := a.e.On.Year()
	if a.e.Kind.Enters() { // the unit's own figures before it entered
		own, ok := a.s.Own[y]
		switch {
		case !ok || y > ey:
			return 0
		case y == ey:
			return own - a.s.Counted[y]
		}
		return own
	}
	if y <= ey { // a unit that left: out of every year up to it
		return -a.s.Counted[y]
	}
	return 0
}

// siteChanges are a site's events within (the base year's first day, the
// series' end], each with its weight, and the structural ones to restate
// the years with; a site that joined after the base year without
// declaring an entry is listed as organic.
func siteChanges(s SiteSeries, base, last int, originalT float64) ([]StructuralChange, []restate) {
	baseFrom, _ := footprint.YearBounds(base)
	_, end := footprint.YearBounds(last)
	es := append([]structure.Event(nil), s.Events...)
	structure.SortEvents(es)
	var out []StructuralChange
	var rs []restate
	entered := false
	for _, e := range es {
		entered = entered || e.Kind.Enters()
		if !e.On.Before(end) || !baseFrom.Before(e.On) {
			continue // before the base year began or after the series: nothing to restate
		}
		c := StructuralChange{Site: s.Site, Kind: string(e.Kind), On: e.On, Year: e.On.Year(), Structural: e.Kind.Structural()}
		counted := s.Counted[base]
		switch {
		case !c.Structural:
			c.Reason = "organic growth or decline (GHG Protocol Corporate Standard ch. 5): the base is not restated"
		case e.Kind.Enters():
			own, ok := s.Own[base]
			if ok {
				c.BaseT = own - counted
				c.Reason = fmt.Sprintf("its %d emissions from its own records before it entered: %.1f t", base, own)
				if counted > 0 {
					c.Reason += fmt.Sprintf(", less the %.1f t the base counted of it", counted)
				}
			} else {
				c.Reason = fmt.Sprintf("no full year of its own records for %d: counted as not existing then, nothing added to the base (if it existed, send its %d records)", base, base)
			}
			rs = append(rs, restate{s, e})
		default:
			c.BaseT = counted
			c.Reason = fmt.Sprintf("its %d emissions as the base counted them: %.1f t", base, counted)
			if counted == 0 {
				c.Reason = fmt.Sprintf("not in the group in %d: nothing taken from the base", base)
			}
			rs = append(rs, restate{s, e})
		}
		c.Share = c.BaseT / originalT
		out = append(out, c)
	}
	if !entered {
		if fy, ok := firstYear(s.Counted); ok && fy > base {
			out = append(out, StructuralChange{Site: s.Site, Kind: "joined", Year: fy,
				Reason: "no event declared: its emissions are the group's organic growth, the base is not restated (declare it acquired or insourced if it came from another company)"})
		}
	}
	return out, rs
}

func firstYear(m map[int]float64) (int, bool) {
	ys := sortedYears(m)
	if len(ys) == 0 {
		return 0, false
	}
	return ys[0], true
}

// GroupTrack is the group's trajectory on its base year's emissions as the
// recalculation states them (restated or not): allowed(y) =
// m.Allowed(BaseT, BaseYear, y), against each year's figure on the same
// structure. The base of the track and of E1-4 are the same number.
func GroupTrack(r Recalculation, m Method) Track {
	g := Track{BaseYear: r.BaseYear, BaseT: r.BaseT}
	cum := 0.0
	for _, ry := range r.Years {
		g.Years = append(g.Years, status(ry.Year, r.BaseYear, ry.RestatedT, m.Allowed(r.BaseT, r.BaseYear, ry.Year), &cum))
	}
	if len(g.Years) == 0 {
		return g
	}
	last := g.Years[len(g.Years)-1]
	g.NextYear = last.Year + 1
	g.NextYearRequiredT = m.Allowed(r.BaseT, r.BaseYear, g.NextYear)
	g.ReductionNeededT = last.ActualT - g.NextYearRequiredT
	g.ProjectedNextT = project(g.Years)
	g.ProjectedOn = g.ProjectedNextT <= g.NextYearRequiredT
	return g
}

// SeriesOf is the group's series from the sites' yearly figures alone (a
// history file: no events, no records to see gaps by). A site counts the
// years it has a figure; the years after its last one up to the group's
// last are a silent site's, estimated at its last figure, never a
// divestment — the site-years say so.
func SeriesOf(hist []History, threshold float64) (GroupSeries, []structure.SiteYear) {
	g := GroupSeries{Threshold: threshold}
	all := map[int]float64{}
	for _, h := range hist {
		for y := range h.Actual {
			all[y] = 0
		}
	}
	g.Years = sortedYears(all)
	var out []structure.SiteYear
	for _, h := range hist {
		s := SiteSeries{Site: h.Site, Counted: map[int]float64{}, Estimated: map[int]float64{}}
		ys := sortedYears(h.Actual)
		for _, y := range g.Years {
			v, ok := h.Actual[y]
			switch {
			case ok:
				s.Counted[y] = v
				out = append(out, structure.SiteYear{Site: h.Site, Year: y, Status: structure.Reported, T: v, Basis: "its figure in the history"})
			case len(ys) > 0 && y > ys[len(ys)-1]:
				from := ys[len(ys)-1]
				s.Counted[y], s.Estimated[y] = h.Actual[from], h.Actual[from]
				out = append(out, structure.SiteYear{Site: h.Site, Year: y, Status: structure.Estimated, T: h.Actual[from], EstimatedT: h.Actual[from], EstimatedFrom: from,
					Basis: fmt.Sprintf("no figure after %d and no event declared: a silent site, estimated at its %d figure", from, from)})
			}
		}
		g.Sites = append(g.Sites, s)
	}
	structure.SortSiteYears(out)
	return g, out
}
