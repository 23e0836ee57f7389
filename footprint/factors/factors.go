// Package factors is greenhelp's emission-factor library: an embedded,
// versioned table of kgCO2e per canonical unit keyed by (kind, item, region,
// year), every row carrying its source, with a lookup that falls back to the
// nearest earlier year and then to WORLD, and says when it did.
package factors

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Version names the embedded factor set; exports and inventories record it
// so that a figure can be traced to the exact table it came from.
const Version = "greenhelp-factors-2026.3"

// World is the region used when a country has no row of its own.
const World = "WORLD"

//go:embed factors.csv
var embedded []byte

// Row is one emission factor: KgPerUnit kilograms of CO2e per Unit of
// activity for Kind/Item in Region (ISO 3166 alpha-2 or WORLD) and Year.
type Row struct {
	Kind      string  `json:"kind"`
	Item      string  `json:"item"`
	Region    string  `json:"region"`
	Year      int     `json:"year"`
	KgPerUnit float64 `json:"kg_co2e_per_unit"`
	Unit      string  `json:"unit"`
	Source    string  `json:"source"`
	Note      string  `json:"note,omitempty"`
	// Change says what the row's difference from the series' row of the
	// year before is: ChangeReal (the default) or ChangeMethod, a change of
	// calculation method that restates every earlier year (method.go).
	Change string `json:"change,omitempty"`
	// Origin is "embedded" or the path of the override file the row came from.
	Origin string `json:"origin"`
	// Gases is the row's CO2e split by gas as its publisher gives it (nil:
	// the source publishes CO2e only): gases.go.
	Gases *Gases `json:"gases,omitempty"`
}

// ID is the row's stable identifier, kind/item/region/year.
func (r Row) ID() string {
	return r.Kind + "/" + r.Item + "/" + r.Region + "/" + strconv.Itoa(r.Year)
}

type key struct{ kind, item, region string }

// Library is an immutable set of factor rows.
type Library struct {
	rows  []Row
	index map[key][]Row // sorted by year ascending
	items map[[2]string]bool
}

// Default returns the embedded library, parsed once (a Library is
// immutable). It panics only if the embedded CSV is broken, which the
// package tests rule out.
func Default() *Library { return defaultLib() }

var defaultLib = sync.OnceValue(func() *Library {
	lib, err := Parse(bytes.NewReader(embedded), "embedded")
	if err != nil {
		panic(fmt.Sprintf("factors: embedded library: %v", err))
	}
	return lib
})

// Load returns the embedded library with the rows of the override files
// added, a row with the same (kind, item, region, year) replacing the
// embedded one.
func Load(overrides ...string) (*Library, error) {
	lib := Default()
	for _, path := range overrides {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("factor overrides: %w", err)
		}
		extra, err := Parse(f, path)
		f.Close()
		if err != nil {
			return nil, err
		}
		lib = lib.Merge(extra)
	}
	return lib, nil
}

// LoadList is Load for a comma-separated list of override files, as the
// --factors flag, GREENHELP_FACTORS and central.yaml give it.
func LoadList(list string) (*Library, error) {
	var files []string
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			files = append(files, p)
		}
	}
	return Load(files...)
}

var header = []string{"kind", "item", "region", "year", "kg_co2e_per_unit", "unit", "source", "note", "change",
	"kg_co2_per_unit", "kg_ch4_per_unit", "kg_n2o_per_unit", "gases_gwp"}

// The values of the change column.
const (
	// ChangeReal is a row whose difference from the year before is real
	// (a grid that decarbonised, new load factors): year-specific.
	ChangeReal = "real"
	// ChangeMethod is a row whose difference from the year before is a
	// change of calculation method: it applies to every earlier year.
	ChangeMethod = "method"
)

