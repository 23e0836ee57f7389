package central

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

// The group's structure: which site counts in which part of which year,
// from the events the group declares (the catalog's site events and
// closing days, structure.Boundary), never from whether data arrived. A
// site that stops sending stays in: the months it owes are estimated from
// its last full year, or said missing (countIn).

// siteEvents are a site's events as planning reads them: the catalog's,
// and its closing day as a closure unless it declared another exit then.
func siteEvents(st store.Site) []structure.Event {
	out := make([]structure.Event, 0, len(st.Events)+1)
	exitThen := false
	for _, e := range st.Events {
		k := structure.Kind(e.Kind)
		out = append(out, structure.Event{Site: st.ID, Kind: k, On: e.On, Note: e.Note})
		exitThen = exitThen || (!k.Enters() && e.On.DaysUntil(st.ClosedOn) == 0)
	}
	if !st.ClosedOn.IsZero() && !exitThen {
		out = append(out, structure.Event{Site: st.ID, Kind: structure.Closed, On: st.ClosedOn})
	}
	structure.SortEvents(out)
	return out
}

func boundaryOf(st store.Site) structure.Boundary { return structure.BoundaryOf(siteEvents(st)) }

// exitWords is how a site left, in words ("closed on 2024-07-15"; "" when
// it did not).
func exitWords(b structure.Boundary) string {
	if b.Exit == nil {
		return ""
	}
	return fmt.Sprintf("%s on %s", b.Exit.Kind, b.Exit.On)
}

