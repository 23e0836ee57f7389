package central

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/footprint/weather"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/profiles"
)

// Service is the central's state: stores, factor library, profiles and
// trajectory method. Every number it serves is computed by the same
// footprint and profiles code as the `calc` command.
type Service struct {
	Cfg *Config
	// Store is the catalog, the records and their rollups (openStore).
	Store    store.Store
	Factors  *factors.Library
	Profiles *profiles.Set
	Method   planning.Method
	Log      *slog.Logger

	// Clock is the time source (nil: time.Now); tests inject one.
	Clock func() time.Time

	version  atomic.Uint64 // bumped by every accepted batch
	cache    dashCache
	ingestMu sync.Mutex // the single writer path (Ingest)

	readOnly bool // opened beside the serving central: writes no results
	// The cache of calculated site-years (results.go): its key's
	// configuration part, the writes after a view, and counts of sites
	// read from their records (resRead), taken from their results
	// (resHit) and results written (resWritten).
	resOff     bool // tests: no results read or written
	resCfgOnce sync.Once
	resCfg     string
	saving     sync.WaitGroup
	resRead    atomic.Int64
	resHit     atomic.Int64
	resWritten atomic.Int64
	// The group's figures kept beside them (groupresults.go), with counts
	// of the stored entries used and written.
	group        groupCache
	groupHit     atomic.Int64
	groupWritten atomic.Int64
	changes      chan struct{} // a batch was accepted: the refresher's cue (refresh.go)

	actMu  sync.Mutex // guards act, Store.Activity at the data version actVer
	act    map[string]store.SiteActivity
	actVer cacheVersion
}

// New is the service over an opened store (server.Open opens the one
// the configuration names): it loads the factors and the profiles, applies
// the overrides file and builds missing rollups — unless readOnly, where a
// store that needs any of it is refused with what to do. On an error the
// store is closed.
func New(ctx context.Context, cfg *Config, st store.Store, log *slog.Logger, readOnly bool) (*Service, error) {
	lib, err := factors.LoadList(cfg.FactorsFile)
	if err != nil {
		st.Close()
		return nil, err
	}
	set, err := profiles.Load(cfg.ProfilesFile)
	if err != nil {
		st.Close()
		return nil, err
	}
	s := &Service{Cfg: cfg, Store: st, Factors: lib, Profiles: set, Log: log, readOnly: readOnly, changes: make(chan struct{}, 1),
		Method: planning.Method{Mode: cfg.Trajectory.Mode, Rate: cfg.Trajectory.Rate}}
	if err := s.loadOverrides(ctx, !readOnly); err != nil {
		st.Close()
		return nil, err
	}
	if built, err := st.RollupsBuilt(ctx); err != nil || !built {
		// A catalog from before the rollups: build them once from the
		// series (as `greenhelp rollups rebuild`).
		if err == nil && readOnly {
			err = errors.New("the store has no rollups yet, and it is opened read-only: the central serving it builds them when it starts (or run greenhelp rollups rebuild)")
		} else if err == nil {
			_, err = s.RebuildRollups(ctx)
		}
		if err != nil {
			s.Close()
			return nil, s.storeError(fmt.Errorf("building the rollups: %w", err))
		}
	}
	return s, nil
}

// CheckWritable reads the store and commits a write to it (the check of
// /healthz) and says, naming the file, what failed and what to do. serve
// calls it before it answers: a store that cannot be written would serve
// "ready" and fail every batch. (The commands that only read a store,
// such as export, do not: they work on a read-only copy.)
func (s *Service) CheckWritable(ctx context.Context) error {
	read, write := s.Store.Check(ctx)
	if read == nil && write == nil {
		return nil
	}
	return s.storeError(errors.Join(read, write))
}

// CheckStore reads the store and commits a write to it (GET /healthz):
// what failed of each.
func (s *Service) CheckStore(ctx context.Context) (read, write error) {
	return s.Store.Check(ctx)
}

// StorePath is the catalog's file, for the log.
func (s *Service) StorePath() string { return s.Store.Path() }

// Now is the service's clock (tests inject one through Clock).
func (s *Service) Now() time.Time { return s.now() }

// storeError says of a store failure which file failed and what to do;
// other errors are returned as they are.
func (s *Service) storeError(err error) error {
	if !errors.Is(err, store.ErrPermanent) && !errors.Is(err, store.ErrUnavailable) {
		return err
	}
	advice := StoreAdvice(err)
	if advice == "" {
		advice = "check that the file and its directory are writable by the central, that the disk has free space and that no other process holds the file locked"
	}
	return fmt.Errorf("the store %s cannot be read and written (%w): %s", s.Store.Path(), err, advice)
}

// Close closes the stores.
func (s *Service) Close() error {
	s.saving.Wait() // the results a view is writing back
	return s.Store.Close()
}

