package central

import (
	"context"
	"fmt"

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
	// Prior is the group's inventory of the year before, over the sites
	// counted in it (the ESG export's comparative figures).
	Prior *ghg.Inventory `json:"-"`
}

// Changes decomposes the change from year−1 to year, from the same cached
// inventories as the pages. A site counts in a year when it has a full
// calendar year of data then (as for the trajectory): a site opened in
// July joins the group's comparison the next year, as a structural change,
// and a partial first year never reads as growth.
func (s *Service) Changes(ctx context.Context, year int) (*ChangeReport, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = d.year
	}
	var prev, cur []*ghg.Inventory
	for _, sy := range d.sites {
		full := map[int]bool{}
		for _, y := range sy.full {
			full[y] = true
		}
		for _, y := range []int{year - 1, year} {
			if !full[y] {
				continue
			}
			inv, err := sy.inventory(ctx, s, y)
			if err != nil {
				return nil, err
			}
			if !sy.hasData(inv) {
				continue
			}
			if y == year {
				cur = append(cur, inv)
			} else {
				prev = append(prev, inv)
			}
		}
	}
	if len(cur) == 0 {
		return nil, fmt.Errorf("%w for %d", ErrNoData, year)
	}
	if len(prev) == 0 {
		return nil, fmt.Errorf("%w for %d: no year before to compare with", ErrNoData, year-1)
	}
	g, sites := planning.GroupChange(year-1, prev, cur)
	return &ChangeReport{Year: year, Method: planning.DecompositionMethod,
		Basis: "market-based totals (the trajectory's basis): scope 1 + scope 2 market-based + scope 3; sites with a full calendar year of data",
		Group: g, Sites: sites, Prior: ghg.Merge("group", "Group", year-1, prev)}, nil
}

// trajectories is planning.Trajectories with the group's base-year
// recalculation under the configured policy.
func (s *Service) trajectories(hist []planning.History) (planning.TrajectoryReport, error) {
	rep, err := planning.Trajectories(hist, s.Method)
	if err != nil {
		return rep, err
	}
	if r, err := planning.Recalculate(hist, s.Cfg.Trajectory.RecalculationThreshold); err == nil {
		rep.Recalculation = &r
	}
	return rep, nil
}
