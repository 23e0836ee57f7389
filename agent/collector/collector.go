// Package collector turns the rows a source read into daily (or
// bill-period, or monthly) activity records: one `collector:` per file
// (energy, interval, telework, commute_survey, travel, weather,
// workstation, cloud), each with its own keys of a `sources:` block in
// site.yaml and its own state between
// runs (docs/ARCHITECTURE.md, "where to add a collector").
package collector

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/internal/registry"
	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/agent/timefmt"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Collector turns a source's rows into activity records as they arrive:
// daily (or bill-period) records summed by key, so that re-reading an
// export gives the same keys. Every collector can save its state between
// runs (source.Resumer). Result may answer ErrWhole: the rows came in an
// order the streaming form cannot sum exactly, and the source is then
// read whole and handed to Whole on a new collector (Collect).
type Collector interface {
	Add(r source.Row)
	Result() ([]footprint.Activity, []source.Rejection, error)
	// Whole collects a whole table at once.
	Whole(t source.Table) ([]footprint.Activity, []source.Rejection)
	source.Resumer
}

// Warner is a collector with something to say of the rows as a whole,
// not of one row: check prints it under the source (a travel export
// dated by booking, the airport codes the table lacks).
type Warner interface{ Warnings() []string }

// Surveyor is a collector whose rows describe the site, not its activity:
// a commute survey, which the agent puts in the declaration it sends
// (site.commute) in place of the profile's assumed split. Nil: the rows
// gave no survey.
type Surveyor interface {
	Survey() *declaration.CommuteSurvey
}

// Gaps is a collector whose records need not cover every day: MinGap
// is the shortest run of days without a record that check reports as a
// gap (0: none; a collector without the method: every missing day).
type Gaps interface{ MinGap() int }

// MinGap is the shortest gap check reports for the collector's records.
func MinGap(o Options) int {
	if g, ok := o.(Gaps); ok {
		return g.MinGap()
	}
	return 1
}

// workingDays is the MinGap of counts by working day: a weekend and a
// public holiday next to it (4 days) are not a gap.
const workingDays = 5

// ErrWhole says a collector cannot give exact records from the rows in
// the order they came: the source is collected again from its whole table.
var ErrWhole = errors.New("rows out of the order the collector streams: collect from the whole table")

// Env is what a collector works in: the source it reads and the site.
type Env struct {
	ID        string // the source's id: the records' source
	Type      string // the source's type (manual: figures typed in)
	Collector string // the collector's name, for messages
	Common    Common
	Site      declaration.Site
	// Gives are the fields the source gives of its own, whatever the
	// columns (source.Giving: a meter's format, a Windows event log).
	Gives []string
}

// Options are a collector's own keys of a `sources:` block, decoded
// strictly (a pointer to a struct with mapstructure tags): what the
// source must map or give, the collector it makes, and a sample block.
type Options interface {
	// Defaults fills the keys left unset (and columns a report implies).
	Defaults(c *Common)
	// Check reports what is wrong with the keys, or missing in env.
	Check(env Env, add source.AddFunc)
	// New returns the collector of a source.
	New(env Env) Collector
	// Sample is a commented `sources:` entry feeding the collector.
	Sample() string
}

// types is the registry by `collector:`; each registers from its file.
var types registry.Of[Options]

func register(name string, options func() Options) { types.Register(name, options) }

// New returns the zero options of the collector name (false: no such
// collector).
func New(name string) (Options, bool) { return types.New(name) }

// Names is the registered names, sorted.
func Names() []string { return types.Names() }

// Collect turns a whole table into records: a new collector fed row by
// row, or, when it answers ErrWhole, a new one given the whole table.
func Collect(o Options, env Env, t source.Table) ([]footprint.Activity, []source.Rejection) {
	col := o.New(env)
	for _, r := range t.Rows {
		col.Add(r)
	}
	acts, rej, err := col.Result()
	if errors.Is(err, ErrWhole) {
		return o.New(env).Whole(t)
	}
	return acts, rej
}

// whole is Whole for a collector whose stream form is exact.
func whole(c Collector, t source.Table) ([]footprint.Activity, []source.Rejection) {
	for _, r := range t.Rows {
		c.Add(r)
	}
	acts, rej, _ := c.Result()
	return acts, rej
}

