package central

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/esg"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

// ESGOption tunes the export.
type ESGOption func(*esgRequest)

type esgRequest struct {
	records   bool
	noRestate bool // comparing a closed year: its own restatements are not needed
}

// WithRecords adds the activity records behind every line.
func WithRecords() ESGOption { return func(r *esgRequest) { r.records = true } }

// ESGDataset assembles the annual export for year (one site when only is
// set) from the same computations as the API.
func (s *Service) ESGDataset(ctx context.Context, year int, only, version string, opts ...ESGOption) (esg.Dataset, error) {
	d := esg.Dataset{Year: year, Version: version, FactorSet: factors.Version, GWPSet: s.opts().GWPSet(), ETSShare: s.Cfg.ESG.ETSShare}
	var req esgRequest
	for _, o := range opts {
		o(&req)
	}
	d.WithRecords = req.records
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return d, err
	}
	if only != "" {
		if _, err := s.Store.Site(ctx, only); err != nil {
			return d, err
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "factors %s\nprofiles %v\nmethod %s\ngwp %s\nrecalculation threshold %g\nets share %g\n",
		factors.Version, s.Profiles.IDs(), s.Method.Label(), d.GWPSet, s.Cfg.Trajectory.RecalculationThreshold, s.Cfg.ESG.ETSShare)
	// Every factor row not embedded (the override files) is an input.
	for _, r := range s.Factors.Rows() {
		if r.Origin != "embedded" {
			fmt.Fprintf(h, "factor override %s %v %s %s\n", r.ID(), r.KgPerUnit, r.Unit, r.Source)
		}
	}
	activity, err := s.Store.Activity(ctx)
	if err != nil {
		return d, err
	}
	entries, err := s.groupYear(ctx, year, only, d.WithRecords)
	if err != nil {
		return d, err
	}
	counted := map[string]structure.SiteYear{}
	for _, e := range entries {
		counted[e.st.ID] = e.year
		d.SiteYears = append(d.SiteYears, e.year)
		if e.inv == nil {
			continue
		}
		acts, err := e.records(ctx, s, year)
		if err != nil {
			return d, err
		}
		digestSite(h, e.st.ID, e.decl, acts)
		if est := e.inv.Estimated; est != nil { // what it stands on: the year it is scaled from
			fmt.Fprintf(h, "estimate %s %d %v %s\n", e.st.ID, year, est.T, est.Basis)
		}
		d.Sites = append(d.Sites, esg.Site{Inventory: e.inv, Name: e.st.Name, Country: e.st.Country, Profile: e.assign.Profile, Seats: e.decl.Seats, FTE: e.decl.FTE})
	}
	for _, st := range sites {
		if only != "" && st.ID != only {
			continue
		}
		sy, ok := counted[st.ID]
		if note := coverageNote(st, activity[st.ID].NewestDay, year, sy, ok); note != "" {
			d.Coverage = append(d.Coverage, note)
		}
	}
	if len(d.Sites) == 0 {
		what := "the group"
		if only != "" {
			what = "site " + only
		}
		return d, fmt.Errorf("%w: %s has no activity data for %d", ErrNoData, what, year)
	}
	d.Group = merged(year, entries)
	if d.Trajectory, err = s.trajectory(ctx, only, year); err != nil {
		d.Trajectory = planning.TrajectoryReport{Mode: s.Method.Mode, Rate: s.Method.Rate, Label: s.Method.Label()}
	}
	// The years before: how each site counted in them (the export's
	// own year from its own figures above).
	var before []structure.SiteYear
	for _, sy := range d.Trajectory.SiteYears {
		if sy.Year < year {
			before = append(before, sy)
		}
	}
	d.SiteYears = append(before, d.SiteYears...)
	structure.SortSiteYears(d.SiteYears)
	offs, err := s.Store.Offsets(ctx, year)
	if err != nil {
		return d, err
	}
	for _, o := range offs {
		d.Offsets = append(d.Offsets, esg.Offset{Year: o.Year, T: o.T, Registry: o.Registry, Project: o.Project, Vintage: o.Vintage})
		fmt.Fprintf(h, "offset %d %v %s %s %d\n", o.Year, o.T, o.Registry, o.Project, o.Vintage)
	}
	for _, r := range s.Cfg.ESG.Revenue {
		if r.Year == year && only == "" {
			d.Revenue = &esg.Revenue{Amount: r.Amount, Currency: r.Currency}
			fmt.Fprintf(h, "revenue %d %v %s\n", r.Year, r.Amount, r.Currency)
		}
	}
	// Every factor row the lines used, by value: a changed row changes
	// the digest even under the same factor-set name.
	for _, f := range usedFactors(d.Sites) {
		io.WriteString(h, f)
	}
	d.InputDigest = hex.EncodeToString(h.Sum(nil))
	if only == "" {
		if ch, err := s.Changes(ctx, year); err == nil {
			d.Changes = &esg.ChangeSet{Method: ch.Method, Group: ch.Group, Sites: ch.Sites}
		} else if !errors.Is(err, ErrNoData) {
			return d, err
		}
		// The comparatives: the year before as its own export counts it
		// (and as it was published, when closed: any difference is a
		// listed restatement).
		prev, err := s.groupYear(ctx, year-1, "", false)
		if err != nil {
			return d, err
		}
		d.Prior = merged(year-1, prev)
		if d.MethodRestatements, err = s.methodRestatements(ctx, d); err != nil {
			return d, err
		}
		if !req.noRestate {
			if d.Restatements, err = s.restatements(ctx, year, d); err != nil {
				return d, err
			}
		}
	}
	return d, nil
}

