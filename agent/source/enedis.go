package source

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// enedisSource reads the exports of Enedis, France's distribution
// network, from its customer portal ("Mes données"): semicolon-separated
// sections, each an identification preamble (`Identifiant PRM;Type de
// donnees;Date de debut;Date de fin;Grandeur physique;Grandeur
// metier;Etape metier;Unite[;Pas en minutes]` and its line of values),
// then its table under a `Horodate;…` header:
//
//   - the load curve ("Courbe de charge", unit W): `Horodate;Valeur`, the
//     average power over the interval that ends at the Horodate (ISO with
//     its offset, 2025-03-30T03:00:00+02:00), 10, 30 or 60 minutes (30 by
//     default); an empty Valeur where the meter has none;
//   - the daily index ("Index", unit Wh): `Horodate;Type de releve;EAS
//     F1;…;EAS T`, the cumulative registers at each day's reading: a
//     day's energy is the difference of consecutive readings of EAS T
//     (all time classes) — followed by the calendar of the supplier's
//     time classes (`Periode;…`), not read.
//
// A file may hold several sections (an index, the daily maximum power…):
// the source reads those of its data: and flow:. The format as the
// portal writes it, quoted in github.com/l-etabli/quoalise,
// formalisme/enedis.md ("Flux historique mail / ftp", commit a2a9393);
// the Horodate at the interval's end (the day's first at 00:30 carries
// 00:00–00:30) as public importers of the export say it, "verified
// against a real export" — none of them is the distributor's own
// specification, which this package has not read.
type enedisSource struct {
	Path string `mapstructure:"path"` // file or glob, relative to site.yaml
	// Data is load_curve (default: "Courbe de charge") or index ("Index").
	Data string `mapstructure:"data"`
	// Register is the index's column read (default "EAS T": every time
	// class together).
	Register string `mapstructure:"register"`
	// Flow is consumption (default: Grandeur metier "Consommation") or
	// production ("Production", "Injection").
	Flow     string `mapstructure:"flow"`
	Encoding string `mapstructure:"encoding"` // utf-8 (default), latin-1, windows-1252
}

func init() { register("enedis", func() Options { return &enedisSource{} }) }

const (
	enedisLoadCurve = "load_curve"
	enedisIndex     = "index"
)

func (s *enedisSource) Defaults() {
	if s.Data == "" {
		s.Data = enedisLoadCurve
	}
	if s.Register == "" {
		s.Register = "EAS T"
	}
	if s.Flow == "" {
		s.Flow = flowConsumption
	}
	if s.Encoding == "" {
		s.Encoding = "utf-8"
	}
}

func (s *enedisSource) Check(env Env, add AddFunc) {
	checkPath(s.Path, "exports/enedis-*.csv", env, add)
	if s.Data != enedisLoadCurve && s.Data != enedisIndex {
		add("data", s.Data, "want load_curve (Courbe de charge: average W per interval) or index (Index: the daily cumulative Wh)")
	}
	if s.Flow != flowConsumption && s.Flow != flowProduction {
		add("flow", s.Flow, "want consumption or production (the sections' Grandeur metier)")
	}
	if _, err := decoder(s.Encoding); err != nil {
		add("encoding", s.Encoding, "%v", err)
	}
}

// Gives: a reading's time, value and unit, and what it is.
func (*enedisSource) Gives() []string {
	return []string{FieldTime, FieldQuantity, FieldUnit, FieldStamp, FieldStep, FieldReading}
}

func (s *enedisSource) Stream(ctx context.Context, env Env, _ map[string]string, emit func(Row)) ([]Rejection, error) {
	files, err := globFiles(s.Path, env.Base)
	if err != nil {
		return nil, err
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
		part, err := s.read(f, filepath.Base(path), emit)
		f.Close()
		if err != nil {
			return nil, err
		}
		bad = append(bad, part...)
	}
	return bad, nil
}

func (*enedisSource) Sample() string {
	return `  # Enedis exports (France, "Mes données" on the customer portal), as
  # downloaded: the identification lines before the table are read, not
  # skipped by hand. The load curve's Valeur is the average W over the
  # interval ending at its Horodate; the daily index is cumulative Wh.
  - id: linky
    type: enedis
    collector: interval
    path: exports/enedis/*.csv
    data: load_curve                # default ("Courbe de charge"); index: the daily "Index" export
    # register: EAS T               # with data: index, the column read (default: all time classes)
    flow: consumption               # default; production: a PV site's injection
    gaps: reject                    # default; estimate: a day with intervals missing sent as estimated
`
}

// enedisSection is the preamble of the table being read.
type enedisSection struct {
	meta     map[string]string // normalised preamble header → value
	use      bool
	col      int    // the value's column
	unit     string // W or Wh (kW, kWh)
	step     string // seconds, when the preamble states it
	describe string
}

// enedisKey folds a header for comparison: lower case, no accents, no
// spaces around.
func enedisKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))) {
		if r < 0x300 || r > 0x36f { // combining accents dropped
			b.WriteRune(r)
		}
	}
	return strings.ToLower(b.String())
}