// byRow is a collector that takes each row on its own into the sums.
type byRow struct {
	c   *state
	add func(source.Row)
	// warn is what check should say of the rows as a whole (nil: nothing).
	warn func() []string
}

// Warnings is what the rows read say as a whole (Warner).
func (b byRow) Warnings() []string {
	if b.warn == nil {
		return nil
	}
	return b.warn()
}

func (b byRow) Add(r source.Row) { b.add(r) }

func (b byRow) Result() ([]footprint.Activity, []source.Rejection, error) {
	acts, rej := b.c.result()
	return acts, rej, nil
}

func (b byRow) Whole(t source.Table) ([]footprint.Activity, []source.Rejection) { return whole(b, t) }
func (b byRow) Save() (json.RawMessage, error)                                  { return b.c.save() }
func (b byRow) Restore(raw json.RawMessage) error                               { return b.c.restore(raw) }

// state is what every collector keeps: the records summed by key, in the
// order first seen, and the rows rejected.
type state struct {
	env        Env
	site       declaration.Site
	loc        *time.Location
	dateLayout timefmt.Layout
	timeLayout timefmt.Layout
	sums       map[footprint.Key]*footprint.Activity
	order      []footprint.Key
	rejects    []source.Rejection
	// layoutMisses counts the dates and times that did not read.
	layoutMisses int
}

func newState(env Env) *state {
	c := &state{env: env, site: env.Site, sums: map[footprint.Key]*footprint.Activity{}}
	c.dateLayout, _ = layoutOf(env.Common.DateFormat, false)
	c.timeLayout, _ = layoutOf(env.Common.TimeFormat, true)
	c.loc, _ = time.LoadLocation(env.Site.Timezone)
	if c.loc == nil {
		c.loc = time.UTC
	}
	return c
}

func (c *state) reject(r source.Row, format string, args ...any) {
	c.rejects = append(c.rejects, source.Rejection{Where: r.Where(), Reason: fmt.Sprintf(format, args...)})
}

// rejectLayout rejects a row whose date or time did not read with the
// source's layout, saying why and which layouts would read it.
func (c *state) rejectLayout(r source.Row, key string, value string, err error, format string, args ...any) {
	c.reject(r, format, args...)
	c.layoutMisses++
	if c.layoutMisses > 5 { // only the first row's refuses the source: the rest need no suggestion
		c.rejects[len(c.rejects)-1].Layout = err.Error()
		return
	}
	detail := err.Error()
	if s := timefmt.Suggest(value); len(s) > 0 {
		detail += fmt.Sprintf("; %s %q reads it", key, s[0])
		if len(s) > 1 {
			detail += fmt.Sprintf(" (so does %s: which one the export writes, its other rows tell)", strings.Join(quoted(s[1:]), ", "))
		}
	}
	c.rejects[len(c.rejects)-1].Layout = detail
}

func quoted(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// emit validates a record and adds it to the sum of its key.
func (c *state) emit(r source.Row, a footprint.Activity) bool {
	a.Source = c.env.ID
	if a.Quality == "" {
		a.Quality = footprint.Quality(c.env.Common.Quality)
	}
	where := r.Where()
	if errs := a.Validate(where); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = strings.TrimPrefix(e.Error(), where+": ")
		}
		c.rejects = append(c.rejects, source.Rejection{Where: where, Reason: strings.Join(msgs, "; ")})
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

func (c *state) result() ([]footprint.Activity, []source.Rejection) {
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

// errRejected: a collector that rejected a row keeps no state.
var errRejected = errors.New("a row was rejected: the next run reads whole")

// save returns the sums so far, in their order.
func (c *state) save() (json.RawMessage, error) {
	if len(c.rejects) > 0 {
		return nil, errRejected
	}
	acts := make([]footprint.Activity, len(c.order))
	for i, k := range c.order {
		acts[i] = *c.sums[k]
	}
	return json.Marshal(acts)
}

func (c *state) restore(raw json.RawMessage) error {
	var acts []footprint.Activity
	if err := json.Unmarshal(raw, &acts); err != nil {
		return err
	}
	for _, a := range acts {
		k := a.Key(c.site.ID)
		if _, dup := c.sums[k]; dup {
			return fmt.Errorf("saved state: key %v twice", k)
		}
		cp := a
		c.sums[k] = &cp
		c.order = append(c.order, k)
	}
	return nil
}
