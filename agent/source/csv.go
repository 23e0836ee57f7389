package source

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
)

// csvSource reads export files: one file or a glob, in name order. With
// resume (resume.go) the daily run reads only what was appended.
type csvSource struct {
	Path string `mapstructure:"path"` // file or glob, relative to site.yaml
	Text `mapstructure:",squash"`
	// Resume (default true) reads a file that only grew since the last run
	// from where that run stopped (resume.go); false reads it whole.
	Resume *bool `mapstructure:"resume"`
}

func init() { register("csv", func() Options { return &csvSource{} }) }

// ErrNoFiles is a path that matches no file yet: the source's warning,
// never an error that stops the agent (an export may appear later).
var ErrNoFiles = errors.New("no file matches yet")

func (s *csvSource) Defaults() { s.Text.defaults() }

func (s *csvSource) Check(env Env, add AddFunc) {
	if s.Path == "" {
		add("path", "", "missing: the export file or a glob such as exports/*.csv")
	} else if _, err := filepath.Glob(Resolve(env.Base, s.Path)); err != nil {
		add("path", s.Path, "not a valid pattern: %v", err)
	}
	s.Text.check(add)
	if env.Decimal == "," && s.Delimiter == "," {
		add("decimal", env.Decimal, `a decimal comma needs another delimiter (";")`)
	}
}

func (s *csvSource) Stream(ctx context.Context, env Env, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	files, err := filepath.Glob(Resolve(env.Base, s.Path))
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", s.Path, err)
	}
	if len(files) == 0 {
		return nil, noFiles(s.Path, env.Base)
	}
	sort.Strings(files)
	var bad []Rejection
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		part, err := s.streamFile(f, cols, emit)
		if err != nil {
			return nil, err
		}
		bad = append(bad, part...)
	}
	return bad, nil
}

func (*csvSource) Sample() string {
	return `  # An export file (or a glob, read in name order), relative to this file.
  - id: edf-bills
    type: csv
    collector: energy
    path: exports/electricity-*.csv
    delimiter: ";"                  # "," (default), ";", tab or "|"
    decimal: ","                    # "." (default) or ","
    encoding: latin-1               # utf-8 (default), latin-1, windows-1252
    header: true                    # default; without, columns are numbers from 1
    date_format: DD/MM/YYYY         # YYYY MM DD (default YYYY-MM-DD)
    resume: true                    # default: the daily run reads only what was appended
    kind: electricity
    item: grid
    unit: kWh
    columns: {start: Start, end: End, quantity: kWh}
`
}
