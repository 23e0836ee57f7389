package planning

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/greenhelp/greenhelp/footprint/structure"
)

// Trajectory modes.
const (
	// ModeCompound: allowed(y) = base × (1 − r)^(y − base_year).
	ModeCompound = "compound"
	// ModeLinear (the SBTi style): allowed(y) = base × (1 − r·(y − base_year)).
	ModeLinear = "linear"
)

// DefaultRate is the group's yearly reduction rate, 4.5 %.
const DefaultRate = 0.045

// Method is how the reduction trajectory is drawn.
type Method struct {
	Mode string  `json:"mode"`
	Rate float64 `json:"rate"`
}

// DefaultMethod is compound 4.5 % a year.
var DefaultMethod = Method{Mode: ModeCompound, Rate: DefaultRate}

// Validate checks the mode and that the rate is in (0, 1).
func (m Method) Validate() error {
	if m.Mode != ModeCompound && m.Mode != ModeLinear {
		return fmt.Errorf("trajectory mode %q: want %q or %q", m.Mode, ModeCompound, ModeLinear)
	}
	if !(m.Rate > 0 && m.Rate < 1) {
		return fmt.Errorf("trajectory rate %g: want a share between 0 and 1 exclusive (4.5 %% is 0.045)", m.Rate)
	}
	return nil
}

// Label names the method for people: "compound 4.5 %/yr".
func (m Method) Label() string { return fmt.Sprintf("%s %.1f %%/yr", m.Mode, m.Rate*100) }

// Allowed returns the emissions allowed in year y for a base of baseT
// tonnes in baseYear. Linear trajectories stop at zero.
func (m Method) Allowed(baseT float64, baseYear, y int) float64 {
	n := float64(y - baseYear)
	if m.Mode == ModeLinear {
		return baseT * math.Max(0, 1-m.Rate*n)
	}
	return baseT * math.Pow(1-m.Rate, n)
}

// History is one site's actual emissions by year (tCO2e), with its base
// year (0: the first year of data).
type History struct {
	Site     string
	BaseYear int
	Actual   map[int]float64
}

// YearStatus is one year of a site's or the group's trajectory.
type YearStatus struct {
	Year     int     `json:"year"`
	ActualT  float64 `json:"actual_t"`
	AllowedT float64 `json:"allowed_t"`
	// GapT is actual − allowed: positive means over the trajectory.
	GapT   float64 `json:"gap_t"`
	GapPct float64 `json:"gap_pct"`
	// OnTrack is the year's verdict: actual ≤ allowed. It is nil in the
	// base year, the line's start rather than a result — the one rule the
	// API, the pages, the export and the commands show (Verdict).
	OnTrack *bool `json:"on_track"`
	// CumulativeGapT is Σ gap since the base year: over- (+) or under-shoot (−).
	CumulativeGapT float64 `json:"cumulative_gap_t"`
}

// Track is the trajectory status of a site or of the group.
type Track struct {
	Site     string       `json:"site,omitempty"`
	BaseYear int          `json:"base_year"`
	BaseT    float64      `json:"base_t"`
	Years    []YearStatus `json:"years"`
	// NextYear is the year after the last actual; NextYearRequiredT the
	// emissions allowed then; ReductionNeededT how much the last actual
	// must fall to meet it (≤ 0: already below).
	NextYear          int     `json:"next_year"`
	NextYearRequiredT float64 `json:"next_year_required_t"`
	ReductionNeededT  float64 `json:"reduction_needed_t"`
	// ProjectedNextT extrapolates the linear trend of the last (up to)
	// three actual years.
	ProjectedNextT float64 `json:"projected_next_t"`
	ProjectedOn    bool    `json:"projected_on_track"`
}

// TrajectoryReport holds every site's track and the group's.
type TrajectoryReport struct {
	Mode  string  `json:"mode"`
	Rate  float64 `json:"rate"`
	Label string  `json:"method"`
	Sites []Track `json:"sites"`
	Group Track   `json:"group"`
	// Recalculation is the group's base-year recalculation: the group's
	// track runs on its base.
	Recalculation *Recalculation `json:"base_year_recalculation,omitempty"`
	// SiteYears says how each site counts in each year of the group's
	// figures: reported, estimated (silent), missing, outside the group.
	SiteYears []structure.SiteYear `json:"site_years,omitempty"`
}

