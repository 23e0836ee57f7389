package central

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/esg"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

// ESGDataset assembles the annual export for year (one site when only is
// set) from the same computations as the API.
func (s *Service) ESGDataset(ctx context.Context, year int, only, version string) (esg.Dataset, error) {
	d := esg.Dataset{Year: year, Version: version, FactorSet: factors.Version}
	sites, err := s.Catalog.Sites(ctx)
	if err != nil {
		return d, err
	}
	if only != "" {
		if _, err := s.Catalog.Site(ctx, only); err != nil {
			return d, err
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "factors %s\nprofiles %v\nmethod %s\n", factors.Version, s.Profiles.IDs(), s.Method.Label())
	var invs []*footprint.Inventory
	for _, st := range sites {
		if only != "" && st.ID != only {
			continue
		}
		decl, err := s.declaration(ctx, st, year)
		if err != nil {
			return d, err
		}
		a, as, _, err := s.assignment(ctx, decl, year)
		if err != nil {
			return d, err
		}
		acts, err := s.recordsFor(ctx, st.ID, decl, year)
		if err != nil {
			return d, err
		}
		inv, err := footprint.Calculate(decl, acts, year, s.Factors, as, s.opts())
		if err != nil {
			return d, err
		}
		if len(inv.Lines) == 0 && inv.PowerOff.DeviceHours == nil {
			continue
		}
		db, _ := json.Marshal(decl)
		fmt.Fprintf(h, "site %s %s\n", st.ID, db)
		// Canonical order, so that the digest depends on the data only,
		// not on the store that returned it.
		lines := make([]string, len(acts))
		for i, a := range acts {
			k := a.Key(st.ID)
			lines[i] = fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%v|%s|%s\n", k.Site, k.Kind, k.Item, k.Start, k.End, k.Source, k.Attrs, a.Quantity, a.Unit, a.Quality)
		}
		sort.Strings(lines)
		for _, l := range lines {
			io.WriteString(h, l)
		}
		invs = append(invs, inv)
		d.Sites = append(d.Sites, esg.Site{Inventory: inv, Name: st.Name, Country: st.Country, Profile: a.Profile, Seats: decl.Seats, FTE: decl.FTE})
	}
	if len(d.Sites) == 0 {
		what := "the group"
		if only != "" {
			what = "site " + only
		}
		return d, fmt.Errorf("%w: %s has no activity data for %d", ErrNoData, what, year)
	}
	d.Group = footprint.Merge("group", "Group", year, invs)
	d.InputDigest = hex.EncodeToString(h.Sum(nil))
	if d.Trajectory, err = s.Trajectory(ctx, only); err != nil {
		d.Trajectory = footprint.TrajectoryReport{Mode: s.Method.Mode, Rate: s.Method.Rate, Label: s.Method.Label()}
	}
	offs, err := s.Catalog.Offsets(ctx, year)
	if err != nil {
		return d, err
	}
	for _, o := range offs {
		d.Offsets = append(d.Offsets, esg.Offset{Year: o.Year, T: o.T, Registry: o.Registry, Project: o.Project, Vintage: o.Vintage})
	}
	for _, r := range s.Cfg.ESG.Revenue {
		if r.Year == year && only == "" {
			d.Revenue = &esg.Revenue{Amount: r.Amount, Currency: r.Currency}
		}
	}
	return d, nil
}

// AddOffset records compensation retired.
func (s *Service) AddOffset(ctx context.Context, o store.Offset) (int64, error) {
	if o.T <= 0 || o.Year < 1990 || o.Registry == "" || o.Project == "" || o.Vintage < 1990 {
		return 0, fmt.Errorf("offset: want --year, --t > 0, --registry, --project and --vintage")
	}
	return s.Catalog.AddOffset(ctx, o)
}
