package web

import (
	"time"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/charts"
)

// The pages' data for charts, from the service's results: the page's
// title, the time it was generated and, for the board pack (`greenhelp
// charts`), static links are the pages' own; the figures are the
// service's as they are.

// generated is a page's "generated at" line.
func generated() string { return time.Now().UTC().Format("2006-01-02 15:04 UTC") }

func page(title string, o central.Overview, static bool) charts.Page {
	return charts.Page{Title: title, Year: o.Year, Years: o.Years, Sites: o.Sites, Method: o.Method,
		Generated: generated(), Static: static}
}

func notices(in []central.SiteStatus) []charts.SiteNotice {
	var out []charts.SiteNotice
	for _, st := range in {
		out = append(out, charts.SiteNotice{ID: st.ID, Name: st.Name, Status: st.Status, Why: st.Why})
	}
	return out
}

// GroupData is the group's dashboard (static: for the board pack).
func GroupData(g central.GroupView, static bool) charts.GroupData {
	d := charts.GroupData{Page: page("Group", g.Overview, static), Track: g.Track, ByYear: g.ByYear,
		PowerOffMonthly: g.PowerOffMonthly, Levers: g.Levers, Plan: g.Plan, Change: g.Change,
		Recalculation: g.Recalculation, SiteChanges: g.SiteChanges, Allowed: g.Allowed, Attention: notices(g.Attention), SiteYears: g.SiteYears}
	d.OverLine = g.OverLine
	return d
}

// SiteData is a site's page (static: for the board pack).
func SiteData(s central.SiteView, static bool) charts.SiteData {
	d := charts.SiteData{Page: page(s.Site.Name, s.Overview, static), Site: s.Site,
		Assignment: s.Assignment, ProfileName: s.ProfileName, Track: s.Track, ByYear: s.ByYear,
		PowerOffMonthly: s.PowerOffMonthly, Levers: s.Levers, Plan: s.Plan, Peers: s.Peers, Change: s.Change}
	for _, f := range s.Freshness {
		d.Freshness = append(d.Freshness, charts.Freshness{Source: f.Source, LastDay: f.LastEnd, Records: f.Records})
	}
	return d
}

// ProfilesData is the profiles page (static: for the board pack).
func ProfilesData(p central.ProfilesView, static bool) charts.ProfilesData {
	return charts.ProfilesData{Page: page("Profiles", p.Overview, static), Profiles: p.Profiles}
}

// StartData is the start page of a central reached at url.
func StartData(s central.StartView, url string) charts.StartData {
	return charts.StartData{Page: charts.Page{Title: "Getting started", Method: s.Method, Generated: generated()},
		URL: url, Sites: notices(s.Sites)}
}
