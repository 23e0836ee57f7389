package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"github.com/greenhelp/greenhelp/footprint"
)

// A SourceType is one `type:` of source (source_<type>.go): what its own
// keys must hold, how it is read, and a sample site.yaml block.
type SourceType interface {
	// Check reports what is wrong with the type's own keys of s.
	Check(s SourceConfig, base string, add addFunc)
	// Stream reads s and hands its rows, projected on cols (field →
	// column), to emit as they are read; the Row's map is reused.
	Stream(ctx context.Context, s SourceConfig, base string, cols map[string]string, emit func(Row)) ([]Rejection, error)
	// Sample is a commented `sources:` entry of the type.
	Sample() string
}

// addFunc reports a problem with field (its value and what would be right).
type addFunc func(field, value, format string, args ...any)

// sourceTypes is the registry by `type:`; each registers from its file.
var sourceTypes = map[string]SourceType{}

func registerSource(name string, t SourceType) { sourceTypes[name] = t }

// SourceTypes and Collectors are the registered names, sorted.
func SourceTypes() []string { return slices.Sorted(maps.Keys(sourceTypes)) }
func Collectors() []string  { return slices.Sorted(maps.Keys(collectorTypes)) }

// SourceConfig is one block of `sources:` in site.yaml.
type SourceConfig struct {
	ID        string `mapstructure:"id"`
	Type      string `mapstructure:"type"`
	Collector string `mapstructure:"collector"`

	// csv
	Path      string `mapstructure:"path"`      // file or glob, relative to site.yaml
	Delimiter string `mapstructure:"delimiter"` // "," (default) or ";"
	Decimal   string `mapstructure:"decimal"`   // "." (default) or ","
	Encoding  string `mapstructure:"encoding"`  // utf-8 (default), latin-1, windows-1252
	Header    *bool  `mapstructure:"header"`    // default true; without, columns are numbered from 1
	// Resume (default true) reads a file that only grew since the last run
	// from where that run stopped (resume.go); false reads it whole.
	Resume *bool `mapstructure:"resume"`
	// DateFormat and TimeFormat use YYYY MM DD HH mm ss, e.g. DD/MM/YYYY.
	DateFormat string `mapstructure:"date_format"`
	TimeFormat string `mapstructure:"time_format"`

	// http and exec
	URL     string        `mapstructure:"url"`
	Headers []HTTPHeader  `mapstructure:"headers"`
	Format  string        `mapstructure:"format"` // csv (default) or json (an array of objects)
	Command []string      `mapstructure:"command"`
	Timeout time.Duration `mapstructure:"timeout"`

	// manual: monthly figures typed in from bills.
	Values []ManualValue `mapstructure:"values"`

	// Columns maps the fields the collector reads to the export's columns.
	Columns Columns `mapstructure:"columns"`
	// Fixed values for fields the export has no column for.
	Kind     string `mapstructure:"kind"`
	Item     string `mapstructure:"item"`
	Unit     string `mapstructure:"unit"`
	Class    string `mapstructure:"class"`
	Location string `mapstructure:"location"` // workstation: site (default) or home
	// Attrs are attributes every record of the source carries (collector
	// energy): room for a data centre's meters (kind datacentre),
	// contract for a colocation contract's IT energy (kind colocation).
	Attrs map[string]string `mapstructure:"attrs"`
	// Report is a cloud provider's export format (collector cloud): aws,
	// gcp, azure, or usage (compute, storage and transfer to estimate from).
	Report string `mapstructure:"report"`
	// Provider is the cloud provider of a usage export (aws, gcp, azure)
	// when it has no provider column.
	Provider string `mapstructure:"provider"`
	Quality  string `mapstructure:"quality"` // measured (default), estimated
	// Events maps a power log's own event names to a state: on, off,
	// sleep, or ignore (a logon or a screen lock that says nothing of the
	// power). They come before the names the collector knows (startup,
	// shutdown, sleep, wake, hibernate …).
	Events map[string]string `mapstructure:"events"`
	// AssumedCompliance is the share of window hours a workstation
	// estimate without a log counts as off (0–1): required there, 0
	// included — there is no default to fall back on silently.
	AssumedCompliance *float64 `mapstructure:"assumed_compliance"`
}

// HTTPHeader is one request header; Value may be "${ENV_VAR}".
type HTTPHeader struct {
	Name  string `mapstructure:"name"`
	Value string `mapstructure:"value"`
}