// declaration returns the site's declaration in force for year, or a
// minimal one from the catalog when the agent has not sent one yet.
func (s *Service) declaration(ctx context.Context, site store.Site, year int) (declaration.Site, error) {
	d, ok, err := s.Store.DeclarationFor(ctx, site.ID, year)
	if err != nil {
		return d, err
	}
	if !ok {
		d = registered(site)
	}
	return d, nil
}

// registered is the declaration of a site that never sent one: what the
// catalog knows.
func registered(site store.Site) declaration.Site {
	return declaration.Site{ID: site.ID, Name: site.Name, Country: site.Country}
}

// assignment places a site in its profile (a catalog override wins over a
// pin in the declaration) and returns the calculation's assumptions.
func (s *Service) assignment(ctx context.Context, d declaration.Site, year int) (profiles.Assignment, ghg.Assumptions, []string, error) {
	o, err := s.Store.Override(ctx, d.ID)
	if err != nil {
		return profiles.Assignment{}, ghg.Assumptions{}, nil, err
	}
	temps, err := s.Store.ReadRollup(ctx, d.ID, store.Query{Kinds: []footprint.Kind{footprint.KindWeather}})
	if err != nil {
		return profiles.Assignment{}, ghg.Assumptions{}, nil, err
	}
	return s.assign(d, year, o, weather.MeasuredYears(temps))
}

// assign is assignment with the site's override already read (nil: none).
// measured holds the site's full measured weather years (MeasuredYears).
func (s *Service) assign(d declaration.Site, year int, o *declaration.ProfilePin, measured map[int]weather.MeasuredClimate) (profiles.Assignment, ghg.Assumptions, []string, error) {
	pin := d.Profile
	if o != nil {
		pin = o
	}
	r, err := profiles.Resolve(s.Profiles, d, pin, measured, year, s.Factors)
	return r.Assignment, r.Assumptions, r.Levers, err
}

// records reads a site's activities overlapping year (or all, year 0).
func (s *Service) records(ctx context.Context, site string, year int) ([]footprint.Activity, error) {
	q := store.Query{Sites: []string{site}}
	if year != 0 {
		q.From, q.To = footprint.YearBounds(year)
	}
	recs, err := s.Store.Read(ctx, q)
	if err != nil {
		return nil, err
	}
	acts := make([]footprint.Activity, len(recs))
	for i, r := range recs {
		acts[i] = r.Activity
	}
	return acts, nil
}

// rawRecordsFor is records plus, when the declaration dates its power-off
// roll-out (power_off.since), the workstation records logged before it in
// earlier years: the site's measured baseline.
func (s *Service) rawRecordsFor(ctx context.Context, site string, d declaration.Site, year int) ([]footprint.Activity, error) {
	acts, err := s.records(ctx, site, year)
	if err != nil || year == 0 {
		return acts, err
	}
	w := ghg.YearWindow(d, year)
	before, ok := w.BaselineBefore()
	if !ok {
		return acts, nil
	}
	pre, err := s.Store.Read(ctx, store.Query{Sites: []string{site}, Kinds: []footprint.Kind{footprint.KindWorkstation}, To: before})
	if err != nil {
		return nil, err
	}
	for _, r := range pre {
		if w.InBaseline(&r.Activity) && !w.InPeriod(&r.Activity) { // not already read with the year
			acts = append(acts, r.Activity)
		}
	}
	return acts, nil
}

// SiteInventory computes one site's inventory for year.
func (s *Service) SiteInventory(ctx context.Context, siteID string, year int) (*ghg.Inventory, error) {
	return s.siteInventory(ctx, siteID, year, s.opts())
}

// TracedInventory is SiteInventory with every record's share of each line
// (Inventory.Records): the audit trail below the summed lines.
func (s *Service) TracedInventory(ctx context.Context, siteID string, year int) (*ghg.Inventory, error) {
	o := s.opts()
	o.Trace = true
	return s.siteInventory(ctx, siteID, year, o)
}

func (s *Service) siteInventory(ctx context.Context, siteID string, year int, o ghg.Options) (*ghg.Inventory, error) {
	site, err := s.Store.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	d, err := s.declaration(ctx, site, year)
	if err != nil {
		return nil, err
	}
	_, as, _, err := s.assignment(ctx, d, year)
	if err != nil {
		return nil, err
	}
	acts, err := s.inputs(ctx, site, d, year, o.Trace)
	if err != nil {
		return nil, err
	}
	return ghg.Calculate(d, acts, year, s.Factors, as, o)
}

// GroupInventory is the group's inventory document.
type GroupInventory struct {
	Year  int              `json:"year"`
	Sites []*ghg.Inventory `json:"sites"`
	Group *ghg.Inventory   `json:"group"`
	// SiteYears says how each site counts: reported, estimated (a silent
	// site), missing.
	SiteYears []structure.SiteYear `json:"site_years"`
}

// ErrNoData is returned for a year without any record.
var ErrNoData = errors.New("no data")

