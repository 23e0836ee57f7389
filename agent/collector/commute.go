package collector

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// commuteSurveyCollector reads a commute survey as a form exports it, one
// row per respondent: the main mode, the one-way distance (or the home's
// city or postcode, whose distance the source's places: give), and the
// days on site a week. It gives no activity records: the survey —
// each mode's share of on-site days and its mean one-way distance,
// weighted by days — goes into the declaration the agent sends
// (site.commute), in place of the profile's assumed split.
type commuteSurveyCollector struct {
	// Modes maps the form's answers to commute modes
	// (declaration.CommuteModes), beside the built-in names (surveyModes):
	// {"Jeepney + MRT": paratransit}. Matched without case.
	Modes map[string]string `mapstructure:"modes"`
	// Places are one-way distances in km from a home city or postcode to
	// the site, for a form that asks where people live rather than how
	// far: {"Quezon City": 14, "1200": 6}. Matched without case.
	Places map[string]float64 `mapstructure:"places"`
}

func init() {
	register("commute_survey", func() Options { return &commuteSurveyCollector{} })
}

func (*commuteSurveyCollector) Defaults(*Common) {}

// MinGap: a survey is a snapshot, not a series.
func (*commuteSurveyCollector) MinGap() int { return 0 }

func (o *commuteSurveyCollector) Check(env Env, add source.AddFunc) {
	requireColumns(env, add, "mode", "days_on_site", "distance_km|distance_mi|home")
	for _, answer := range slices.Sorted(maps.Keys(o.Modes)) {
		if m := o.Modes[answer]; !slices.Contains(declaration.CommuteModes, m) {
			add("modes."+answer, m, "want one of %s%s", strings.Join(declaration.CommuteModes, ", "), didYouMean(m, declaration.CommuteModes))
		}
	}
	for _, place := range slices.Sorted(maps.Keys(o.Places)) {
		if km := o.Places[place]; !(km >= 0 && km <= maxOneWayKm) {
			add("places."+place, fmt.Sprint(km), "want a one-way distance in km, 0 to %g", maxOneWayKm)
		}
	}
	if env.Common.Given()["home"] != "" && len(o.Places) == 0 {
		add("places", "", "missing: columns.home names a city or postcode: give each its one-way km to the site")
	}
}

func (o *commuteSurveyCollector) New(env Env) Collector {
	return &commuteSurvey{c: newState(env), opts: o, sums: map[string]*modeSums{}}
}

func (*commuteSurveyCollector) Sample() string {
	return `  # A commute survey as the form exports it (docs/commute-survey.md):
  # one row per respondent. It replaces the profile's assumed split in the
  # declaration the agent sends (no site.commute then).
  - id: commute-survey
    type: csv
    collector: commute_survey
    path: exports/commute-survey.csv
    date_format: M/D/YYYY
    time_format: M/D/YYYY H:mm:ss     # Google Forms' Timestamp; the survey's date is the last answer's
    columns:
      date: Timestamp
      mode: How do you usually get to the site?
      distance_km: One-way distance (km)   # or distance_mi, or home: with places
      days_on_site: Days on site per week
    modes: {Jeepney: paratransit, UV Express: minibus, Angkas: motorbike_taxi}
`
}

// maxOneWayKm bounds a daily commute, as the declaration does.
const maxOneWayKm = 300.0

// surveyModes are the answers read without a modes: entry (lower case):
// the modes' own names and their common words.
var surveyModes = map[string]string{
	"car": "car_petrol", "drive": "car_petrol", "driving": "car_petrol", "own car": "car_petrol", "car (petrol)": "car_petrol",
	"car (diesel)": "car_diesel", "hybrid car": "car_hybrid", "electric car": "car_electric", "ev": "car_electric",
	"carpool": "carpool", "car pool": "carpool", "car sharing": "carpool", "carshare": "carpool",
	"motorbike": "motorbike", "motorcycle": "motorbike", "scooter": "motorbike",
	"motorbike taxi": "motorbike_taxi", "motorcycle taxi": "motorbike_taxi", "habal-habal": "motorbike_taxi", "angkas": "motorbike_taxi", "ojek": "motorbike_taxi", "boda-boda": "motorbike_taxi",
	"tricycle": "tricycle", "trike": "tricycle", "tuk-tuk": "tricycle", "tuktuk": "tricycle", "auto-rickshaw": "tricycle", "rickshaw": "tricycle",
	"jeepney": "paratransit", "jeep": "paratransit", "songthaew": "paratransit", "angkot": "paratransit", "matatu": "paratransit",
	"uv express": "minibus", "fx": "minibus", "van": "minibus", "shuttle": "minibus", "shared van": "minibus",
	"bus": "bus", "coach": "coach", "train": "rail", "rail": "rail", "mrt": "metro", "lrt": "metro", "metro": "metro", "subway": "metro", "underground": "metro",
	"tram": "tram", "taxi": "taxi", "grab": "taxi", "uber": "taxi", "ride-hailing": "taxi",
	"bicycle": "bicycle", "bike": "bicycle", "cycling": "bicycle", "e-bike": "e_bike", "ebike": "e_bike", "electric bike": "e_bike", "e-scooter": "e_bike",
	"walk": "walk", "walking": "walk", "on foot": "walk",
}

// modeSums are one mode's respondents: on-site days a week and those days
// × one-way km.
type modeSums struct {
	Days   float64 `json:"days"`
	DaysKm float64 `json:"days_km"`
}

