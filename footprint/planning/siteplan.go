package planning

import (
	"fmt"
	"slices"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// SiteInput is what a site's plan is made from.
type SiteInput struct {
	// Site is the declaration in force in CurrentYear; Profile, Order
	// and Assumptions its profile's name, lever order and assumptions
	// (profiles.Resolve).
	Site        declaration.Site
	Profile     string
	Order       []string
	Assumptions ghg.Assumptions
	Factors     *factors.Library
	Method      Method
	Basis       string // "market" or "location"
	BaseYear    int
	CurrentYear int
	// Years are the site's full years of data, in order; Inventory
	// returns the site's inventory of one of them.
	Years     []int
	Inventory func(year int) (*ghg.Inventory, error)
	Horizon   int // 0: 2050
}

// ForSite is the one rule for a site's plan, used by `greenhelp plan` and
// the site page alike (docs/ARCHITECTURE.md, "Each rule once"): the
// levers sized from the current year's inventory in the profile's order,
// the site's own actions set against the inventories of the year before
// each started and of the current year, and the trajectory from the base
// year's total to the horizon (PlanSite).
func ForSite(in SiteInput) (Plan, error) {
	if !slices.Contains(in.Years, in.BaseYear) || !slices.Contains(in.Years, in.CurrentYear) || in.CurrentYear < in.BaseYear {
		return Plan{}, fmt.Errorf("base year %d / current year %d: the site has full years %v; want base ≤ current among them", in.BaseYear, in.CurrentYear, in.Years)
	}
	byYear := map[int]*ghg.Inventory{}
	need := []int{in.BaseYear, in.CurrentYear}
	for _, a := range in.Site.Actions {
		if y := a.Start.Year() - 1; slices.Contains(in.Years, y) {
			need = append(need, y)
		}
	}
	for _, y := range need {
		if byYear[y] != nil {
			continue
		}
		inv, err := in.Inventory(y)
		if err != nil {
			return Plan{}, err
		}
		byYear[y] = inv
	}
	total := func(inv *ghg.Inventory) float64 {
		if in.Basis == "location" {
			return inv.TotalLocationT
		}
		return inv.TotalMarketT
	}
	cur := byYear[in.CurrentYear]
	return PlanSite(PlanInput{
		Site: in.Site.ID, Profile: in.Profile, Method: in.Method, Basis: in.Basis,
		BaseYear: in.BaseYear, BaseT: total(byYear[in.BaseYear]), CurrentYear: in.CurrentYear, CurrentT: total(cur),
		Levers:  Levers(in.Site, cur, in.Order, in.Assumptions, in.Factors),
		Actions: EvaluateActions(in.Site.Actions, byYear, in.CurrentYear),
		Horizon: in.Horizon,
	}), nil
}