// coverageNote says what the year lacks of a site, or what bounds it, for
// the export's notes ("" when nothing): deterministic — the data, the
// events and the closing day, not the clock — so that a rerun is
// byte-identical. sy is how it counts (ok false: not at all).
func coverageNote(st store.Site, newest footprint.Date, year int, sy structure.SiteYear, ok bool) string {
	yearFrom, yearTo := footprint.YearBounds(year)
	who := fmt.Sprintf("%s (%s)", st.Name, st.ID)
	b := boundaryOf(st)
	switch {
	case b.Exit != nil && !yearFrom.Before(b.Until):
		return fmt.Sprintf("%s: %s, not counted in %d", who, exitWords(b), year)
	case b.Entry != nil && !b.From.IsZero() && !b.From.Before(yearTo):
		return fmt.Sprintf("%s: %s on %s, not counted in %d", who, b.Entry.Kind, b.From, year)
	case newest.IsZero():
		return fmt.Sprintf("%s: registered, no records received", who)
	case ok && sy.Status != structure.Reported:
		return fmt.Sprintf("%s: %s in %d: %s", who, sy.Status, year, sy.Basis)
	case ok && newest.Before(yearTo.AddDays(-1)) && (b.Exit == nil || yearTo.Before(b.Until)):
		// Its records stop before the year's end with the group's: the
		// year is not over yet.
		return fmt.Sprintf("%s: records only until %s: %d is partial", who, newest, year)
	case b.Exit != nil && b.Until.Before(yearTo):
		return fmt.Sprintf("%s: %s, counted until %s", who, exitWords(b), b.Until.AddDays(-1))
	case b.Entry != nil && yearFrom.Before(b.From):
		return fmt.Sprintf("%s: %s on %s, counted from then (its records before restate the base)", who, b.Entry.Kind, b.From)
	case !ok && newest.Before(yearFrom):
		return fmt.Sprintf("%s: no records for %d (its newest record is of %s): not counted", who, year, newest)
	}
	return ""
}

// digestSite adds a site's declaration and records to the input digest,
// the records in canonical order, so that the digest depends on the data
// only, not on the store that returned it.
func digestSite(h io.Writer, site string, decl declaration.Site, acts []footprint.Activity) {
	db, _ := json.Marshal(decl)
	fmt.Fprintf(h, "site %s %s\n", site, db)
	lines := make([]string, len(acts))
	for i, a := range acts {
		k := a.Key(site)
		lines[i] = fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%v|%s|%s\n", k.Site, k.Kind, k.Item, k.Start, k.End, k.Source, k.Attrs, a.Quantity, a.Unit, a.Quality)
	}
	sort.Strings(lines)
	for _, l := range lines {
		io.WriteString(h, l)
	}
}

