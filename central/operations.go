package central

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
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
	return s.Store.RotateToken(ctx, id)
}

// CloseSite closes a site on a day: its records from that day on are not
// counted. The day is a real one of the group's life: from 1990 (the
// earliest reporting year the inventory takes) to a year from today.
func (s *Service) CloseSite(ctx context.Context, id string, on footprint.Date) error {
	if err := checkClosingDay(on, s.now()); err != nil {
		return err
	}
	if err := s.Store.CloseSite(ctx, id, on); err != nil {
		return err
	}
	s.Changed()
	return nil
}

// ReopenSite reopens a closed site: all its records count again.
func (s *Service) ReopenSite(ctx context.Context, id string) error {
	if err := s.Store.CloseSite(ctx, id, footprint.Date{}); err != nil {
		return err
	}
	s.Changed()
	return nil
}

func checkClosingDay(on footprint.Date, now time.Time) error {
	first := footprint.NewDate(1990, 1, 1)
	last := footprint.NewDate(now.Year()+1, now.Month(), now.Day())
	if on.IsZero() || on.Before(first) || last.Before(on) {
		return invalid("closing day %s: want a day from %s to %s (a year from today), the first day whose records are not counted", on, first, last)
	}
	return nil
}
