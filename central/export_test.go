package central

import (
	"context"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/profiles"
)

// The steps of a calculation the tests (package central_test) compare:
// the rollups' path against the raw records', the pages' against the
// API's.

func (s *Service) Records(ctx context.Context, site string, year int) ([]footprint.Activity, error) {
	return s.records(ctx, site, year)
}

func (s *Service) RawRecordsFor(ctx context.Context, site string, d declaration.Site, year int) ([]footprint.Activity, error) {
	return s.rawRecordsFor(ctx, site, d, year)
}

func (s *Service) Assignment(ctx context.Context, d declaration.Site, year int) (profiles.Assignment, ghg.Assumptions, []string, error) {
	return s.assignment(ctx, d, year)
}

func (s *Service) Inputs(ctx context.Context, st store.Site, d declaration.Site, year int, trace bool) ([]footprint.Activity, error) {
	return s.inputs(ctx, st, d, year, trace)
}

func (s *Service) Opts() ghg.Options { return s.opts() }

// PageSite is what the pages compute a site from: its records (rollups
// and the raw records they stand for) and its inventory of a year.
type PageSite struct{ sy *siteYear }

func (s *Service) LoadPageSite(ctx context.Context, site store.Site) (PageSite, error) {
	sy, err := s.loadSite(ctx, site, "")
	return PageSite{sy}, err
}

func (p PageSite) Acts() []footprint.Activity { return p.sy.recs.acts }

func (p PageSite) Inventory(ctx context.Context, s *Service, year int) (*ghg.Inventory, error) {
	c, err := p.sy.calc(ctx, s, year)
	if err != nil {
		return nil, err
	}
	return c.inv, nil
}

// ResultsOff makes the service read and write no stored results (the
// reference of the results' exactness), before its first view.
func (s *Service) ResultsOff() { s.resOff = true }

// ResultCounts are the sites read from their records, those taken from
// their stored results, and the results written, since the service
// opened.
func (s *Service) ResultCounts() (read, hit, written int64) {
	return s.resRead.Load(), s.resHit.Load(), s.resWritten.Load()
}

// GroupResultID is the group's entry in the results table.
const GroupResultID = groupID

// GroupCounts are the group's stored figures used (groupresults.go) and
// written since the service opened.
func (s *Service) GroupCounts() (hit, written int64) {
	return s.groupHit.Load(), s.groupWritten.Load()
}

// SiteKey is the key a site's results are stored under now.
func (s *Service) SiteKey(ctx context.Context, id string) (string, error) {
	st, err := s.Store.Site(ctx, id)
	if err != nil {
		return "", err
	}
	gens, err := s.Store.Generations(ctx)
	return s.siteKey(st, gens[id]), err
}

// WaitResults waits for the results the views are writing back.
func (s *Service) WaitResults() { s.saving.Wait() }
