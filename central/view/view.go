// Package view holds the plain figures the application computes for the
// pages and the pages draw (docs/ARCHITECTURE.md, "Pages"): declared
// once, used by central (which fills them) and charts (which draws them),
// with no dependency of either on the other.
package view

// SiteSummary is one site's figures for the selected year.
type SiteSummary struct {
	ID, Name, Country, City string
	Profile                 string
	Latitude, Longitude     float64
	Seats                   int
	TotalT                  float64 // market-based
	KgPerSeat               float64
	// GapPct is the gap to the site's own trajectory that year (nil: no track).
	GapPct     *float64
	Compliance *float64
	AvoidedT   float64
}

// MonthPoint is one month of PC power-off results.
type MonthPoint struct {
	Month      string // YYYY-MM
	AvoidedKWh float64
	AvoidedT   float64
}

// SiteGap is a site's year against its trajectory.
type SiteGap struct {
	ID, Name                string
	ActualT, AllowedT, GapT float64
	GapPct                  float64
}