func usedFactors(sites []esg.Site) []string {
	seen := map[string]bool{}
	var out []string
	for _, st := range sites {
		for _, l := range st.Inventory.Lines {
			k := fmt.Sprintf("line factor %s %v %s\n", l.FactorID, l.FactorKgPerUnit, l.FactorSource)
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// closedFigures are the figures a closed year keeps per entity: the
// headline figures of the table of scopes (ghg.Headline), whose
// order the restatements follow.
func closedFigures(inv *ghg.Inventory) map[string]float64 {
	out := map[string]float64{}
	for _, f := range ghg.Headline() {
		out[f.Field] = f.Of(inv)
	}
	return out
}

// figuresOf is every entity's closed figures in an export: the group's
// and each site's.
func figuresOf(d esg.Dataset) map[string]map[string]float64 {
	out := map[string]map[string]float64{"group": closedFigures(d.Group)}
	for _, st := range d.Sites {
		out[st.Inventory.Site] = closedFigures(st.Inventory)
	}
	return out
}

// CloseYear records year's figures as published, with the export's input
// digest: from then on the export lists any difference as a restatement.
func (s *Service) CloseYear(ctx context.Context, year int, now time.Time) (store.ClosedYear, error) {
	d, err := s.ESGDataset(ctx, year, "", "", func(r *esgRequest) { r.noRestate = true })
	if err != nil {
		return store.ClosedYear{}, err
	}
	cy := store.ClosedYear{Year: year, ClosedAt: now, InputDigest: d.InputDigest, FactorSet: d.FactorSet, GWPSet: d.GWPSet, Figures: figuresOf(d)}
	if err := s.Store.CloseYear(ctx, cy); err != nil {
		return cy, err
	}
	s.Changed()
	s.audit(ctx, auditCloseYear, strconv.Itoa(year), "input digest "+cy.InputDigest)
	return cy, nil
}

// restatements compares every closed year up to year with what greenhelp
// computes for it now.
func (s *Service) restatements(ctx context.Context, year int, cur esg.Dataset) ([]esg.Restatement, error) {
	closed, err := s.Store.ClosedYears(ctx, year)
	if err != nil {
		return nil, err
	}
	var out []esg.Restatement
	for _, cy := range closed {
		d := cur
		if cy.Year != year {
			d, err = s.ESGDataset(ctx, cy.Year, "", "", func(r *esgRequest) { r.noRestate = true })
			if errors.Is(err, ErrNoData) {
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		now, digest, factorSet, gwp := figuresOf(d), d.InputDigest, d.FactorSet, d.GWPSet
		var why []string
		if gwp != cy.GWPSet {
			why = append(why, fmt.Sprintf("GWP set %s → %s (methodology change)", cy.GWPSet, gwp))
		}
		if factorSet != cy.FactorSet {
			why = append(why, fmt.Sprintf("factor set %s → %s", cy.FactorSet, factorSet))
			// Published with another factor set: a method change in this
			// one restates the year (GHG Protocol ch. 5).
			if m := methodsOf(d.Group); len(m) > 0 {
				why = append(why, "methodology change restating the year: "+strings.Join(m, ", ")+" (method_restatements)")
			}
		}
		if digest != cy.InputDigest && len(why) == 0 {
			why = append(why, "inputs changed since the year was closed (corrected or late records, declarations, factor overrides)")
		}
		reason := strings.Join(why, "; ")
		entities := make([]string, 0, len(cy.Figures))
		for e := range cy.Figures {
			entities = append(entities, e)
		}
		for e := range now {
			if _, ok := cy.Figures[e]; !ok {
				entities = append(entities, e)
			}
		}
		sort.Strings(entities)
		for _, e := range entities {
			for _, f := range ghg.Headline() {
				n := f.Field
				was, is := cy.Figures[e][n], now[e][n]
				if math.Abs(was-is) < 5e-7 {
					continue
				}
				out = append(out, esg.Restatement{Year: cy.Year, Entity: e, Figure: n, PublishedT: was, CurrentT: is, Reason: reason,
					PublishedOn: cy.ClosedAt.UTC().Format("2006-01-02")})
			}
		}
	}
	return out, nil
}

// methodRestatements is the group's lines restated by a change of method,
// every year of the series from its first up to the export's.
func (s *Service) methodRestatements(ctx context.Context, d esg.Dataset) ([]esg.MethodRestatement, error) {
	invs := []*ghg.Inventory{d.Group, d.Prior}
	first := d.Year - 1
	for _, sy := range d.SiteYears {
		first = min(first, sy.Year)
	}
	for y := first; y < d.Year-1; y++ {
		entries, err := s.groupYear(ctx, y, "", false)
		if errors.Is(err, ErrNoData) {
			continue
		}
		if err != nil {
			return nil, err
		}
		invs = append(invs, merged(y, entries))
	}
	return esg.MethodRestatements(invs...), nil
}

// methodsOf is the method changes that restated inv's lines.
func methodsOf(inv *ghg.Inventory) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range inv.Lines {
		if l.Restated == nil {
			continue
		}
		for _, m := range l.Restated.Methods {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out
}

// maxOffsetT bounds the tonnes of one offset record: a thousand times the
// yearly emissions of a 200-site group of ~30,000 t (the demo's), against a
// figure in kilograms given as tonnes — greenhelp's own bound, not a
// published one.
const maxOffsetT = 30e6

// AddOffset records compensation retired.
func (s *Service) AddOffset(ctx context.Context, o store.Offset) (int64, error) {
	if err := CheckOffset(o); err != nil {
		return 0, err
	}
	id, err := s.Store.AddOffset(ctx, o)
	if err == nil {
		s.Changed()
		s.audit(ctx, auditOffset, strconv.FormatInt(id, 10), fmt.Sprintf("year %d, %g t, %s %s", o.Year, o.T, o.Registry, o.Project))
	}
	return id, err
}

// CheckOffset returns every problem of an offset record at once (an
// ErrInvalid), each field by its API name and its flag; the CLI checks
// before it sends one to the central.
func CheckOffset(o store.Offset) error {
	var problems []string
	bad := func(field, value, want string) {
		problems = append(problems, fmt.Sprintf("%s %s: %s", field, value, want))
	}
	switch {
	case math.IsNaN(o.T) || math.IsInf(o.T, 0) || o.T <= 0:
		bad("t (--t)", strconv.FormatFloat(o.T, 'g', -1, 64), "want the tonnes of CO2e retired, a number > 0")
	case o.T > maxOffsetT:
		bad("t (--t)", strconv.FormatFloat(o.T, 'g', -1, 64), fmt.Sprintf("over %.0f t: tonnes, not kilograms?", maxOffsetT))
	}
	if o.Year < 1990 || o.Year > 2100 {
		bad("year (--year)", strconv.Itoa(o.Year), "want the year the credits were retired, 1990–2100")
	}
	if o.Vintage < 1990 || (o.Year >= 1990 && o.Vintage > o.Year) {
		bad("vintage (--vintage)", strconv.Itoa(o.Vintage), "want the credits' vintage year, from 1990 to the year retired")
	}
	// Registry and project reach the pages, the export and terminals: names,
	// bounded and printable like a site's.
	for _, f := range []struct{ field, v string }{{"registry (--registry)", o.Registry}, {"project (--project)", o.Project}} {
		if strings.TrimSpace(f.v) == "" {
			bad(f.field, `""`, "missing")
		} else if why := footprint.TextProblem(f.v, footprint.MaxNameLength); why != "" {
			bad(f.field, footprint.QuoteClip(f.v), why)
		}
	}
	if len(problems) > 0 {
		return invalid("offset: %s", strings.Join(problems, "; "))
	}
	return nil
}
