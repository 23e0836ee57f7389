package cmpower

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source/internal/pscsv"
	"github.com/greenhelp/greenhelp/agent/timefmt"
)

// Problem is a row that could not be read or used, and why.
type Problem struct {
	Where  string
	Reason string
}

// Reader gathers the machine-days of a source's files: the rows of a
// computer's day by state, a later file's replacing an earlier one's
// (Read), then hands them on as spans (Spans).
type Reader struct {
	cfg      Config
	types    map[string]int // folded TypeOfEvent0 value → slot, or −1: ignore
	typeName map[int]string // slot → the value as types: gives it
	general  *timefmt.Layout
	short    *timefmt.Layout
	machines map[string]int32 // upper-cased name → index in names
	names    []string
	days     map[dayKey]*mday
	file     int32
	ignored  map[string]int
	problems []Problem
	// mismatch counts the rows whose minutesTotal0 is not the sum of
	// their hours; firstMismatch is the first of them.
	mismatch      int
	firstMismatch string
	capped        int // hours whose in-use minutes were more than the on minutes
	unreported    int // machine-hours with no on minutes given (an empty cell)
}

// dayKey is a computer's day: its index and the day's number since
// 1970-01-01.
type dayKey struct {
	machine int32
	day     int32
}

// mday is one computer's day: its rows by slot, the file they came from,
// and why it is left out ("" when it is not).
type mday struct {
	file int32
	rows [5]*row
	bad  string
}

// row is one row's minutes per hour (−1: the cell was empty, the hour
// not reported) and where it was.
type row struct {
	min   [24]int8
	where string
}

// checkRows is how many rows of a file the date's culture and the
// TypeOfEvent0 values are checked on: a value there that does not read
// stops the source with what to set; past them, it is that row's problem.
const checkRows = 20

// New returns a reader of exports read with cfg.
func New(cfg Config) (*Reader, error) {
	if cfg.Machine == "" {
		cfg.Machine = DefaultMachine
	}
	switch cfg.Rest {
	case "":
		cfg.Rest = Off
	case Off, Sleep, Unknown:
	default:
		return nil, fmt.Errorf("rest: %q: want %s", cfg.Rest, joinStates(Rests))
	}
	r := &Reader{cfg: cfg, types: map[string]int{}, typeName: map[int]string{}, machines: map[string]int32{}, days: map[dayKey]*mday{}, ignored: map[string]int{}}
	for v, st := range cfg.Types {
		k := fold(v)
		if st == Ignore {
			r.types[k] = -1
			continue
		}
		i := slotOf(st)
		if i < 0 {
			return nil, fmt.Errorf("types.%s: %q: want %s", v, st, joinStates(Mapped))
		}
		r.types[k], r.typeName[i] = i, v
	}
	if cfg.Culture != "" {
		g, err := timefmt.Culture(cfg.Culture)
		if err != nil {
			return nil, err
		}
		s, _ := timefmt.CultureDate(cfg.Culture)
		r.general, r.short = &g, &s
	}
	return r, nil
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ReadFile adds one export's rows. Files are read in the order of their
// names: a computer's day in a later file replaces the one read before
// (a later inventory knows more of that day). An error is the file's and
// stops the source; a row that cannot be read is a Problem.
func (r *Reader) ReadFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return r.Read(ctx, f, path)
}

// columns are where the fields of a file's rows are.
type columns struct {
	machine, date, typ, total int // −1: no such column (total only)
	hours                     [24]int
	head                      []string
}

// Read adds the rows of one export read from in, named name in messages.
func (r *Reader) Read(ctx context.Context, in io.Reader, name string) error {
	file := r.file
	r.file++
	// Windows PowerShell 5.1's Export-Csv without -NoTypeInformation
	// writes "#TYPE System.Data.DataRow" first: pscsv reads past it.
	f, err := pscsv.Open(in, name)
	if errors.Is(err, io.EOF) {
		return nil // an empty export: nothing yet
	}
	if err != nil {
		return err
	}
	cols, err := r.header(f.Head)
	if err != nil {
		return fmt.Errorf("%s: %w", f.HeaderAt(), err)
	}
	return f.Each(ctx, r.problem, func(row int, where string, rec []string) error {
		return r.add(file, where, rec, cols, row < checkRows)
	})
}

