// Package source reads a site's exports into rows: one `type:` of
// source per file (csv, http, exec, manual), each with its own keys of a
// `sources:` block in site.yaml (docs/ARCHITECTURE.md, "where to add a
// source type"). A source knows nothing of what the rows mean: the
// collector a block names turns them into records (package collector).
package source

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"

	"github.com/greenhelp/greenhelp/agent/internal/registry"
)

// Row is one record of an export, by field name, with where it came from.
type Row struct {
	Where  string // file:line
	Fields map[string]string
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
		t.Rows = append(t.Rows, Row{Where: r.Where, Fields: maps.Clone(r.Fields)})
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
