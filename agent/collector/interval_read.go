package collector

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// meter is the interval collector's state: the readings not placed yet,
// and the intervals read so far, in time order and never overlapping.
// Rows may come in any order: they wait (pending) until the collector
// settles — before its state is saved and before its result — and are
// then sorted and placed, so that a run that reads a whole export and a
// run that resumes it after the rows appended since give the same spans.
type meter struct {
	*state
	o     *intervalCollector
	attrs map[string]string

	pending []point
	spans   []span
	// step is the readings' interval when inferred (0: not yet);
	// indexStep the step between index readings.
	step, indexStep time.Duration
	// last is the index reading the next one is counted from.
	last *point
	// lastAt is the instant of the last row read, in the file's order:
	// a local time the clocks show twice is the first after it.
	lastAt int64
	// dups counts the intervals given twice per local day.
	dups map[footprint.Date]dupCount
	// reading is the kind of reading the rows are (one per source).
	reading string
}

type dupCount struct {
	N     int    `json:"n"`
	First string `json:"first"` // where the first was
}

// point is a reading: an interval's value (bounded, or stamped at one
// end) or an index.
type point struct {
	At    int64   `json:"at"`           // Unix ns: the time, or the start
	To    int64   `json:"to,omitempty"` // Unix ns: the end, when the row gives it
	Q     float64 `json:"q"`            // W (power) or Wh (energy, index)
	Power bool    `json:"power,omitempty"`
	End   bool    `json:"end,omitempty"`  // At is the end of its interval
	Step  int64   `json:"step,omitempty"` // the interval, when the row gives it
	Index bool    `json:"index,omitempty"`
	Where string  `json:"where"`
}

// span is an interval read: its energy, and whether it is an index's
// span over more than one reading step (a reading missing: its energy is
// known, its share of each day is not).
type span struct {
	From, To int64 // Unix ns
	Wh       float64
	Spread   bool
}

// Add reads a row into a pending point.
func (m *meter) Add(r source.Row) {
	reading := first(r.Get(source.FieldReading), m.o.Reading)
	if reading != readingInterval && reading != readingIndex {
		m.reject(r, "reading: %q: want interval or index", reading)
		return
	}
	if m.reading == "" {
		m.reading = reading
	} else if reading != m.reading {
		m.reject(r, "reading: %s, where this source's first rows are %s: one kind of reading per source", reading, m.reading)
		return
	}
	unit := first(r.Get(source.FieldUnit), m.o.Unit)
	u, ok := meterUnits[strings.ToLower(unit)]
	if !ok {
		m.reject(r, "unit: %q: want W or kW (average power), or Wh, kWh or MWh (energy)", unit)
		return
	}
	if u.power && reading == readingIndex {
		m.reject(r, "unit: %s: an index is energy: want Wh, kWh or MWh", unit)
		return
	}
	p := point{Power: u.power, Index: reading == readingIndex, Where: r.Where()}
	if strings.TrimSpace(r.Get(source.FieldQuantity)) == "" {
		// No value for the interval: a gap, counted with the day.
		m.noteTime(r)
		return
	}
	q, ok := m.number(r, "quantity")
	if !ok {
		return
	}
	if q < 0 {
		m.reject(r, "quantity: %s: negative: a meter's reading is ≥ 0 (an export's net or reverse flow is read as its own source)", r.Get(source.FieldQuantity))
		return
	}
	p.Q = q * u.mult
	if strings.TrimSpace(r.Get("start")) != "" {
		from, ok1 := m.instant(r, "start")
		to, ok2 := m.instant(r, "end")
		if !ok1 || !ok2 {
			return
		}
		if d := time.Duration(to - from); d <= 0 || d > maxInterval {
			m.reject(r, "end: %s: want after start (%s) and at most 25h later", r.Get("end"), r.Get("start"))
			return
		}
		p.At, p.To = from, to
		m.pending = append(m.pending, p)
		return
	}
	at, ok := m.instant(r, "time")
	if !ok {
		return
	}
	p.At = at
	if !p.Index {
		switch stamp := first(r.Get(source.FieldStamp), m.o.Timestamp); stamp {
		case stampStart:
		case stampEnd:
			p.End = true
		default:
			m.reject(r, "timestamp: %q: want start or end: which end of its interval the time is", stamp)
			return
		}
		if s := strings.TrimSpace(r.Get(source.FieldStep)); s != "" {
			sec, err := strconv.Atoi(s)
			if err != nil || sec <= 0 || time.Duration(sec)*time.Second > maxInterval {
				m.reject(r, "step: %q: want the interval in seconds, 1 to 90000", s)
				return
			}
			p.Step = int64(time.Duration(sec) * time.Second)
		}
	}
	m.pending = append(m.pending, p)
}