// ManualValue is one month of a manual source.
type ManualValue struct {
	Month    string  `mapstructure:"month"` // YYYY-MM
	Kind     string  `mapstructure:"kind"`
	Item     string  `mapstructure:"item"`
	Quantity float64 `mapstructure:"quantity"`
	Unit     string  `mapstructure:"unit"`
}

// Columns names the export's column for each field a collector reads
// (header name, or a 1-based number without a header). Only these columns
// are read: names and employee ids never leave the site.
type Columns struct {
	Date       string `mapstructure:"date"`
	Start      string `mapstructure:"start"`
	End        string `mapstructure:"end"`
	Month      string `mapstructure:"month"`
	Kind       string `mapstructure:"kind"`
	Item       string `mapstructure:"item"`
	Quantity   string `mapstructure:"quantity"`
	Unit       string `mapstructure:"unit"`
	Device     string `mapstructure:"device"`
	Class      string `mapstructure:"class"`
	Time       string `mapstructure:"time"`
	Event      string `mapstructure:"event"`
	Remote     string `mapstructure:"remote"`
	Onsite     string `mapstructure:"onsite"`
	Mode       string `mapstructure:"mode"`
	From       string `mapstructure:"from"`
	To         string `mapstructure:"to"`
	DistanceKm string `mapstructure:"distance_km"`
	Cabin      string `mapstructure:"cabin"`
	State      string `mapstructure:"state"`
	Hours      string `mapstructure:"hours"`
	Nights     string `mapstructure:"nights"`
	Country    string `mapstructure:"country"`
	// Temperature is the outdoor temperature (collector weather).
	Temperature string `mapstructure:"temperature"`
	// The cloud collector's fields: set from the provider's documented
	// columns by `report:`, or mapped by hand.
	Provider     string `mapstructure:"provider"`
	Service      string `mapstructure:"service"`
	Region       string `mapstructure:"region"`
	Market       string `mapstructure:"market"`
	MarketUnit   string `mapstructure:"market_unit"`
	LocationBase string `mapstructure:"location"`
	LocationUnit string `mapstructure:"location_unit"`
}

// mapped returns field → column for the columns set.
func (c Columns) mapped() map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(c)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if s := v.Field(i).String(); s != "" {
			out[t.Field(i).Tag.Get("mapstructure")] = s
		}
	}
	return out
}

// requireColumns reports each of need (alternatives separated by "|")
// that cols does not map: the columns a collector cannot do without.
func requireColumns(s SourceConfig, cols map[string]string, add addFunc, need ...string) {
	if s.Type == "manual" { // a manual source's values carry the fields
		return
	}
	for _, n := range need {
		ok := false
		for _, alt := range strings.Split(n, "|") {
			if cols[alt] != "" {
				ok = true
			}
		}
		if !ok {
			add("columns."+strings.Split(n, "|")[0], "", "missing: the %s collector needs a column for %s", s.Collector, strings.ReplaceAll(n, "|", " or "))
		}
	}
}

func (s *SourceConfig) applyDefaults() {
	if s.Delimiter == "" {
		s.Delimiter = ","
	}
	if s.Decimal == "" {
		s.Decimal = "."
	}
	if s.Encoding == "" {
		s.Encoding = "utf-8"
	}
	if s.Format == "" {
		s.Format = "csv"
	}
	if s.DateFormat == "" {
		s.DateFormat = "YYYY-MM-DD"
	}
	if s.TimeFormat == "" {
		s.TimeFormat = "YYYY-MM-DD HH:mm:ss"
	}
	if s.Timeout == 0 {
		s.Timeout = 30 * time.Second
	}
	if s.Quality == "" {
		s.Quality = string(footprint.QualityMeasured)
	}
	if s.Location == "" {
		s.Location = "site"
	}
	if t, ok := collectorTypes[s.Collector].(interface{ defaults(*SourceConfig) }); ok {
		t.defaults(s)
	}
}

func (s SourceConfig) header() bool { return s.Header == nil || *s.Header }

