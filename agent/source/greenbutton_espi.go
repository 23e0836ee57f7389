package source

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The ESPI codes read here, as the schema espi.xsd (NAESB REQ.21, Green
// Button; the copy in github.com/jaredmauch/dte-dump-parser, espi.xsd)
// enumerates them: UnitSymbolKind 72 = Wh ("Real energy, Watt hours");
// FlowDirectionKind 1 = forward ("Delivered", energy supplied to the
// service), 19 = reverse ("Received", back-fed onto the network);
// AccumulationKind 4 = deltaData (the difference over the interval), 1 =
// bulkQuantity (a register, the dial reading); CommodityKind 1 and 2 =
// electricity (secondary, primary metered), 0 = not applicable;
// UnitMultiplierKind: powers of ten from −12 to 9; DstRuleType: a bit map
// (seconds 0–11, hours 12–16, day of week 17–19 with Monday = 1, day of
// month 20–24, operator 25–27, month 28–31; 0xFFFFFFFF: no DST).
const (
	espiUomWh           = 72
	espiFlowForward     = 1
	espiFlowReverse     = 19
	espiDeltaData       = 4
	espiBulkQuantity    = 1
	espiNoDST           = 0xFFFFFFFF
	espiMinPowerOfTen   = -12
	espiMaxPowerOfTen   = 9
	espiMaxAbsInt48     = 1 << 47
	espiMaxReadingValue = espiMaxAbsInt48 - 1
)

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

type espiEntry struct {
	Links   []atomLink `xml:"link"`
	Title   string     `xml:"title"`
	Content struct {
		UsagePoint     *struct{}        `xml:"UsagePoint"`
		MeterReading   *struct{}        `xml:"MeterReading"`
		ReadingType    *espiReadingType `xml:"ReadingType"`
		IntervalBlocks []espiBlock      `xml:"IntervalBlock"`
		LocalTime      *espiLocalTime   `xml:"LocalTimeParameters"`
	} `xml:"content"`
}

type espiReadingType struct {
	AccumulationBehaviour *int   `xml:"accumulationBehaviour"`
	Commodity             *int   `xml:"commodity"`
	FlowDirection         *int   `xml:"flowDirection"`
	IntervalLength        *int64 `xml:"intervalLength"`
	PowerOfTenMultiplier  *int   `xml:"powerOfTenMultiplier"`
	UOM                   *int   `xml:"uom"`
}

type espiPeriod struct {
	Duration *int64 `xml:"duration"`
	Start    *int64 `xml:"start"`
}

type espiBlock struct {
	Interval espiPeriod    `xml:"interval"`
	Readings []espiReading `xml:"IntervalReading"`
}

type espiReading struct {
	TimePeriod *espiPeriod `xml:"timePeriod"`
	Value      *int64      `xml:"value"`
}

type espiLocalTime struct {
	DSTEndRule   string `xml:"dstEndRule"`
	DSTOffset    int64  `xml:"dstOffset"`
	DSTStartRule string `xml:"dstStartRule"`
	TZOffset     int64  `xml:"tzOffset"`
	line         int
}

// feed is a Green Button feed read: its entries linked by their hrefs.
type feed struct {
	readingTypes map[string]*espiReadingType // "ReadingType/<id>"
	meterRT      map[string]string           // "UsagePoint/<id>/MeterReading/<id>" → its reading type
	usagePoints  map[string]string           // "UsagePoint/<id>" → title
	blocks       []feedBlock
	localTimes   []espiLocalTime
}

type feedBlock struct {
	espiBlock
	up   string // the MeterReading it belongs to
	line int
}

// readFeed decodes a feed (or a lone entry) entry by entry.
func readFeed(in io.Reader, name string) (*feed, error) {
	fd := &feed{readingTypes: map[string]*espiReadingType{}, meterRT: map[string]string{}, usagePoints: map[string]string{}}
	dec := xml.NewDecoder(in)
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: not readable XML: %w", name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Local
			if root != "feed" && root != "entry" {
				return nil, fmt.Errorf("%s: the root element is <%s>: want a Green Button (ESPI) Atom <feed>", name, root)
			}
			if root == "feed" {
				continue
			}
		}
		if se.Name.Local != "entry" {
			if err := dec.Skip(); err != nil {
				return nil, fmt.Errorf("%s: not readable XML: %w", name, err)
			}
			continue
		}
		line, _ := dec.InputPos()
		var e espiEntry
		if err := dec.DecodeElement(&e, &se); err != nil {
			return nil, fmt.Errorf("%s:%d: entry: %w", name, line, err)
		}
		fd.add(e, line)
	}
	if root == "" {
		return nil, fmt.Errorf("%s: empty: want a Green Button (ESPI) Atom feed", name)
	}
	return fd, nil
}

