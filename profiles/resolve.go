package profiles

import (
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/weather"
)

// Resolution is a site's profile for a year and what the calculation and
// the planner take from it.
type Resolution struct {
	Assignment Assignment
	// Assumptions fill what the site does not declare, with the site's
	// long-term climate for the weather normalisation.
	Assumptions ghg.Assumptions
	// Levers is the profile's lever order.
	Levers []string
}

// Resolve assigns a site to its profile in set for year, the one rule the
// central and the commands share: the features of the site's declaration,
// its grid in lib and its climate — measured (the full years of its own
// outdoor temperatures up to year, from MeasuredYears) when it has one,
// else its city's — and pin (the catalog's override, else the
// declaration's own profile:, else nil) deciding over the nearest centre.
func Resolve(set *Set, site declaration.Site, pin *declaration.ProfilePin, measured map[int]weather.MeasuredClimate, year int, lib *factors.Library) (Resolution, error) {
	var m *weather.MeasuredClimate
	if mc, ok := weather.MeasuredUpTo(measured, year); ok {
		m = &mc
	}
	f, src := SiteFeaturesWith(site, lib, year, m)
	a, err := Assign(site.ID, f, src, set, pin)
	if err != nil {
		return Resolution{Assignment: a}, err
	}
	p, _ := set.Get(a.Profile)
	as := p.AssumptionsFor(f)
	as.Climate = Normal(site)
	return Resolution{Assignment: a, Assumptions: as, Levers: p.Levers}, nil
}
