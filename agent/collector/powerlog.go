package collector

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/agent/timefmt"
	"github.com/greenhelp/greenhelp/footprint"
)

// errUnordered says a power log is not in time order device by device
// (or a device changed class): the streaming collector cannot give the
// exact figures, and the source is collected again from the whole table
// (Whole).
var errUnordered = fmt.Errorf("power log not in time order per device: %w", ErrWhole)

// powerLog is the streaming form of the workstation collector: it keeps
// per device only its current state and first event, and per local day
// and class the device-time on, missed and asleep, so that its memory is
// devices + days × classes whatever the log's length. Device-time sums are
// integer nanoseconds, as in the whole-table form (workstation): the two
// give the same records, exactly.
type powerLog struct {
	c         *ws
	devs      map[string]*device
	days      map[dayClass]*dayTime
	windows   windowCache
	minT      time.Time
	maxT      time.Time
	unordered bool
	cur       dayCache // the local day last met: a log in time order stays in it
	// prev is the day met before cur: a device asleep overnight has its
	// interval accounted in the evening's day, then in the morning's.
	prev dayCache
}

// dayCache is a local day's bounds and what account last used in it.
type dayCache struct {
	start, next time.Time
	date        footprint.Date
	class       string
	t           *dayTime
	group       int
	win         []interval
}

type device struct {
	class      string
	ou         string    // the directory unit the log gives (columns.ou)
	group      int       // its power-off group (site.power_off.groups), −1 for none
	first      time.Time // first event
	firstState string    // the state before it (stateBefore)
	state      string
	since      time.Time
}

type dayClass struct {
	day   footprint.Date
	class string
}

// dayTime is a day's device-time of a class: on (in use or not), and in
// the power-off windows left on (missed), asleep, and in use (a logon,
// input: not a window hour, the machine is working).
type dayTime struct{ on, missed, slept, used time.Duration }

// groupDay keys a power-off group's windows of a local day.
type groupDay struct {
	group int
	day   footprint.Date
}

func newPowerLog(c *ws) *powerLog {
	return &powerLog{c: c, devs: map[string]*device{}, days: map[dayClass]*dayTime{}, windows: windowCache{}}
}

// event reads one row as a device's power event: the same checks and
// rejections, in the same order, as the whole-table form.
func (c *ws) event(r source.Row) (dev string, at time.Time, state, name, class string, ok bool) {
	dev = trim(r.Get("device"))
	if dev == "" {
		c.reject(r, "device: empty")
		return
	}
	at, read := c.instant(r, "time")
	if !read {
		return
	}
	if ev := r.Get("event"); ev != c.lastEvent {
		c.lastEvent, c.lastName = ev, strings.ToLower(strings.TrimSpace(ev))
		c.lastState, c.lastKnown = c.events[c.lastName]
	}
	name = c.lastName
	state, known := c.lastState, c.lastKnown
	switch {
	case state == eventIgnore:
		return // says nothing of the power: read, not counted, not rejected
	case !known:
		c.reject(r, "event: %q: want on, off, sleep or wake (or startup, shutdown, hibernate, resume), or map it under the source's events: (e.g. events: {%s: on})", r.Get("event"), footprint.Clip(name))
		return
	}
	class = c.o.Class
	if c.classColumn {
		class = first(r.Get("class"), c.o.Class)
	}
	if class != c.lastClass {
		if _, known := footprint.UnitOf(footprint.KindWorkstation, class); !known {
			c.reject(r, "class: %q: want desktop, laptop, thin_client or monitor", class)
			return
		}
		c.lastClass = class
	}
	return dev, at, state, name, class, true
}

// trim is strings.TrimSpace without its work for the usual field, which
// starts and ends with a visible ASCII character.
func trim(s string) string {
	if n := len(s); n > 0 && s[0] > ' ' && s[0] < 0x80 && s[n-1] > ' ' && s[n-1] < 0x80 {
		return s
	}
	return strings.TrimSpace(s)
}

