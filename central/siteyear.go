package central

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
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

// siteYear is what the pages need of one site: its records (read once,
// on first need when its stored results answer: results.go) and, per
// year, the declaration in force, the profile and the inventory.
type siteYear struct {
	site store.Site
	// key is what its results are stored under (results.go; "": not
	// stored); dirty says it computed parts its stored result lacks.
	key   string
	dirty atomic.Bool
	smu   sync.Mutex // one write of its result at a time

	lmu  sync.Mutex   // guards recs, read on first need
	recs *siteRecords // nil: not read yet

	hist    *planning.History  // with loadSites(…, true), when it has a full year
	full    []int              // its full calendar years of data (FullYears), worked out once
	first   footprint.Date     // its first counted record's day (zero: none)
	months  []int              // the months its counted records touch (monthsOf)
	cov     structure.Coverage // the same months
	ownFull []int              // the full years of own (ownYears)

	mu                    sync.Mutex // guards what follows: cached dashboards serve concurrent requests
	byYear                map[int]*siteCalc
	raw                   map[int][]byte                  // stored years not decoded yet
	strs                  []string                        // their strings (codec.go)
	monthlyBy             map[int][]MonthPoint            // power-off months by year
	leversBy              map[int][]planning.Lever        // lever potentials by year
	rawMonthly, rawLevers map[int][]byte                  // stored ones not decoded yet
	ownT                  map[int]float64                 // own full years' market-based totals
	sums                  map[int]yearSum                 // stored years' summaries (results.go)
	measured              map[int]weather.MeasuredClimate // its full measured weather years, worked out once
	cmu                   sync.Mutex                      // guards counts
	counts                map[int]siteCount
}

// siteRecords are a site's records as its calculation reads them.
type siteRecords struct {
	acts     []footprint.Activity // all years, inside its boundary
	versions []store.SiteVersion  // its declarations
	override *declaration.ProfilePin
	// own is, for a site that entered by an acquisition or insourcing,
	// every record of it, those before it entered too (ownYears).
	own []footprint.Activity
}

type siteCalc struct {
	decl   declaration.Site
	assign profiles.Assignment
	as     ghg.Assumptions
	levers []string
	inv    *ghg.Inventory
	acts   []footprint.Activity // the year's share of the site's records (ghg.Window); nil when read from its result
}

func newSiteYear(site store.Site) *siteYear {
	return &siteYear{site: site, byYear: map[int]*siteCalc{}, raw: map[int][]byte{}, monthlyBy: map[int][]MonthPoint{},
		leversBy: map[int][]planning.Lever{}, ownT: map[int]float64{}, counts: map[int]siteCount{}}
}

// readSite reads a site's records as its calculation reads them.
func (s *Service) readSite(ctx context.Context, site store.Site) (*siteRecords, error) {
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
	r := &siteRecords{acts: acts, versions: vs, override: o}
	if !boundaryOf(site).From.IsZero() {
		r.own = all
	}
	return r, nil
}

// loadSite reads a site's records and works out what the views read of
// them (its results to be computed: dirty).
func (s *Service) loadSite(ctx context.Context, site store.Site, key string) (*siteYear, error) {
	r, err := s.readSite(ctx, site)
	if err != nil {
		return nil, err
	}
	s.resRead.Add(1)
	sy := newSiteYear(site)
	sy.key, sy.recs = key, r
	sy.full, sy.months, sy.cov = footprint.FullYears(r.acts), monthsOf(r.acts), structure.CoverageOf(r.acts)
	for _, a := range r.acts {
		if sy.first.IsZero() || a.Start.Before(sy.first) {
			sy.first = a.Start
		}
	}
	if r.own != nil {
		sy.ownFull = footprint.FullYears(r.own)
	}
	sy.dirty.Store(true)
	return sy, nil
}

// records are the site's records, read on first need.
func (sy *siteYear) records(ctx context.Context, s *Service) (*siteRecords, error) {
	sy.lmu.Lock()
	defer sy.lmu.Unlock()
	if sy.recs != nil {
		return sy.recs, nil
	}
	r, err := s.readSite(ctx, sy.site)
	if err != nil {
		return nil, err
	}
	s.resRead.Add(1)
	sy.recs = r
	return r, nil
}

// yearActs are the year's share of the site's records (siteCalc.acts).
func (sy *siteYear) yearActs(ctx context.Context, s *Service, year int, c *siteCalc) ([]footprint.Activity, error) {
	if c.acts != nil {
		return c.acts, nil
	}
	r, err := sy.records(ctx, s)
	if err != nil {
		return nil, err
	}
	return ghg.YearWindow(c.decl, year).Filter(r.acts), nil
}

// calc returns the site's declaration, profile and inventory for year,
// with the declaration version in force that year.
func (sy *siteYear) calc(ctx context.Context, s *Service, year int) (*siteCalc, error) {
	sy.mu.Lock()
	defer sy.mu.Unlock()
	if c, ok := sy.byYear[year]; ok {
		return c, nil
	}
	if raw, ok := sy.raw[year]; ok {
		delete(sy.raw, year)
		c, err := decodeYear(raw, sy.strs)
		if err == nil {
			sy.byYear[year] = c
			return c, nil
		}
		s.Log.Warn("a site's stored year does not read: computing it again", "site", sy.site.ID, "year", year, "error", err)
	}
	r, err := sy.records(ctx, s)
	if err != nil {
		return nil, err
	}
	c, err := sy.computeLocked(ctx, s, year, r, r.acts)
	if err != nil {
		return nil, err
	}
	sy.byYear[year] = c
	sy.dirty.Store(true)
	return c, nil
}

