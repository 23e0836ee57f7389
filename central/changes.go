package central

import (
	"context"
	"fmt"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
)

// ChangeReport is what changed from the year before to year, and why:
// the group's and every site's change split into activity, emission-factor
// and structural effects (planning.GroupChange).
type ChangeReport struct {
	Year   int               `json:"year"`
	Method string            `json:"method"`
	Basis  string            `json:"basis"`
	Group  planning.Change   `json:"group"`
	Sites  []planning.Change `json:"sites"`
}

// Changes decomposes the change from year−1 to year, from the same cached
// inventories as the pages: each site as the group counts it each year
// (countIn: its records inside its boundary, the months it stayed silent
// estimated), so that a site opening mid-year joins in that year as the
// organic change it is, and a silent site continues at its estimate
// instead of leaving.
func (s *Service) Changes(ctx context.Context, year int) (*ChangeReport, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = d.year
	}
	var prev, cur []*ghg.Inventory
	status := map[string]string{}
	for _, sy := range d.sites {
		for _, y := range []int{year - 1, year} {
			c, err := sy.counted(ctx, s, y, d.end)
			if err != nil {
				return nil, err
			}
			if c.inv == nil {
				continue
			}
			if y == year {
				cur = append(cur, c.inv)
			} else {
				prev = append(prev, c.inv)
			}
		}
		status[sy.site.ID] = changeStatus(sy.site, year)
	}
	if len(cur) == 0 {
		return nil, fmt.Errorf("%w for %d", ErrNoData, year)
	}
	if len(prev) == 0 {
		return nil, fmt.Errorf("%w for %d: no year before to compare with", ErrNoData, year-1)
	}
	g, sites := planning.GroupChange(year-1, prev, cur)
	for i := range sites {
		if st := status[sites[i].Entity]; st != "" && sites[i].Status != "continuing" {
			sites[i].Status = st
		}
	}
	return &ChangeReport{Year: year, Method: planning.DecompositionMethod,
		Basis: "market-based totals (the trajectory's basis): scope 1 + scope 2 market-based + scope 3; each site as the group counts it (its records inside its boundary, the months a silent site sent nothing for estimated)",
		Group: g, Sites: sites}, nil
}

// changeStatus names a site that joined or left in year by its declared
// event ("" when none that year: "joined" or "left" stand).
func changeStatus(st store.Site, year int) string {
	for _, e := range siteEvents(st) {
		if e.On.Year() == year {
			return string(e.Kind)
		}
	}
	return ""
}
