package source

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// greenButtonSource reads Green Button downloads: the ESPI XML feed
// (NAESB REQ.21, an Atom feed) North American utilities give — interval
// blocks of a usage point's meter readings, hourly or 15-minute, their
// reading type (unit, power of ten, flow direction, accumulation) and
// the feed's local time parameters (greenbutton_espi.go). Each interval
// is a row with its bounds, its energy in Wh and its kind of reading, for
// the interval collector.
type greenButtonSource struct {
	Path string `mapstructure:"path"` // file or glob, relative to site.yaml
	// Flow is consumption (default: the energy delivered to the site,
	// ESPI flowDirection 1) or production (received from it, 19).
	Flow string `mapstructure:"flow"`
	// UsagePoint is the one usage point (meter) the source reads, by its
	// id in the feed's links (UsagePoint/<id>) or its title, when a feed
	// holds several.
	UsagePoint string `mapstructure:"usage_point"`
}

func init() { register("greenbutton", func() Options { return &greenButtonSource{} }) }

func (s *greenButtonSource) Defaults() {
	if s.Flow == "" {
		s.Flow = flowConsumption
	}
}

const (
	flowConsumption = "consumption"
	flowProduction  = "production"
)

func (s *greenButtonSource) Check(env Env, add AddFunc) {
	checkPath(s.Path, "exports/greenbutton-*.xml", env, add)
	if s.Flow != flowConsumption && s.Flow != flowProduction {
		add("flow", s.Flow, "want consumption (energy delivered to the site) or production (received from it)")
	}
}

// Gives: a row is an interval (start, end) or an index reading (time).
func (*greenButtonSource) Gives() []string {
	return []string{FieldStart, FieldEnd, FieldTime, FieldQuantity, FieldUnit, FieldReading}
}

func (s *greenButtonSource) Stream(ctx context.Context, env Env, _ map[string]string, emit func(Row)) ([]Rejection, error) {
	files, err := globFiles(s.Path, env.Base)
	if err != nil {
		return nil, err
	}
	var loc *time.Location
	if env.Timezone != "" {
		if loc, err = time.LoadLocation(env.Timezone); err != nil {
			return nil, fmt.Errorf("site.timezone %q: %w", env.Timezone, err)
		}
	}
	var bad []Rejection
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(path)
		fd, err := readFeed(f, name)
		f.Close()
		if err != nil {
			return nil, err
		}
		part, err := fd.rows(name, s.Flow, s.UsagePoint, loc, emit)
		if err != nil {
			return nil, err
		}
		bad = append(bad, part...)
	}
	return bad, nil
}

func (*greenButtonSource) Sample() string {
	return `  # A Green Button download (ESPI XML, "Download My Data"): hourly or
  # 15-minute interval blocks, read into a record per local day. The
  # feed's own local time (LocalTimeParameters) must agree with
  # site.timezone.
  - id: meter-main
    type: greenbutton
    collector: interval
    path: exports/greenbutton-*.xml
    flow: consumption               # default; production: energy the site sends to the grid
    # usage_point: "1"              # when the feed holds several meters: the one read
    gaps: reject                    # default; estimate: a day with intervals missing sent as estimated
`
}

// checkPath checks a source's path key.
func checkPath(path, example string, env Env, add AddFunc) {
	if path == "" {
		add("path", "", "missing: the export file or a glob such as %s", example)
	} else if _, err := filepath.Glob(Resolve(env.Base, path)); err != nil {
		add("path", path, "not a valid pattern: %v", err)
	}
}

// globFiles is the files path matches, in name order.
func globFiles(path, base string) ([]string, error) {
	files, err := filepath.Glob(Resolve(base, path))
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", path, err)
	}
	if len(files) == 0 {
		return nil, noFiles(path, base)
	}
	sort.Strings(files)
	return files, nil
}

// hrefTail is the last n segments of a link's path.
func hrefTail(href string, n int) string {
	href = strings.TrimSpace(href)
	if i := strings.Index(href, "://"); i >= 0 {
		href = href[i+3:]
		if j := strings.IndexByte(href, '/'); j >= 0 {
			href = href[j:]
		}
	}
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	segs := strings.Split(strings.Trim(href, "/"), "/")
	if len(segs) > n {
		segs = segs[len(segs)-n:]
	}
	return strings.Join(segs, "/")
}

// ParseGreenButton reads a Green Button feed from raw into rows, as the
// source does (flow: consumption or production; loc: the site's zone, nil
// to skip the check of the feed's local time): what tests and fuzzing
// feed the interval collector.
func ParseGreenButton(raw []byte, name, flow string, loc *time.Location) (Table, error) {
	fd, err := readFeed(bytes.NewReader(raw), name)
	if err != nil {
		return Table{}, err
	}
	var t Table
	t.Bad, err = fd.rows(name, flow, "", loc, func(r Row) {
		t.Rows = append(t.Rows, r.Clone())
	})
	if err != nil {
		return Table{}, err
	}
	return t, nil
}
