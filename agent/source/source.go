// Package source reads a site's exports into rows: one `type:` of
// source per file (csv, http, exec, manual, winevents, configmgr,
// greenbutton, enedis), each with its own keys of a
// `sources:` block in site.yaml (docs/ARCHITECTURE.md, "where to add a
// source type"). A source knows nothing of what the rows mean: the
// collector a block names turns them into records (package collector).
package source

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/greenhelp/greenhelp/agent/internal/registry"
)

// Row is one record of an export: its fields by name (Get), and where it
// came from (Where). A source reuses a row's fields from one row to the
// next: a consumer that keeps a row keeps its Clone.
type Row struct {
	// place is where the row is, a file's name when line is set: Where
	// is then formatted only when asked (a rejection, a note), not for
	// every row read.
	place string
	line  int
	f     *fieldSlots
}

// fieldSlots are a row's values by name: a handful of slots, looked up by a
// scan cheaper than a map's hash for the few fields a source maps.
type fieldSlots struct{ names, vals []string }

// NewRow returns a row at where holding the fields given (a manual
// source's values, a collector's test rows).
func NewRow(where string, fields map[string]string) Row {
	return rowOf(nil, where, fields)
}

// At returns a row without fields at where: the place of a record a
// collector makes of many rows (a day's total).
func At(where string) Row { return NewRow(where, nil) }

// lineRow returns the row at line of the file name, holding f's fields.
func lineRow(name string, line int, f *fieldSlots) Row { return Row{place: name, line: line, f: f} }

// rowOf returns a row at where holding m's fields, in f's slots when f is
// not nil (reused row after row: no allocation once they have grown).
func rowOf(f *fieldSlots, where string, m map[string]string) Row {
	if f == nil {
		f = &fieldSlots{names: make([]string, 0, len(m)), vals: make([]string, 0, len(m))}
	}
	f.names, f.vals = f.names[:0], f.vals[:0]
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f.names = append(f.names, k)
		f.vals = append(f.vals, m[k])
	}
	return Row{place: where, f: f}
}

// Where is where the row came from: file:line for an export's line, or
// the place the source gave (values[2], an event's device and time).
func (r Row) Where() string {
	if r.line == 0 {
		return r.place
	}
	return r.place + ":" + strconv.Itoa(r.line)
}

// Get returns the field's value ("" when the row has none).
func (r Row) Get(field string) string {
	if r.f != nil {
		for i, n := range r.f.names {
			if n == field {
				return r.f.vals[i]
			}
		}
	}
	return ""
}

// Set gives the row a field's value (a source's constant): the rows
// sharing its fields see it until the source reads the next row. A zero
// Row has no fields to set.
func (r Row) Set(field, value string) {
	if r.f == nil {
		return
	}
	for i, n := range r.f.names {
		if n == field {
			r.f.vals[i] = value
			return
		}
	}
	r.f.names = append(r.f.names, field)
	r.f.vals = append(r.f.vals, value)
}

// Clone returns the row with fields of its own, for a consumer that keeps
// it past the next row.
func (r Row) Clone() Row {
	if r.f != nil {
		r.f = &fieldSlots{names: slices.Clone(r.f.names), vals: slices.Clone(r.f.vals)}
	}
	return r
}

// Fields returns the row's fields as a map, for tests and messages (not
// for every row: it allocates).
func (r Row) Fields() map[string]string {
	out := map[string]string{}
	if r.f != nil {
		for i, n := range r.f.names {
			out[n] = r.f.vals[i]
		}
	}
	return out
}

// Table is what a source read: rows holding only the mapped fields.
type Table struct {
	Rows []Row
	// Bad are lines that could not be read as CSV at all.
	Bad []Rejection
}

// Rejection is a row that could not be read or used, and why.
type Rejection struct {
	Where  string `json:"where"`
	Reason string `json:"reason"`
	// Skipped is a line that is not data (a total row, the lines before
	// the header): counted apart, never a rejected row.
	Skipped bool `json:"-"`
	// Layout is set when a date or time did not read with the source's
	// layout: what went wrong and what would read it. On the first row,
	// the source is refused (the layout is wrong, not the row).
	Layout string `json:"-"`
}

// AddFunc reports a problem with field (its value and what would be right).
type AddFunc func(field, value, format string, args ...any)

// Env is what a source is read in: the folder relative paths start at
// (that of site.yaml), the block's decimal separator and the site's time
// zone (an IANA name; empty in `check`'s key checks).
type Env struct {
	Base     string
	Decimal  string
	Timezone string // the site's IANA time zone: local timestamps' default
	// Skip, when set, is told of each record the source read and left
	// out on purpose — an event that says nothing of what the collector
	// reads — by what it was, for `check` to count.
	Skip func(what string, n int)
	// Say, when set, is told what the source read as a whole (a
	// Configuration Manager export's computers and days), a line at a
	// time, for check to print.
	Say func(line string)
}

// Giving is a source type whose rows carry fixed fields of their own
// rather than an export's columns (winevents: device, time, event; a
// meter's format: meter.go): Gives names them, and the collector needs no
// columns for them (collector.Env.Gives).
type Giving interface {
	Gives() []string
}

// Options are a source type's own keys of a `sources:` block, decoded
// strictly (a pointer to a struct with mapstructure tags): what they must
// hold, how the source is read, and a sample block.
type Options interface {
	// Defaults fills the keys left unset.
	Defaults()
	// Check reports what is wrong with the keys.
	Check(env Env, add AddFunc)
	// Stream reads the source and hands its rows, projected on cols
	// (field → column), to emit as they are read; the Row's map is reused.
	Stream(ctx context.Context, env Env, cols map[string]string, emit func(Row)) ([]Rejection, error)
	// Sample is a commented `sources:` entry of the type.
	Sample() string
}

// types is the registry by `type:`; each registers from its file.
var types registry.Of[Options]

func register(name string, options func() Options) { types.Register(name, options) }

// New returns the zero options of the source type name (false: no such
// type).
func New(name string) (Options, bool) { return types.New(name) }

// Types is the registered names, sorted.
func Types() []string { return types.Names() }

// Read reads a source whole, projected onto the mapped fields: the form a
// collector that needs every row at once reads.
func Read(ctx context.Context, o Options, env Env, cols map[string]string) (Table, error) {
	var t Table
	bad, err := o.Stream(ctx, env, cols, func(r Row) {
		t.Rows = append(t.Rows, r.Clone())
	})
	t.Bad = bad
	return t, err
}

// Resolve returns p, relative to base unless absolute.
func Resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

// noFiles is the error of a path that matches no file yet.
func noFiles(path, base string) error {
	return fmt.Errorf("path %q: %w in %s (relative paths start at the folder of site.yaml); the source is read once a file is there", path, ErrNoFiles, filepath.Dir(Resolve(base, path)))
}
