package declaration

import (
	"fmt"
	"github.com/greenhelp/greenhelp/footprint"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Site is a site's declaration: what the green ambassador states about the
// site in site.yaml (under the top-level "site:" key). The central keeps
// every version with the date it took effect.
type Site struct {
	ID        string  `mapstructure:"id" yaml:"id" json:"id"`
	Name      string  `mapstructure:"name" yaml:"name" json:"name"`
	Country   string  `mapstructure:"country" yaml:"country" json:"country"` // ISO 3166-1 alpha-2
	City      string  `mapstructure:"city" yaml:"city" json:"city,omitempty"`
	Latitude  float64 `mapstructure:"latitude" yaml:"latitude" json:"latitude"`
	Longitude float64 `mapstructure:"longitude" yaml:"longitude" json:"longitude"`
	Timezone  string  `mapstructure:"timezone" yaml:"timezone" json:"timezone"` // IANA name, e.g. Africa/Johannesburg
	// EffectiveFrom is the date this version of the declaration took effect.
	EffectiveFrom footprint.Date `mapstructure:"effective_from" yaml:"effective_from" json:"effective_from,omitempty"`
	Seats         int            `mapstructure:"seats" yaml:"seats" json:"seats"`
	FTE           float64        `mapstructure:"fte" yaml:"fte" json:"fte"`
	// HoursPerDay is the working hours of one person-day (home-working).
	HoursPerDay     float64 `mapstructure:"hours_per_day" yaml:"hours_per_day" json:"hours_per_day"`
	FloorAreaM2     float64 `mapstructure:"floor_area_m2" yaml:"floor_area_m2" json:"floor_area_m2,omitempty"`
	InsulationClass string  `mapstructure:"insulation_class" yaml:"insulation_class" json:"insulation_class,omitempty"` // A (best) … G

	Electricity  ElectricityContract `mapstructure:"electricity" yaml:"electricity" json:"electricity"`
	Commute      *CommuteSurvey      `mapstructure:"commute" yaml:"commute" json:"commute,omitempty"`
	Workstations []Workstation       `mapstructure:"workstations" yaml:"workstations" json:"workstations,omitempty"`
	PowerOff     PowerOffSchedule    `mapstructure:"power_off" yaml:"power_off" json:"power_off"`
	Climate      *Climate            `mapstructure:"climate" yaml:"climate" json:"climate,omitempty"`
	// DataCentres are the site's own server rooms and data centres;
	// Colocation its contracts for IT in providers' facilities (it.go).
	DataCentres []DataCentre `mapstructure:"data_centres" yaml:"data_centres" json:"data_centres,omitempty"`
	Colocation  []Colocation `mapstructure:"colocation" yaml:"colocation" json:"colocation,omitempty"`
	// Refrigerants are the charges of the site's cooling equipment, per
	// gas (site_cooling.go): with the refrigerant log, its leak rate.
	Refrigerants []RefrigerantCharge `mapstructure:"refrigerants" yaml:"refrigerants" json:"refrigerants,omitempty"`

	// Profile pins the site to a profile, overriding the computed assignment.
	Profile *ProfilePin `mapstructure:"profile" yaml:"profile" json:"profile,omitempty"`
	// BaseYear is the trajectory's base year (default: the first full year
	// of data).
	BaseYear int `mapstructure:"base_year" yaml:"base_year" json:"base_year,omitempty"`
	// Actions is the ambassador's reduction plan.
	Actions []Action `mapstructure:"actions" yaml:"actions" json:"actions,omitempty"`
}

// ProfilePin is an operator's or ambassador's choice of profile, with why.
type ProfilePin struct {
	Pin    string `mapstructure:"pin" yaml:"pin" json:"pin"`
	Reason string `mapstructure:"reason" yaml:"reason" json:"reason"`
}

// Action is one planned reduction action of the site's plan.
type Action struct {
	ID    string         `mapstructure:"id" yaml:"id" json:"id"`
	Lever string         `mapstructure:"lever" yaml:"lever" json:"lever"`
	Start footprint.Date `mapstructure:"start" yaml:"start" json:"start"`
	// Coverage is the share of the site the action covers (0–1, default 1).
	Coverage float64 `mapstructure:"coverage" yaml:"coverage" json:"coverage"`
	// ExpectedTPerYear is the reduction the ambassador expects, tCO2e/yr.
	ExpectedTPerYear float64 `mapstructure:"expected_t_per_year" yaml:"expected_t_per_year" json:"expected_t_per_year"`
	Owner            string  `mapstructure:"owner" yaml:"owner" json:"owner,omitempty"`
}

// ElectricityContract is how the site buys electricity, for the
// market-based Scope 2 method.
type ElectricityContract struct {
	// GreenShare is the share of consumption covered by energy attribute
	// certificates or a PPA (0–1); that share counts at 0 kgCO2e/kWh.
	GreenShare float64 `mapstructure:"green_share" yaml:"green_share" json:"green_share"`
	// Instrument names the certificates: GO, REGO, I-REC, PPA…
	Instrument string `mapstructure:"instrument" yaml:"instrument" json:"instrument,omitempty"`
	// SupplierKgPerKWh is the supplier-specific emission factor, if the
	// supplier discloses one; SupplierSource says where it comes from.
	SupplierKgPerKWh *float64 `mapstructure:"supplier_kg_per_kwh" yaml:"supplier_kg_per_kwh" json:"supplier_kg_per_kwh,omitempty"`
	SupplierSource   string   `mapstructure:"supplier_source" yaml:"supplier_source" json:"supplier_source,omitempty"`
	// Instruments are the certificates and PPAs applied to the
	// consumption, each with its year, volume and vintage (instruments.go),
	// in place of GreenShare.
	Instruments []Instrument `mapstructure:"instruments" yaml:"instruments" json:"instruments,omitempty"`
}

// CommuteSurvey is the site's commuting survey: how staff get to the site.
// Typed in site.yaml (site.commute), or read by the agent from a form's
// export (a commute_survey source, named in Source).
type CommuteSurvey struct {
	Date        footprint.Date `mapstructure:"date" yaml:"date" json:"date"`
	Respondents int            `mapstructure:"respondents" yaml:"respondents" json:"respondents"`
	Modes       []CommuteMode  `mapstructure:"modes" yaml:"modes" json:"modes"`
	// Source is the agent's source the survey was read from ("": typed in).
	Source string `mapstructure:"source" yaml:"source" json:"source,omitempty"`
}

// CommuteMode is one way of commuting: its share of on-site person-days and
// the typical one-way distance.
type CommuteMode struct {
	Mode     string  `mapstructure:"mode" yaml:"mode" json:"mode"`
	Share    float64 `mapstructure:"share" yaml:"share" json:"share"`
	OneWayKm float64 `mapstructure:"one_way_km" yaml:"one_way_km" json:"one_way_km"`
	// Occupancy is the people per car, for carpool (default 2).
	Occupancy float64 `mapstructure:"occupancy" yaml:"occupancy" json:"occupancy,omitempty"`
}

// CommuteModes are the modes a survey may name, each computed with the
// travel factor of the same name (carpool: car ÷ occupancy), or a stand-in
// the calculation names where the library has none: the local modes
// motorbike_taxi (habal-habal, ojek, boda-boda), tricycle (tuk-tuk,
// auto-rickshaw), paratransit (jeepney, songthaew, angkot), minibus
// (shared van or minibus: UV Express) and e_bike.
var CommuteModes = []string{"car_petrol", "car_diesel", "car_hybrid", "car_electric", "carpool",
	"motorbike", "bus", "coach", "rail", "rail_high_speed", "metro", "tram", "taxi", "bicycle", "walk",
	"motorbike_taxi", "tricycle", "paratransit", "minibus", "e_bike"}

// Workstation is one class of the site's fleet with its power draw.
type Workstation struct {
	Class      string  `mapstructure:"class" yaml:"class" json:"class"`
	Count      int     `mapstructure:"count" yaml:"count" json:"count"`
	WattsOn    float64 `mapstructure:"watts_on" yaml:"watts_on" json:"watts_on"`
	WattsOff   float64 `mapstructure:"watts_off" yaml:"watts_off" json:"watts_off"`
	WattsSleep float64 `mapstructure:"watts_sleep" yaml:"watts_sleep" json:"watts_sleep,omitempty"`
	// WattsIdle is the draw of a device left on in a power-off window with
	// nobody at it: a computer at long idle, its display asleep.
	WattsIdle float64 `mapstructure:"watts_idle" yaml:"watts_idle" json:"watts_idle,omitempty"`
}

// PowerOffSchedule is when PCs and screens must be off.
type PowerOffSchedule struct {
	Windows []PowerOffWindow `mapstructure:"windows" yaml:"windows" json:"windows,omitempty"`
	// Since is the policy's roll-out date. Window hours logged before it
	// are the site's measured baseline (the share of devices staff already
	// switched off), which replaces the published default.
	Since footprint.Date `mapstructure:"since" yaml:"since" json:"since,omitempty"`
	// Groups are machines with windows of their own (a shift's seats,
	// 24/7 seats: shifts.go); the others keep Windows.
	Groups []PowerOffGroup `mapstructure:"groups" yaml:"groups" json:"groups,omitempty"`
}

// PowerOffWindow is a weekly window, From–To local time (To before From
// spans midnight), or whole days.
type PowerOffWindow struct {
	Days   []string `mapstructure:"days" yaml:"days" json:"days"`
	From   string   `mapstructure:"from" yaml:"from" json:"from,omitempty"`
	To     string   `mapstructure:"to" yaml:"to" json:"to,omitempty"`
	AllDay bool     `mapstructure:"all_day" yaml:"all_day" json:"all_day,omitempty"`
}

// Climate overrides the heating and cooling degree days (base 18 °C).
type Climate struct {
	HDD float64 `mapstructure:"hdd" yaml:"hdd" json:"hdd"`
	CDD float64 `mapstructure:"cdd" yaml:"cdd" json:"cdd"`
}

// Weekdays are the day names a power-off window accepts.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// Validate returns every problem with the declaration, as a
// *ValidationError naming source (the file), or nil.
func (s Site) Validate(source string) error {
	var e footprint.Problems
	p := func(f string) string { return "site." + f }
	if !footprint.ValidSiteID(s.ID) {
		e.Add(p("id"), s.ID, footprint.SiteIDRule)
	}
	if strings.TrimSpace(s.Name) == "" {
		e.Add(p("name"), "", "missing: the site's name as people know it")
	}
	switch {
	case s.Country == "":
		e.Add(p("country"), "", "missing: ISO 3166-1 alpha-2 code, e.g. ZA, FR")
	case !footprint.ValidCountry(s.Country):
		hint := ""
		if footprint.ValidCountry(strings.ToUpper(s.Country)) {
			hint = fmt.Sprintf(" (did you mean %q?)", strings.ToUpper(s.Country))
		}
		e.Add(p("country"), s.Country, "not an ISO 3166-1 alpha-2 country code%s", hint)
	}
	if s.Latitude < -90 || s.Latitude > 90 || math.IsNaN(s.Latitude) {
		e.Add(p("latitude"), ftoa(s.Latitude), "must be between -90 and 90")
	}
	if s.Longitude < -180 || s.Longitude > 180 || math.IsNaN(s.Longitude) {
		e.Add(p("longitude"), ftoa(s.Longitude), "must be between -180 and 180")
	}
	if s.Timezone == "" {
		e.Add(p("timezone"), "", "missing: IANA time zone, e.g. Africa/Johannesburg")
	} else if _, err := time.LoadLocation(s.Timezone); err != nil {
		e.Add(p("timezone"), s.Timezone, "unknown time zone: want an IANA name such as Europe/Paris")
	}
	if s.Seats <= 0 {
		e.Add(p("seats"), strconv.Itoa(s.Seats), "must be > 0")
	}
	if s.FTE < 0 || math.IsNaN(s.FTE) {
		e.Add(p("fte"), ftoa(s.FTE), "must be ≥ 0")
	}
	if s.HoursPerDay < 0 || s.HoursPerDay > 24 || math.IsNaN(s.HoursPerDay) {
		e.Add(p("hours_per_day"), ftoa(s.HoursPerDay), "must be between 0 and 24 (0: use the default 8 h)")
	}
	if s.FloorAreaM2 < 0 {
		e.Add(p("floor_area_m2"), ftoa(s.FloorAreaM2), "must be ≥ 0")
	}
	if c := s.InsulationClass; c != "" && (len(c) != 1 || c[0] < 'A' || c[0] > 'G') {
		e.Add(p("insulation_class"), c, "want a letter from A (best) to G")
	}
	el := s.Electricity
	if el.GreenShare < 0 || el.GreenShare > 1 || math.IsNaN(el.GreenShare) {
		e.Add(p("electricity.green_share"), ftoa(el.GreenShare), "must be between 0 and 1 (a share, not a percentage)")
	}
	if el.GreenShare > 0 && el.Instrument == "" {
		e.Add(p("electricity.instrument"), "", "missing: name the certificates or contract (GO, REGO, I-REC, PPA) covering green_share")
	}
	if f := el.SupplierKgPerKWh; f != nil {
		if *f < 0 || *f > 2 || math.IsNaN(*f) {
			e.Add(p("electricity.supplier_kg_per_kwh"), ftoa(*f), "must be between 0 and 2 kgCO2e/kWh")
		}
		if el.SupplierSource == "" {
			e.Add(p("electricity.supplier_source"), "", "missing: a supplier factor needs its source (supplier disclosure, year)")
		}
	}
	validateInstruments(s, p, &e)
	if c := s.Commute; c != nil {
		validateCommute(*c, "site.commute", &e)
	}
	validateWorkstations(s, &e)
	validatePowerOff(s, &e)
	validateIT(s, p, &e)
	validateRefrigerants(s, &e)
	if c := s.Climate; c != nil {
		if c.HDD < 0 || c.HDD > 10000 {
			e.Add(p("climate.hdd"), ftoa(c.HDD), "heating degree days (base 18 °C) must be between 0 and 10000")
		}
		if c.CDD < 0 || c.CDD > 10000 {
			e.Add(p("climate.cdd"), ftoa(c.CDD), "cooling degree days (base 18 °C) must be between 0 and 10000")
		}
	}
	if pin := s.Profile; pin != nil {
		if pin.Pin == "" {
			e.Add(p("profile.pin"), "", "missing: the id of the profile the site is pinned to")
		}
		if strings.TrimSpace(pin.Reason) == "" {
			e.Add(p("profile.reason"), "", "missing: say why the site is pinned (the override is shown with its reason)")
		}
	}
	validateTexts(s, p, &e)
	if s.BaseYear != 0 && (s.BaseYear < 1990 || s.BaseYear > 2100) {
		e.Add(p("base_year"), strconv.Itoa(s.BaseYear), "want a year such as 2019")
	}
	validateActions(s, &e)
	return e.Err(source)
}

// validateWorkstations checks the fleet: one entry per known class, counts
// and watts in range, a power figure for a class without a default.
func validateWorkstations(s Site, e *footprint.Problems) {
	seen := map[string]int{}
	for i, w := range s.Workstations {
		wp := fmt.Sprintf("site.workstations[%d].", i)
		if _, ok := footprint.UnitOf(footprint.KindWorkstation, w.Class); !ok {
			e.Add(wp+"class", w.Class, "want one of %s%s", footprint.QuoteList(footprint.Items(footprint.KindWorkstation)), footprint.Suggest(w.Class, footprint.Items(footprint.KindWorkstation)))
		} else if j, dup := seen[w.Class]; dup {
			e.Add(wp+"class", w.Class, "already declared in workstations[%d]: one entry per class", j)
		}
		seen[w.Class] = i
		if w.Count < 0 {
			e.Add(wp+"count", strconv.Itoa(w.Count), "must be ≥ 0")
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"watts_on", w.WattsOn}, {"watts_off", w.WattsOff}, {"watts_sleep", w.WattsSleep}, {"watts_idle", w.WattsIdle}} {
			if f.v < 0 || f.v > 1000 || math.IsNaN(f.v) {
				e.Add(wp+f.name, ftoa(f.v)+" W", "must be between 0 and 1000 W")
			}
		}
		if w.WattsOn > 0 && w.WattsOff > w.WattsOn {
			e.Add(wp+"watts_off", ftoa(w.WattsOff)+" W", "must not exceed watts_on (%s W)", ftoa(w.WattsOn))
		}
		if w.WattsOn > 0 && w.WattsIdle > w.WattsOn {
			e.Add(wp+"watts_idle", ftoa(w.WattsIdle)+" W", "must not exceed watts_on (%s W): a device left on idle draws at most what it draws in use", ftoa(w.WattsOn))
		}
		if _, ok := DefaultDeviceWatts(w.Class); w.WattsOn == 0 && !ok && w.Class != "" {
			e.Add(wp+"watts_on", "0 W", "missing: %s has no documented default power figure: declare watts_on (and watts_off, watts_sleep)", w.Class)
		}
	}
}

