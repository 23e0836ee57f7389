package collector

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// A roster is an HR export of one row per person and day with where the
// person worked (Office, WFH …): the telework collector reads it when
// columns.person and columns.work_location are mapped, counting
// person-days per day on site and remote, each person once a day,
// through the source's mapping of the roster's values (locations).
// Employee ids stay in memory: no record and no saved state holds them.

// Where a person worked, as a location maps.
const (
	rosterOnsite = "onsite"
	rosterRemote = "remote"
	rosterIgnore = "ignore"
)

// isRoster says the source is a roster rather than daily counts.
func isRoster(env Env) bool {
	cols := env.Common.Given()
	return cols["person"] != "" || cols["work_location"] != ""
}

func checkRoster(o *teleworkCollector, env Env, add source.AddFunc) {
	requireColumns(env, add, "date", "person", "work_location")
	if len(o.Locations) == 0 {
		add("locations", "", "missing: map each value of the work-location column to onsite, remote or ignore, e.g. locations: {Office: onsite, WFH: remote, Leave: ignore}")
	}
	for _, k := range slices.Sorted(maps.Keys(o.Locations)) {
		switch fold(o.Locations[k]) {
		case rosterOnsite, rosterRemote, rosterIgnore:
		default:
			add("locations."+k, o.Locations[k], "want onsite, remote or ignore")
		}
	}
}

func newRoster(o *teleworkCollector, env Env) Collector {
	r := &roster{state: newState(env), where: map[string]string{}, days: map[footprint.Date]*rosterDay{}}
	for k, v := range o.Locations {
		r.where[fold(k)] = fold(v)
	}
	return r
}

// fold is how roster values are matched: trimmed, any case.
func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// roster is the state of a roster collector: per day, each person's
// place (on site wins over remote), and the first row of the day (for
// the records' checks).
type roster struct {
	*state
	where map[string]string // folded value → onsite, remote, ignore
	days  map[footprint.Date]*rosterDay
}

type rosterDay struct {
	first  source.Row
	onsite map[string]bool // person → on site (false: remote)
}

func (c *roster) Add(r source.Row) {
	d, ok := c.date(r, "date")
	if !ok {
		return
	}
	person := strings.TrimSpace(r.Get("person"))
	if person == "" {
		c.reject(r, "person: empty: want the person's id")
		return
	}
	raw := r.Get("work_location")
	place, known := c.where[fold(raw)]
	if !known {
		c.reject(r, "work_location: %q: not in the source's locations: map it there (onsite, remote or ignore)", footprint.Clip(strings.TrimSpace(raw)))
		return
	}
	if place == rosterIgnore {
		return
	}
	day := c.days[d]
	if day == nil {
		day = &rosterDay{first: source.At(r.Where()), onsite: map[string]bool{}}
		c.days[d] = day
	}
	day.onsite[person] = day.onsite[person] || place == rosterOnsite
}

func (c *roster) Result() ([]footprint.Activity, []source.Rejection, error) {
	for _, d := range slices.SortedFunc(maps.Keys(c.days), func(a, b footprint.Date) int { return a.Time().Compare(b.Time()) }) {
		day := c.days[d]
		var on, off float64
		for _, onsite := range day.onsite {
			if onsite {
				on++
			} else {
				off++
			}
		}
		for _, x := range []struct {
			item string
			q    float64
		}{{rosterRemote, off}, {rosterOnsite, on}} {
			c.emit(day.first, footprint.Activity{Kind: footprint.KindTelework, Item: x.item, Start: d, End: d.AddDays(1), Quantity: x.q, Unit: footprint.UnitPersonDay})
		}
	}
	c.days = map[footprint.Date]*rosterDay{}
	acts, rej := c.result()
	return acts, rej, nil
}

func (c *roster) Whole(t source.Table) ([]footprint.Activity, []source.Rejection) { return whole(c, t) }

// errRosterWhole: a roster keeps no state between runs — the people
// already counted on a day would have to be saved — and is read whole.
var errRosterWhole = errors.New("a roster is read whole every run: each person counts once a day")

func (c *roster) Save() (json.RawMessage, error) { return nil, errRosterWhole }
func (c *roster) Restore(json.RawMessage) error  { return errRosterWhole }
