// Package profiles places every site in one of four climate/grid profiles
// — the nearest in a standardised feature space (grid carbon intensity,
// heating and cooling degree days, car share of commuting, insulation) —
// explains the assignment, and supplies each profile's defaults and lever
// order to the footprint calculation.
package profiles

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

//go:embed profiles.yaml
var embeddedProfiles []byte

//go:embed climate.csv
var embeddedClimate []byte

// Count is the number of profiles a set must define (docs/ARCHITECTURE.md: four).
const Count = 4

// Features is a point in the profile space. Missing features (NaN) are
// left out of distances.
type Features struct {
	GridGPerKWh float64 `yaml:"grid_g_per_kwh" json:"grid_g_per_kwh"`
	HDD         float64 `yaml:"hdd" json:"hdd"`
	CDD         float64 `yaml:"cdd" json:"cdd"`
	CarShare    float64 `yaml:"car_share" json:"car_share"`
	Insulation  string  `yaml:"insulation" json:"insulation,omitempty"`
	// InventoryGridGPerKWh is the grid factor the site's inventory uses
	// (the library's grid row: a national one where it has one), which
	// home-working's energy is counted at; 0 (a profile's centre): the
	// GridGPerKWh above.
	InventoryGridGPerKWh float64 `yaml:"-" json:"-"`
}

// Profile is one site family with its representative centre, defaults and
// lever order.
type Profile struct {
	ID       string                    `yaml:"id" json:"id"`
	Name     string                    `yaml:"name" json:"name"`
	Centre   Centre                    `yaml:"centre" json:"centre"`
	Features Features                  `yaml:"features" json:"features"`
	Commute  []declaration.CommuteMode `yaml:"commute" json:"commute"`
	Fleet    []declaration.Workstation `yaml:"fleet" json:"fleet"`
	Levers   []string                  `yaml:"levers" json:"levers"`
	// HomeworkingKgPerHour is derived from the features (see Homeworking).
	HomeworkingKgPerHour float64 `yaml:"-" json:"homeworking_kg_per_hour"`
	HomeworkingBasis     string  `yaml:"-" json:"homeworking_basis"`
}

// Centre is the representative contact-centre city of a profile.
type Centre struct {
	City    string `yaml:"city" json:"city"`
	Country string `yaml:"country" json:"country"`
}

// Set is a validated set of profiles.
type Set struct {
	Profiles []Profile `yaml:"profiles" json:"profiles"`
	Origin   string    `yaml:"-" json:"origin"`
}

// Get returns the profile with id.
func (s *Set) Get(id string) (Profile, bool) {
	for _, p := range s.Profiles {
		if p.ID == id {
			return p, true
		}
	}
	return Profile{}, false
}

// IDs returns the profile ids in file order.
func (s *Set) IDs() []string {
	ids := make([]string, len(s.Profiles))
	for i, p := range s.Profiles {
		ids[i] = p.ID
	}
	return ids
}

// Default returns the embedded profile set.
func Default() *Set { return defaultSet() }

var defaultSet = sync.OnceValue(func() *Set {
	s, err := Parse(embeddedProfiles, "embedded profiles.yaml")
	if err != nil {
		panic(fmt.Sprintf("profiles: %v", err))
	}
	return s
})

