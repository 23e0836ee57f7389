package central

import (
	"context"
	"fmt"
	"maps"
	"slices"
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

// silentNote is what a silent site's status adds: it stays in the group.
const silentNote = "; still in the group: the months it sends nothing for are estimated from its last full year (declare a closure or divestment with greenhelp sites event if it left)"

// SiteStatuses lists every site with its status at the service's clock:
// closed (on a date), silent (no batch for sites.silent_after_days, or
// its newest record sites.behind_after_days behind the group's newest),
// no data (registered, nothing received), else open.
func (s *Service) SiteStatuses(ctx context.Context) ([]SiteStatus, error) {
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	act, err := s.activity(ctx)
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
		b := boundaryOf(st)
		switch {
		case b.Exit != nil && !today.Before(b.Until):
			ss.Status, ss.Why = StatusClosed, fmt.Sprintf("%s: its records from that day on are not counted", exitWords(b))
		case a.Batches == 0:
			ss.Status, ss.Why = StatusNoData, fmt.Sprintf("registered on %s, no batch received yet", st.CreatedAt.Format(time.DateOnly))
		case now.Sub(a.LastReceived) > time.Duration(s.Cfg.Sites.SilentAfterDays)*24*time.Hour:
			ss.Status, ss.Why = StatusSilent, fmt.Sprintf("no batch for %d days (last on %s; sites.silent_after_days = %d)%s",
				int(now.Sub(a.LastReceived).Hours()/24), a.LastReceived.Format(time.DateOnly), s.Cfg.Sites.SilentAfterDays, silentNote)
		case !a.NewestDay.IsZero() && a.NewestDay.DaysUntil(groupNewest) > s.Cfg.Sites.BehindAfterDays:
			ss.Status, ss.Why = StatusSilent, fmt.Sprintf("newest record %s, %d days behind the group's newest (%s; sites.behind_after_days = %d)%s",
				a.NewestDay, a.NewestDay.DaysUntil(groupNewest), groupNewest, s.Cfg.Sites.BehindAfterDays, silentNote)
		default:
			ss.Why = fmt.Sprintf("last batch %s, newest record %s", a.LastReceived.Format(time.DateOnly), a.NewestDay)
		}
		out = append(out, ss)
	}
	return out, nil
}

// Sites lists the catalog's sites (an empty list when there is none).
func (s *Service) Sites(ctx context.Context) ([]store.Site, error) {
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	if sites == nil {
		sites = []store.Site{}
	}
	return sites, nil
}

// SiteDetail is a site with its declarations, its last batch, what each
// source covered and its data quality (GET /api/v1/sites/{id}).
type SiteDetail struct {
	store.Site
	Versions  []store.SiteVersion `json:"declaration_history"`
	LastBatch *store.BatchLog     `json:"last_batch"`
	Freshness []SourceFreshness   `json:"sources"`
	Quality   DataQuality         `json:"data_quality"`
}

// SourceFreshness is the latest day each source has data for.
type SourceFreshness struct {
	Source  string `json:"source"`
	LastEnd string `json:"last_day_covered"`
	Records int    `json:"records"`
}

// freshness is what each source covered — its last day and how many
// records it sent — from raw records or monthly rollups alike (a
// rollup stands for its records and its last day), by source name: the
// one rule the API and the site page show.
func freshness(acts []footprint.Activity) []SourceFreshness {
	by := map[string]*SourceFreshness{}
	for _, a := range acts {
		f := by[a.Source]
		if f == nil {
			f = &SourceFreshness{Source: a.Source}
			by[a.Source] = f
		}
		f.Records += a.Count()
		if last := a.LastDay().String(); last > f.LastEnd {
			f.LastEnd = last
		}
	}
	out := make([]SourceFreshness, 0, len(by))
	for _, src := range slices.Sorted(maps.Keys(by)) {
		out = append(out, *by[src])
	}
	return out
}

// SiteDetail reads a site's detail; its sources by name.
func (s *Service) SiteDetail(ctx context.Context, id string) (SiteDetail, error) {
	st, err := s.Store.Site(ctx, id)
	if err != nil {
		return SiteDetail{}, err
	}
	d := SiteDetail{Site: st, Versions: []store.SiteVersion{}, Freshness: []SourceFreshness{}}
	if d.Versions, err = s.Store.Versions(ctx, id); err != nil {
		return SiteDetail{}, err
	}
	bs, err := s.Store.Batches(ctx, id, 1)
	if err != nil {
		return SiteDetail{}, err
	}
	if len(bs) > 0 {
		d.LastBatch = &bs[0]
	}
	recs, err := s.Store.Read(ctx, store.Query{Sites: []string{id}})
	if err != nil {
		return SiteDetail{}, err
	}
	acts := make([]footprint.Activity, len(recs))
	for i, r := range recs {
		acts[i] = r.Activity
	}
	d.Freshness = freshness(acts)
	if d.Quality, err = s.dataQuality(ctx, st, recs); err != nil {
		return SiteDetail{}, err
	}
	return d, nil
}

// Authenticate returns the site a token belongs to ("" for none).
func (s *Service) Authenticate(ctx context.Context, token string) (string, error) {
	return s.Store.Authenticate(ctx, token)
}

// Known says whether the catalog has a site of that id (false too when
// it cannot be read: the caller only labels a metric with it).
func (s *Service) Known(ctx context.Context, id string) bool {
	_, err := s.Store.Site(ctx, id)
	return err == nil
}

// Ping is what the central tells a site's agent that checks it can reach
// it (`greenhelp-agent check --ping`).
type Ping struct {
	Site       string    `json:"site"`
	Name       string    `json:"name"`
	Status     string    `json:"status"`
	ServerTime time.Time `json:"server_time"`
	// LastReceived is the site's last batch the central logged.
	LastReceived time.Time `json:"last_received,omitzero"`
}

// Ping reads a site's status and its last batch.
func (s *Service) Ping(ctx context.Context, site string) (Ping, error) {
	st, err := s.Store.Site(ctx, site)
	if err != nil {
		return Ping{}, err
	}
	p := Ping{Site: st.ID, Name: st.Name, Status: StatusOpen, ServerTime: s.now().UTC()}
	if boundaryOf(st).Exit != nil {
		p.Status = StatusClosed
	}
	bs, err := s.Store.Batches(ctx, site, 1)
	if err != nil {
		return Ping{}, err
	}
	if len(bs) > 0 {
		p.LastReceived = bs[0].ReceivedAt
	}
	return p, nil
}
