package collector

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// spanFields are what a source of device-state spans gives
// (source.Giving: configmgr): each row a device's stretch [start, end)
// in one state, its class when not the block's.
var spanFields = []string{"device", "start", "end", "state"}

// spanMode says the source gives device-state spans rather than events.
func spanMode(env Env) bool {
	for _, f := range spanFields {
		if !slices.Contains(env.Gives, f) {
			return false
		}
	}
	return true
}

// powerSpans is the workstation collector of a source that gives each
// device's time as spans in one state (Configuration Manager's hours):
// unlike a log's events, a span says nothing of the time around it, so
// an hour no span covers counts in no state — neither on nor off — and
// the records' coverage of the fleet says so. Each span is counted
// against its device's power-off group's windows as a log's intervals
// are: on outside them, missed (left on) inside, asleep and off inside
// them only, in use never missed. Spans come in any order: their sums
// are integer nanoseconds per local day and class.
type powerSpans struct {
	c       *ws
	days    map[dayClass]*spanTime
	groups  map[string]int // device → its power-off group
	windows windowCache
}

// spanTime is a day's device-time of a class: on (in use or not), and in
// the windows left on, asleep, in use and off.
type spanTime struct{ on, missed, slept, used, off time.Duration }

func newPowerSpans(c *ws) *powerSpans {
	return &powerSpans{c: c, days: map[dayClass]*spanTime{}, groups: map[string]int{}, windows: windowCache{}}
}

// Add counts one span.
func (p *powerSpans) Add(r source.Row) {
	dev := strings.TrimSpace(r.Get("device"))
	if dev == "" {
		p.c.reject(r, "device: empty")
		return
	}
	from, ok := p.c.instant(r, "start")
	if !ok {
		return
	}
	to, ok := p.c.instant(r, "end")
	if !ok {
		return
	}
	if !from.Before(to) {
		p.c.reject(r, "end: %q: not after start %q", r.Get("end"), r.Get("start"))
		return
	}
	state := strings.ToLower(strings.TrimSpace(r.Get("state")))
	switch state {
	case stOn, stUse, stSleep, stOff:
	default:
		p.c.reject(r, "state: %q: want on, in_use, sleep or off", footprint.Clip(state))
		return
	}
	class := first(r.Get("class"), p.c.o.Class)
	if class != p.c.lastClass {
		if _, known := footprint.UnitOf(footprint.KindWorkstation, class); !known {
			p.c.reject(r, "class: %q: want desktop, laptop, thin_client or monitor", class)
			return
		}
		p.c.lastClass = class
	}
	g, ok := p.groups[dev]
	if !ok {
		g = p.c.site.PowerOff.GroupOf(dev, strings.TrimSpace(r.Get("ou")))
		p.groups[strings.Clone(dev)] = g
	}
	span := []interval{{From: from, To: to}}
	for at := from; at.Before(to); {
		y, m, d := at.In(p.c.loc).Date()
		day, next := time.Date(y, m, d, 0, 0, 0, 0, p.c.loc), time.Date(y, m, d+1, 0, 0, 0, 0, p.c.loc)
		at = next
		date := footprint.NewDate(y, m, d)
		k := dayClass{date, class}
		t := p.days[k]
		if t == nil {
			t = &spanTime{}
			p.days[k] = t
		}
		inWin := overlap(span, p.windows.on(p.c, g, date, day))
		switch state {
		case stOn:
			t.on += within(from, to, day, next)
			t.missed += inWin
		case stUse:
			t.on += within(from, to, day, next)
			t.used += inWin
		case stSleep:
			t.slept += inWin
		default:
			t.off += inWin
		}
	}
}

// Result emits, for every local day and class a span touched, the
// device-hours on, off, asleep and missed.
func (p *powerSpans) Result() ([]footprint.Activity, []source.Rejection, error) {
	keys := make([]dayClass, 0, len(p.days))
	for k := range p.days {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].day != keys[j].day {
			return keys[i].day.Before(keys[j].day)
		}
		return keys[i].class < keys[j].class
	})
	for _, k := range keys {
		t := p.days[k]
		for _, st := range []struct {
			state string
			d     time.Duration
		}{{"on", t.on - t.missed}, {"off", t.off}, {"sleep", t.slept}, {"missed", t.missed}} {
			p.c.emit(source.At(p.c.env.ID+" spans "+k.day.String()), footprint.Activity{Kind: footprint.KindWorkstation, Item: k.class,
				Start: k.day, End: k.day.AddDays(1), Quantity: st.d.Hours(), Unit: footprint.UnitDeviceH,
				Attrs: map[string]string{"state": st.state, "location": p.c.o.Location}})
		}
	}
	acts, rej := p.c.result()
	return acts, rej, nil
}

// Whole collects a whole table of spans: their order never matters.
func (p *powerSpans) Whole(t source.Table) ([]footprint.Activity, []source.Rejection) {
	return whole(p, t)
}

// errSpansWhole: a source of spans is read whole at every run (its
// export holds the days it knows, each day again until it is complete),
// so the collector keeps no state between runs.
var errSpansWhole = errors.New("spans are read whole at every run: no state is kept")

func (p *powerSpans) Save() (json.RawMessage, error) { return nil, errSpansWhole }
func (p *powerSpans) Restore(json.RawMessage) error  { return errSpansWhole }