// header finds the columns: the computer's name (Config.Machine), Date0,
// TypeOfEvent0, the 24 hours, minutesTotal0 if there; the class's names
// without the 0 are read too. Any other column is left unread.
func (r *Reader) header(head []string) (columns, error) {
	c := columns{machine: -1, date: -1, typ: -1, total: -1, head: head}
	for i := range c.hours {
		c.hours[i] = -1
	}
	for i, h := range head {
		n := fold(h)
		switch {
		case n == fold(r.cfg.Machine):
			c.machine = i
		case n == "date0" || n == "date":
			c.date = i
		case n == "typeofevent0" || n == "typeofevent":
			c.typ = i
		case n == "minutestotal0" || n == "minutestotal":
			c.total = i
		default:
			if hr, ok := hourOf(h); ok {
				c.hours[hr] = i
			}
		}
	}
	var missing []string
	if c.machine < 0 {
		missing = append(missing, r.cfg.Machine+" (the computer's name: set machine_column to the export's)")
	}
	if c.date < 0 {
		missing = append(missing, "Date0")
	}
	if c.typ < 0 {
		missing = append(missing, "TypeOfEvent0")
	}
	for h, i := range c.hours {
		if i < 0 {
			missing = append(missing, hourName(h)+"0")
		}
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("header has no column %s: it has %s — want the CSV of the export query (greenhelp-agent sample configmgr)", strings.Join(missing, ", "), clip(strings.Join(head, ","), 200))
	}
	return c, nil
}

