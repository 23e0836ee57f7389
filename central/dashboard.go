package central

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
)

// loadSites loads every site (and, with history, works out its yearly
// totals), each on its own, on as many workers as there are CPUs. The
// result keeps the sites' order.
func (s *Service) loadSites(ctx context.Context, sites []store.Site, history bool) ([]*siteYear, error) {
	gens, stored, err := s.storedResults(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*siteYear, len(sites))
	err = parallel(ctx, len(sites), func(ctx context.Context, i int) error {
		key := s.siteKey(sites[i], gens[sites[i].ID])
		var sy *siteYear
		if r, ok := stored[sites[i].ID]; ok && key != "" && r.Key == key {
			var err error
			if sy, err = decodeSite(sites[i], key, r.Blob); err != nil {
				s.Log.Warn("a site's stored results do not read: computing them again", "site", sites[i].ID, "error", err)
				sy = nil
			} else {
				s.resHit.Add(1)
			}
		}
		if sy == nil {
			var err error
			if sy, err = s.loadSite(ctx, sites[i], key); err != nil {
				return err
			}
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

// dashboardSites are the sites of a dashboard: those of another year's
// dashboard at the data's version (each site loaded once, whatever the
// years the pages ask for, and its results computed once), the others
// loaded now with their history.
func (s *Service) dashboardSites(ctx context.Context, all []store.Site) ([]*siteYear, error) {
	cached, err := s.cachedSites(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*siteYear{}
	for _, sy := range cached {
		byID[sy.site.ID] = sy
	}
	out := make([]*siteYear, len(all))
	var missing []store.Site
	var at []int
	for i, st := range all {
		if sy, ok := byID[st.ID]; ok && sy.site.Name == st.Name && sy.site.Country == st.Country && sameBoundary(sy.site, st) {
			out[i] = sy
		} else {
			missing, at = append(missing, st), append(at, i)
		}
	}
	more, err := s.loadSites(ctx, missing, true)
	if err != nil {
		return nil, err
	}
	for j, sy := range more {
		out[at[j]] = sy
	}
	return out, nil
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

// dashboard is the data every page shares.
type dashboard struct {
	year   int
	years  []int
	sites  []*siteYear
	sums   []SiteSummary
	report planning.TrajectoryReport
	// end is the day after the group's newest record (groupEnd).
	end footprint.Date
}

// dashCache keeps the pages' data until the next accepted batch: reading
// every record of the group is most of a page's cost.
type dashCache struct {
	mu      sync.Mutex
	version cacheVersion
	byYear  map[int]*dashboard
}

// cacheVersion is what the cached pages were built from: this process's
// changes and, on a store other processes write too, the store's.
type cacheVersion struct {
	local uint64
	store int64
}

// sharedStore is a store several centrals write (store/postgres): its
// DataVersion changes after any of them committed a change, so that each
// central's cached pages follow the others' batches.
type sharedStore interface {
	DataVersion(ctx context.Context) (int64, error)
}

// Changed tells the service that stored data changed (a batch was accepted).
func (s *Service) Changed() {
	s.version.Add(1)
	select { // the refresher's cue (refresh.go), never waited for
	case s.changes <- struct{}{}:
	default:
	}
}

func (s *Service) dashboard(ctx context.Context, year int) (*dashboard, error) {
	v, err := s.dataVersion(ctx)
	if err != nil {
		return nil, err
	}
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
	s.saveLater(ctx, d.sites)
	s.cache.mu.Lock()
	if s.cache.version != v || s.cache.byYear == nil {
		s.cache.version, s.cache.byYear = v, map[int]*dashboard{}
	}
	s.cache.byYear[year] = d
	s.cache.mu.Unlock()
	return d, nil
}

// activity is Store.Activity read once a data version (the pages and
// the sites' statuses ask for it together); the map is shared: read it,
// never change it.
func (s *Service) activity(ctx context.Context) (map[string]store.SiteActivity, error) {
	v, err := s.dataVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.actMu.Lock()
	defer s.actMu.Unlock()
	if s.act != nil && s.actVer == v {
		return s.act, nil
	}
	act, err := s.Store.Activity(ctx)
	if err != nil {
		return nil, err
	}
	s.act, s.actVer = act, v
	return act, nil
}

// activitySoon starts reading the sites' activity (s.activity) on a
// goroutine of its own and returns what waits for it (called again: the
// same answer). A cold view reads the sites' stored results on one
// connection, one core busy; the activity, 0.1 s of SQLite at 1,000 sites
// (profiled), is read on another connection meanwhile.
func (s *Service) activitySoon(ctx context.Context) func() (map[string]store.SiteActivity, error) {
	var act map[string]store.SiteActivity
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		act, err = s.activity(ctx)
	}()
	return func() (map[string]store.SiteActivity, error) {
		<-done
		return act, err
	}
}

// dataVersion is the version of the stored data the cache compares.
func (s *Service) dataVersion(ctx context.Context) (cacheVersion, error) {
	v := cacheVersion{local: s.version.Load()}
	if sh, ok := s.Store.(sharedStore); ok {
		n, err := sh.DataVersion(ctx)
		if err != nil {
			return v, err
		}
		v.store = n
	}
	return v, nil
}

// cachedSites are the sites of a dashboard cached at the stored data's
// version (whatever its year: every dashboard loads every site), or nil:
// never built for it.
func (s *Service) cachedSites(ctx context.Context) ([]*siteYear, error) {
	v, err := s.dataVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.version != v {
		return nil, nil
	}
	for _, d := range s.cache.byYear {
		return d.sites, nil
	}
	return nil, nil
}

func (s *Service) buildDashboard(ctx context.Context, year int) (*dashboard, error) {
	all, err := s.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	d := &dashboard{year: year}
	activity := s.activitySoon(ctx) // read while the sites load
	defer activity()
	yearSet := map[int]bool{}
	if d.sites, err = s.dashboardSites(ctx, all); err != nil {
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
	// Every year from the first full one to the last: a year no site has
	// whole is still one of the group's (its silent sites estimated).
	for y := d.years[0] + 1; y < d.years[len(d.years)-1]; y++ {
		if !yearSet[y] {
			yearSet[y] = true
			d.years = append(d.years, y)
		}
	}
	sort.Ints(d.years)
	if d.year == 0 || !yearSet[d.year] {
		d.year = d.years[len(d.years)-1]
	}
	act, err := activity()
	if err != nil {
		return nil, err
	}
	d.end = groupEnd(act)
	// The trajectory from the same cached inventories.
	if d.report, err = s.trajectoryAsOf(ctx, d, 0); err != nil {
		return nil, err
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
		sum := SiteSummary{ID: sy.site.ID, Name: sy.site.Name, Country: sy.site.Country, City: c.decl.City,
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
				if ys.Year == d.year && ys.Checked() {
					g := ys.GapPct
					sum.GapPct = &g
				}
			}
		}
		d.sums = append(d.sums, sum)
	}
	return d, nil
}

// plan is the site's plan from base to current (planning.ForSite, the
// rule `greenhelp plan` follows), on the market-based totals the
// trajectory uses.
func (sy *siteYear) plan(ctx context.Context, s *Service, base, current int) (planning.Plan, error) {
	c, err := sy.calc(ctx, s, current)
	if err != nil {
		return planning.Plan{}, err
	}
	return planning.ForSite(planning.SiteInput{
		Site: c.decl, Profile: c.assign.Profile, Order: c.levers, Assumptions: c.as, Factors: s.Factors,
		Method: s.Method, Basis: "market", BaseYear: base, CurrentYear: current, Years: sy.full,
		Inventory: func(y int) (*ghg.Inventory, error) { return sy.inventory(ctx, s, y) },
	})
}
