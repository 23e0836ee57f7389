// Package charts draws greenhelp's pages with go-echarts: the CTO's group
// dashboard, the ambassador's site page and the profiles page. Pages are
// built from footprint and profiles results the caller computes (the same
// computation as the API); every chart has a fixed id so its option JSON
// is stable and testable.
package charts

import (
	views "github.com/greenhelp/greenhelp/central/view"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/profiles"
)

// SiteSummary: see views.SiteSummary (declared once for the service and the pages).
type SiteSummary = views.SiteSummary

// MonthPoint: see views.MonthPoint (declared once for the service and the pages).
type MonthPoint = views.MonthPoint

// Freshness is the last day a source covered.
type Freshness struct {
	Source, LastDay string
	Records         int
}

// Page holds what every page shows in its header.
type Page struct {
	Title     string
	Year      int
	Years     []int // selectable years
	Sites     []SiteSummary
	Method    string // trajectory label, e.g. "compound 4.5 %/yr"
	Generated string
	// Static: links for standalone HTML (relative files) instead of the
	// service's routes.
	Static bool
}

// GroupData is the CTO's dashboard.
type GroupData struct {
	Page
	Track           planning.Track   // the group's trajectory
	ByYear          []*ghg.Inventory // the group's inventory per year
	PowerOffMonthly []MonthPoint
	Levers          []planning.Lever // summed over sites
	Plan            planning.Plan
	// Change is the year's change from the year before in its three
	// effects (nil: no year before); Recalculation the base-year policy.
	Change        *planning.Change
	Recalculation *planning.Recalculation
	// SiteChanges are each site's year against the year before (its
	// change split in the three effects) and Allowed its allowed
	// emissions of the year by site id (absent: no trajectory yet).
	SiteChanges []planning.Change
	Allowed     map[string]float64
	// OverLine are the sites above their allowed emissions in the year,
	// most tonnes over first (the CTO's "which sites are off").
	OverLine []SiteGap
	// Attention are the sites that stopped sending, closed or never sent:
	// absent from (or partial in) the figures, said so.
	Attention []SiteNotice
	// SiteYears are the site-years up to the page's year the group's
	// figures estimate or lack (a silent site), or count outside the group.
	SiteYears []structure.SiteYear
}

// SiteGap: see views.SiteGap (declared once for the service and the pages).
type SiteGap = views.SiteGap

// SiteNotice is a site whose data the figures lack, and why.
type SiteNotice struct {
	ID, Name, Status, Why string
}

// SiteData is the ambassador's site page.
type SiteData struct {
	Page
	Site            SiteSummary
	Assignment      profiles.Assignment
	ProfileName     string
	Track           planning.Track
	ByYear          []*ghg.Inventory
	PowerOffMonthly []MonthPoint
	Levers          []planning.Lever
	Plan            planning.Plan
	Peers           []SiteSummary // sites of the same profile
	Freshness       []Freshness
	Change          *planning.Change // the year's change in its three effects
}

// ProfilesData is the profiles page.
type ProfilesData struct {
	Page
	Profiles []profiles.Profile
}
