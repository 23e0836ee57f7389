package profiles

import (
	"fmt"
	"math"
	"sort"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// Scale is one feature's standardisation: distances add
// Weight × ((site − centre) / Unit)² over the features both sides know.
type Scale struct {
	Feature string  `json:"feature"`
	Unit    float64 `json:"unit"`
	Weight  float64 `json:"weight"`
}

// Scales are the fixed standardisation of the profile space. The units are
// a typical spread between contact-centre sites; the grid weighs double
// because it decides which levers pay (a PC left on costs 16× more CO2 on
// the Johannesburg grid than on the Paris one).
var Scales = []Scale{
	{"grid_g_per_kwh", 150, 2},
	{"hdd", 1000, 1},
	{"cdd", 1000, 1},
	{"car_share", 0.25, 0.5},
	{"insulation", 2, 0.5},
}

func (f Features) value(feature string) float64 {
	switch feature {
	case "grid_g_per_kwh":
		return f.GridGPerKWh
	case "hdd":
		return f.HDD
	case "cdd":
		return f.CDD
	case "car_share":
		return f.CarShare
	case "insulation":
		if r, ok := insulationRank(f.Insulation); ok {
			return r
		}
	}
	return math.NaN()
}

// contributions returns each feature's weighted squared distance.
func contributions(site, centre Features) map[string]float64 {
	out := map[string]float64{}
	for _, s := range Scales {
		a, b := site.value(s.Feature), centre.value(s.Feature)
		if math.IsNaN(a) || math.IsNaN(b) {
			continue
		}
		d := (a - b) / s.Unit
		out[s.Feature] = s.Weight * d * d
	}
	return out
}

// Assignment is a site's profile with its explanation.
type Assignment struct {
	Site string `json:"site"`
	// Profile is the profile in force: the override if any, else Computed.
	Profile  string `json:"profile"`
	Computed string `json:"computed"`
	// Distances from the site to every profile in the standardised space.
	Distances map[string]float64 `json:"distances"`
	// DecidedBy is the feature that most separates the nearest profile
	// from the runner-up.
	DecidedBy string            `json:"decided_by"`
	Override  *Override         `json:"override"`
	Features  Features          `json:"features"`
	Sources   map[string]string `json:"feature_sources"`
	Explain   string            `json:"explanation"`
}

// Override is a pin of a site to a profile, with its reason.
type Override struct {
	Profile string `json:"profile"`
	Reason  string `json:"reason"`
}

// Assign places a site with features f in the nearest profile of set. pin,
// when non-nil, overrides the result; both are kept.
func Assign(siteID string, f Features, sources map[string]string, set *Set, pin *declaration.ProfilePin) (Assignment, error) {
	a := Assignment{Site: siteID, Distances: map[string]float64{}, Features: f, Sources: sources}
	type cand struct {
		id string
		d  float64
		c  map[string]float64
	}
	var cs []cand
	for _, p := range set.Profiles {
		c := contributions(f, p.Features)
		sum := 0.0
		for _, s := range Scales { // in their order: a map's would change the last bits from run to run
			sum += c[s.Feature]
		}
		cs = append(cs, cand{p.ID, math.Sqrt(sum), c})
		a.Distances[p.ID] = math.Sqrt(sum)
	}
	if len(cs) == 0 {
		return a, fmt.Errorf("no profiles")
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	best := cs[0]
	a.Computed, a.Profile = best.id, best.id
	if len(cs) > 1 {
		second := cs[1]
		bestGain := math.Inf(-1)
		for _, s := range Scales {
			if g := second.c[s.Feature] - best.c[s.Feature]; g > bestGain && (g > 0 || a.DecidedBy == "") {
				bestGain, a.DecidedBy = g, s.Feature
			}
		}
		a.Explain = fmt.Sprintf("nearest profile %s (distance %.2f) over %s (%.2f); %s separates them most",
			best.id, best.d, second.id, second.d, a.DecidedBy)
	}
	if pin != nil {
		if _, ok := set.Get(pin.Pin); !ok {
			return a, fmt.Errorf("site %s: profile override %q: unknown profile, want one of %v", siteID, pin.Pin, set.IDs())
		}
		a.Override = &Override{Profile: pin.Pin, Reason: pin.Reason}
		a.Profile = pin.Pin
		a.Explain += fmt.Sprintf("; overridden to %s: %s", pin.Pin, pin.Reason)
	}
	return a, nil
}

// Assumptions returns the defaults profile p supplies to the calculation.
func (p Profile) Assumptions() ghg.Assumptions {
	return ghg.Assumptions{
		Profile:              p.ID,
		HomeworkingKgPerHour: p.HomeworkingKgPerHour,
		HomeworkingSource:    "profile " + p.ID + ": " + p.HomeworkingBasis,
		Commute:              &declaration.CommuteSurvey{Modes: p.Commute},
		Fleet:                p.Fleet,
	}
}

// AssumptionsFor returns the defaults for a site with features f in
// profile p: the home-working factor comes from the site's own climate and
// grid when both are known (the profile's model applied to the site), else
// from the profile's centre.
func (p Profile) AssumptionsFor(f Features) ghg.Assumptions {
	as := p.Assumptions()
	if !math.IsNaN(f.GridGPerKWh) && !math.IsNaN(f.HDD) && !math.IsNaN(f.CDD) {
		kg, basis := Homeworking(f)
		as.HomeworkingKgPerHour = kg
		as.HomeworkingSource = "site climate and grid (profile " + p.ID + " model): " + basis
	}
	return as
}
