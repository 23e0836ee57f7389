package agent

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
)

// csvSource reads export files: one file or a glob, in name order. With
// resume (resume.go) the daily run reads only what was appended.
type csvSource struct{}

func init() { registerSource("csv", csvSource{}) }

// errNoFiles is a path that matches no file yet: the source's warning,
// never an error that stops the agent (an export may appear later).
var errNoFiles = errors.New("no file matches yet")

func (csvSource) Check(s SourceConfig, base string, add addFunc) {
	if s.Path == "" {
		add("path", "", "missing: the export file or a glob such as exports/*.csv")
	} else if _, err := filepath.Glob(resolve(base, s.Path)); err != nil {
		add("path", s.Path, "not a valid pattern: %v", err)
	}
	if s.Decimal == "," && s.Delimiter == "," {
		add("decimal", s.Decimal, `a decimal comma needs another delimiter (";")`)
	}
}

func (csvSource) Stream(ctx context.Context, s SourceConfig, base string, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	files, err := filepath.Glob(resolve(base, s.Path))
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", s.Path, err)
	}
	if len(files) == 0 {
		return nil, noFiles(s, base)
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

func noFiles(s SourceConfig, base string) error {
	return fmt.Errorf("path %q: %w in %s (relative paths start at the folder of site.yaml); the source is read once a file is there", s.Path, errNoFiles, filepath.Dir(resolve(base, s.Path)))
}

func (csvSource) Sample() string {
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
