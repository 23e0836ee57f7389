package central

import (
	"context"
	"errors"
	"fmt"
	"github.com/greenhelp/greenhelp/central/view"
	"sort"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/profiles"
)

// What the pages show, as plain results: the group's dashboard, a site's
// page, the profiles page and the start page of a central without a full
// year of data. central/web draws them (docs/ARCHITECTURE.md, "Pages").

// SiteSummary: see view.SiteSummary (declared once for the service and the pages).
type SiteSummary = view.SiteSummary

// MonthPoint: see view.MonthPoint (declared once for the service and the pages).
type MonthPoint = view.MonthPoint

// SiteGap: see view.SiteGap (declared once for the service and the pages).
type SiteGap = view.SiteGap

// Overview is what every page shows in its header: the year, the years
// with data, the sites' figures and the trajectory's method.
type Overview struct {
	Year   int
	Years  []int // the full years of data, to choose from
	Sites  []SiteSummary
	Method string // the trajectory's label, e.g. "compound 4.5 %/yr"
}

// GroupView is the CTO's dashboard.
type GroupView struct {
	Overview
	Track planning.Track // the group's trajectory
	// ByYear is the group's inventory per year, its totals as the page
	// shows them (groupTotals: without its lines and notes).
	ByYear          []*ghg.Inventory
	PowerOffMonthly []MonthPoint
	Levers          []planning.Lever // summed over sites
	Plan            planning.Plan
	// Change is the year's change from the year before in its three
	// effects (nil: no year before); Recalculation the base-year policy.
	Change        *planning.Change
	Recalculation *planning.Recalculation
	// SiteChanges are each site's year against the year before (its
	// change split in the three effects) and Allowed its allowed
	// emissions of the year by site id (absent: no trajectory yet).
	SiteChanges []planning.Change
	Allowed     map[string]float64
	// OverLine are the sites above their allowed emissions in the year,
	// most tonnes over first (the CTO's "which sites are off").
	OverLine []SiteGap
	// Attention are the sites that stopped sending, closed or never sent:
	// absent from (or partial in) the figures, said so.
	Attention []SiteStatus
	// SiteYears are the site-years up to the page's year the group's
	// figures estimate or lack, or count outside the group (not the
	// plainly reported ones), by year and site.
	SiteYears []structure.SiteYear
}

// SiteView is the ambassador's site page.
type SiteView struct {
	Overview
	Site            SiteSummary
	Assignment      profiles.Assignment
	ProfileName     string
	Track           planning.Track
	ByYear          []*ghg.Inventory
	PowerOffMonthly []MonthPoint
	Levers          []planning.Lever
	Plan            planning.Plan
	Peers           []SiteSummary     // sites of the same profile
	Freshness       []SourceFreshness // by source name
	Change          *planning.Change  // the year's change in its three effects
}

// ProfilesView is the profiles page.
type ProfilesView struct {
	Overview
	Profiles []profiles.Profile
}

// StartView is the first page of a central without a full year of data:
// the sites and what the central received from each.
type StartView struct {
	Method string
	Sites  []SiteStatus
}

func (d *dashboard) overview(method string) Overview {
	return Overview{Year: d.year, Years: d.years, Sites: d.sums, Method: method}
}