// add reads one row into its computer's day. early: the row is among a
// file's first, where a date or a type that does not read stops the
// source (the setting is wrong, not the row).
func (r *Reader) add(file int32, where string, rec []string, c columns, early bool) error {
	get := func(i int) string {
		if i >= 0 && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	machine := strings.TrimSpace(get(c.machine))
	if machine == "" {
		r.problem(where, fmt.Sprintf("%s: empty: want the computer's name (v_R_System.Name0, joined on ResourceID)", c.head[c.machine]))
		return nil
	}
	rawDate := get(c.date)
	day, err := r.date(rawDate)
	if err != nil {
		if early {
			return fmt.Errorf("%s: %s: %w", where, c.head[c.date], err)
		}
		r.problem(where, fmt.Sprintf("%s: %v", c.head[c.date], err))
		return nil
	}
	key := dayKey{r.machine(machine), day}
	rawType := get(c.typ)
	slot, known := r.types[fold(rawType)]
	if !known {
		msg := fmt.Sprintf("%s: %q: not mapped under types: map it to %s (the values are not documented: %s lists a site's)", c.head[c.typ], clip(rawType, 60), joinStates(Mapped), DistinctTypes)
		if early {
			return fmt.Errorf("%s: %s", where, msg)
		}
		r.problem(where, msg)
		r.spoil(key, file, where, "a row of a TypeOfEvent0 not mapped")
		return nil
	}
	if slot < 0 {
		r.ignored[fmt.Sprintf("rows of TypeOfEvent0 %q (types: ignore)", clip(strings.TrimSpace(rawType), 60))]++
		return nil
	}
	var x row
	x.where = where
	sum := 0
	for h, i := range c.hours {
		v := strings.TrimSpace(get(i))
		if v == "" {
			x.min[h] = -1
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 120 {
			r.problem(where, fmt.Sprintf("%s: %q: want the minutes of that hour, a whole number from 0 to 60 (120 in the hour the clocks go back; empty: not reported)", c.head[i], clip(v, 40)))
			r.spoil(key, file, where, "a row with an hour that does not read")
			return nil
		}
		x.min[h] = int8(n)
		sum += n
	}
	if raw := strings.TrimSpace(get(c.total)); raw != "" {
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil || n < 0:
			r.problem(where, fmt.Sprintf("%s: %q: want a whole number of minutes", c.head[c.total], clip(raw, 40)))
			r.spoil(key, file, where, "a row whose minutesTotal0 does not read")
			return nil
		case n != sum:
			if r.mismatch == 0 {
				r.firstMismatch = fmt.Sprintf("%s (%s %d, the hours %d)", where, c.head[c.total], n, sum)
			}
			r.mismatch++
		}
	}
	r.put(key, file, slot, &x)
	return nil
}

// machine returns a computer's index: names are matched without regard
// to case (NetBIOS names are), written as first met.
func (r *Reader) machine(name string) int32 {
	k := strings.ToUpper(name)
	i, ok := r.machines[k]
	if !ok {
		i = int32(len(r.names))
		r.machines[k] = i
		r.names = append(r.names, strings.Clone(name))
	}
	return i
}

// at returns a computer's day as file has it: a day read from an earlier
// file is dropped whole (its rows replaced by this file's).
func (r *Reader) at(key dayKey, file int32) *mday {
	d := r.days[key]
	if d != nil && d.file != file {
		for _, x := range d.rows {
			if x != nil {
				r.ignored["rows replaced by a later file's (a later inventory of the same day)"]++
			}
		}
		d = nil
	}
	if d == nil {
		d = &mday{file: file}
		r.days[key] = d
	}
	return d
}

// put stores a row of a computer's day. The view holds one row a
// computer, day and type: the same row again (the same export twice
// over) is counted once; another with other minutes leaves the day out —
// which one is right the export does not say, and adding both would
// count the computer twice.
func (r *Reader) put(key dayKey, file int32, slot int, x *row) {
	d := r.at(key, file)
	prev := d.rows[slot]
	switch {
	case prev == nil:
		d.rows[slot] = x
	case prev.min == x.min:
		r.ignored["rows repeated with the same minutes (counted once)"]++
	default:
		r.problem(x.where, fmt.Sprintf("a second row of TypeOfEvent0 %q for %s on %s (the first at %s) with other minutes: the day is left out (one row a computer, day and type: two mean the export read the view twice or joined two v_R_System rows for one name)",
			r.typeName[slot], r.names[key.machine], dayString(key.day), prev.where))
		if d.bad == "" {
			d.bad = "two rows of one type at " + prev.where + " and " + x.where
		}
	}
}

// spoil leaves a computer's day out because one of its rows was refused:
// its other rows would give only part of its hours.
func (r *Reader) spoil(key dayKey, file int32, where, why string) {
	d := r.at(key, file)
	if d.bad == "" {
		d.bad = why + " at " + where
	}
}

func (r *Reader) problem(where, reason string) {
	r.problems = append(r.problems, Problem{Where: where, Reason: reason})
}

// Problems are the rows refused, in the order met (those of the days
// left out with them come after, from Spans).
func (r *Reader) Problems() []Problem { return r.problems }

// Ignored counts the rows read and left out on purpose, by why.
func (r *Reader) Ignored() map[string]int { return r.ignored }

// date reads Date0: ISO 8601 (the export query's yyyy-mm-dd, or with a
// midnight time), else in the culture set (its general date and time, as
// Export-Csv writes a DateTime, or its short date). A time that is not
// midnight is refused: the column is a day.
func (r *Reader) date(raw string) (int32, error) {
	s := strings.TrimSpace(raw)
	var t time.Time
	var err error
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		t, err = time.Parse("2006-01-02", s[:10])
		if err == nil {
			rest := strings.TrimLeft(s[10:], "T ")
			if rest != "" && strings.Trim(rest, "0:.") != "" {
				return 0, fmt.Errorf("%q: the time is not midnight: want the day only (yyyy-mm-dd)", clip(s, 40))
			}
		}
	} else if r.general == nil {
		return 0, fmt.Errorf("%q is in a culture's format: set culture: to the exporting machine's (%s), or export the date as yyyy-mm-dd (the sample query's CONVERT(char(10), Date0, 23))", clip(s, 40), strings.Join(timefmt.Cultures(), ", "))
	} else if t, err = r.general.Parse(s, time.UTC); err != nil {
		if t2, err2 := r.short.Parse(s, time.UTC); err2 == nil {
			t, err = t2, nil
		}
	} else if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
		return 0, fmt.Errorf("%q: the time is not midnight: want the day only", clip(s, 40))
	}
	if err != nil {
		return 0, fmt.Errorf("%q: want a day as yyyy-mm-dd%s", clip(s, 40), cultureHint(r.cfg.Culture))
	}
	if y := t.Year(); y < 1990 || y > 2100 {
		return 0, fmt.Errorf("%q: in %d: greenhelp keeps records from 1990 to 2100", clip(s, 40), y)
	}
	return int32(t.Unix() / 86400), nil
}

func cultureHint(c string) string {
	if c == "" {
		return ""
	}
	return " or " + c + "'s date"
}

// dayString writes a day number as yyyy-mm-dd.
func dayString(d int32) string { return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02") }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