// noteTime reads a row's time only to keep the order of local times.
func (m *meter) noteTime(r source.Row) {
	for _, f := range []string{"start", "time"} {
		if strings.TrimSpace(r.Get(f)) != "" {
			if t, lerr, err := m.parseTime(r.Get(f)); lerr == nil && err == nil {
				m.lastAt = t
			}
			return
		}
	}
}

func (m *meter) instant(r source.Row, field string) (int64, bool) {
	s := strings.TrimSpace(r.Get(field))
	t, layoutErr, err := m.parseTime(s)
	switch {
	case layoutErr != nil:
		m.rejectLayout(r, "time_format", s, layoutErr, "%s: %q: want a local time as %s, or RFC 3339 with its offset (2025-03-30T03:00:00+02:00)", field, s, m.env.Common.TimeFormat)
		return 0, false
	case err != nil:
		m.reject(r, "%s: %q: %v", field, s, err)
		return 0, false
	}
	if y := time.Unix(0, t).In(m.loc).Year(); y < 1990 || y > 2100 {
		m.reject(r, "%s: %q: in %d: greenhelp keeps records from 1990 to 2100", field, s, y)
		return 0, false
	}
	m.lastAt = t
	return t, true
}

// parseTime reads a local time of the site in the source's time_format,
// or an instant with its offset (RFC 3339); layoutErr is the layout's
// when neither reads it. A local time the clocks skip is refused; one
// they show twice (the autumn change) is the first after the row before
// it, in the file's order.
func (m *meter) parseTime(s string) (at int64, layoutErr, err error) {
	s = strings.TrimSpace(s)
	w, err := m.timeLayout.Parse(s, time.UTC)
	if err != nil {
		t, err2 := time.Parse(time.RFC3339, s)
		if err2 != nil {
			return 0, err, nil
		}
		return t.UnixNano(), nil, nil
	}
	cands := localInstants(w, m.loc)
	switch {
	case len(cands) == 0:
		return 0, nil, fmt.Errorf("%s does not exist in %s: the clocks skip it (the spring change)", w.Format("2006-01-02 15:04"), m.loc)
	case len(cands) == 1:
		return cands[0], nil, nil
	}
	for _, c := range cands {
		if c > m.lastAt {
			return c, nil, nil
		}
	}
	return cands[0], nil, nil
}