// instant reads a row's timestamp field (a log's time, a span's ends):
// RFC 3339 first when it has that shape (a tool's export, winevents,
// configmgr), its usual shape without time.Parse's general path, else
// with the source's time layout; a year outside 1990–2100 is refused (a
// year such as 0024 would have the log cover two thousand years of days,
// hour by hour: refused like the meters' readings).
func (c *ws) instant(r source.Row, field string) (time.Time, bool) {
	raw := trim(r.Get(field))
	var at time.Time
	var err error
	if rfc3339Like(raw) {
		var fast bool
		if at, fast = timefmt.RFC3339In(raw, c.loc); !fast {
			if at, err = time.Parse(time.RFC3339, raw); err == nil {
				at = at.In(c.loc)
			}
		}
	}
	if at.IsZero() {
		at, err = c.timeLayout.Parse(raw, c.loc)
		if err != nil {
			if at2, err2 := time.Parse(time.RFC3339, raw); err2 == nil {
				at, err = at2.In(c.loc), nil
			}
		}
	}
	if err != nil {
		c.rejectLayout(r, "time_format", raw, err, "%s: %q: want a local time as %s (or RFC 3339)", field, raw, c.env.Common.TimeFormat)
		return at, false
	}
	if at.Before(earliest) || !at.Before(latest) {
		if y := at.In(c.loc).Year(); y < 1990 || y > 2100 {
			c.reject(r, "%s: %q: in %d: greenhelp keeps records from 1990 to 2100", field, raw, y)
			return at, false
		}
	}
	return at, true
}

// earliest and latest bound the instants a log is read in, a day wider
// than 1990–2100 in any zone (the year is then checked in the site's).
var (
	earliest = time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)
)

// rfc3339Like says s has RFC 3339's shape: a date, T, a time, then Z or
// an offset (2024-03-04T20:00:00+01:00).
func rfc3339Like(s string) bool {
	return len(s) >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't') &&
		(s[len(s)-1] == 'Z' || s[len(s)-1] == 'z' || s[len(s)-6] == '+' || s[len(s)-6] == '-')
}

// Add takes the next row of the log.
func (p *powerLog) Add(r source.Row) {
	dev, at, state, name, class, ok := p.c.event(r)
	if !ok || p.unordered {
		return
	}
	if p.minT.IsZero() || at.Before(p.minT) {
		p.minT = at
	}
	if at.After(p.maxT) {
		p.maxT = at
	}
	d := p.devs[dev]
	if d == nil {
		// The state before the first event always differs from it: the
		// interval from the log's first day is closed at the end, when
		// that day is known.
		// The names cloned: not the whole line they were read from kept,
		// and the devices' names side by side for every row's look-up.
		dev, ou := strings.Clone(dev), strings.Clone(strings.TrimSpace(r.Get("ou")))
		p.devs[dev] = &device{class: class, ou: ou, group: p.c.site.PowerOff.GroupOf(dev, ou), first: at, firstState: stateBefore(state, name), state: state, since: at}
		return
	}
	if at.Before(d.since) || class != d.class {
		p.unordered = true
		return
	}
	if state != d.state {
		p.account(d, d.state, d.since, at)
		d.state, d.since = state, at
	}
}

func (p *powerLog) day(t time.Time) time.Time {
	y, m, d := t.In(p.c.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, p.c.loc)
}

// at makes the local day holding t the current one.
func (p *powerLog) at(t time.Time) *dayCache {
	c := &p.cur
	if c.holds(t) {
		return c
	}
	if p.prev.holds(t) {
		p.cur, p.prev = p.prev, p.cur
		return c
	}
	p.prev = p.cur
	y, m, d := t.In(p.c.loc).Date()
	*c = dayCache{start: time.Date(y, m, d, 0, 0, 0, 0, p.c.loc), next: time.Date(y, m, d+1, 0, 0, 0, 0, p.c.loc),
		date: footprint.NewDate(y, m, d), group: -2}
	return c
}

