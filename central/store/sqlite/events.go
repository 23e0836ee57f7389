package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// AddSiteEvent records one of a site's events (ErrNotFound for an unknown
// site, ErrExists for its kind on that day again).
func (c *Store) AddSiteEvent(ctx context.Context, site string, e store.SiteEvent) error {
	res, err := c.db.ExecContext(ctx, `INSERT INTO site_events(site, kind, on_day, note, recorded_at)
		SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?)`,
		site, e.Kind, e.On.String(), e.Note, now(), site)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") || strings.Contains(err.Error(), "PRIMARY KEY") {
			return fmt.Errorf("site %q: %s on %s: %w", site, e.Kind, e.On, store.ErrExists)
		}
		return classify("add site event", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("site %q: %w", site, store.ErrNotFound)
	}
	return nil
}

// RemoveSiteEvent takes a site's event back (ErrNotFound when none).
func (c *Store) RemoveSiteEvent(ctx context.Context, site, kind string, on footprint.Date) error {
	res, err := c.db.ExecContext(ctx, `DELETE FROM site_events WHERE site = ? AND kind = ? AND on_day = ?`, site, kind, on.String())
	if err != nil {
		return classify("remove site event", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("site %q: no %s event on %s: %w", site, kind, on, store.ErrNotFound)
	}
	return nil
}

// siteEvents reads the events of the sites given (one: its id; "": all),
// by site, day and kind.
func (c *Store) siteEvents(ctx context.Context, site string) (map[string][]store.SiteEvent, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT site, kind, on_day, note, recorded_at FROM site_events
		WHERE ? = '' OR site = ? ORDER BY site, on_day, kind`, site, site)
	if err != nil {
		return nil, classify("read site events", err)
	}
	defer rows.Close()
	out := map[string][]store.SiteEvent{}
	for rows.Next() {
		var id, on, at string
		var e store.SiteEvent
		if err := rows.Scan(&id, &e.Kind, &on, &e.Note, &at); err != nil {
			return nil, classify("read site events", err)
		}
		if e.On, err = footprint.ParseDate(on); err != nil {
			return nil, fmt.Errorf("%w: site %s: event %s on %q: %w", store.ErrPermanent, id, e.Kind, on, err)
		}
		e.RecordedAt = parseTime(at)
		out[id] = append(out[id], e)
	}
	return out, classify("read site events", rows.Err())
}
