package cmpower

import (
	"fmt"
	"sort"
	"time"
)

// Span is a stretch of a computer's time — or its monitor's — in one
// state: On (nobody at it), InUse, Sleep or Off.
type Span struct {
	Machine  string
	Monitor  bool
	State    State
	From, To time.Time
	Where    string // the row it comes from
}

// Summary is what Spans handed on, for check.
type Summary struct {
	Machines int    // computers with a day handed on
	Days     int    // computer-days handed on
	Monitors int    // computers whose monitor has a day handed on
	From, To string // the first and last day (yyyy-mm-dd)
	Left     int    // computer-days left out (their rows are Problems)
	// Unreported are the computer-hours a day's on row left empty: not
	// counted.
	Unreported int
	// Capped are the hours whose in-use minutes exceeded the on minutes:
	// in use counted as the on minutes.
	Capped int
	// Mismatch counts the rows whose minutesTotal0 is not the sum of
	// their hours (the hours are read); First is the first of them.
	Mismatch      int
	FirstMismatch string
}

// Spans hands on every computer's days as spans in loc (the clock the
// hours are written in), computer by computer in name order, day by day;
// a day left out has each of its rows refused (Problems). Within an hour,
// the minutes of each state are laid end to end, the state the hour
// before ended in first: a power-off window that starts or ends on the
// hour gets exactly its minutes; one that starts within an hour gets that
// hour's minutes in this order.
func (r *Reader) Spans(loc *time.Location, emit func(Span)) Summary {
	keys := make([]dayKey, 0, len(r.days))
	for k := range r.days {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.machine != b.machine {
			return r.names[a.machine] < r.names[b.machine]
		}
		return a.day < b.day
	})
	var sum Summary
	machines, monitors := map[int32]bool{}, map[int32]bool{}
	var pc, mon builder
	prev := dayKey{machine: -1}
	for _, k := range keys {
		d := r.days[k]
		b := hours(k.day, loc)
		if d.bad == "" {
			d.bad = r.check(k, d, b, loc)
		}
		if d.bad != "" {
			sum.Left++
			r.leaveOut(d)
			continue
		}
		if k.machine != prev.machine || k.day != prev.day+1 {
			pc.last, mon.last = "", "" // no hour before to follow
		}
		prev = k
		pc.span = Span{Machine: r.names[k.machine]}
		mon.span = Span{Machine: r.names[k.machine], Monitor: true}
		usedPC, usedMon := r.day(d, b, &pc, &mon, emit)
		if usedPC || usedMon {
			sum.Days++
			machines[k.machine] = true
			day := dayString(k.day)
			if sum.From == "" || day < sum.From {
				sum.From = day
			}
			if day > sum.To {
				sum.To = day
			}
		}
		if usedMon {
			monitors[k.machine] = true
		}
	}
	sum.Machines, sum.Monitors = len(machines), len(monitors)
	sum.Capped, sum.Mismatch, sum.FirstMismatch = r.capped, r.mismatch, r.firstMismatch
	sum.Unreported = r.unreported
	return sum
}

// hours returns the bounds of a day's 24 clock hours in loc: hour h is
// [b[h], b[h+1]); on the day the clocks go forward one lasts 0 minutes,
// on the day they go back one lasts 120.
func hours(day int32, loc *time.Location) (b [25]time.Time) {
	y, m, dd := time.Unix(int64(day)*86400, 0).UTC().Date()
	for h := range b {
		b[h] = time.Date(y, m, dd, h, 0, 0, 0, loc)
	}
	return b
}

// check says why a day's minutes cannot be laid out ("" when they can):
// an hour holding more minutes than it lasts, or a computer's states
// adding up to more than the hour. The day is then left out.
func (r *Reader) check(k dayKey, d *mday, b [25]time.Time, loc *time.Location) string {
	for h := 0; h < 24; h++ {
		length := int(b[h+1].Sub(b[h]) / time.Minute)
		for s, x := range d.rows {
			if x == nil || int(x.min[h]) <= length {
				continue
			}
			why := fmt.Sprintf("%s: %d minutes: the hour %02d:00–%02d:00 of %s lasts %d minutes in %s", hourName(h)+"0", x.min[h], h, (h+1)%24, dayString(k.day), length, loc)
			if length < 60 {
				why += " (the clocks went forward: is timezone: the PCs' own?)"
			}
			r.problem(x.where, why+fmt.Sprintf(" (TypeOfEvent0 %q): the day is left out", r.typeName[s]))
			d.rows[s] = nil
			return "an hour longer than it lasts at " + x.where
		}
		on := d.rows[sOn]
		if on == nil || on.min[h] < 0 {
			continue
		}
		c, s, o := int(on.min[h]), minutes(d, sSleep, h), minutes(d, sOff, h)
		if c+s+o > length {
			r.problem(on.where, fmt.Sprintf("%s: on %d + asleep %d + off %d minutes = %d: more than the hour's %d (%s): the day is left out", hourName(h)+"0", c, s, o, c+s+o, length, dayString(k.day)))
			d.rows[sOn] = nil
			return "an hour's states adding up to more than the hour at " + on.where
		}
	}
	return ""
}