// Load returns the profile set at path, or the embedded one when path is "".
func Load(path string) (*Set, error) {
	if path == "" {
		return Default(), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return Parse(raw, path)
}

// Parse decodes and validates a profiles.yaml; unknown keys are errors.
func Parse(raw []byte, name string) (*Set, error) {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var s Set
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.Origin = name
	if err := s.validate(name); err != nil {
		return nil, err
	}
	for i := range s.Profiles {
		p := &s.Profiles[i]
		p.HomeworkingKgPerHour, p.HomeworkingBasis = Homeworking(p.Features)
	}
	return &s, nil
}

func (s *Set) validate(name string) error {
	var errs []string
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if len(s.Profiles) != Count {
		bad("profiles", "%d profiles: a set defines exactly %d", len(s.Profiles), Count)
	}
	seen := map[string]int{}
	for i, p := range s.Profiles {
		pp := fmt.Sprintf("profiles[%d]", i)
		if p.ID == "" {
			bad(pp+".id", "missing")
		} else if j, dup := seen[p.ID]; dup {
			bad(pp+".id", "%q already used by profiles[%d]", p.ID, j)
		}
		seen[p.ID] = i
		if p.Name == "" {
			bad(pp+".name", "missing")
		}
		if !footprint.ValidCountry(p.Centre.Country) {
			bad(pp+".centre.country", "%q: want an ISO 3166-1 alpha-2 code", p.Centre.Country)
		}
		f := p.Features
		if !(f.GridGPerKWh > 0 && f.GridGPerKWh < 2000) {
			bad(pp+".features.grid_g_per_kwh", "%g: want gCO2e/kWh between 0 and 2000", f.GridGPerKWh)
		}
		if f.HDD < 0 || f.HDD > 10000 || f.CDD < 0 || f.CDD > 10000 {
			bad(pp+".features", "hdd %g, cdd %g: degree days must be between 0 and 10000", f.HDD, f.CDD)
		}
		if f.CarShare < 0 || f.CarShare > 1 {
			bad(pp+".features.car_share", "%g: want a share between 0 and 1", f.CarShare)
		}
		if _, ok := insulationRank(f.Insulation); !ok {
			bad(pp+".features.insulation", "%q: want a class from A to G", f.Insulation)
		}
		survey := declaration.Site{ID: "x", Name: "x", Country: "FR", Timezone: "UTC", Seats: 1, Commute: &declaration.CommuteSurvey{Modes: p.Commute}}
		if err := survey.Validate(""); err != nil {
			var ve *footprint.ValidationError
			if errors.As(err, &ve) {
				for _, fe := range ve.Errors {
					bad(pp+"."+strings.TrimPrefix(strings.Replace(fe.Path, "site.commute.modes", "commute", 1), "site."), "%s %s", fe.Value, fe.Message)
				}
			}
		}
		for j, w := range p.Fleet {
			if _, ok := footprint.UnitOf(footprint.KindWorkstation, w.Class); !ok || w.WattsOn <= 0 || w.WattsOff < 0 || w.WattsOff > w.WattsOn || w.WattsIdle < 0 || w.WattsIdle > w.WattsOn {
				bad(fmt.Sprintf("%s.fleet[%d]", pp, j), "class %q, %g W on, %g W left on, %g W off: want a workstation class with 0 ≤ watts_off ≤ watts_on and 0 ≤ watts_idle ≤ watts_on", w.Class, w.WattsOn, w.WattsIdle, w.WattsOff)
			}
		}
		lv := map[string]bool{}
		for j, l := range p.Levers {
			if declaration.LeverName(l) == "" {
				bad(fmt.Sprintf("%s.levers[%d]", pp, j), "%q: want one of %s", l, strings.Join(declaration.LeverIDs(), ", "))
			}
			if lv[l] {
				bad(fmt.Sprintf("%s.levers[%d]", pp, j), "%q listed twice", l)
			}
			lv[l] = true
		}
		if len(p.Levers) != len(declaration.LeverIDs()) {
			bad(pp+".levers", "%d levers: order all %d of the catalogue (%s)", len(p.Levers), len(declaration.LeverIDs()), strings.Join(declaration.LeverIDs(), ", "))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s: %d problem(s):\n  %s", name, len(errs), strings.Join(errs, "\n  "))
	}
	return nil
}

// Home-working model constants.
const (
	// equipmentKWhPerHour: DESNZ 2024 home-working office-equipment
	// component 0.03144 kgCO2e/h ÷ UK grid 0.20705 kgCO2e/kWh.
	equipmentKWhPerHour = 0.03144 / 0.20705
	// heatingKgPerHourUK: DESNZ 2024 home-working heating component.
	heatingKgPerHourUK = 0.30234
	// hddUK: London (Heathrow 1991–2020) heating degree days, base 18 °C,
	// monthly-mean estimate: the climate DESNZ's heating component reflects.
	hddUK = 2254.0
	// coolingKWhPerHourTropical: greenhelp assumption — a home worker in
	// the most air-conditioned climate (Manila, 3366 CDD) runs 0.5 kWh of
	// air-conditioning per working hour (a 1 kW unit half the time).
	coolingKWhPerHourTropical = 0.5
	cddTropical               = 3366.0
)

// Homeworking returns the home-working factor (kgCO2e per person-hour) for
// a climate and grid, and its basis: DESNZ's equipment energy at the local
// grid factor, DESNZ's UK heating scaled by HDD relative to the UK, and
// air-conditioning scaled by CDD relative to Manila at the local grid.
func Homeworking(f Features) (float64, string) {
	grid := f.GridGPerKWh / 1000
	if f.InventoryGridGPerKWh > 0 {
		grid = f.InventoryGridGPerKWh / 1000
	}
	equip := equipmentKWhPerHour * grid
	heat := heatingKgPerHourUK * f.HDD / hddUK
	coolKWh := coolingKWhPerHourTropical * f.CDD / cddTropical
	cool := coolKWh * grid
	total := equip + heat + cool
	return total, fmt.Sprintf("equipment %.3f kWh/h × %.3f kg/kWh = %.3f; heating DESNZ UK 0.302 kg/h × %.0f/%.0f HDD = %.3f; "+
		"cooling %.3f kWh/h × %.3f kg/kWh = %.3f; total %.3f kgCO2e/h (DESNZ 2024 home-working method adapted to climate and grid by greenhelp)",
		equipmentKWhPerHour, grid, equip, f.HDD, hddUK, heat, coolKWh, grid, cool, total)
}
