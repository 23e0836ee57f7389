package central

import (
	"context"
	"fmt"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/profiles"
)

// yearSite is a site's entry in one year of the group's figures.
type yearSite struct {
	st     store.Site
	decl   declaration.Site
	assign profiles.Assignment
	acts   []footprint.Activity // the year's records behind it (the input digest); nil: read by records
	inv    *ghg.Inventory       // as the group counts it (nil: missing)
	year   structure.SiteYear
	// sy and calc are the loaded site and its year the entry comes from
	// (nil: traced, its records read with it).
	sy   *siteYear
	calc *siteCalc
}

// records are the year's records behind the entry (the input digest):
// read now when the entry came from the site's stored results.
func (e *yearSite) records(ctx context.Context, s *Service, year int) ([]footprint.Activity, error) {
	if e.acts != nil || e.sy == nil {
		return e.acts, nil
	}
	return e.sy.yearActs(ctx, s, year, e.calc)
}

// groupYear is every site as the group counts it in year (only: that site
// alone) — its records inside its boundary, traced with trace, the months
// a silent site sent nothing for estimated (countIn) — in the catalog's
// order: the one definition of the figures the export, its prior-year
// comparatives, a closed year and the inventory API publish.
func (s *Service) groupYear(ctx context.Context, year int, only string, trace bool) ([]yearSite, error) {
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	activity := s.activitySoon(ctx) // read while the sites load
	defer activity()
	loaded, err := s.loadedSites(ctx, sites)
	if err != nil {
		return nil, err
	}
	act, err := activity()
	if err != nil {
		return nil, err
	}
	end := groupEnd(act)
	defer func() {
		all := make([]*siteYear, 0, len(loaded))
		for _, sy := range loaded {
			all = append(all, sy)
		}
		s.saveLater(ctx, all)
	}()
	entries := make([]*yearSite, len(sites))
	err = parallel(ctx, len(sites), func(ctx context.Context, i int) error {
		st := sites[i]
		sy := loaded[st.ID]
		if (only != "" && st.ID != only) || sy == nil {
			return nil
		}
		part, in := boundaryOf(st).Part(year, sy.first, end)
		if !in {
			return nil
		}
		e, err := s.siteIn(ctx, sy, year, trace)
		if err != nil {
			return fmt.Errorf("site %s: %w", st.ID, err)
		}
		c, err := countIn(st.ID, year, part, e.inv, sy.cov, sy.lastFull(ctx, s))
		if err != nil || c.year.Status == "" {
			return err
		}
		e.inv, e.year = c.inv, c.year
		entries[i] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []yearSite
	for _, e := range entries {
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, nil
}

// siteIn is a loaded site's entry of year: traced (its raw records read,
// yearSite), else its calculation of the year from the records already
// loaded (the pages' own, cached with them) — the same inventory, not
// read twice.
func (s *Service) siteIn(ctx context.Context, sy *siteYear, year int, trace bool) (*yearSite, error) {
	if trace {
		return s.yearSite(ctx, sy.site, year, true)
	}
	c, err := sy.calc(ctx, s, year)
	if err != nil {
		return nil, err
	}
	return &yearSite{st: sy.site, decl: c.decl, assign: c.assign, acts: c.acts, inv: c.inv, sy: sy, calc: c}, nil
}

// yearSite is a site's records' inventory of year, with its declaration
// and profile then.
func (s *Service) yearSite(ctx context.Context, st store.Site, year int, trace bool) (*yearSite, error) {
	decl, err := s.declaration(ctx, st, year)
	if err != nil {
		return nil, err
	}
	a, as, _, err := s.assignment(ctx, decl, year)
	if err != nil {
		return nil, err
	}
	o := s.opts()
	o.Trace = trace
	acts, err := s.inputs(ctx, st, decl, year, trace)
	if err != nil {
		return nil, err
	}
	inv, err := ghg.Calculate(decl, acts, year, s.Factors, as, o)
	if err != nil {
		return nil, err
	}
	return &yearSite{st: st, decl: decl, assign: a, acts: acts, inv: inv}, nil
}

// loadedSites are the sites with all their records, by id: the pages'
// when they are cached at the data's version, else read now (without
// building the pages: a view of one year does not pay for every year's).
func (s *Service) loadedSites(ctx context.Context, sites []store.Site) (map[string]*siteYear, error) {
	out := map[string]*siteYear{}
	cached, err := s.cachedSites(ctx)
	if err != nil {
		return nil, err
	}
	for _, sy := range cached {
		out[sy.site.ID] = sy
	}
	var missing []store.Site
	for _, st := range sites {
		if sy, ok := out[st.ID]; !ok || !sameBoundary(sy.site, st) {
			missing = append(missing, st)
		}
	}
	more, err := s.loadSites(ctx, missing, false)
	if err != nil {
		return nil, err
	}
	for _, sy := range more {
		out[sy.site.ID] = sy
	}
	return out, nil
}

// sameBoundary says whether two reads of a site give it the same events.
func sameBoundary(a, b store.Site) bool {
	ea, eb := siteEvents(a), siteEvents(b)
	if len(ea) != len(eb) {
		return false
	}
	for i := range ea {
		if ea[i].Kind != eb[i].Kind || ea[i].On.DaysUntil(eb[i].On) != 0 {
			return false
		}
	}
	return true
}

// merged is the group's inventory of entries (nil when none counts).
func merged(year int, entries []yearSite) *ghg.Inventory {
	var invs []*ghg.Inventory
	for _, e := range entries {
		if e.inv != nil {
			invs = append(invs, e.inv)
		}
	}
	if len(invs) == 0 {
		return nil
	}
	return ghg.Merge("group", "Group", year, invs)
}
