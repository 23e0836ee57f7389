package agent

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Rejection is a row a collector could not use, and why.
type Rejection struct {
	Where  string `json:"where"`
	Reason string `json:"reason"`
}

// Collector turns a source's rows into activity records as they arrive:
// daily (or bill-period) records summed by key, so that re-reading an
// export gives the same keys. Result may answer errUnordered: the source
// is then collected from its whole table (collect).
type Collector interface {
	Add(r Row)
	Result() ([]footprint.Activity, []Rejection, error)
}

// A CollectorType is one `collector:` (collector_<name>.go): the fields
// it needs, the collector it makes for a source, and a sample block.
type CollectorType interface {
	// Check reports what the source must map or give for the collector
	// (cols: field → column).
	Check(s SourceConfig, cols map[string]string, add addFunc)
	// New returns the collector of source s over its state c.
	New(c *collector, s SourceConfig) Collector
	// Sample is a commented `sources:` entry feeding the collector.
	Sample() string
}

// collectorTypes is the registry by `collector:`; each registers from its
// own file.
var collectorTypes = map[string]CollectorType{}

func registerCollector(name string, t CollectorType) { collectorTypes[name] = t }

// byRow is a collector that takes each row on its own.
type byRow struct {
	c   *collector
	add func(*collector, Row)
}

func (b byRow) Add(r Row) { b.add(b.c, r) }

func (b byRow) Result() ([]footprint.Activity, []Rejection, error) {
	acts, rej := b.c.result()
	return acts, rej, nil
}

func newState(s SourceConfig, site declaration.Site) *collector {
	c := &collector{src: s, site: site, sums: map[footprint.Key]*footprint.Activity{}, events: map[string]string{}}
	for name, state := range s.Events {
		c.events[strings.ToLower(strings.TrimSpace(name))] = strings.ToLower(strings.TrimSpace(state))
	}
	c.dateLayout, _ = goLayout(s.DateFormat)
	c.timeLayout, _ = goLayout(s.TimeFormat)
	c.loc, _ = time.LoadLocation(site.Timezone)
	if c.loc == nil {
		c.loc = time.UTC
	}
	return c
}

// newCollector returns the streaming collector of source s.
func newCollector(s SourceConfig, site declaration.Site) Collector {
	t, ok := collectorTypes[s.Collector]
	if !ok {
		return byRow{newState(s, site), func(*collector, Row) {}}
	}
	return t.New(newState(s, site), s)
}

// collect turns a whole table into records: the streaming collectors fed
// row by row, and for a power log out of time order the whole-table form.
func collect(s SourceConfig, site declaration.Site, t Table) ([]footprint.Activity, []Rejection) {
	col := newCollector(s, site)
	for _, r := range t.Rows {
		col.Add(r)
	}
	acts, rej, err := col.Result()
	if errors.Is(err, errUnordered) {
		c := newState(s, site)
		c.workstation(t)
		return c.result()
	}
	return acts, rej
}

type collector struct {
	events     map[string]string // the source's own event names → state
	src        SourceConfig
	site       declaration.Site
	loc        *time.Location
	dateLayout string
	timeLayout string
	sums       map[footprint.Key]*footprint.Activity
	order      []footprint.Key
	rejects    []Rejection
}

func (c *collector) reject(r Row, format string, args ...any) {
	c.rejects = append(c.rejects, Rejection{Where: r.Where, Reason: fmt.Sprintf(format, args...)})
}

// emit validates a record and adds it to the sum of its key.
func (c *collector) emit(r Row, a footprint.Activity) bool {
	a.Source = c.src.ID
	if a.Quality == "" {
		a.Quality = footprint.Quality(c.src.Quality)
	}
	if errs := a.Validate(r.Where); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = strings.TrimPrefix(e.Error(), r.Where+": ")
		}
		c.rejects = append(c.rejects, Rejection{Where: r.Where, Reason: strings.Join(msgs, "; ")})
		return false
	}
	k := a.Key(c.site.ID)
	if prev, ok := c.sums[k]; ok {
		prev.Quantity += a.Quantity
		return true
	}
	cp := a
	c.sums[k] = &cp
	c.order = append(c.order, k)
	return true
}

func (c *collector) result() ([]footprint.Activity, []Rejection) {
	out := make([]footprint.Activity, 0, len(c.order))
	for _, k := range c.order {
		a := *c.sums[k]
		a.Quantity = math.Round(a.Quantity*1e6) / 1e6
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].Kind+footprint.Kind(out[i].Item) < out[j].Kind+footprint.Kind(out[j].Item)
	})
	return out, c.rejects
}

// number parses a figure with the source's decimal separator.
func (c *collector) number(r Row, field string) (float64, bool) {
	s := strings.TrimSpace(r.Fields[field])
	if s == "" {
		c.reject(r, "%s: empty: want a number", field)
		return 0, false
	}
	v, err := parseNumber(s, c.src.Decimal)
	if err != nil {
		c.reject(r, "%s: %q: %v", field, s, err)
		return 0, false
	}
	return v, true
}

// parseNumber reads a figure written with decimal as its decimal
// separator. Thousands separators — spaces, and the other of '.' and ','
// — are accepted only between groups of three digits, so that a figure
// written with the other decimal separator ("12345,6" read with decimal
// ".") is refused with a hint instead of silently becoming ten times
// larger.
func parseNumber(s, decimal string) (float64, error) {
	thousands := ","
	if decimal == "," {
		thousands = "."
	}
	clean := strings.NewReplacer(" ", thousands, "\u00a0", thousands, "\u202f", thousands).Replace(strings.TrimSpace(s))
	mant, exp := clean, ""
	if i := strings.IndexAny(clean, "eE"); i >= 0 {
		mant, exp = clean[:i], clean[i:]
	}
	intPart, frac, hasFrac := strings.Cut(mant, decimal)
	if hasFrac && strings.Contains(frac, thousands) || strings.Contains(frac, decimal) {
		return 0, fmt.Errorf("want a number with %q as decimal separator", decimal)
	}
	sign := ""
	if strings.HasPrefix(intPart, "-") || strings.HasPrefix(intPart, "+") {
		sign, intPart = intPart[:1], intPart[1:]
	}
	if strings.Contains(intPart, thousands) {
		groups := strings.Split(intPart, thousands)
		ok := len(groups[0]) >= 1 && len(groups[0]) <= 3
		for _, g := range groups[1:] {
			ok = ok && len(g) == 3
		}
		if !ok {
			other := map[string]string{".": ",", ",": "."}[decimal]
			return 0, fmt.Errorf("%q is not between groups of three digits: if it is the decimal separator, set decimal: %q for this source", thousands, other)
		}
		intPart = strings.ReplaceAll(intPart, thousands, "")
	}
	num := sign + intPart
	if hasFrac {
		num += "." + frac
	}
	v, err := strconv.ParseFloat(num+exp, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("want a number with %q as decimal separator", decimal)
	}
	return v, nil
}

func (c *collector) date(r Row, field string) (footprint.Date, bool) {
	s := strings.TrimSpace(r.Fields[field])
	t, err := time.Parse(c.dateLayout, s)
	if err != nil {
		// Accept a timestamp whose date part matches.
		if t2, err2 := time.Parse(c.timeLayout, s); err2 == nil {
			t, err = t2, nil
		}
	}
	if err != nil {
		c.reject(r, "%s: %q: want a date as %s", field, s, c.src.DateFormat)
		return footprint.Date{}, false
	}
	return footprint.NewDate(t.Year(), t.Month(), t.Day()), true
}

func first(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