func (s SourceConfig) validate(p, base string) []footprint.FieldError {
	var errs []footprint.FieldError
	add := func(field, value, format string, args ...any) { // an addFunc
		errs = append(errs, footprint.FieldError{Path: p + "." + field, Value: value, Message: fmt.Sprintf(format, args...)})
	}
	if s.ID == "" {
		add("id", "", "missing: a short name for the source (it becomes the records' source)")
	}
	if t, ok := sourceTypes[s.Type]; ok {
		t.Check(s, base, add)
	} else {
		add("type", s.Type, "want one of %s%s", strings.Join(SourceTypes(), ", "), hint(s.Type, SourceTypes()))
	}
	ct, ok := collectorTypes[s.Collector]
	if !ok {
		add("collector", s.Collector, "want one of %s%s", strings.Join(Collectors(), ", "), hint(s.Collector, Collectors()))
	}
	if s.Delimiter != "," && s.Delimiter != ";" && s.Delimiter != "\t" && s.Delimiter != "|" {
		add("delimiter", s.Delimiter, `want "," or ";" (or a tab or "|")`)
	}
	if s.Decimal != "." && s.Decimal != "," {
		add("decimal", s.Decimal, `want "." or ","`)
	}
	if _, err := decoder(s.Encoding); err != nil {
		add("encoding", s.Encoding, "%v", err)
	}
	if s.Format != "csv" && s.Format != "json" {
		add("format", s.Format, "want csv or json")
	}
	if !footprint.Quality(s.Quality).Valid() {
		add("quality", s.Quality, `want "measured", "estimated" or "default"`)
	}
	if s.Location != "site" && s.Location != "home" {
		add("location", s.Location, `want "site" or "home"`)
	}
	if ac := s.AssumedCompliance; ac != nil && (*ac < 0 || *ac > 1 || math.IsNaN(*ac)) {
		add("assumed_compliance", strconv.FormatFloat(*ac, 'g', -1, 64), "want a share between 0 and 1")
	}
	if ok {
		ct.Check(s, s.Columns.mapped(), add)
	}
	if len(s.Events) > 0 && s.Collector != "workstation" {
		add("events", "", "only the workstation collector reads events (this source's collector is %q)", s.Collector)
	}
	if _, err := goLayout(s.DateFormat); err != nil {
		add("date_format", s.DateFormat, "%v", err)
	}
	if _, err := goLayout(s.TimeFormat); err != nil {
		add("time_format", s.TimeFormat, "%v", err)
	}
	return errs
}

// Table is what a source read: rows holding only the mapped fields.
type Table struct {
	Rows []Row
	// Bad are lines that could not be read as CSV at all.
	Bad []Rejection
}

// Row is one record of an export, by field name, with where it came from.
type Row struct {
	Where  string // file:line
	Fields map[string]string
}

// read fetches the source and projects it onto the mapped fields, whole:
// the form a collector that needs every row at once reads (a power log
// out of time order).
func (s SourceConfig) read(ctx context.Context, base string) (Table, error) {
	var t Table
	bad, err := s.stream(ctx, base, func(r Row) {
		t.Rows = append(t.Rows, Row{Where: r.Where, Fields: maps.Clone(r.Fields)})
	})
	t.Bad = bad
	return t, err
}

// stream fetches the source and hands its rows, projected onto the mapped
// fields, to emit as they are read: a file is never held whole. The row's
// Fields map is reused for the next row: emit keeps what it needs.
func (s SourceConfig) stream(ctx context.Context, base string, emit func(Row)) ([]Rejection, error) {
	t, ok := sourceTypes[s.Type]
	if !ok {
		return nil, fmt.Errorf("unknown source type %q", s.Type)
	}
	return t.Stream(ctx, s, base, s.Columns.mapped(), emit)
}

func (s SourceConfig) streamFile(path string, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.parseStream(f, filepath.Base(path), cols, emit)
}

// parse decodes raw CSV or JSON into rows of the mapped fields only.
func (s SourceConfig) parse(raw []byte, name string, cols map[string]string) (Table, error) {
	var t Table
	bad, err := s.parseStream(bytes.NewReader(raw), name, cols, func(r Row) {
		t.Rows = append(t.Rows, Row{Where: r.Where, Fields: maps.Clone(r.Fields)})
	})
	t.Bad = bad
	if err != nil {
		return Table{}, err
	}
	return t, nil
}

// parseStream decodes CSV or JSON from in and hands every row to emit.
func (s SourceConfig) parseStream(in io.Reader, name string, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	return s.parseStreamAt(in, name, cols, 0, emit)
}