// ErrNoHistory is returned when there is nothing to track.
var ErrNoHistory = errors.New("no emissions history")

// Trajectories computes each site's track from its own base year (its
// full years of data) and the group's from the group's series: on the
// base year's emissions as the recalculation policy states them
// (Recalculate, GroupTrack), so that a site opening or closing moves the
// group's actual figures, never its base, and a site that stops sending
// is estimated, never taken out.
func Trajectories(hist []History, g GroupSeries, m Method) (TrajectoryReport, error) {
	rep := TrajectoryReport{Mode: m.Mode, Rate: m.Rate, Label: m.Label()}
	if err := m.Validate(); err != nil {
		return rep, err
	}
	if len(hist) == 0 {
		return rep, ErrNoHistory
	}
	for _, h := range hist {
		tr, err := siteTrack(h, m)
		if err != nil {
			return rep, err
		}
		rep.Sites = append(rep.Sites, tr)
	}
	sort.Slice(rep.Sites, func(i, j int) bool { return rep.Sites[i].Site < rep.Sites[j].Site })
	r, err := Recalculate(g)
	if err != nil {
		return rep, err
	}
	rep.Recalculation = &r
	rep.Group = GroupTrack(r, m)
	return rep, nil
}

func siteTrack(h History, m Method) (Track, error) {
	years := sortedYears(h.Actual)
	if len(years) == 0 {
		return Track{}, fmt.Errorf("site %s: %w", h.Site, ErrNoHistory)
	}
	base := h.BaseYear
	if base == 0 {
		base = years[0]
	}
	baseT, ok := h.Actual[base]
	if !ok {
		return Track{}, fmt.Errorf("site %s: base year %d has no emissions figure (years with data: %v)", h.Site, base, years)
	}
	if baseT <= 0 {
		return Track{}, fmt.Errorf("site %s: base year %d has %g tCO2e: a trajectory needs a positive base", h.Site, base, baseT)
	}
	tr := Track{Site: h.Site, BaseYear: base, BaseT: baseT}
	cum := 0.0
	for _, y := range years {
		if y < base {
			continue
		}
		tr.Years = append(tr.Years, status(y, base, h.Actual[y], m.Allowed(baseT, base, y), &cum))
	}
	last := years[len(years)-1]
	tr.NextYear = last + 1
	tr.NextYearRequiredT = m.Allowed(baseT, base, last+1)
	tr.ReductionNeededT = h.Actual[last] - tr.NextYearRequiredT
	tr.ProjectedNextT = project(tr.Years)
	tr.ProjectedOn = tr.ProjectedNextT <= tr.NextYearRequiredT
	return tr, nil
}

func status(y, base int, actual, allowed float64, cum *float64) YearStatus {
	gap := actual - allowed
	*cum += gap
	pct := 0.0
	if allowed > 0 {
		pct = gap / allowed * 100
	}
	ys := YearStatus{Year: y, ActualT: actual, AllowedT: allowed, GapT: gap, GapPct: pct, CumulativeGapT: *cum}
	if y > base {
		on := actual <= allowed+1e-9
		ys.OnTrack = &on
	}
	return ys
}

// Checked reports whether the year has a verdict: a year after the base.
func (y YearStatus) Checked() bool { return y.OnTrack != nil }

// Verdict is the year's status in words: "base year", "on track" or
// "off track".
func (y YearStatus) Verdict() string {
	switch {
	case y.OnTrack == nil:
		return "base year"
	case *y.OnTrack:
		return "on track"
	}
	return "off track"
}

// project extrapolates next year from the least-squares line through the
// last (up to) three years; with one year it repeats it.
func project(ys []YearStatus) float64 {
	if len(ys) > 3 {
		ys = ys[len(ys)-3:]
	}
	if len(ys) == 1 {
		return ys[0].ActualT
	}
	var sx, sy, sxx, sxy float64
	n := float64(len(ys))
	for _, s := range ys {
		x := float64(s.Year)
		sx += x
		sy += s.ActualT
		sxx += x * x
		sxy += x * s.ActualT
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	next := float64(ys[len(ys)-1].Year + 1)
	return math.Max(0, sy/n+slope*(next-sx/n))
}

func sortedYears(m map[int]float64) []int {
	ys := make([]int, 0, len(m))
	for y := range m {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}