// ownTotal is the market-based total of the site's own records of a year
// (its records from before it entered the group), cached with its
// results.
func (sy *siteYear) ownTotal(ctx context.Context, s *Service, year int) (float64, error) {
	sy.mu.Lock()
	defer sy.mu.Unlock()
	if t, ok := sy.ownT[year]; ok {
		return t, nil
	}
	r, err := sy.records(ctx, s)
	if err != nil {
		return 0, err
	}
	c, err := sy.computeLocked(ctx, s, year, r, r.own)
	if err != nil {
		return 0, err
	}
	sy.ownT[year] = c.inv.TotalMarketT
	sy.dirty.Store(true)
	return c.inv.TotalMarketT, nil
}

func (sy *siteYear) computeLocked(_ context.Context, s *Service, year int, r *siteRecords, all []footprint.Activity) (*siteCalc, error) {
	d, ok := store.DeclarationIn(r.versions, year)
	if !ok {
		d = registered(sy.site)
	}
	if sy.measured == nil {
		sy.measured = weather.MeasuredYears(r.acts)
	}
	a, as, order, err := s.assign(d, year, r.override, sy.measured)
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
		sum, err := sy.summary(ctx, s, y)
		if err != nil {
			return h, false, err
		}
		h.Actual[y] = sum.T
	}
	last, _ := sy.summary(ctx, s, years[len(years)-1])
	if b := last.BaseYear; b != 0 {
		if _, ok := h.Actual[b]; ok {
			h.BaseYear = b
		}
	}
	return h, true, nil
}

// summary is the year's yearSum: its calculation's when decoded or
// computed, else the stored one (its year left undecoded), else its
// calculation's (calc).
func (sy *siteYear) summary(ctx context.Context, s *Service, year int) (yearSum, error) {
	sy.mu.Lock()
	if c, ok := sy.byYear[year]; ok {
		sy.mu.Unlock()
		return sumOf(c), nil
	}
	if sum, ok := sy.sums[year]; ok {
		sy.mu.Unlock()
		return sum, nil
	}
	sy.mu.Unlock()
	c, err := sy.calc(ctx, s, year)
	if err != nil {
		return yearSum{}, err
	}
	return sumOf(c), nil
}

func (sy *siteYear) hasData(inv *ghg.Inventory) bool {
	return len(inv.Lines) > 0 || inv.PowerOff.DeviceHours != nil
}

// monthly is the site's power-off result of each month of year, cached
// with its results.
func (sy *siteYear) monthly(ctx context.Context, s *Service, year int) ([]MonthPoint, error) {
	c, err := sy.calc(ctx, s, year)
	if err != nil {
		return nil, err
	}
	sy.mu.Lock()
	ok, err := sy.monthsLocked(year)
	ms := sy.monthlyBy[year]
	sy.mu.Unlock()
	if err != nil {
		s.Log.Warn("a site's stored months do not read: computing them again", "error", err)
	}
	if ok {
		return slices.Clone(ms), nil
	}
	acts, err := sy.yearActs(ctx, s, year, c)
	if err != nil {
		return nil, err
	}
	var out []MonthPoint
	for m := time.January; m <= time.December; m++ {
		from := footprint.NewDate(year, m, 1)
		inv, err := ghg.CalculatePeriod(c.decl, acts, from, footprint.NewDate(year, m+1, 1), s.Factors, c.as, s.opts())
		if err != nil {
			return nil, err
		}
		out = append(out, MonthPoint{Month: fmt.Sprintf("%d-%02d", year, m), AvoidedKWh: inv.PowerOff.AvoidedKWh, AvoidedT: inv.PowerOff.AvoidedT})
	}
	sy.mu.Lock()
	sy.monthlyBy[year] = out
	sy.mu.Unlock()
	sy.dirty.Store(true)
	return slices.Clone(out), nil
}

// leverPotentials are the site's levers sized on its year
// (planning.Levers), cached with its results.
func (sy *siteYear) leverPotentials(ctx context.Context, s *Service, year int) ([]planning.Lever, error) {
	c, err := sy.calc(ctx, s, year)
	if err != nil {
		return nil, err
	}
	sy.mu.Lock()
	ok, err := sy.leversLocked(year)
	ls := sy.leversBy[year]
	sy.mu.Unlock()
	if err != nil {
		s.Log.Warn("a site's stored levers do not read: computing them again", "error", err)
	}
	if ok {
		return slices.Clone(ls), nil
	}
	out := planning.Levers(c.decl, c.inv, c.levers, c.as, s.Factors)
	sy.mu.Lock()
	sy.leversBy[year] = out
	sy.mu.Unlock()
	sy.dirty.Store(true)
	return slices.Clone(out), nil
}