// parseStreamAt is parseStream for a CSV file read from a line on (the
// header, then the rest from there): lineBase is added to the line
// numbers after the header, so that rows are still named by their line in
// the file.
func (s SourceConfig) parseStreamAt(in io.Reader, name string, cols map[string]string, lineBase int, emit func(Row)) ([]Rejection, error) {
	dec, err := decoder(s.Encoding)
	if err != nil {
		return nil, err
	}
	if dec != nil {
		in = dec.Reader(in)
	}
	br := bufio.NewReaderSize(in, 64<<10)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	if s.Format == "json" {
		raw, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var objs []map[string]any
		if err := json.Unmarshal(raw, &objs); err != nil {
			return nil, fmt.Errorf("%s: want a JSON array of objects: %w", name, err)
		}
		for i, o := range objs {
			r := Row{Where: fmt.Sprintf("%s[%d]", name, i), Fields: map[string]string{}}
			for field, col := range cols {
				if v, ok := o[col]; ok && v != nil {
					r.Fields[field] = fmt.Sprint(v)
				}
			}
			emit(r)
		}
		return nil, nil
	}
	cr := csv.NewReader(br)
	cr.Comma = rune(s.Delimiter[0])
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	type col struct {
		field string
		i     int
	}
	var idx []col
	if s.header() {
		head, err := cr.Read()
		if err != nil {
			return nil, fmt.Errorf("%s: read header: %w", name, err)
		}
		pos := map[string]int{}
		for i, h := range head {
			pos[strings.ToLower(strings.TrimSpace(h))] = i
		}
		var missing []string
		for field, c := range cols {
			i, ok := pos[strings.ToLower(c)]
			if !ok {
				missing = append(missing, fmt.Sprintf("%q (for %s)", c, field))
				continue
			}
			idx = append(idx, col{field, i})
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			hint := ""
			if dec == nil && !utf8.ValidString(strings.Join(head, "")) {
				hint = " — the header is not valid UTF-8: the export is probably Latin-1 or Windows-1252; set encoding: latin-1 (or windows-1252) on this source"
			}
			return nil, fmt.Errorf("%s:1: header has no column %s: it has %s%s", name, strings.Join(missing, ", "), strings.ToValidUTF8(strings.Join(head, s.Delimiter), "\uFFFD"), hint)
		}
	} else {
		for field, c := range cols {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("columns.%s: %q: without a header, columns are numbers from 1", field, c)
			}
			idx = append(idx, col{field, n - 1})
		}
	}
	var bad []Rejection
	fields := make(map[string]string, len(idx))
	prefix := name + ":"
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A malformed line (a stray or unterminated quote) is that
			// line's problem: it is rejected with its position and the
			// rest of the export is still read.
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			bad = append(bad, Rejection{Where: fmt.Sprintf("%s:%d", name, pe.StartLine+lineBase),
				Reason: fmt.Sprintf("unreadable CSV: %v (line %d, column %d): check the quotes and the delimiter %q", pe.Err, pe.Line+lineBase, pe.Column, s.Delimiter)})
			continue
		}
		line, _ := cr.FieldPos(0) // only after a successful Read: it panics otherwise
		line += lineBase
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		clear(fields)
		for _, c := range idx {
			if c.i < len(rec) {
				fields[c.field] = strings.TrimSpace(rec[c.i])
			}
		}
		emit(Row{Where: prefix + strconv.Itoa(line), Fields: fields})
	}
	return bad, nil
}

// decoder returns the charset decoder for an encoding name (nil: UTF-8).
func decoder(enc string) (*encoding.Decoder, error) {
	switch strings.ToLower(strings.ReplaceAll(enc, "_", "-")) {
	case "utf-8", "utf8", "":
		return nil, nil
	case "latin-1", "latin1", "iso-8859-1":
		return charmap.ISO8859_1.NewDecoder(), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder(), nil
	}
	return nil, fmt.Errorf("unknown encoding: want utf-8, latin-1 or windows-1252")
}

// goLayout converts YYYY MM DD HH mm ss to a Go time layout.
func goLayout(f string) (string, error) {
	r := strings.NewReplacer("YYYY", "2006", "MM", "01", "DD", "02", "HH", "15", "mm", "04", "ss", "05")
	l := r.Replace(f)
	if !strings.Contains(l, "2006") || !strings.Contains(l, "01") || !strings.Contains(l, "02") {
		return "", fmt.Errorf("want a format with YYYY, MM and DD (and HH, mm, ss for times), e.g. DD/MM/YYYY")
	}
	return l, nil
}

func resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

func dirOf(p string) string { return filepath.Dir(p) }

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func hint(got string, candidates []string) string {
	if s := footprint.Closest(got, candidates); s != "" && got != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// Sample returns the commented `sources:` block of a source type or a
// collector by name (`greenhelp-agent sample NAME`), Telegraf-style.
func Sample(name string) (string, error) {
	if t, ok := sourceTypes[name]; ok {
		return t.Sample(), nil
	}
	if c, ok := collectorTypes[name]; ok {
		return c.Sample(), nil
	}
	all := append(SourceTypes(), Collectors()...)
	return "", fmt.Errorf("%q: no source type or collector of that name: want one of %s%s", name, strings.Join(all, ", "), hint(name, all))
}
