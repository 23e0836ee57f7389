package footprint

import (
	"fmt"
	"strings"
	"time"
)

// Date is a civil (site-local) calendar date, as activity periods use.
type Date struct{ t time.Time }

// dateLayout is the wire format of a Date.
const dateLayout = "2006-01-02"

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate parses an ISO 8601 calendar date (2025-03-01).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Year returns d's year.
func (d Date) Year() int { return d.t.Year() }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// AddDays returns d shifted by n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// Later returns the later of d and e.
func (d Date) Later(e Date) Date {
	if d.Before(e) {
		return e
	}
	return d
}

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	// Dates are UTC midnights: the difference is a whole number of days.
	return int(e.t.Sub(d.t) / (24 * time.Hour))
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// YearBounds returns the first day of year y and of year y+1.
func YearBounds(y int) (Date, Date) { return NewDate(y, 1, 1), NewDate(y+1, 1, 1) }
