package central

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// RebuildRollups recomputes every site's rollups from the raw records
// (the source of truth) and returns how many sites it rebuilt.
func (s *Service) RebuildRollups(ctx context.Context) (int, error) {
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return 0, err
	}
	s.ingestMu.Lock() // no batch lands half-way through a site
	defer s.ingestMu.Unlock()
	for _, st := range sites {
		if err := s.Store.RebuildRollups(ctx, st.ID); err != nil {
			return 0, fmt.Errorf("site %s: %w", st.ID, err)
		}
	}
	if err := s.Store.SetRollupsBuilt(ctx); err != nil {
		return 0, err
	}
	s.Changed()
	return len(sites), nil
}

// inputs are what the calculation of site's year reads: the rollups (the
// year's months and kept records, and the workstation months before the
// declaration's power-off roll-out, the site's measured baseline), or with
// trace the raw records, every one of which the audit trail lists.
func (s *Service) inputs(ctx context.Context, st store.Site, d declaration.Site, year int, trace bool) ([]footprint.Activity, error) {
	site := st.ID
	if trace {
		acts, err := s.rawRecordsFor(ctx, site, d, year)
		if err != nil {
			return nil, err
		}
		return s.inBoundary(ctx, st, acts)
	}
	q := store.Query{}
	if year != 0 {
		q.From, q.To = footprint.YearBounds(year)
	}
	acts, err := s.Store.ReadRollup(ctx, site, q)
	if err != nil {
		return nil, err
	}
	if year == 0 { // every record: the roll-out's month read as its records, finer than a month
		if acts, err = s.expandSince(ctx, site, acts, []footprint.Date{d.PowerOff.Since}); err != nil {
			return nil, err
		}
		return s.inBoundary(ctx, st, acts)
	}
	w := ghg.YearWindow(d, year)
	if before, ok := w.BaselineBefore(); ok {
		pre, err := s.Store.ReadRollup(ctx, site, store.Query{Kinds: []footprint.Kind{footprint.KindWorkstation}, To: before})
		if err != nil {
			return nil, err
		}
		for _, a := range pre {
			if !w.InPeriod(&a) { // not already read with the year
				acts = append(acts, a)
			}
		}
	}
	// The roll-out's month is read as its records, finer than a month;
	// of them, the window keeps the baseline's and the year's.
	if acts, err = s.expandSince(ctx, site, acts, []footprint.Date{w.Baseline}); err != nil {
		return nil, err
	}
	acts = w.Filter(acts)
	return s.inBoundary(ctx, st, acts)
}

// expandSince replaces the workstation month holding a power-off roll-out
// date (not on the first of the month) by the raw records it sums: which
// of them came before the roll-out (the baseline) and which after is a
// record's own end date, finer than a month.
func (s *Service) expandSince(ctx context.Context, site string, acts []footprint.Activity, sinces []footprint.Date) ([]footprint.Activity, error) {
	inMonth := map[footprint.Date]bool{}
	for _, d := range sinces {
		if !d.IsZero() && d.Time().Day() != 1 {
			inMonth[footprint.NewDate(d.Year(), d.Time().Month(), 1)] = true
		}
	}
	if len(inMonth) == 0 {
		return acts, nil
	}
	out := make([]footprint.Activity, 0, len(acts))
	var months []footprint.Date // the rolled months to read as records, in order
	for _, a := range acts {
		if a.Rolled == nil || a.Kind != footprint.KindWorkstation || !inMonth[a.Start] {
			out = append(out, a)
		} else if len(months) == 0 || months[len(months)-1] != a.Start {
			months = append(months, a.Start)
		}
	}
	sort.Slice(months, func(i, j int) bool { return months[i].Before(months[j]) })
	months = slices.Compact(months)
	for _, m := range months {
		recs, err := s.rolledRecords(ctx, site, []footprint.Kind{footprint.KindWorkstation}, m, nextMonthOf(m))
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

func nextMonthOf(m footprint.Date) footprint.Date {
	return footprint.NewDate(m.Year(), m.Time().Month()+1, 1)
}

// rolledRecords reads the raw records of kinds that start in [from, to)
// and that the monthly rollup rows sum (store.Rolled): what a month's rows
// stand for, when a date inside the month matters.
func (s *Service) rolledRecords(ctx context.Context, site string, kinds []footprint.Kind, from, to footprint.Date) ([]footprint.Activity, error) {
	recs, err := s.Store.Read(ctx, store.Query{Sites: []string{site}, Kinds: kinds, From: from, To: to, Starting: true})
	if err != nil {
		return nil, err
	}
	var out []footprint.Activity
	for _, r := range recs {
		if store.Rolled(r.Activity) {
			out = append(out, r.Activity)
		}
	}
	return out, nil
}
