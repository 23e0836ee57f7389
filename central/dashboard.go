package central

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/charts"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/weather"
	"github.com/greenhelp/greenhelp/profiles"
)

// siteYear is what the pages need of one site: its records (read once) and,
// per year, the declaration in force, the profile and the inventory.
type siteYear struct {
	site     store.Site
	acts     []footprint.Activity // all years
	versions []store.SiteVersion  // its declarations, read once
	override *declaration.ProfilePin
	hist     *planning.History // with loadSites(…, true), when it has a full year
	full     []int             // its full calendar years of data (FullYears), worked out once
	mu       sync.Mutex        // guards byYear: cached dashboards serve concurrent requests
	byYear   map[int]*siteCalc
	measured map[int]weather.MeasuredClimate // its full measured weather years, worked out once (under mu)
}

type siteCalc struct {
	decl   declaration.Site
	assign profiles.Assignment
	as     ghg.Assumptions
	levers []string
	inv    *ghg.Inventory
	acts   []footprint.Activity // the year's share of the site's records (ghg.Relevant)
}

func (s *Service) loadSite(ctx context.Context, site store.Site) (*siteYear, error) {
	acts, err := s.Store.ReadRollup(ctx, site.ID, store.Query{})
	if err != nil {
		return nil, err
	}
	vs, err := s.Store.Versions(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	sinces := make([]footprint.Date, 0, len(vs))
	for _, v := range vs {
		sinces = append(sinces, v.Declaration.PowerOff.Since)
	}
	if acts, err = s.expandSince(ctx, site.ID, acts, sinces); err != nil {
		return nil, err
	}
	if acts, err = s.untilClosed(ctx, site, acts); err != nil {
		return nil, err
	}
	o, err := s.Store.Override(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	return &siteYear{site: site, acts: acts, versions: vs, override: o, full: footprint.FullYears(acts), byYear: map[int]*siteCalc{}}, nil
}

// loadSites loads every site (and, with history, works out its yearly
// totals), each on its own, on as many workers as there are CPUs. The
// result keeps the sites' order.
func (s *Service) loadSites(ctx context.Context, sites []store.Site, history bool) ([]*siteYear, error) {
	out := make([]*siteYear, len(sites))
	err := parallel(ctx, len(sites), func(ctx context.Context, i int) error {
		sy, err := s.loadSite(ctx, sites[i])
		if err != nil {
			return err
		}
		if history {
			h, ok, err := sy.history(ctx, s)
			if err != nil {
				return err
			}
			if ok {
				sy.hist = &h
			}
		}
		out[i] = sy
		return nil
	})
	return out, err
}

// parallel runs fn for 0 … n-1 on GOMAXPROCS workers; the first error
// stops the rest and is returned (a context that ends first: its error as
// store.ErrUnavailable).
func parallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var first error // the failure that stopped the others
	var once sync.Once
	done := make([]bool, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() != nil {
					continue
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					continue
				}
				done[i] = true
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	if slices.Contains(done, false) || parent.Err() != nil { // the caller gave up before every one ran
		return fmt.Errorf("%w: %w", store.ErrUnavailable, parent.Err())
	}
	return nil
}

// calc returns the site's declaration, profile and inventory for year,
// with the declaration version in force that year.
func (sy *siteYear) calc(ctx context.Context, s *Service, year int) (*siteCalc, error) {
	sy.mu.Lock()
	defer sy.mu.Unlock()
	if c, ok := sy.byYear[year]; ok {
		return c, nil
	}
	d, ok := store.DeclarationIn(sy.versions, year)
	if !ok {
		d = registered(sy.site)
	}
	if sy.measured == nil {
		sy.measured = weather.MeasuredYears(sy.acts)
	}
	a, as, order, err := s.assign(d, year, sy.override, sy.measured)
	if err != nil {
		return nil, err
	}
	// The year's share of the site's records (and its roll-out
	// baseline): the same inventory as from all of them, a tenth of the
	// work for a site with ten years.
	from, to := footprint.YearBounds(year)
	acts := ghg.Relevant(d, sy.acts, from, to)
	inv, err := ghg.Calculate(d, acts, year, s.Factors, as, s.opts())
	if err != nil {
		return nil, fmt.Errorf("site %s: %w", sy.site.ID, err)
	}
	c := &siteCalc{decl: d, assign: a, as: as, levers: order, inv: inv, acts: acts}
	sy.byYear[year] = c
	return c, nil
}

func (sy *siteYear) inventory(ctx context.Context, s *Service, year int) (*ghg.Inventory, error) {
	c, err := sy.calc(ctx, s, year)
	if err != nil {
		return nil, err
	}
	return c.inv, nil
}

// history is the site's market-based total for each full calendar year of
// data, with its declared base year when it has data for it; ok is false
// when the site has no full year yet.
func (sy *siteYear) history(ctx context.Context, s *Service) (planning.History, bool, error) {
	years := sy.full
	if len(years) == 0 {
		return planning.History{}, false, nil
	}
	h := planning.History{Site: sy.site.ID, Actual: map[int]float64{}}
	for _, y := range years {
		c, err := sy.calc(ctx, s, y)
		if err != nil {
			return h, false, err
		}
		h.Actual[y] = c.inv.TotalMarketT
	}
	last, _ := sy.calc(ctx, s, years[len(years)-1])
	if b := last.decl.BaseYear; b != 0 {
		if _, ok := h.Actual[b]; ok {
			h.BaseYear = b
		}
	}
	return h, true, nil
}

func (sy *siteYear) hasData(inv *ghg.Inventory) bool {
	return len(inv.Lines) > 0 || inv.PowerOff.DeviceHours != nil
}

func (sy *siteYear) monthly(ctx context.Context, s *Service, year int) ([]charts.MonthPoint, error) {
	c, err := sy.calc(ctx, s, year)
	if err != nil {
		return nil, err
	}
	var out []charts.MonthPoint
	for m := time.January; m <= time.December; m++ {
		from := footprint.NewDate(year, m, 1)
		inv, err := ghg.CalculatePeriod(c.decl, c.acts, from, footprint.NewDate(year, m+1, 1), s.Factors, c.as, s.opts())
		if err != nil {
			return nil, err
		}
		out = append(out, charts.MonthPoint{Month: fmt.Sprintf("%d-%02d", year, m), AvoidedKWh: inv.PowerOff.AvoidedKWh, AvoidedT: inv.PowerOff.AvoidedT})
	}
	return out, nil
}

// dashboard is the data every page shares.
type dashboard struct {
	year   int
	years  []int
	sites  []*siteYear
	sums   []charts.SiteSummary
	report planning.TrajectoryReport
}

// dashCache keeps the pages' data until the next accepted batch: reading
// every record of the group is most of a page's cost.
type dashCache struct {
	mu      sync.Mutex
	version uint64
	byYear  map[int]*dashboard
}

// Changed tells the service that stored data changed (a batch was accepted).
func (s *Service) Changed() { s.version.Add(1) }

func (s *Service) dashboard(ctx context.Context, year int) (*dashboard, error) {
	v := s.version.Load()
	s.cache.mu.Lock()
	if s.cache.version == v && s.cache.byYear != nil {
		if d, ok := s.cache.byYear[year]; ok {
			s.cache.mu.Unlock()
			return d, nil
		}
	}
	s.cache.mu.Unlock()
	d, err := s.buildDashboard(ctx, year)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	if s.cache.version != v || s.cache.byYear == nil {
		s.cache.version, s.cache.byYear = v, map[int]*dashboard{}
	}
	s.cache.byYear[year] = d
	s.cache.mu.Unlock()
	return d, nil
}

func (s *Service) buildDashboard(ctx context.Context, year int) (*dashboard, error) {
	all, err := s.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	d := &dashboard{year: year}
	yearSet := map[int]bool{}
	if d.sites, err = s.loadSites(ctx, all, true); err != nil {
		return nil, err
	}
	for _, sy := range d.sites {
		for _, y := range sy.full {
			yearSet[y] = true
		}
	}
	for y := range yearSet {
		d.years = append(d.years, y)
	}
	sort.Ints(d.years)
	if len(d.years) == 0 {
		return nil, fmt.Errorf("%w: no full year of data yet", ErrNoData)
	}
	if d.year == 0 || !yearSet[d.year] {
		d.year = d.years[len(d.years)-1]
	}
	// The trajectory from the same cached inventories.
	var hist []planning.History
	for _, sy := range d.sites {
		if sy.hist != nil {
			hist = append(hist, *sy.hist)
		}
	}
	if len(hist) > 0 {
		if d.report, err = s.trajectories(hist); err != nil {
			return nil, err
		}
	}
	for _, sy := range d.sites {
		c, err := sy.calc(ctx, s, d.year)
		if err != nil {
			return nil, err
		}
		inv := c.inv
		if !sy.hasData(inv) {
			continue
		}
		sum := charts.SiteSummary{ID: sy.site.ID, Name: sy.site.Name, Country: sy.site.Country, City: c.decl.City,
			Profile: c.assign.Profile, Latitude: c.decl.Latitude, Longitude: c.decl.Longitude, Seats: c.decl.Seats,
			TotalT: inv.TotalMarketT, Compliance: inv.PowerOff.Compliance, AvoidedT: inv.PowerOff.AvoidedT}
		if sum.Seats > 0 {
			sum.KgPerSeat = inv.TotalMarketT * 1000 / float64(sum.Seats)
		}
		for _, tr := range d.report.Sites {
			if tr.Site != sy.site.ID {
				continue
			}
			for _, ys := range tr.Years {
				// The base year is the line's start, not a result: a site
				// with nothing after it has no gap to show (never "on track").
				if ys.Year == d.year && ys.Year > tr.BaseYear {
					g := ys.GapPct
					sum.GapPct = &g
				}
			}
		}
		d.sums = append(d.sums, sum)
	}
	return d, nil
}

func (d *dashboard) page(title, method string, static bool) charts.Page {
	return charts.Page{Title: title, Year: d.year, Years: d.years, Sites: d.sums, Method: method,
		Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"), Static: static}
}

// GroupPage assembles the CTO's dashboard for year (0: the latest full year).
func (s *Service) GroupPage(ctx context.Context, year int, static bool) (charts.GroupData, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return charts.GroupData{}, err
	}
	g := charts.GroupData{Page: d.page("Group", s.Method.Label(), static), Track: d.report.Group}
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
	months := make([]charts.MonthPoint, 12)
	leverSum := map[string]*planning.Lever{}
	for _, y := range d.years {
		var invs []*ghg.Inventory
		for _, sy := range d.sites {
			inv, err := sy.inventory(ctx, s, y)
			if err != nil {
				return g, err
			}
			if sy.hasData(inv) {
				invs = append(invs, inv)
			}
		}
		if len(invs) > 0 {
			g.ByYear = append(g.ByYear, ghg.Merge("group", "Group", y, invs))
		}
	}
	// Each site's months and levers (twelve calculations a site) on the
	// workers, summed in the sites' order.
	type part struct {
		ms     []charts.MonthPoint
		levers []planning.Lever
	}
	parts := make([]*part, len(d.sites))
	err = parallel(ctx, len(d.sites), func(ctx context.Context, i int) error {
		sy := d.sites[i]
		c, err := sy.calc(ctx, s, d.year)
		if err != nil || !sy.hasData(c.inv) {
			return err
		}
		ms, err := sy.monthly(ctx, s, d.year)
		if err != nil {
			return err
		}
		parts[i] = &part{ms: ms, levers: planning.Levers(c.decl, c.inv, c.levers, c.as, s.Factors)}
		return nil
	})
	if err != nil {
		return g, err
	}
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
	g.PowerOffMonthly = months
	for _, l := range leverSum {
		g.Levers = append(g.Levers, *l)
	}
	sort.Slice(g.Levers, func(i, j int) bool { return g.Levers[i].PotentialT > g.Levers[j].PotentialT })
	if n := len(g.Track.Years); n > 0 {
		last := g.Track.Years[n-1]
		g.Plan = planning.PlanSite(planning.PlanInput{Site: "group", Method: s.Method, Basis: "market",
			BaseYear: g.Track.BaseYear, BaseT: g.Track.BaseT, CurrentYear: last.Year, CurrentT: last.ActualT, Levers: g.Levers})
	}
	g.Recalculation = d.report.Recalculation
	names := map[string]string{}
	for _, sy := range d.sites {
		names[sy.site.ID] = sy.site.Name
	}
	for _, tr := range d.report.Sites {
		for _, ys := range tr.Years {
			if ys.Year == d.year && ys.Year > tr.BaseYear && ys.GapT > 0 {
				g.OverLine = append(g.OverLine, charts.SiteGap{ID: tr.Site, Name: names[tr.Site], ActualT: ys.ActualT, AllowedT: ys.AllowedT, GapT: ys.GapT, GapPct: ys.GapPct})
			}
		}
	}
	sort.Slice(g.OverLine, func(i, j int) bool { return g.OverLine[i].GapT > g.OverLine[j].GapT })
	got := <-stc
	if got.err != nil {
		return g, got.err
	}
	for _, st := range got.sts {
		if st.Status != StatusOpen {
			g.Attention = append(g.Attention, charts.SiteNotice{ID: st.ID, Name: st.Name, Status: st.Status, Why: st.Why})
		}
	}
	g.Allowed = map[string]float64{}
	for _, tr := range d.report.Sites {
		for _, ys := range tr.Years {
			if ys.Year == d.year && ys.Year > tr.BaseYear {
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

// SitePage assembles the ambassador's page for one site.
func (s *Service) SitePage(ctx context.Context, id string, year int, static bool) (charts.SiteData, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return charts.SiteData{}, err
	}
	var sy *siteYear
	for _, x := range d.sites {
		if x.site.ID == id {
			sy = x
		}
	}
	if sy == nil {
		return charts.SiteData{}, fmt.Errorf("site %q: %w", id, store.ErrNotFound)
	}
	cur, err := sy.calc(ctx, s, d.year)
	if err != nil {
		return charts.SiteData{}, err
	}
	out := charts.SiteData{Page: d.page(sy.site.Name, s.Method.Label(), static), Assignment: cur.assign}
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
		out.Site = charts.SiteSummary{ID: id, Name: sy.site.Name, Profile: cur.assign.Profile}
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
	out.Levers = planning.Levers(cur.decl, cur.inv, cur.levers, cur.as, s.Factors)
	if n := len(out.Track.Years); n > 0 {
		last := out.Track.Years[n-1]
		out.Plan = planning.PlanSite(planning.PlanInput{Site: id, Profile: cur.assign.Profile, Method: s.Method, Basis: "market",
			BaseYear: out.Track.BaseYear, BaseT: out.Track.BaseT, CurrentYear: last.Year, CurrentT: last.ActualT, Levers: out.Levers})
	}
	byLast := map[string]*charts.Freshness{}
	var order []string
	for _, a := range sy.acts {
		f := byLast[a.Source]
		if f == nil {
			f = &charts.Freshness{Source: a.Source}
			byLast[a.Source] = f
			order = append(order, a.Source)
		}
		f.Records++
		if last := a.End.AddDays(-1).String(); last > f.LastDay {
			f.LastDay = last
		}
	}
	sort.Strings(order)
	for _, src := range order {
		out.Freshness = append(out.Freshness, *byLast[src])
	}
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
func (s *Service) ProfilesPage(ctx context.Context, year int, static bool) (charts.ProfilesData, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return charts.ProfilesData{}, err
	}
	return charts.ProfilesData{Page: d.page("Profiles", s.Method.Label(), static), Profiles: s.Profiles.Profiles}, nil
}

// StartPage is the first page of a central without a full year of data.
func (s *Service) StartPage(ctx context.Context, r *http.Request) (charts.StartData, error) {
	sts, err := s.SiteStatuses(ctx)
	if err != nil {
		return charts.StartData{}, err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	d := charts.StartData{Page: charts.Page{Title: "Getting started", Method: s.Method.Label(), Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC")},
		URL: scheme + "://" + r.Host}
	for _, st := range sts {
		d.Sites = append(d.Sites, charts.SiteNotice{ID: st.ID, Name: st.Name, Status: st.Status, Why: st.Why})
	}
	return d, nil
}

// AddPages registers the three pages and the assets on the handler.
func (h *Handler) AddPages() {
	served := charts.ServedLinks(charts.AssetsBase("/assets/", h.svc.Log))
	page := func(fn func(w http.ResponseWriter, r *http.Request, year int, links charts.Links) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			links := served
			links.Nonce = cspNonce(r.Context()) // the page's inline scripts run under the answer's policy
			year := 0
			if q := r.URL.Query().Get("year"); q != "" {
				y, err := yearParam(r)
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				year = y
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if err := fn(w, r, year, links); err != nil {
				status, msg := h.failStatus(w, err) // the API's mapping (errorStatus)
				http.Error(w, msg, status)
			}
		}
	}
	h.Handle("GET /{$}", page(func(w http.ResponseWriter, r *http.Request, y int, links charts.Links) error {
		d, err := h.svc.GroupPage(r.Context(), y, false)
		if errors.Is(err, ErrNoData) && y == 0 {
			// A central without a full year yet: how to get there.
			sd, serr := h.svc.StartPage(r.Context(), r)
			if serr != nil {
				return serr
			}
			return charts.RenderStart(w, sd, links)
		}
		if err != nil {
			return err
		}
		return charts.RenderGroup(w, d, links)
	}), true)
	h.Handle("GET /sites/{site}", page(func(w http.ResponseWriter, r *http.Request, y int, links charts.Links) error {
		d, err := h.svc.SitePage(r.Context(), r.PathValue("site"), y, false)
		if err != nil {
			return err
		}
		return charts.RenderSite(w, d, links)
	}), true)
	h.Handle("GET /profiles", page(func(w http.ResponseWriter, r *http.Request, y int, links charts.Links) error {
		d, err := h.svc.ProfilesPage(r.Context(), y, false)
		if err != nil {
			return err
		}
		return charts.RenderProfiles(w, d, links)
	}), true)
	h.mux.Handle("GET /assets/", charts.AssetsHandler())
}