func (fd *feed) add(e espiEntry, line int) {
	links := map[string][]string{}
	for _, l := range e.Links {
		links[l.Rel] = append(links[l.Rel], l.Href)
	}
	self := ""
	if s := links["self"]; len(s) > 0 {
		self = s[0]
	}
	c := e.Content
	if c.UsagePoint != nil {
		fd.usagePoints[hrefTail(self, 2)] = strings.TrimSpace(e.Title)
	}
	if c.ReadingType != nil {
		fd.readingTypes[hrefTail(self, 2)] = c.ReadingType
	}
	if c.MeterReading != nil {
		for _, r := range links["related"] {
			if strings.Contains(r, "ReadingType") {
				fd.meterRT[hrefTail(self, 4)] = hrefTail(r, 2)
			}
		}
	}
	up := ""
	if u := links["up"]; len(u) > 0 {
		up = hrefTail(strings.TrimSuffix(strings.TrimRight(strings.TrimSpace(u[0]), "/"), "/IntervalBlock"), 4)
	}
	for _, b := range c.IntervalBlocks {
		fd.blocks = append(fd.blocks, feedBlock{b, up, line})
	}
	if c.LocalTime != nil {
		lt := *c.LocalTime
		lt.line = line
		fd.localTimes = append(fd.localTimes, lt)
	}
}

// readingType is the reading type of a block: through its MeterReading,
// or the feed's only one.
func (fd *feed) readingType(b feedBlock) (*espiReadingType, string) {
	if key, ok := fd.meterRT[b.up]; ok {
		if rt, ok := fd.readingTypes[key]; ok {
			return rt, key
		}
	}
	if len(fd.readingTypes) == 1 {
		for key, rt := range fd.readingTypes {
			return rt, key
		}
	}
	return nil, ""
}

// describe names a reading type's codes for a message.
func (rt *espiReadingType) describe() string {
	v := func(p *int) string {
		if p == nil {
			return "none"
		}
		return strconv.Itoa(*p)
	}
	return fmt.Sprintf("uom %s, flowDirection %s, accumulationBehaviour %s", v(rt.UOM), v(rt.FlowDirection), v(rt.AccumulationBehaviour))
}

