package central

import (
	"context"
	"fmt"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// Site statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
	StatusSilent = "silent"
	StatusNoData = "no data"
)

// SiteStatus is a site of the catalog with what the central received
// from it and whether it stopped sending.
type SiteStatus struct {
	store.Site
	store.SiteActivity
	Status string `json:"status"`
	// Why says what the status rests on, in words.
	Why string `json:"why"`
}

// SiteStatuses lists every site with its status at the service's clock:
// closed (on a date), silent (no batch for sites.silent_after_days, or
// its newest record sites.behind_after_days behind the group's newest),
// no data (registered, nothing received), else open.
func (s *Service) SiteStatuses(ctx context.Context) ([]SiteStatus, error) {
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	act, err := s.Store.Activity(ctx)
	if err != nil {
		return nil, err
	}
	var groupNewest footprint.Date
	for _, a := range act {
		if groupNewest.Before(a.NewestDay) {
			groupNewest = a.NewestDay
		}
	}
	now := s.now()
	today := footprint.NewDate(now.Year(), now.Month(), now.Day())
	out := make([]SiteStatus, 0, len(sites))
	for _, st := range sites {
		a := act[st.ID]
		ss := SiteStatus{Site: st, SiteActivity: a, Status: StatusOpen}
		switch {
		case !st.ClosedOn.IsZero() && !today.Before(st.ClosedOn):
			ss.Status, ss.Why = StatusClosed, fmt.Sprintf("closed on %s: its records from that day on are not counted", st.ClosedOn)
		case a.Batches == 0:
			ss.Status, ss.Why = StatusNoData, fmt.Sprintf("registered on %s, no batch received yet", st.CreatedAt.Format(time.DateOnly))
		case now.Sub(a.LastReceived) > time.Duration(s.Cfg.Sites.SilentAfterDays)*24*time.Hour:
			ss.Status, ss.Why = StatusSilent, fmt.Sprintf("no batch for %d days (last on %s; sites.silent_after_days = %d)",
				int(now.Sub(a.LastReceived).Hours()/24), a.LastReceived.Format(time.DateOnly), s.Cfg.Sites.SilentAfterDays)
		case !a.NewestDay.IsZero() && a.NewestDay.DaysUntil(groupNewest) > s.Cfg.Sites.BehindAfterDays:
			ss.Status, ss.Why = StatusSilent, fmt.Sprintf("newest record %s, %d days behind the group's newest (%s; sites.behind_after_days = %d)",
				a.NewestDay, a.NewestDay.DaysUntil(groupNewest), groupNewest, s.Cfg.Sites.BehindAfterDays)
		default:
			ss.Why = fmt.Sprintf("last batch %s, newest record %s", a.LastReceived.Format(time.DateOnly), a.NewestDay)
		}
		out = append(out, ss)
	}
	return out, nil
}