// validatePowerOff checks the power-off windows: days, and from/to or
// all_day.
func validatePowerOff(s Site, e *footprint.Problems) {
	validateWindows("site.power_off.windows", s.PowerOff.Windows, e)
	validateGroups(s, e)
}

// validateWindows checks a list of weekly windows at path p.
func validateWindows(p string, windows []PowerOffWindow, e *footprint.Problems) {
	for i, w := range windows {
		wp := fmt.Sprintf("%s[%d].", p, i)
		if len(w.Days) == 0 {
			e.Add(wp+"days", "", "missing: list the days, e.g. [mon, tue, wed, thu, fri]")
		}
		for j, d := range w.Days {
			if !slices.Contains(Weekdays, strings.ToLower(d)) {
				e.Add(fmt.Sprintf("%sdays[%d]", wp, j), d, "want one of %s%s", footprint.QuoteList(Weekdays), footprint.Suggest(strings.ToLower(d), Weekdays))
			}
		}
		if w.AllDay {
			if w.From != "" || w.To != "" {
				e.Add(wp+"all_day", "true", "give either all_day or from/to, not both")
			}
			continue
		}
		for _, f := range []struct{ name, v string }{{"from", w.From}, {"to", w.To}} {
			if _, err := ParseClock(f.v); err != nil {
				e.Add(wp+f.name, f.v, "want a local time HH:MM (or all_day: true)")
			}
		}
		if w.From != "" && w.From == w.To {
			e.Add(wp+"to", w.To, "equals from: an empty window (use all_day: true for whole days)")
		}
	}
}