// Parse reads a factor CSV (the embedded format: kind, item, region, year,
// kg_co2e_per_unit, unit, source, note, change, then the split by gas:
// kg_co2_per_unit, kg_ch4_per_unit, kg_n2o_per_unit, gases_gwp). Every row
// must name its source. The columns after source are optional, in the
// header and in a row (an override file of the older nine, eight or seven
// columns reads as before: every change real, CO2e only); a row never has
// more fields than the header. name is used in error messages and as the
// rows' Origin.
func Parse(r io.Reader, name string) (*Library, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: read header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	var missing []string
	for _, h := range header[:7] {
		if _, ok := col[h]; !ok {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: header: missing column(s) %s: want %s", name, strings.Join(missing, ", "), strings.Join(header, ","))
	}
	var rows []Row
	var errs []error
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		get := func(c string) string {
			i, ok := col[c]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		row := Row{Kind: get("kind"), Item: get("item"), Region: strings.ToUpper(get("region")),
			Unit: get("unit"), Source: get("source"), Note: get("note"), Change: get("change"), Origin: name}
		bad := func(field, value, want string) {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %q: %s", name, line, field, value, want))
		}
		if len(rec) > len(head) {
			bad("fields", strings.Join(rec[len(head):], ","), fmt.Sprintf("%d fields where the header has %d: a comma inside a field needs quotes", len(rec), len(head)))
		}
		switch row.Change {
		case "":
			row.Change = ChangeReal
		case ChangeReal, ChangeMethod:
		default:
			bad("change", row.Change, `must be "real" (the default: a real change, year-specific) or "method" (a change of calculation method: restates every earlier year)`)
		}
		if row.Kind == "" {
			bad("kind", row.Kind, "must not be empty")
		}
		if row.Item == "" {
			bad("item", row.Item, "must not be empty")
		}
		if row.Region != World && (len(row.Region) != 2 || strings.ToUpper(row.Region) != row.Region) {
			bad("region", row.Region, "must be an ISO 3166 alpha-2 code or WORLD")
		}
		y, err := strconv.Atoi(get("year"))
		if err != nil || y < 1990 || y > 2100 {
			bad("year", get("year"), "must be a year between 1990 and 2100")
		}
		row.Year = y
		v, err := strconv.ParseFloat(get("kg_co2e_per_unit"), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			bad("kg_co2e_per_unit", get("kg_co2e_per_unit"), "must be a finite number ≥ 0")
		}
		row.KgPerUnit = v
		row.Gases = parseGases(get, v, bad)
		if row.Unit == "" {
			bad("unit", row.Unit, "must not be empty")
		}
		if row.Source == "" {
			bad("source", row.Source, "every factor must cite its source (publisher, table, year)")
		}
		if prev, dup := seen[row.ID()]; dup {
			bad("key", row.ID(), fmt.Sprintf("appears twice (first on line %d)", prev))
		}
		seen[row.ID()] = line
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return build(rows), nil
}

func build(rows []Row) *Library {
	lib := &Library{rows: rows, index: map[key][]Row{}, items: map[[2]string]bool{}}
	for _, r := range rows {
		k := key{r.Kind, r.Item, r.Region}
		lib.index[k] = append(lib.index[k], r)
		lib.items[[2]string{r.Kind, r.Item}] = true
	}
	for _, rs := range lib.index {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Year < rs[j].Year })
	}
	sort.SliceStable(lib.rows, func(i, j int) bool { return lib.rows[i].ID() < lib.rows[j].ID() })
	return lib
}

// Merge returns a library holding l's rows with other's added; a row of
// other replaces l's row with the same ID.
func (l *Library) Merge(other *Library) *Library {
	byID := map[string]Row{}
	for _, r := range l.rows {
		byID[r.ID()] = r
	}
	for _, r := range other.rows {
		byID[r.ID()] = r
	}
	rows := make([]Row, 0, len(byID))
	for _, r := range byID {
		rows = append(rows, r)
	}
	return build(rows)
}

// Rows returns every row, ordered by ID.
func (l *Library) Rows() []Row { return append([]Row(nil), l.rows...) }

// Filter holds optional criteria for Select; empty fields match anything.
type Filter struct {
	Kind, Item, Region string
	Year               int
}

