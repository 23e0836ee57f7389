package central

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
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
	hist     *planning.History  // with loadSites(…, true), when it has a full year
	full     []int              // its full calendar years of data (FullYears), worked out once
	first    footprint.Date     // its first counted record's day (zero: none)
	cov      structure.Coverage // the months its counted records touch
	// own is, for a site that entered by an acquisition or insourcing,
	// every record of it, those before it entered too (ownYears).
	own      []footprint.Activity
	mu       sync.Mutex // guards byYear: cached dashboards serve concurrent requests
	byYear   map[int]*siteCalc
	measured map[int]weather.MeasuredClimate // its full measured weather years, worked out once (under mu)
	cmu      sync.Mutex                      // guards counts
	counts   map[int]siteCount
}

type siteCalc struct {
	decl   declaration.Site
	assign profiles.Assignment
	as     ghg.Assumptions
	levers []string
	inv    *ghg.Inventory
	acts   []footprint.Activity // the year's share of the site's records (ghg.Window)
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
	all := acts
	if acts, err = s.inBoundary(ctx, site, acts); err != nil {
		return nil, err
	}
	o, err := s.Store.Override(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	sy := &siteYear{site: site, acts: acts, versions: vs, override: o, full: footprint.FullYears(acts), cov: structure.CoverageOf(acts),
		byYear: map[int]*siteCalc{}, counts: map[int]siteCount{}}
	for _, a := range acts {
		if sy.first.IsZero() || a.Start.Before(sy.first) {
			sy.first = a.Start
		}
	}
	if !boundaryOf(site).From.IsZero() {
		sy.own = all
	}
	return sy, nil
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
	c, err := sy.computeLocked(ctx, s, year, sy.acts)
	if err != nil {
		return nil, err
	}
	sy.byYear[year] = c
	return c, nil
}

// compute is calc from other records of the site (its own records from
// before it entered the group), not cached.
func (sy *siteYear) compute(ctx context.Context, s *Service, year int, acts []footprint.Activity) (*siteCalc, error) {
	sy.mu.Lock()
	defer sy.mu.Unlock()
	return sy.computeLocked(ctx, s, year, acts)
}

func (sy *siteYear) computeLocked(_ context.Context, s *Service, year int, all []footprint.Activity) (*siteCalc, error) {
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
	acts := ghg.YearWindow(d, year).Filter(all)
	inv, err := ghg.Calculate(d, acts, year, s.Factors, as, s.opts())
	if err != nil {
		return nil, fmt.Errorf("site %s: %w", sy.site.ID, err)
	}
	return &siteCalc{decl: d, assign: a, as: as, levers: order, inv: inv, acts: acts}, nil
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

func (sy *siteYear) monthly(ctx context.Context, s *Service, year int) ([]MonthPoint, error) {
	c, err := sy.calc(ctx, s, year)
	if err != nil {
		return nil, err
	}
	var out []MonthPoint
	for m := time.January; m <= time.December; m++ {
		from := footprint.NewDate(year, m, 1)
		inv, err := ghg.CalculatePeriod(c.decl, c.acts, from, footprint.NewDate(year, m+1, 1), s.Factors, c.as, s.opts())
		if err != nil {
			return nil, err
		}
		out = append(out, MonthPoint{Month: fmt.Sprintf("%d-%02d", year, m), AvoidedKWh: inv.PowerOff.AvoidedKWh, AvoidedT: inv.PowerOff.AvoidedT})
	}
	return out, nil
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
func (s *Service) Changed() { s.version.Add(1) }

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
	s.cache.mu.Lock()
	if s.cache.version != v || s.cache.byYear == nil {
		s.cache.version, s.cache.byYear = v, map[int]*dashboard{}
	}
	s.cache.byYear[year] = d
	s.cache.mu.Unlock()
	return d, nil
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
	act, err := s.Store.Activity(ctx)
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