// ParseYear reads a reporting year asked for (a query's ?year=): 1990 to
// 2100.
func ParseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		return 0, fmt.Errorf("year %q: want a year such as 2024", s)
	}
	return y, nil
}

// Inventory computes every site's inventory for year as the group counts
// it (groupYear: the export's figures) and the group's sum.
func (s *Service) Inventory(ctx context.Context, year int) (*GroupInventory, error) {
	entries, err := s.groupYear(ctx, year, "", false)
	if err != nil {
		return nil, err
	}
	g := &GroupInventory{Year: year, SiteYears: []structure.SiteYear{}}
	for _, e := range entries {
		g.SiteYears = append(g.SiteYears, e.year)
		if e.inv != nil {
			g.Sites = append(g.Sites, e.inv)
		}
	}
	if len(g.Sites) == 0 {
		return nil, fmt.Errorf("%w for %d", ErrNoData, year)
	}
	g.Group = merged(year, entries)
	return g, nil
}

// Trajectory tracks every site (own base year: its declaration's
// base_year, else its first full year of data) and the group (on its base
// year's emissions as the recalculation policy states them, each site
// counted as countIn says), from the pages' cached inventories. The
// trajectory applies to market-based totals. With only, the site alone.
func (s *Service) Trajectory(ctx context.Context, only string) (planning.TrajectoryReport, error) {
	return s.trajectory(ctx, only, 0)
}

// trajectory is Trajectory as of a year (0: every year).
func (s *Service) trajectory(ctx context.Context, only string, asOf int) (planning.TrajectoryReport, error) {
	if only != "" {
		if _, err := s.Store.Site(ctx, only); err != nil {
			return planning.TrajectoryReport{}, err
		}
	}
	d, err := s.dashboard(ctx, 0)
	if err != nil {
		return planning.TrajectoryReport{}, err
	}
	if only != "" {
		one := *d
		one.sites = slices.DeleteFunc(slices.Clone(d.sites), func(sy *siteYear) bool { return sy.site.ID != only })
		d = &one
	}
	if only == "" && asOf == 0 {
		return d.report, nil
	}
	return s.trajectoryAsOf(ctx, d, asOf)
}

// Assignments returns every site's profile with its explanation.
func (s *Service) Assignments(ctx context.Context, year int) ([]profiles.Assignment, error) {
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	out := []profiles.Assignment{}
	for _, site := range sites {
		d, err := s.declaration(ctx, site, year)
		if err != nil {
			return nil, err
		}
		a, _, _, err := s.assignment(ctx, d, year)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Site < out[j].Site })
	return out, nil
}

// override is one entry of the overrides file.
type override struct {
	Site    string `mapstructure:"site"`
	Profile string `mapstructure:"profile"`
	Reason  string `mapstructure:"reason"`
}

// loadOverrides reads and checks the overrides file — every entry needs a
// known profile and a reason — and, with apply, writes its rows into the
// catalog (a read-only service reads those the serving central applied).
func (s *Service) loadOverrides(ctx context.Context, apply bool) error {
	if s.Cfg.OverridesFile == "" {
		return nil
	}
	v, err := config.Read(s.Cfg.OverridesFile)
	if err != nil {
		return err
	}
	var f struct {
		Overrides []override `mapstructure:"overrides"`
	}
	if err := config.Decode(v, "", &f, s.Cfg.OverridesFile); err != nil {
		return err
	}
	var errs []footprint.FieldError
	for i, o := range f.Overrides {
		p := fmt.Sprintf("overrides[%d]", i)
		if _, ok := s.Profiles.Get(o.Profile); !ok {
			errs = append(errs, footprint.FieldError{Path: p + ".profile", Value: o.Profile, Message: fmt.Sprintf("unknown profile: want one of %v", s.Profiles.IDs())})
		}
		if o.Reason == "" {
			errs = append(errs, footprint.FieldError{Path: p + ".reason", Message: "missing: an override is shown with its reason"})
		}
		if _, err := s.Store.Site(ctx, o.Site); err != nil {
			errs = append(errs, footprint.FieldError{Path: p + ".site", Value: o.Site, Message: "unknown site: add it with `greenhelp sites add` first"})
		}
	}
	if len(errs) > 0 {
		return &footprint.ValidationError{Source: s.Cfg.OverridesFile, Errors: errs}
	}
	for _, o := range f.Overrides {
		if !apply {
			break
		}
		if err := s.Store.SetOverride(ctx, o.Site, o.Profile, o.Reason); err != nil {
			return err
		}
	}
	return nil
}

// opts are the calculation options for records read from the store: a
// stored record that breaks the activity contract (written before a check
// existed, or straight into InfluxDB) is set aside with a note; the GWP
// set is the configuration's.
func (s *Service) opts() ghg.Options {
	return ghg.Options{SetAsideInvalid: true, GWP: s.Cfg.Inventory.GWP}
}