// validateActions checks the declared actions: unique ids, a known lever,
// a start, coverage and expected tonnes in range.
func validateActions(s Site, e *footprint.Problems) {
	ids := map[string]int{}
	for i, a := range s.Actions {
		ap := fmt.Sprintf("site.actions[%d].", i)
		if a.ID == "" {
			e.Add(ap+"id", "", "missing: a short name for the action")
		} else if j, dup := ids[a.ID]; dup {
			e.Add(ap+"id", a.ID, "already used by actions[%d]", j)
		}
		ids[a.ID] = i
		if !slices.Contains(LeverIDs(), a.Lever) {
			e.Add(ap+"lever", a.Lever, "want one of %s%s", footprint.QuoteList(LeverIDs()), footprint.Suggest(a.Lever, LeverIDs()))
		}
		if a.Start.IsZero() {
			e.Add(ap+"start", "", "missing: the date the action started or starts (YYYY-MM-DD)")
		}
		if a.Coverage < 0 || a.Coverage > 1 || math.IsNaN(a.Coverage) {
			e.Add(ap+"coverage", ftoa(a.Coverage), "must be between 0 and 1 (share of the site covered; 0 means all)")
		}
		if a.ExpectedTPerYear < 0 || math.IsNaN(a.ExpectedTPerYear) {
			e.Add(ap+"expected_t_per_year", ftoa(a.ExpectedTPerYear), "must be ≥ 0 tCO2e per year")
		}
	}
}