// minutes is a day's minutes of slot s in hour h (0 when the day has no
// such row or the cell was empty).
func minutes(d *mday, s, h int) int {
	if x := d.rows[s]; x != nil && x.min[h] > 0 {
		return int(x.min[h])
	}
	return 0
}

// leaveOut refuses each row of a day left out but the one that says why
// (already a Problem).
func (r *Reader) leaveOut(d *mday) {
	for _, x := range d.rows {
		if x != nil {
			r.problem(x.where, "left out with its computer's day: "+d.bad)
		}
	}
}

// day lays one computer-day out as spans: the computer's when it has an
// on row, its monitor's when it has a monitor row.
func (r *Reader) day(d *mday, b [25]time.Time, pc, mon *builder, emit func(Span)) (usedPC, usedMon bool) {
	on, mr := d.rows[sOn], d.rows[sMonitor]
	for h := 0; h < 24; h++ {
		from, length := b[h], int(b[h+1].Sub(b[h])/time.Minute)
		used := 0 // the hour's in-use minutes, for its monitor
		if on != nil && on.min[h] >= 0 {
			c, u := int(on.min[h]), minutes(d, sInUse, h)
			if u > c {
				r.capped++
				u = c
			}
			used = u
			s, o := minutes(d, sSleep, h), minutes(d, sOff, h)
			rest := length - c - s - o
			gap := 0
			switch r.cfg.Rest {
			case Off:
				o += rest
			case Sleep:
				s += rest
			default:
				gap = rest
			}
			parts := [4]part{{InUse, u}, {On, c - u}, {Sleep, s}, {Off, o}}
			pc.hour(from, parts[:], gap, on.where, emit)
			usedPC = true
		} else {
			if on != nil {
				r.unreported++
			}
			pc.flush(emit)
			pc.last = ""
		}
		if mr != nil && mr.min[h] >= 0 {
			m := int(mr.min[h])
			mu := min(m, used)
			parts := [3]part{{InUse, mu}, {On, m - mu}, {Off, length - m}}
			mon.hour(from, parts[:], 0, mr.where, emit)
			usedMon = true
		} else {
			mon.flush(emit)
			mon.last = ""
		}
	}
	pc.flush(emit)
	mon.flush(emit)
	return usedPC, usedMon
}

// part is an hour's minutes in one state.
type part struct {
	state State
	min   int
}

// builder joins a device's minutes into spans: a state that goes on
// from one hour into the next is one span.
type builder struct {
	span Span  // the span open (To zero: none)
	last State // the state the last hour laid out ended in
}

// hour lays out an hour's parts from its start, the state the hour before
// ended in first, then a gap of minutes not counted.
func (b *builder) hour(from time.Time, parts []part, gap int, where string, emit func(Span)) {
	for i, p := range parts {
		if p.state == b.last && i > 0 {
			copy(parts[1:i+1], parts[:i])
			parts[0] = p
			break
		}
	}
	at := from
	for _, p := range parts {
		if p.min <= 0 {
			continue
		}
		to := at.Add(time.Duration(p.min) * time.Minute)
		if b.span.To.Equal(at) && b.span.State == p.state {
			b.span.To = to
		} else {
			b.flush(emit)
			b.span.State, b.span.From, b.span.To, b.span.Where = p.state, at, to, where
		}
		b.last, at = p.state, to
	}
	if gap > 0 {
		b.flush(emit)
		b.last = ""
	}
}

// flush emits the open span.
func (b *builder) flush(emit func(Span)) {
	if !b.span.To.IsZero() && b.span.From.Before(b.span.To) {
		emit(b.span)
	}
	b.span.To = time.Time{}
}