// rows emits the readings of the blocks of delivered (or received)
// electricity in Wh, after checking the feed's local time against the
// site's zone.
func (fd *feed) rows(name, flow, usagePoint string, loc *time.Location, emit func(Row)) ([]Rejection, error) {
	wantFlow := espiFlowForward
	if flow == flowProduction {
		wantFlow = espiFlowReverse
	}
	type chosen struct {
		feedBlock
		rt    *espiReadingType
		index bool
	}
	var use []chosen
	var others []string
	points := map[string]bool{}
	for _, b := range fd.blocks {
		rt, key := fd.readingType(b)
		if rt == nil {
			return nil, fmt.Errorf("%s:%d: IntervalBlock of %q: no ReadingType links to it (MeterReading related link) and the feed has %d: cannot tell its unit", name, b.line, b.up, len(fd.readingTypes))
		}
		if usagePoint != "" && !fd.isUsagePoint(b.up, usagePoint) {
			continue
		}
		flowOK := rt.FlowDirection == nil && wantFlow == espiFlowForward || rt.FlowDirection != nil && *rt.FlowDirection == wantFlow
		elec := rt.Commodity == nil || *rt.Commodity <= 2
		acc := rt.AccumulationBehaviour
		if rt.UOM == nil || *rt.UOM != espiUomWh || !flowOK || !elec || acc == nil || *acc != espiDeltaData && *acc != espiBulkQuantity {
			others = append(others, fmt.Sprintf("%s (%s)", key, rt.describe()))
			continue
		}
		use = append(use, chosen{b, rt, *acc == espiBulkQuantity})
		points[usagePointOf(b.up)] = true
	}
	if len(use) == 0 {
		sort.Strings(others)
		return nil, fmt.Errorf("%s: no interval block of electricity %s in Wh (uom 72, flowDirection %d, accumulationBehaviour 4 or 1)%s; it has: %s",
			name, map[int]string{espiFlowForward: "delivered", espiFlowReverse: "received"}[wantFlow], wantFlow, forUsagePoint(usagePoint), strings.Join(uniq(others), "; "))
	}
	if len(points) > 1 {
		var ids []string
		for p := range points {
			ids = append(ids, fmt.Sprintf("%s (%q)", p, fd.usagePoints[p]))
		}
		sort.Strings(ids)
		return nil, fmt.Errorf("%s: %d usage points with %s energy: %s: one source reads one meter; set usage_point: to its id or title", name, len(ids), flow, strings.Join(ids, ", "))
	}
	if loc != nil {
		years := map[int]bool{}
		for _, c := range use {
			if c.Interval.Start != nil {
				years[time.Unix(*c.Interval.Start, 0).In(loc).Year()] = true
			}
			for _, r := range c.Readings {
				if r.TimePeriod != nil && r.TimePeriod.Start != nil {
					years[time.Unix(*r.TimePeriod.Start, 0).In(loc).Year()] = true
				}
			}
		}
		for _, lt := range fd.localTimes {
			if err := lt.check(loc, years); err != nil {
				return nil, fmt.Errorf("%s:%d: LocalTimeParameters: %w", name, lt.line, err)
			}
		}
	}
	var bad []Rejection
	fields := map[string]string{}
	var slots fieldSlots
	for _, c := range use {
		m := 0
		if c.rt.PowerOfTenMultiplier != nil {
			m = *c.rt.PowerOfTenMultiplier
		}
		for i, r := range c.Readings {
			where := fmt.Sprintf("%s:%d (IntervalReading %d)", name, c.line, i+1)
			switch {
			case m < espiMinPowerOfTen || m > espiMaxPowerOfTen:
				bad = append(bad, Rejection{Where: where, Reason: fmt.Sprintf("powerOfTenMultiplier %d: want −12 to 9", m)})
				continue
			case r.TimePeriod == nil || r.TimePeriod.Start == nil:
				bad = append(bad, Rejection{Where: where, Reason: "no timePeriod start: want its start (Unix seconds) and duration"})
				continue
			case r.Value != nil && (*r.Value > espiMaxReadingValue || *r.Value < -espiMaxAbsInt48):
				bad = append(bad, Rejection{Where: where, Reason: fmt.Sprintf("value %d: beyond the 48-bit integer ESPI allows", *r.Value)})
				continue
			}
			start := *r.TimePeriod.Start
			dur := int64(0)
			if r.TimePeriod.Duration != nil {
				dur = *r.TimePeriod.Duration
			}
			if start < -1<<40 || start > 1<<40 || dur < 0 || dur > 1<<32 {
				bad = append(bad, Rejection{Where: where, Reason: fmt.Sprintf("timePeriod start %d, duration %d: out of range", start, dur)})
				continue
			}
			clear(fields)
			at := func(s int64) string { return time.Unix(s, 0).UTC().Format(time.RFC3339) }
			if c.index {
				fields[FieldReading], fields[FieldTime] = "index", at(start+dur)
			} else {
				fields[FieldReading], fields[FieldStart], fields[FieldEnd] = "interval", at(start), at(start+dur)
			}
			fields[FieldUnit] = "Wh"
			if r.Value != nil {
				fields[FieldQuantity] = fmt.Sprintf("%de%d", *r.Value, m)
			} else {
				fields[FieldQuantity] = ""
			}
			emit(rowOf(&slots, where, fields))
		}
	}
	return bad, nil
}

func (fd *feed) isUsagePoint(up, want string) bool {
	p := usagePointOf(up)
	return p == "UsagePoint/"+want || strings.EqualFold(fd.usagePoints[p], want)
}

// usagePointOf is "UsagePoint/<id>" of a MeterReading's key.
func usagePointOf(up string) string {
	segs := strings.Split(up, "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] == "UsagePoint" {
			return segs[i] + "/" + segs[i+1]
		}
	}
	return up
}

func forUsagePoint(p string) string {
	if p == "" {
		return ""
	}
	return fmt.Sprintf(" for usage_point %q", p)
}

func uniq(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