// validateTexts checks the declaration's names and free texts: bounded
// and printable (TextProblem), since they reach terminals, pages and
// spreadsheets. A problem is refused, never cleaned silently: the value
// is shown quoted, with what is wrong in it.
func validateTexts(s Site, p func(string) string, e *footprint.Problems) {
	type text struct {
		path, v string
		max     int
	}
	texts := []text{{"name", s.Name, footprint.MaxNameLength}, {"city", s.City, footprint.MaxNameLength},
		{"electricity.instrument", s.Electricity.Instrument, footprint.MaxNameLength}, {"electricity.supplier_source", s.Electricity.SupplierSource, footprint.MaxTextLength}}
	if pin := s.Profile; pin != nil {
		texts = append(texts, text{"profile.pin", pin.Pin, footprint.MaxNameLength}, text{"profile.reason", pin.Reason, footprint.MaxTextLength})
	}
	for i, a := range s.Actions {
		ap := fmt.Sprintf("actions[%d].", i)
		texts = append(texts, text{ap + "id", a.ID, footprint.MaxNameLength}, text{ap + "owner", a.Owner, footprint.MaxNameLength})
	}
	if c := s.Commute; c != nil {
		texts = append(texts, text{"commute.source", c.Source, footprint.MaxNameLength})
	}
	for i, d := range s.DataCentres {
		texts = append(texts, text{fmt.Sprintf("data_centres[%d].name", i), d.Name, footprint.MaxNameLength})
	}
	for i, k := range s.Colocation {
		cp := fmt.Sprintf("colocation[%d].", i)
		texts = append(texts, text{cp + "provider", k.Provider, footprint.MaxNameLength}, text{cp + "pue_source", k.PUESource, footprint.MaxTextLength})
	}
	for _, t := range texts {
		if why := footprint.TextProblem(t.v, t.max); why != "" {
			e.Add(p(t.path), footprint.QuoteClip(t.v), "%s", why)
		}
	}
}