// commuteSurvey is one collection of a survey export.
type commuteSurvey struct {
	c    *state
	opts *commuteSurveyCollector
	// The sums kept between runs (Save).
	sums        map[string]*modeSums
	respondents int
	offSite     int // respondents never on site: not in the split
	last        footprint.Date
}

func (s *commuteSurvey) mode(r source.Row) (string, bool) {
	raw := strings.TrimSpace(r.Get("mode"))
	key := strings.ToLower(raw)
	for answer, m := range s.opts.Modes {
		if strings.EqualFold(strings.TrimSpace(answer), raw) {
			return m, true
		}
	}
	if m, ok := surveyModes[key]; ok {
		return m, true
	}
	if slices.Contains(declaration.CommuteModes, key) {
		return key, true
	}
	s.c.reject(r, "mode: %q: not a mode greenhelp knows: map the answer in the source's modes: ({%q: <mode>}) to one of %s", raw, raw, strings.Join(declaration.CommuteModes, ", "))
	return "", false
}

// oneWayKm is the row's distance, or its home's from places.
func (s *commuteSurvey) oneWayKm(r source.Row) (float64, bool) {
	km, given, ok := (&travelRun{c: s.c}).distanceKm(r)
	if !ok {
		return 0, false
	}
	if !given {
		home := strings.TrimSpace(r.Get("home"))
		if home == "" {
			s.c.reject(r, "distance: empty: want the one-way distance (columns.distance_km or distance_mi) or the home's city or postcode (columns.home)")
			return 0, false
		}
		found := false
		for place, d := range s.opts.Places {
			if strings.EqualFold(strings.TrimSpace(place), home) {
				km, found = d, true
			}
		}
		if !found {
			s.c.reject(r, "home: %q: not in the source's places: give its one-way km to the site (places: {%q: 12})", home, home)
			return 0, false
		}
	}
	if km < 0 || km > maxOneWayKm || math.IsNaN(km) {
		s.c.reject(r, "distance: %g km one way: want 0 to %g km for a daily commute (a distance in miles is columns.distance_mi)", km, maxOneWayKm)
		return 0, false
	}
	return km, true
}

func (s *commuteSurvey) Add(r source.Row) {
	c := s.c
	var d footprint.Date
	if strings.TrimSpace(r.Get("date")) != "" {
		var ok bool
		if d, ok = c.date(r, "date"); !ok {
			return
		}
	}
	mode, ok := s.mode(r)
	if !ok {
		return
	}
	days, ok := c.number(r, "days_on_site")
	if !ok {
		return
	}
	if days < 0 || days > 7 {
		c.reject(r, "days_on_site: %g: want the days on site in a week, 0 to 7", days)
		return
	}
	km, ok := s.oneWayKm(r)
	if !ok {
		return
	}
	s.respondents++
	if s.last.Before(d) {
		s.last = d
	}
	if days == 0 {
		s.offSite++
		return
	}
	m := s.sums[mode]
	if m == nil {
		m = &modeSums{}
		s.sums[mode] = m
	}
	m.Days += days
	m.DaysKm += days * km
}

// Result gives no records: the survey is the declaration's (Survey).
func (s *commuteSurvey) Result() ([]footprint.Activity, []source.Rejection, error) {
	return nil, s.c.rejects, nil
}

func (s *commuteSurvey) Whole(t source.Table) ([]footprint.Activity, []source.Rejection) {
	return whole(s, t)
}

// Survey is the site's commute survey from the rows read: each mode's
// share of the respondents' on-site days and its one-way km weighted by
// them; nil when no respondent comes on site.
func (s *commuteSurvey) Survey() *declaration.CommuteSurvey {
	modes := slices.Sorted(maps.Keys(s.sums)) // summed in one order: the same rows give the same bytes
	total := 0.0
	for _, mode := range modes {
		total += s.sums[mode].Days
	}
	if total == 0 {
		return nil
	}
	out := &declaration.CommuteSurvey{Date: s.last, Respondents: s.respondents, Source: s.c.env.ID}
	for _, mode := range modes {
		m := s.sums[mode]
		out.Modes = append(out.Modes, declaration.CommuteMode{Mode: mode, Share: m.Days / total, OneWayKm: m.DaysKm / m.Days})
	}
	sort.Slice(out.Modes, func(i, j int) bool {
		if out.Modes[i].Share != out.Modes[j].Share {
			return out.Modes[i].Share > out.Modes[j].Share
		}
		return out.Modes[i].Mode < out.Modes[j].Mode
	})
	return out
}

// Warnings says who the split leaves out.
func (s *commuteSurvey) Warnings() []string {
	var out []string
	if s.offSite > 0 {
		out = append(out, fmt.Sprintf("%d of %d respondents are never on site (0 days a week): not in the split", s.offSite, s.respondents))
	}
	if s.respondents > 0 && s.Survey() == nil {
		out = append(out, "no respondent comes on site: no survey sent, the profile's split stays")
	}
	return out
}

type surveyState struct {
	Sums        map[string]*modeSums `json:"sums"`
	Respondents int                  `json:"respondents"`
	OffSite     int                  `json:"off_site"`
	Last        footprint.Date       `json:"last"`
}

func (s *commuteSurvey) Save() (json.RawMessage, error) {
	if len(s.c.rejects) > 0 {
		return nil, errRejected
	}
	return json.Marshal(surveyState{s.sums, s.respondents, s.offSite, s.last})
}

func (s *commuteSurvey) Restore(raw json.RawMessage) error {
	var st surveyState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	if st.Sums == nil {
		st.Sums = map[string]*modeSums{}
	}
	s.sums, s.respondents, s.offSite, s.last = st.Sums, st.Respondents, st.OffSite, st.Last
	return nil
}