// GroupPage assembles the CTO's dashboard for year (0: the latest full year).
func (s *Service) GroupPage(ctx context.Context, year int) (GroupView, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return GroupView{}, err
	}
	g := GroupView{Overview: d.overview(s.Method.Label()), Track: d.report.Group}
	defer s.saveLater(ctx, d.sites) // the months and levers computed here
	defer s.saveGroupLater(ctx)     // the group's years merged here
	// The sites' statuses (a few catalog lookups a site) alongside the
	// months' calculations.
	type statuses struct {
		sts []SiteStatus
		err error
	}
	stc := make(chan statuses, 1)
	go func() {
		sts, err := s.SiteStatuses(ctx)
		stc <- statuses{sts, err}
	}()
	if g.ByYear, err = s.groupByYear(ctx, d); err != nil {
		return g, err
	}
	if g.PowerOffMonthly, g.Levers, err = s.groupMonthsAndLevers(ctx, d); err != nil {
		return g, err
	}
	if n := len(g.Track.Years); n > 0 {
		last := g.Track.Years[n-1]
		g.Plan = planning.PlanSite(planning.PlanInput{Site: "group", Method: s.Method, Basis: "market",
			BaseYear: g.Track.BaseYear, BaseT: g.Track.BaseT, CurrentYear: last.Year, CurrentT: last.ActualT, Levers: g.Levers})
	}
	g.Recalculation = d.report.Recalculation
	for _, sy := range d.report.SiteYears {
		if sy.Year <= d.year && sy.Status != structure.Reported {
			g.SiteYears = append(g.SiteYears, sy)
		}
	}
	names := map[string]string{}
	for _, sy := range d.sites {
		names[sy.site.ID] = sy.site.Name
	}
	for _, tr := range d.report.Sites {
		for _, ys := range tr.Years {
			if ys.Year == d.year && ys.Checked() && ys.GapT > 0 {
				g.OverLine = append(g.OverLine, SiteGap{ID: tr.Site, Name: names[tr.Site], ActualT: ys.ActualT, AllowedT: ys.AllowedT, GapT: ys.GapT, GapPct: ys.GapPct})
			}
		}
	}
	sort.Slice(g.OverLine, func(i, j int) bool {
		if g.OverLine[i].GapT != g.OverLine[j].GapT {
			return g.OverLine[i].GapT > g.OverLine[j].GapT
		}
		return g.OverLine[i].ID < g.OverLine[j].ID
	})
	got := <-stc
	if got.err != nil {
		return g, got.err
	}
	for _, st := range got.sts {
		if st.Status != StatusOpen {
			g.Attention = append(g.Attention, st)
		}
	}
	g.Allowed = map[string]float64{}
	for _, tr := range d.report.Sites {
		for _, ys := range tr.Years {
			if ys.Year == d.year && ys.Checked() {
				g.Allowed[tr.Site] = ys.AllowedT
			}
		}
	}
	if ch, err := s.Changes(ctx, d.year); err == nil {
		g.Change = &ch.Group
		g.SiteChanges = ch.Sites
	} else if !errors.Is(err, ErrNoData) {
		return g, err
	}
	return g, nil
}