// Select returns the rows matching f. A Year selects, per (kind, item,
// region), the row Lookup would use for that year.
func (l *Library) Select(f Filter) []Row {
	var out []Row
	for k, rs := range l.index {
		if (f.Kind != "" && k.kind != f.Kind) || (f.Item != "" && k.item != f.Item) ||
			(f.Region != "" && k.region != strings.ToUpper(f.Region)) {
			continue
		}
		if f.Year == 0 {
			out = append(out, rs...)
			continue
		}
		if r, ok := pickYear(rs, f.Year); ok {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out
}

// Match is the outcome of a lookup: the row used and, when it is not the
// exact (region, year) asked for, why.
type Match struct {
	Row
	// Fallback is empty for an exact match, else a sentence such as
	// "no 2025 factor for ZA; used 2024".
	Fallback string `json:"fallback,omitempty"`
	// Restated is set when a later row of the series changed the method:
	// KgPerUnit is then the restated factor (method.go).
	Restated *Restatement `json:"restated,omitempty"`
}

// ErrNotFound is returned when neither the region nor WORLD has a row.
var ErrNotFound = errors.New("no emission factor")

// Lookup returns the factor for (kind, item) in region for year. It uses
// the region's row for that year, else its nearest earlier year, else (when
// the region's rows all start later) its earliest year; a region without
// rows falls back to WORLD by the same rule. Match.Fallback says which rule
// applied.
func (l *Library) Lookup(kind, item, region string, year int) (Match, error) {
	region = strings.ToUpper(region)
	if rs := l.index[key{kind, item, region}]; len(rs) > 0 {
		r, _ := pickYear(rs, year)
		return match(rs, r, yearNote(rs, r, region, year)), nil
	}
	if rs := l.index[key{kind, item, World}]; len(rs) > 0 {
		r, _ := pickYear(rs, year)
		note := fmt.Sprintf("no %s/%s factor for region %s; used WORLD", kind, item, region)
		if y := yearNote(rs, r, World, year); y != "" {
			note += " (" + y + ")"
		}
		return match(rs, r, note), nil
	}
	return Match{}, fmt.Errorf("%w for %s/%s in %s or %s", ErrNotFound, kind, item, region, World)
}

// match is r as the lookup gives it: restated by the series' later
// method changes.
func match(rs []Row, r Row, fallback string) Match {
	m := Match{Row: r, Fallback: fallback}
	m.KgPerUnit, m.Restated = restated(rs, indexOf(rs, r.Year))
	return m
}

// pickYear returns the row of the latest year ≤ year, else the earliest row.
func pickYear(rs []Row, year int) (Row, bool) {
	if len(rs) == 0 {
		return Row{}, false
	}
	best := -1
	for i, r := range rs {
		if r.Year <= year {
			best = i
		}
	}
	if best < 0 {
		return rs[0], true
	}
	return rs[best], true
}

// yearNote explains a year fallback. A set with a single row (a GWP, a
// methodological zero) holds from its year on and needs no note — except
// a yearly series (a grid factor, a loss share), whose other years are
// always said.
func yearNote(rs []Row, r Row, region string, year int) string {
	switch {
	case r.Year == year, len(rs) == 1 && r.Year < year && !yearly(r):
		return ""
	case r.Year < year:
		return fmt.Sprintf("no %d factor for %s; used %d, the nearest earlier year", year, region, r.Year)
	default:
		return fmt.Sprintf("no factor for %s published for %d or earlier; used %d, the earliest available", region, year, r.Year)
	}
}

// yearly reports whether r belongs to a series published year by year,
// whose row of another year is an approximation: the grid factors, the
// residual mixes and the T&D loss shares.
func yearly(r Row) bool {
	return (r.Kind == "electricity" && (strings.HasPrefix(r.Item, "grid") || r.Item == "residual_mix")) || r.Kind == "td_loss"
}

// Has reports whether any row exists for (kind, item) in any region.
func (l *Library) Has(kind, item string) bool {
	return l.items[[2]string{kind, item}]
}

// HasRegion reports whether the library holds any row for region.
func (l *Library) HasRegion(kind, item, region string) bool {
	return len(l.index[key{kind, item, strings.ToUpper(region)}]) > 0
}