// localInstants returns the instants, in order, whose wall clock in loc
// is w's: none in the hour the spring change skips, two in the hour the
// autumn change repeats.
func localInstants(w time.Time, loc *time.Location) []int64 {
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	var out []int64
	_, off := t.Zone()
	seen := map[int]bool{}
	for _, probe := range []time.Time{t.Add(-3 * time.Hour), t, t.Add(3 * time.Hour)} {
		_, o := probe.Zone()
		if seen[o] {
			continue
		}
		seen[o] = true
		c := t.Add(time.Duration(off-o) * time.Second)
		cw := c.In(loc)
		if cw.Year() == w.Year() && cw.YearDay() == w.YearDay() && cw.Hour() == w.Hour() && cw.Minute() == w.Minute() && cw.Second() == w.Second() {
			out = append(out, c.UnixNano())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// settle places the pending points: index readings chained into spans,
// stamped readings given their interval (declared, given or inferred),
// then merged into the spans, duplicates counted once.
func (m *meter) settle() {
	if len(m.pending) == 0 {
		return
	}
	sort.SliceStable(m.pending, func(i, j int) bool { return m.pending[i].At < m.pending[j].At })
	var batch []placed
	var keep []point
	if m.reading == readingIndex {
		batch = m.chain(m.pending)
	} else {
		step := m.intervalStep()
		for _, p := range m.pending {
			var s span
			switch d := time.Duration(p.Step); {
			case p.To != 0:
				s = span{From: p.At, To: p.To}
			case d == 0 && step == 0:
				keep = append(keep, p) // one reading so far: its interval is not known yet
				continue
			default:
				if d == 0 {
					d = step
				}
				s = span{From: p.At, To: p.At + int64(d)}
				if p.End {
					s = span{From: p.At - int64(d), To: p.At}
				}
			}
			s.Wh = p.Q
			if p.Power {
				s.Wh = p.Q * time.Duration(s.To-s.From).Hours()
			}
			batch = append(batch, placed{s, p.Where})
		}
	}
	m.pending = keep
	m.merge(batch)
}

// intervalStep is the declared interval, or the one inferred from the
// readings: the most common step between consecutive distinct times
// (the shorter on a tie), kept once known.
func (m *meter) intervalStep() time.Duration {
	if m.o.Interval > 0 {
		return m.o.Interval
	}
	if m.step > 0 {
		return m.step
	}
	var ats []int64
	for _, p := range m.pending {
		if p.To == 0 && p.Step == 0 {
			ats = append(ats, p.At)
		}
	}
	m.step = modeStep(ats)
	if m.step > maxInterval {
		m.step = 0
	}
	return m.step
}

// modeStep is the most common positive difference between consecutive
// distinct sorted instants (the shorter on a tie; 0 with fewer than two).
func modeStep(ats []int64) time.Duration {
	count := map[int64]int{}
	var best int64
	for i := 1; i < len(ats); i++ {
		d := ats[i] - ats[i-1]
		if d <= 0 {
			continue
		}
		count[d]++
		if c, b := count[d], count[best]; c > b || c == b && d < best {
			best = d
		}
	}
	return time.Duration(best)
}

// chain turns sorted index readings into spans between consecutive
// ones, from the last reading of the previous run.
func (m *meter) chain(pts []point) []placed {
	step := m.o.Interval
	if step == 0 {
		if m.indexStep == 0 {
			ats := make([]int64, 0, len(pts)+1)
			if m.last != nil {
				ats = append(ats, m.last.At)
			}
			for _, p := range pts {
				ats = append(ats, p.At)
			}
			m.indexStep = modeStep(ats)
		}
		step = m.indexStep
	}
	var out []placed
	for i := range pts {
		p := pts[i]
		prev := m.last
		switch {
		case prev == nil:
		case p.At == prev.At && sameWh(p.Q, prev.Q):
			m.countDup(p.At, p.Where)
			continue
		case p.At == prev.At:
			m.rejectAt(p.Where, "index %s Wh at %s, where %s read %s Wh at the same time: the first kept", fmtWh(p.Q), m.fmtTime(p.At), prev.Where, fmtWh(prev.Q))
			continue
		case p.At < prev.At:
			m.rejectAt(p.Where, "index at %s, before the last reading already read (%s at %s): an export's past cannot change once read", m.fmtTime(p.At), prev.Where, m.fmtTime(prev.At))
			continue
		case p.Q < prev.Q:
			m.rejectAt(p.Where, "index %s Wh at %s, down from %s Wh at %s (%s): a new meter or a reset? The time between is a gap", fmtWh(p.Q), m.fmtTime(p.At), fmtWh(prev.Q), m.fmtTime(prev.At), prev.Where)
		default:
			d := p.At - prev.At
			out = append(out, placed{span{From: prev.At, To: p.At, Wh: p.Q - prev.Q, Spread: step > 0 && d*2 > int64(step)*3}, p.Where})
		}
		m.last = &p
	}
	return out
}

type placed struct {
	span
	where string
}

// merge adds sorted spans to the spans read: one given twice with the
// same energy is counted once; with another, or overlapping one read
// before, it is rejected and the first kept.
func (m *meter) merge(batch []placed) {
	sort.SliceStable(batch, func(i, j int) bool { return batch[i].From < batch[j].From })
	out := make([]span, 0, len(m.spans)+len(batch))
	i := 0
	for _, b := range batch {
		for i < len(m.spans) && m.spans[i].From <= b.From {
			out = append(out, m.spans[i])
			i++
		}
		if n := len(out); n > 0 {
			p := out[n-1]
			if p.From == b.From && p.To == b.To {
				if sameWh(p.Wh, b.Wh) {
					m.countDup(b.From, b.where)
				} else {
					m.rejectAt(b.where, "interval %s given again with %s Wh, where it had %s Wh: the first kept", m.fmtSpan(b.span), fmtWh(b.Wh), fmtWh(p.Wh))
				}
				continue
			}
			if p.To > b.From {
				m.rejectAt(b.where, "interval %s overlaps %s read before: the first kept (is the interval or the timestamp setting right?)", m.fmtSpan(b.span), m.fmtSpan(p))
				continue
			}
		}
		if i < len(m.spans) && b.To > m.spans[i].From {
			m.rejectAt(b.where, "interval %s overlaps %s read before: the first kept (is the interval or the timestamp setting right?)", m.fmtSpan(b.span), m.fmtSpan(m.spans[i]))
			continue
		}
		out = append(out, b.span)
	}
	m.spans = append(out, m.spans[i:]...)
}

func (m *meter) countDup(at int64, where string) {
	if m.dups == nil {
		m.dups = map[footprint.Date]dupCount{}
	}
	d := m.day(at)
	c := m.dups[d]
	if c.N == 0 {
		c.First = where
	}
	c.N++
	m.dups[d] = c
}

func (m *meter) rejectAt(where, format string, args ...any) {
	m.rejects = append(m.rejects, source.Rejection{Where: where, Reason: fmt.Sprintf(format, args...)})
}

// day is the local day of the site an instant falls in.
func (m *meter) day(at int64) footprint.Date {
	y, mo, d := time.Unix(0, at).In(m.loc).Date()
	return footprint.NewDate(y, mo, d)
}

func (m *meter) fmtTime(at int64) string {
	return time.Unix(0, at).In(m.loc).Format("2006-01-02T15:04:05-07:00")
}

func (m *meter) fmtSpan(s span) string {
	return m.fmtTime(s.From) + "–" + time.Unix(0, s.To).In(m.loc).Format("15:04-07:00")
}

func sameWh(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) }

func fmtWh(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