// groupByYear is the group's inventory of every year with data: the
// merge of its sites as the group counts them (countIn: a silent site's
// months estimated), as groupTotals keeps it — the years kept under the
// key of the dashboard's sites (groupresults.go) as they are, the others
// merged now.
func (s *Service) groupByYear(ctx context.Context, d *dashboard) ([]*ghg.Inventory, error) {
	key := s.groupKey(d.sites, d.end)
	have := s.groupYears(key)
	byYear := make([]*ghg.Inventory, len(d.years))
	var todo []int // the years to merge
	for i, y := range d.years {
		if inv, ok := have[y]; ok {
			byYear[i] = inv
		} else {
			todo = append(todo, i)
		}
	}
	err := parallel(ctx, len(todo), func(ctx context.Context, j int) error { // each year on the workers
		i := todo[j]
		var invs []*ghg.Inventory
		for _, sy := range d.sites {
			c, err := sy.counted(ctx, s, d.years[i], d.end)
			if err != nil {
				return err
			}
			if c.inv != nil {
				invs = append(invs, c.inv)
			}
		}
		if len(invs) > 0 {
			byYear[i] = groupTotals(ghg.Merge("group", "Group", d.years[i], invs))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(todo) > 0 {
		merged := make(map[int]*ghg.Inventory, len(todo))
		for _, i := range todo {
			merged[d.years[i]] = byYear[i]
		}
		s.addGroupYears(key, merged)
	}
	var out []*ghg.Inventory
	for _, inv := range byYear {
		if inv != nil {
			out = append(out, inv)
		}
	}
	return out, nil
}

// groupMonthsAndLevers sums the sites' power-off months and lever
// potentials of the dashboard's year: each site's (twelve calculations a
// site) on the workers, summed in the sites' order; the levers most
// tonnes first, then by id.
func (s *Service) groupMonthsAndLevers(ctx context.Context, d *dashboard) ([]MonthPoint, []planning.Lever, error) {
	type part struct {
		ms     []MonthPoint
		levers []planning.Lever
	}
	parts := make([]*part, len(d.sites))
	err := parallel(ctx, len(d.sites), func(ctx context.Context, i int) error {
		sy := d.sites[i]
		c, err := sy.calc(ctx, s, d.year)
		if err != nil || !sy.hasData(c.inv) {
			return err
		}
		ms, err := sy.monthly(ctx, s, d.year)
		if err != nil {
			return err
		}
		levers, err := sy.leverPotentials(ctx, s, d.year)
		if err != nil {
			return err
		}
		parts[i] = &part{ms: ms, levers: levers}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	months := make([]MonthPoint, 12)
	leverSum := map[string]*planning.Lever{}
	for _, p := range parts {
		if p == nil {
			continue
		}
		for i, m := range p.ms {
			months[i].Month = m.Month
			months[i].AvoidedKWh += m.AvoidedKWh
			months[i].AvoidedT += m.AvoidedT
		}
		for _, l := range p.levers {
			if leverSum[l.ID] == nil {
				leverSum[l.ID] = &planning.Lever{ID: l.ID, Name: l.Name, Assumptions: "sum over sites of each site's potential"}
			}
			leverSum[l.ID].PotentialT += l.PotentialT
		}
	}
	levers := make([]planning.Lever, 0, len(leverSum))
	for _, l := range leverSum {
		levers = append(levers, *l)
	}
	sort.Slice(levers, func(i, j int) bool {
		if levers[i].PotentialT != levers[j].PotentialT {
			return levers[i].PotentialT > levers[j].PotentialT
		}
		return levers[i].ID < levers[j].ID
	})
	return months, levers, nil
}

// SitePage assembles the ambassador's page for one site.
func (s *Service) SitePage(ctx context.Context, id string, year int) (SiteView, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return SiteView{}, err
	}
	var sy *siteYear
	for _, x := range d.sites {
		if x.site.ID == id {
			sy = x
		}
	}
	if sy == nil {
		return SiteView{}, fmt.Errorf("site %q: %w", id, store.ErrNotFound)
	}
	defer s.saveLater(ctx, []*siteYear{sy})
	cur, err := sy.calc(ctx, s, d.year)
	if err != nil {
		return SiteView{}, err
	}
	out := SiteView{Overview: d.overview(s.Method.Label()), Assignment: cur.assign}
	if p, ok := s.Profiles.Get(cur.assign.Profile); ok {
		out.ProfileName = p.Name
	}
	for _, sum := range d.sums {
		if sum.ID == id {
			out.Site = sum
		}
		if sum.Profile == cur.assign.Profile {
			out.Peers = append(out.Peers, sum)
		}
	}
	if out.Site.ID == "" {
		out.Site = SiteSummary{ID: id, Name: sy.site.Name, Profile: cur.assign.Profile}
	}
	for _, tr := range d.report.Sites {
		if tr.Site == id {
			out.Track = tr
		}
	}
	for _, y := range d.years {
		inv, err := sy.inventory(ctx, s, y)
		if err != nil {
			return out, err
		}
		if sy.hasData(inv) {
			out.ByYear = append(out.ByYear, inv)
		}
	}
	if out.PowerOffMonthly, err = sy.monthly(ctx, s, d.year); err != nil {
		return out, err
	}
	if out.Levers, err = sy.leverPotentials(ctx, s, d.year); err != nil {
		return out, err
	}
	if n := len(out.Track.Years); n > 0 {
		if out.Plan, err = sy.plan(ctx, s, out.Track.BaseYear, out.Track.Years[n-1].Year); err != nil {
			return out, err
		}
	}
	recs, err := sy.records(ctx, s)
	if err != nil {
		return out, err
	}
	out.Freshness = freshness(recs.acts)
	if ch, err := s.Changes(ctx, d.year); err == nil {
		for i := range ch.Sites {
			if ch.Sites[i].Entity == id {
				out.Change = &ch.Sites[i]
			}
		}
	} else if !errors.Is(err, ErrNoData) {
		return out, err
	}
	return out, nil
}

// ProfilesPage assembles the profiles page.
func (s *Service) ProfilesPage(ctx context.Context, year int) (ProfilesView, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return ProfilesView{}, err
	}
	return ProfilesView{Overview: d.overview(s.Method.Label()), Profiles: s.Profiles.Profiles}, nil
}

// StartPage is the first page of a central without a full year of data.
func (s *Service) StartPage(ctx context.Context) (StartView, error) {
	sts, err := s.SiteStatuses(ctx)
	if err != nil {
		return StartView{}, err
	}
	return StartView{Method: s.Method.Label(), Sites: sts}, nil
}