// holds says t is in the cached day.
func (c *dayCache) holds(t time.Time) bool {
	return !c.start.IsZero() && !t.Before(c.start) && t.Before(c.next)
}

// window is the power-off intervals of group g (−1: the site's) in the
// local day starting at day.
func (p *powerLog) window(g int, day time.Time) []interval {
	return p.windowOn(g, footprint.NewDate(day.Year(), day.Month(), day.Day()), day)
}

// windowOn is window for a day whose date is known (the day cache's).
func (p *powerLog) windowOn(g int, date footprint.Date, day time.Time) []interval {
	return p.windows.on(p.c, g, date, day)
}

// windowCache keeps the power-off intervals of each group's local days
// (the log's and the spans' accounting ask for a day's many times).
type windowCache map[groupDay][]interval

// on is group g's (−1: the site's) power-off intervals of the local day
// date, starting at day.
func (w windowCache) on(c *ws, g int, date footprint.Date, day time.Time) []interval {
	k := groupDay{g, date}
	iv, ok := w[k]
	if !ok {
		iv = c.site.PowerOff.GroupIntervals(g, day, c.loc)
		w[k] = iv
	}
	return iv
}

// account adds a device's interval [from, to) in state to the days it
// covers, against its group's windows (power-off windows are cut at
// midnight: an interval counts only in its own days).
func (p *powerLog) account(d *device, state string, from, to time.Time) {
	if state == stOff || !from.Before(to) {
		return // off time is what the windows hold beyond missed and asleep
	}
	span := []interval{{From: from, To: to}}
	for at := from; at.Before(to); {
		c := p.at(at)
		day, next := c.start, c.next
		at = next
		if c.t == nil || c.class != d.class {
			k := dayClass{c.date, d.class}
			c.t, c.class = p.days[k], d.class
			if c.t == nil {
				c.t = &dayTime{}
				p.days[k] = c.t
			}
		}
		if c.group != d.group {
			c.group, c.win = d.group, p.windowOn(d.group, c.date, day)
		}
		t := c.t
		inWin := overlap(span, c.win)
		switch state {
		case stOn:
			t.on += within(from, to, day, next)
			t.missed += inWin
		case stUse:
			t.on += within(from, to, day, next)
			t.used += inWin
		default:
			t.slept += inWin
		}
	}
}

// within is the time of [from, to) in [day, next): overlap of two
// intervals. In nanoseconds since 1970, exact for every instant read
// (event: 1990 to 2100), without Sub's checks of an overflow.
func within(from, to, day, next time.Time) time.Duration {
	f, t := max(from.UnixNano(), day.UnixNano()), min(to.UnixNano(), next.UnixNano())
	if t > f {
		return time.Duration(t - f)
	}
	return 0
}

// Result closes every device's first and last intervals and emits, for
// every day of the log and every class, the device-hours on, off, asleep
// and missed.
func (p *powerLog) Result() ([]footprint.Activity, []source.Rejection, error) {
	if p.unordered {
		return nil, nil, errUnordered
	}
	if len(p.devs) == 0 {
		acts, rej := p.c.result()
		return acts, rej, nil
	}
	firstDay := p.day(p.minT)
	lastDay := p.day(p.maxT)
	end := time.Date(lastDay.Year(), lastDay.Month(), lastDay.Day()+1, 0, 0, 0, 0, p.c.loc)
	count := map[string]map[int]int{} // class → group → devices
	for _, d := range p.devs {
		p.account(d, d.firstState, firstDay, d.first)
		p.account(d, d.state, d.since, end)
		if count[d.class] == nil {
			count[d.class] = map[int]int{}
		}
		count[d.class][d.group]++
	}
	classes := make([]string, 0, len(count))
	for cl := range count {
		classes = append(classes, cl)
	}
	sort.Strings(classes)
	groups := make([]int, 0, len(p.c.site.PowerOff.Groups)+1)
	for g := -1; g < len(p.c.site.PowerOff.Groups); g++ {
		groups = append(groups, g)
	}
	for day := firstDay; day.Before(end); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, p.c.loc) {
		date := footprint.NewDate(day.Year(), day.Month(), day.Day())
		for _, cl := range classes {
			t := p.days[dayClass{date, cl}]
			if t == nil {
				t = &dayTime{}
			}
			var win time.Duration // the class's window device-time
			for _, g := range groups {
				if n := count[cl][g]; n > 0 {
					win += time.Duration(n) * total(p.window(g, day))
				}
			}
			off := win - t.missed - t.slept - t.used
			for _, st := range []struct {
				state string
				d     time.Duration
			}{{"on", t.on - t.missed}, {"off", off}, {"sleep", t.slept}, {"missed", t.missed}} {
				p.c.emit(source.At(p.c.env.ID+" log "+date.String()), footprint.Activity{Kind: footprint.KindWorkstation, Item: cl,
					Start: date, End: date.AddDays(1), Quantity: st.d.Hours(), Unit: footprint.UnitDeviceH,
					Attrs: map[string]string{"state": st.state, "location": p.c.o.Location}})
			}
		}
	}
	acts, rej := p.c.result()
	return acts, rej, nil
}