// inBoundary keeps, of a site's activities, those its boundary counts:
// those that start on or after its entry (an acquisition's or
// insourcing's day) and before its exit (a closure's, divestment's or
// outsourcing's). A monthly row of a month the boundary cuts is read as
// the records it sums, each by its own start; a record counts whole by its
// start.
func (s *Service) inBoundary(ctx context.Context, st store.Site, acts []footprint.Activity) ([]footprint.Activity, error) {
	b := boundaryOf(st)
	if b.From.IsZero() && b.Until.IsZero() {
		return acts, nil
	}
	in := func(d footprint.Date) bool {
		return (b.From.IsZero() || !d.Before(b.From)) && (b.Until.IsZero() || d.Before(b.Until))
	}
	cut := map[footprint.Date][]footprint.Kind{} // months cut mid-way: the kinds of their rows
	for _, d := range []footprint.Date{b.From, b.Until} {
		if !d.IsZero() && d.Time().Day() != 1 {
			cut[footprint.NewDate(d.Year(), d.Time().Month(), 1)] = nil
		}
	}
	out := make([]footprint.Activity, 0, len(acts))
	for _, a := range acts {
		if kinds, ok := cut[a.Start]; ok && a.Rolled != nil {
			if !slices.Contains(kinds, a.Kind) {
				cut[a.Start] = append(kinds, a.Kind)
			}
			continue
		}
		if in(a.Start) {
			out = append(out, a)
		}
	}
	months := make([]footprint.Date, 0, len(cut))
	for m := range cut {
		months = append(months, m)
	}
	sort.Slice(months, func(i, j int) bool { return months[i].Before(months[j]) })
	for _, m := range months {
		if len(cut[m]) == 0 {
			continue
		}
		recs, err := s.rolledRecords(ctx, st.ID, cut[m], m, footprint.NewDate(m.Year(), m.Time().Month()+1, 1))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if in(r.Start) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// siteCount is how a site counts in a year of the group's figures: what
// the group counts of it (nil: nothing) and its site-year, said in words
// (Status "": not in the group that year, nothing to say).
type siteCount struct {
	inv  *ghg.Inventory
	year structure.SiteYear
}

// lastFullFunc returns a site's latest full year before a year and its
// inventory (ok false: none).
type lastFullFunc func(before int) (*ghg.Inventory, bool, error)

// countIn is how a site counts in year: recs is its records' inventory
// (nil: none), part its part of the year (structure.Boundary.Part), cov what
// its records cover. The months of part it sent nothing for are estimated
// from its last full year, scaled to their days (planning's choice: an
// estimate keeps the group's figures complete and the comparison with the
// base fair — a site left out would read as a reduction); with no full
// year before, they are left out and said missing.
func countIn(site string, year int, part structure.Period, recs *ghg.Inventory, cov structure.Coverage, lastFull lastFullFunc) (siteCount, error) {
	has := recs != nil && (len(recs.Lines) > 0 || recs.PowerOff.DeviceHours != nil)
	var t float64
	if recs != nil {
		t = recs.TotalMarketT
	}
	gaps := cov.Gaps(part)
	var last *ghg.Inventory
	ok := false
	if len(gaps) > 0 {
		var err error
		if last, ok, err = lastFull(year); err != nil {
			return siteCount{}, err
		}
	}
	sy, in, estimate := countVerdict(site, year, part, has, t, gaps, ok)
	if !estimate {
		if in {
			return siteCount{recs, sy}, nil
		}
		return siteCount{year: sy}, nil
	}
	days := structure.GapDays(gaps)
	from, to := footprint.YearBounds(year)
	basis := fmt.Sprintf("no records for %s (%d days): estimated at its %d inventory × %d/%d", structure.GapText(gaps), days, last.Year, days, from.DaysUntil(to))
	var sent *ghg.Inventory
	sy.Status = structure.Estimated
	if has {
		sent, sy.Status = recs, structure.PartlyEstimated
	}
	inv := ghg.WithEstimate(sent, last, year, days, basis)
	sy.T, sy.EstimatedT, sy.EstimatedFrom, sy.Basis = inv.TotalMarketT, inv.Estimated.T, last.Year, basis
	return siteCount{inv, sy}, nil
}

// countVerdict is countIn's verdict from what it reads of the site's
// records' inventory — whether it has a line or power-off hours (has) and
// its market-based total (t) — the gaps of its part of the year and
// whether it has a full year before (lastFull): the site-year, whether
// the records' inventory counts (in), or, when the months it owes are
// estimated from that full year (estimate), the site-year's start, the
// rest countIn's from the inventories.
func countVerdict(site string, year int, part structure.Period, has bool, t float64, gaps []structure.Period, lastFull bool) (sy structure.SiteYear, in, estimate bool) {
	sy = structure.SiteYear{Site: site, Year: year}
	if len(gaps) == 0 {
		if !has { // records that make no line (temperatures alone)
			return structure.SiteYear{}, false, false
		}
		sy.Status, sy.T, sy.Basis = structure.Reported, t, "its records, "+part.String()
		return sy, true, false
	}
	sy.Gaps = gaps
	if lastFull {
		return sy, false, true
	}
	days := structure.GapDays(gaps)
	sy.Status, sy.Basis = structure.Missing, fmt.Sprintf("no records for %s (%d days) and no full year before to estimate them from: left out", structure.GapText(gaps), days)
	if !has {
		return sy, false, false
	}
	sy.Status, sy.T = structure.PartlyMissing, t
	return sy, true, false
}

// groupEnd is the day after the group's newest record: a year is over for
// the group up to it, and a site's silence is counted only until then.
func groupEnd(act map[string]store.SiteActivity) footprint.Date {
	var newest footprint.Date
	for _, a := range act {
		if newest.Before(a.NewestDay) {
			newest = a.NewestDay
		}
	}
	if newest.IsZero() {
		return newest
	}
	return newest.AddDays(1)
}

// counted is how the site counts in year (cached: the pages and the
// trajectory ask for every year).
func (sy *siteYear) counted(ctx context.Context, s *Service, year int, end footprint.Date) (siteCount, error) {
	sy.cmu.Lock()
	c, ok := sy.counts[year]
	sy.cmu.Unlock()
	if ok {
		return c, nil
	}
	part, in := boundaryOf(sy.site).Part(year, sy.first, end)
	if in {
		calc, err := sy.calc(ctx, s, year)
		if err != nil {
			return c, err
		}
		if c, err = countIn(sy.site.ID, year, part, calc.inv, sy.cov, sy.lastFull(ctx, s)); err != nil {
			return c, err
		}
	}
	sy.cmu.Lock()
	sy.counts[year] = c
	sy.cmu.Unlock()
	return c, nil
}

// tally is how a site counts in a year as the trajectory reads it: in
// the group's figures (in) for t tonnes, est of them estimated (nil:
// none), and its site-year.
type tally struct {
	in   bool
	t    float64
	est  *float64
	year structure.SiteYear
}

func tallyOf(c siteCount) tally {
	out := tally{year: c.year}
	if c.inv != nil {
		out.in, out.t = true, c.inv.TotalMarketT
		if e := c.inv.Estimated; e != nil {
			est := e.T
			out.est = &est
		}
	}
	return out
}

// tally is counted as the trajectory reads it: from the year's summary
// (countVerdict) unless months it owes are estimated (counted's, from
// the inventories).
func (sy *siteYear) tally(ctx context.Context, s *Service, year int, end footprint.Date) (tally, error) {
	sy.cmu.Lock()
	c, ok := sy.counts[year]
	sy.cmu.Unlock()
	if ok {
		return tallyOf(c), nil
	}
	part, in := boundaryOf(sy.site).Part(year, sy.first, end)
	if !in {
		return tally{}, nil
	}
	sum, err := sy.summary(ctx, s, year)
	if err != nil {
		return tally{}, err
	}
	v, counts, estimate := countVerdict(sy.site.ID, year, part, sum.Has, sum.T, sy.cov.Gaps(part), sy.hasFullBefore(year))
	if estimate || sum.Estimated {
		c, err := sy.counted(ctx, s, year, end)
		return tallyOf(c), err
	}
	out := tally{year: v, in: counts}
	if counts {
		out.t = sum.T
	}
	return out, nil
}

// hasFullBefore says whether the site has a full year of records before
// year (lastFull's ok).
func (sy *siteYear) hasFullBefore(year int) bool {
	for _, y := range sy.full {
		if y < year {
			return true
		}
	}
	return false
}

// lastFull is the site's latest full year of records before a year, with
// its inventory.
func (sy *siteYear) lastFull(ctx context.Context, s *Service) lastFullFunc {
	return func(before int) (*ghg.Inventory, bool, error) {
		for i := len(sy.full) - 1; i >= 0; i-- {
			if y := sy.full[i]; y < before {
				inv, err := sy.inventory(ctx, s, y)
				return inv, err == nil, err
			}
		}
		return nil, false, nil
	}
}

// series is the group's figures, site by site, for the years up to asOf
// (0: all), with the events declared until then, and every site-year:
// how each site counts in each of those years.
func (d *dashboard) series(ctx context.Context, s *Service, asOf int) (planning.GroupSeries, []structure.SiteYear, error) {
	g := planning.GroupSeries{Threshold: s.Cfg.Trajectory.RecalculationThreshold}
	for _, y := range d.years {
		if asOf == 0 || y <= asOf {
			g.Years = append(g.Years, y)
		}
	}
	var sys []structure.SiteYear
	for _, sy := range d.sites {
		ss := planning.SiteSeries{Site: sy.site.ID, Counted: map[int]float64{}, Estimated: map[int]float64{}, Own: map[int]float64{}}
		for _, e := range siteEvents(sy.site) {
			if asOf == 0 || e.On.Year() <= asOf {
				ss.Events = append(ss.Events, e)
			}
		}
		for _, y := range g.Years {
			c, err := sy.tally(ctx, s, y, d.end)
			if err != nil {
				return g, nil, err
			}
			if c.in {
				ss.Counted[y] = c.t
				if c.est != nil {
					ss.Estimated[y] = *c.est
				}
			}
			if c.year.Status != "" {
				sys = append(sys, c.year)
			}
		}
		own, err := sy.ownYears(ctx, s, g.Years)
		if err != nil {
			return g, nil, err
		}
		for _, o := range own {
			ss.Own[o.Year] = o.T
			if b := boundaryOf(sy.site); b.From.Year() > o.Year {
				sys = append(sys, o)
			}
		}
		g.Sites = append(g.Sites, ss)
	}
	// The series starts with the first year any of its sites counts in
	// (a site alone: its own first year).
	for len(g.Years) > 0 && !countedIn(g.Sites, g.Years[0]) {
		g.Years = g.Years[1:]
	}
	structure.SortSiteYears(sys)
	return g, sys, nil
}

func countedIn(sites []planning.SiteSeries, y int) bool {
	for _, s := range sites {
		if _, ok := s.Counted[y]; ok {
			return true
		}
	}
	return false
}

// ownYears are, for a site that entered by an acquisition or insourcing,
// its full years of its own records up to the year it entered: what the
// base and the years between are restated with.
func (sy *siteYear) ownYears(ctx context.Context, s *Service, years []int) ([]structure.SiteYear, error) {
	b := boundaryOf(sy.site)
	if b.From.IsZero() {
		return nil, nil
	}
	full := map[int]bool{}
	for _, y := range sy.ownFull {
		full[y] = true
	}
	var out []structure.SiteYear
	for _, y := range years {
		if y > b.From.Year() || !full[y] {
			continue
		}
		t, err := sy.ownTotal(ctx, s, y)
		if err != nil {
			return nil, err
		}
		out = append(out, structure.SiteYear{Site: sy.site.ID, Year: y, Status: structure.Outside, T: t,
			Basis: fmt.Sprintf("its own records, before its %s on %s: not counted in the group's %d, they restate the base", b.Entry.Kind, b.From, y)})
	}
	return out, nil
}

// trajectoryAsOf is the sites' tracks and the group's, with the group's
// series up to asOf (0: all years) and the events declared until then.
func (s *Service) trajectoryAsOf(ctx context.Context, d *dashboard, asOf int) (planning.TrajectoryReport, error) {
	var hist []planning.History
	for _, sy := range d.sites {
		if sy.hist != nil {
			hist = append(hist, *sy.hist)
		}
	}
	g, sys, err := d.series(ctx, s, asOf)
	if err != nil {
		return planning.TrajectoryReport{}, err
	}
	if len(hist) == 0 || len(g.Years) == 0 {
		return planning.TrajectoryReport{}, fmt.Errorf("%w: no site has a full calendar year of data yet", ErrNoData)
	}
	rep, err := planning.Trajectories(hist, g, s.Method)
	rep.SiteYears = sys
	return rep, err
}