// read reads one export, section by section.
func (s *enedisSource) read(in io.Reader, name string, emit func(Row)) ([]Rejection, error) {
	br, err := decoded(in, s.Encoding)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var (
		bad      []Rejection
		sec      *enedisSection
		metaHead []string // a preamble's header, its values next
		found    []string
		read     bool
	)
	fields := map[string]string{}
	var slots fieldSlots
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			bad = append(bad, Rejection{Where: fmt.Sprintf("%s:%d", name, pe.StartLine), Reason: fmt.Sprintf("unreadable line: %v", pe.Err)})
			continue
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("%s:%d", name, line)
		first := enedisKey(rec[0])
		switch {
		case strings.TrimSpace(strings.Join(rec, "")) == "":
			continue
		case metaHead != nil:
			sec = &enedisSection{meta: map[string]string{}}
			for i, h := range metaHead {
				if i < len(rec) {
					sec.meta[h] = strings.TrimSpace(rec[i])
				}
			}
			metaHead = nil
		case first == "identifiant prm":
			metaHead = make([]string, len(rec))
			for i, h := range rec {
				metaHead[i] = enedisKey(h)
			}
			sec = nil
		case strings.HasPrefix(first, "horodate"):
			if sec == nil {
				sec = &enedisSection{}
			}
			if err := s.section(sec, rec, name, line); err != nil {
				return nil, err
			}
			found = append(found, sec.describe)
			read = read || sec.use
		case first == "periode":
			sec = &enedisSection{col: 1} // the supplier's calendar of time classes: not read
		case sec == nil || sec.col == 0:
			bad = append(bad, Rejection{Where: where, Reason: fmt.Sprintf("a row outside any table (%q): want the Identifiant PRM preamble, then a Horodate header", strings.Join(rec, ";"))})
		case !sec.use:
		default:
			clear(fields)
			fields[FieldTime] = strings.TrimSpace(rec[0])
			if sec.col < len(rec) {
				fields[FieldQuantity] = strings.TrimSpace(rec[sec.col])
			} else {
				fields[FieldQuantity] = ""
			}
			fields[FieldUnit] = sec.unit
			if s.Data == enedisIndex {
				fields[FieldReading] = "index"
			} else {
				fields[FieldReading], fields[FieldStamp], fields[FieldStep] = "interval", "end", sec.step
			}
			emit(rowOf(&slots, where, fields))
		}
	}
	if !read {
		has := "no Horodate table at all"
		if len(found) > 0 {
			has = "it has " + strings.Join(found, "; ")
		}
		want := map[string]string{enedisLoadCurve: "Courbe de charge", enedisIndex: "Index"}[s.Data]
		return nil, fmt.Errorf("%s: no %q section of %s: %s", name, want, s.Flow, has)
	}
	return bad, nil
}

// section reads a table's header: whether the source reads it, and where
// its value is.
func (s *enedisSource) section(sec *enedisSection, head []string, name string, line int) error {
	typ, flow, unit := sec.meta["type de donnees"], sec.meta["grandeur metier"], sec.meta["unite"]
	sec.describe = fmt.Sprintf("%q (%s, %s) at line %d", first(typ, "no preamble"), first(flow, "?"), first(unit, "?"), line)
	want, defUnit := "courbe de charge", "W"
	if s.Data == enedisIndex {
		want, defUnit = "index", "Wh"
	}
	flowOK := flow == "" || s.Flow == flowConsumption && enedisKey(flow) == "consommation" ||
		s.Flow == flowProduction && (enedisKey(flow) == "production" || enedisKey(flow) == "injection")
	typeOK := enedisKey(typ) == want || typ == "" && s.Data == enedisLoadCurve && len(head) == 2
	sec.use = flowOK && typeOK
	sec.col = -1
	if !sec.use {
		sec.col = 1 // a table not read: its rows are skipped
		return nil
	}
	sec.unit = first(unit, defUnit)
	u := strings.ToLower(sec.unit)
	if s.Data == enedisIndex && u != "wh" && u != "kwh" || s.Data == enedisLoadCurve && u != "w" && u != "kw" {
		return fmt.Errorf("%s:%d: Unite %q: a %s is in %s", name, line, sec.unit, map[string]string{enedisLoadCurve: "load curve", enedisIndex: "daily index"}[s.Data], defUnit)
	}
	if p := sec.meta["pas en minutes"]; p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 1440 {
			return fmt.Errorf("%s: Pas en minutes %q: want a number of minutes", name, p)
		}
		sec.step = strconv.Itoa(n * 60)
	}
	col := "valeur"
	if s.Data == enedisIndex {
		col = enedisKey(s.Register)
	}
	for i, h := range head {
		if enedisKey(h) == col {
			sec.col = i
			return nil
		}
	}
	return fmt.Errorf("%s:%d: the %q table has no column %q: it has %s", name, line, first(typ, "Horodate"), map[bool]string{true: s.Register, false: "Valeur"}[s.Data == enedisIndex], strings.Join(head, ";"))
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// ParseEnedis reads an Enedis export from raw into rows, as the source
// does with data: (load_curve or index) and its defaults: what tests and
// fuzzing feed the interval collector.
func ParseEnedis(raw []byte, name, data string) (Table, error) {
	s := &enedisSource{Data: data}
	s.Defaults()
	var t Table
	bad, err := s.read(bytes.NewReader(raw), name, func(r Row) {
		t.Rows = append(t.Rows, r.Clone())
	})
	if err != nil {
		return Table{}, err
	}
	t.Bad = bad
	return t, nil
}