// Whole collects a whole power log, in any order: every device's events
// sorted by time.
func (p *powerLog) Whole(t source.Table) ([]footprint.Activity, []source.Rejection) {
	p.c.workstation(t)
	return p.c.result()
}

// powerLogState is a power log's state between runs: every device's
// current state, and the device-time of every day so far.
type powerLogState struct {
	Devices map[string]deviceState `json:"devices"`
	Days    []dayState             `json:"days"`
	Min     time.Time              `json:"min"`
	Max     time.Time              `json:"max"`
}

type deviceState struct {
	Class      string    `json:"class"`
	OU         string    `json:"ou,omitempty"`
	First      time.Time `json:"first"`
	FirstState string    `json:"first_state"`
	State      string    `json:"state"`
	Since      time.Time `json:"since"`
}

type dayState struct {
	Day    footprint.Date `json:"day"`
	Class  string         `json:"class"`
	On     time.Duration  `json:"on"`
	Missed time.Duration  `json:"missed"`
	Slept  time.Duration  `json:"slept"`
	Used   time.Duration  `json:"used,omitempty"`
}

// Save returns the log's state; a log out of order has none (it is read
// whole).
func (p *powerLog) Save() (json.RawMessage, error) {
	if p.unordered {
		return nil, errUnordered
	}
	if len(p.c.rejects) > 0 {
		return nil, errRejected
	}
	st := powerLogState{Devices: make(map[string]deviceState, len(p.devs)), Min: p.minT, Max: p.maxT}
	for id, d := range p.devs {
		st.Devices[id] = deviceState{d.class, d.ou, d.first, d.firstState, d.state, d.since}
	}
	for k, t := range p.days {
		st.Days = append(st.Days, dayState{k.day, k.class, t.on, t.missed, t.slept, t.used})
	}
	sort.Slice(st.Days, func(i, j int) bool {
		if st.Days[i].Day != st.Days[j].Day {
			return st.Days[i].Day.Before(st.Days[j].Day)
		}
		return st.Days[i].Class < st.Days[j].Class
	})
	return json.Marshal(st)
}

func (p *powerLog) Restore(raw json.RawMessage) error {
	var st powerLogState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	p.minT, p.maxT = st.Min, st.Max
	for id, d := range st.Devices {
		// The group by today's declaration: a machine moved to a shift's
		// group counts against its windows from now on.
		p.devs[id] = &device{class: d.Class, ou: d.OU, group: p.c.site.PowerOff.GroupOf(id, d.OU), first: d.First, firstState: d.FirstState, state: d.State, since: d.Since}
	}
	for _, d := range st.Days {
		p.days[dayClass{d.Day, d.Class}] = &dayTime{on: d.On, missed: d.Missed, slept: d.Slept, used: d.Used}
	}
	return nil
}
