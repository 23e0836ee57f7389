package central

import (
	"context"
	"fmt"

	"github.com/greenhelp/greenhelp/footprint"
)

// ChangeReport is what changed from the year before to year, and why:
// the group's and every site's change split into activity, emission-factor
// and structural effects (footprint.GroupChange).
type ChangeReport struct {
	Year   int                `json:"year"`
	Method string             `json:"method"`
	Basis  string             `json:"basis"`
	Group  footprint.Change   `json:"group"`
	Sites  []footprint.Change `json:"sites"`
}

// Changes decomposes the change from year−1 to year, from the same cached
// inventories as the pages.
func (s *Service) Changes(ctx context.Context, year int) (*ChangeReport, error) {
	d, err := s.dashboard(ctx, year)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = d.year
	}
	var prev, cur []*footprint.Inventory
	for _, sy := range d.sites {
		for _, y := range []int{year - 1, year} {
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
	g, sites := footprint.GroupChange(year-1, prev, cur)
	return &ChangeReport{Year: year, Method: footprint.DecompositionMethod,
		Basis: "market-based totals (the trajectory's basis): scope 1 + scope 2 market-based + scope 3", Group: g, Sites: sites}, nil
}

// trajectories is footprint.Trajectories with the group's base-year
// recalculation under the configured policy.
func (s *Service) trajectories(hist []footprint.History) (footprint.TrajectoryReport, error) {
	rep, err := footprint.Trajectories(hist, s.Method)
	if err != nil {
		return rep, err
	}
	if r, err := footprint.Recalculate(hist, s.Cfg.Trajectory.RecalculationThreshold); err == nil {
		rep.Recalculation = &r
	}
	return rep, nil
}