func validateCommute(c CommuteSurvey, prefix string, e *footprint.Problems) {
	if len(c.Modes) == 0 {
		e.Add(prefix+".modes", "", "missing: list each mode with its share and one_way_km")
		return
	}
	if c.Respondents < 0 {
		e.Add(prefix+".respondents", strconv.Itoa(c.Respondents), "must be ≥ 0")
	}
	sum := 0.0
	seen := map[string]int{}
	for i, m := range c.Modes {
		mp := fmt.Sprintf("%s.modes[%d].", prefix, i)
		if !slices.Contains(CommuteModes, m.Mode) {
			e.Add(mp+"mode", m.Mode, "want one of %s%s", footprint.QuoteList(CommuteModes), footprint.Suggest(m.Mode, CommuteModes))
		} else if j, dup := seen[m.Mode]; dup {
			e.Add(mp+"mode", m.Mode, "already listed in modes[%d]", j)
		}
		seen[m.Mode] = i
		if m.Share < 0 || m.Share > 1 || math.IsNaN(m.Share) {
			e.Add(mp+"share", ftoa(m.Share), "must be between 0 and 1 (a share, not a percentage)")
		}
		sum += m.Share
		if m.OneWayKm < 0 || m.OneWayKm > 300 || math.IsNaN(m.OneWayKm) {
			e.Add(mp+"one_way_km", ftoa(m.OneWayKm), "must be between 0 and 300 km")
		}
		if m.Occupancy != 0 && (m.Occupancy < 1 || m.Occupancy > 9) {
			e.Add(mp+"occupancy", ftoa(m.Occupancy), "must be between 1 and 9 people per car")
		}
		if m.Occupancy != 0 && m.Mode != "carpool" {
			e.Add(mp+"occupancy", ftoa(m.Occupancy), "only carpool takes an occupancy")
		}
	}
	if math.Abs(sum-1) > 0.02 {
		e.Add(prefix+".modes", fmt.Sprintf("shares sum to %.3f", sum), "the shares must add up to 1 (±0.02)")
	}
}

// ParseClock parses a local time HH:MM into minutes after midnight (0–1439;
// "24:00" gives 1440).
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) || len(m) != 2 {
		return 0, fmt.Errorf("%q: want HH:MM", s)
	}
	return hh*60 + mm, nil
}

// Fleet returns the declared workstation class by name.
func (s Site) Fleet(class string) (Workstation, bool) {
	for _, w := range s.Workstations {
		if w.Class == class {
			return w, true
		}
	}
	return Workstation{}, false
}
