package central

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

// The operations that change the catalog: written once here, called by the
// admin API, the central's local operator socket and the CLI alike (when
// no central serves the data directory), so that a rule — a name, a
// closing day — is the same wherever the change comes from, and the pages
// learn of every change (Changed).

// ErrInvalid is an operation refused for its input (the API answers 400).
var ErrInvalid = errors.New("invalid")

// invalidError is an ErrInvalid whose message is the reason alone.
type invalidError struct{ error }

func (invalidError) Is(target error) bool { return target == ErrInvalid }

// invalid wraps err (or a new message) as an ErrInvalid.
func invalid(format string, args ...any) error {
	return invalidError{fmt.Errorf(format, args...)}
}

// AddSite registers a site and returns its token, shown only then.
func (s *Service) AddSite(ctx context.Context, id, name, country string) (string, error) {
	if err := CheckNewSite("site", id, name, country); err != nil {
		return "", err
	}
	tok, err := s.Store.AddSite(ctx, id, name, country)
	if err != nil {
		return "", err
	}
	s.Changed()
	s.audit(ctx, auditSiteAdd, id, fmt.Sprintf("name %q, country %s", name, country))
	return tok, nil
}

// CheckNewSite returns every problem of a new site's id, name and country
// (the declaration's rules; source names where they came from) as an
// ErrInvalid: the CLI checks before it asks a central.
func CheckNewSite(source, id, name, country string) error {
	probe := declaration.Site{ID: id, Name: name, Country: country, Timezone: "UTC", Seats: 1}
	if err := probe.Validate(source); err != nil {
		return invalidError{err}
	}
	return nil
}

// RotateToken replaces a site's token; the old one stops working at once.
func (s *Service) RotateToken(ctx context.Context, id string) (string, error) {
	tok, err := s.Store.RotateToken(ctx, id)
	s.auditDone(ctx, err, auditSiteRotate, id, "")
	return tok, err
}

// CloseSite closes a site on a day: its records from that day on are not
// counted; an organic closure (structure.Closed), the base is not
// restated. The day is a real one of the group's life: from 1990 (the
// earliest reporting year the inventory takes) to a year from today, and
// a site leaves once (a divestment declared another day is refused).
func (s *Service) CloseSite(ctx context.Context, id string, on footprint.Date) error {
	if err := checkEventDay("closing day", on, s.now()); err != nil {
		return err
	}
	st, err := s.Store.Site(ctx, id)
	if err != nil {
		return err
	}
	// Its events with this closing day in place of the one it had.
	if err := checkEvents(siteEvents(store.Site{ID: st.ID, Events: st.Events, ClosedOn: on})); err != nil {
		return err
	}
	if err := s.Store.CloseSite(ctx, id, on); err != nil {
		return err
	}
	s.Changed()
	s.audit(ctx, auditSiteClose, id, auditDay(on))
	return nil
}

// ReopenSite reopens a closed, divested or outsourced site: all its
// records count again (its exit events are taken back; an acquisition or
// opening stays).
func (s *Service) ReopenSite(ctx context.Context, id string) error {
	st, err := s.Store.Site(ctx, id)
	if err != nil {
		return err
	}
	defer s.Changed()
	for _, e := range st.Events {
		if !structure.Kind(e.Kind).Enters() {
			if err := s.Store.RemoveSiteEvent(ctx, id, e.Kind, e.On); err != nil {
				return err
			}
		}
	}
	err = s.Store.CloseSite(ctx, id, footprint.Date{})
	s.auditDone(ctx, err, auditSiteReopen, id, "")
	return err
}

// AddSiteEvent declares an event of a site's life on a day (the first
// day it counts, for an entry; the first it no longer counts, for an
// exit): what the group's boundary and its base-year recalculation read.
// A closure is the site's closing day (CloseSite). A site's events hold
// together (structure.CheckEvents): one entry, one exit, after the entry.
func (s *Service) AddSiteEvent(ctx context.Context, id string, kind structure.Kind, on footprint.Date, note string) error {
	if err := checkEventDay(string(kind)+" day", on, s.now()); err != nil {
		return err
	}
	if why := footprint.TextProblem(note, footprint.MaxNameLength); note != "" && why != "" {
		return invalid("note %s: %s", footprint.QuoteClip(note), why)
	}
	if kind == structure.Closed {
		return s.CloseSite(ctx, id, on)
	}
	st, err := s.Store.Site(ctx, id)
	if err != nil {
		return err
	}
	if err := checkEvents(append(siteEvents(st), structure.Event{Site: id, Kind: kind, On: on, Note: note})); err != nil {
		return err
	}
	if err := s.Store.AddSiteEvent(ctx, id, store.SiteEvent{Kind: string(kind), On: on, Note: note}); err != nil {
		return err
	}
	s.Changed()
	s.audit(ctx, auditSiteEvent, id, string(kind)+" "+auditDay(on))
	return nil
}

// RemoveSiteEvent takes back a declared event (a closure: the site is
// reopened).
func (s *Service) RemoveSiteEvent(ctx context.Context, id string, kind structure.Kind, on footprint.Date) error {
	if kind == structure.Closed {
		st, err := s.Store.Site(ctx, id)
		if err != nil {
			return err
		}
		if st.ClosedOn.IsZero() || st.ClosedOn.DaysUntil(on) != 0 {
			return fmt.Errorf("site %q: not closed on %s: %w", id, on, store.ErrNotFound)
		}
		return s.ReopenSite(ctx, id)
	}
	if err := s.Store.RemoveSiteEvent(ctx, id, string(kind), on); err != nil {
		return err
	}
	s.Changed()
	s.audit(ctx, auditSiteEventDrop, id, string(kind)+" "+auditDay(on))
	return nil
}

func checkEvents(es []structure.Event) error {
	structure.SortEvents(es)
	if err := structure.CheckEvents(es); err != nil {
		return invalidError{err}
	}
	return nil
}

func checkEventDay(what string, on footprint.Date, now time.Time) error {
	first := footprint.NewDate(1990, 1, 1)
	last := footprint.NewDate(now.Year()+1, now.Month(), now.Day())
	if on.IsZero() || on.Before(first) || last.Before(on) {
		return invalid("%s %s: want a day from %s to %s (a year from today): for an exit the first day not counted, for an entry the first day counted", what, on, first, last)
	}
	return nil
}
