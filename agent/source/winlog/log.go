package winlog

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source/internal/pscsv"
)

// Problem is an event that could not be read or used, and why.
type Problem struct {
	Where  string
	Reason string
}

// Log gathers the power events of a source's files and hands them on,
// machine by machine in time order, as the workstation collector reads
// them. It keeps only the power events (a few bytes each), never the
// files.
type Log struct {
	p        parser
	devs     map[string]int32 // short name → index in names
	names    []string
	evs      []stored
	renames  map[string]string // old short name → new
	ignored  map[string]int    // "Provider Id" → events
	problems []Problem
	seq      uint32
}

// parser is how timestamps in a culture's format are read.
type parser struct {
	culture *culture // nil: ISO 8601 only
	loc     *time.Location
}

// stored is one change of one machine.
type stored struct {
	at, alt     int64 // Unix ns; alt 0: none
	rec         uint64
	seq         uint32
	dev         int32
	c           change
	fromCreated bool
}

// NewLog returns an empty log whose local timestamps are written in the
// culture named ("": ISO 8601 only) and the time zone loc.
func NewLog(cultureName string, loc *time.Location) (*Log, error) {
	l := &Log{p: parser{loc: loc}, devs: map[string]int32{}, renames: map[string]string{}, ignored: map[string]int{}}
	if cultureName != "" {
		c, ok := lookupCulture(cultureName)
		if !ok {
			return nil, CheckCulture(cultureName)
		}
		l.p.culture = c
	}
	return l, nil
}

// Formats are the forms of a log ReadFile reads.
var Formats = []string{"csv", "xml", "evtx"}

// ReadFile adds the events of one file: format csv (Get-WinEvent |
// Export-Csv, or the deploy script's), xml (wevtutil qe /f:xml) or evtx,
// or "auto" (by its first bytes). An error is the file's: it stops the
// source; an event that cannot be read is a Problem, and the rest is
// read.
func (l *Log) ReadFile(ctx context.Context, path, format string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return l.read(ctx, f, filepath.Base(path), format)
}

// read adds the events of one file's content.
func (l *Log) read(ctx context.Context, f io.ReadSeeker, name, format string) error {
	var err error
	if format == "auto" || format == "" {
		if format, err = sniff(f); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	switch format {
	case "csv":
		return l.readCSV(ctx, f, name)
	case "xml":
		return l.readXML(ctx, f, name)
	case "evtx":
		return l.readEVTX(ctx, f, name)
	}
	return fmt.Errorf("%s: format %q: want %s or auto", name, format, strings.Join(Formats, ", "))
}

// sniff tells a file's format from its first bytes, and rewinds it.
func sniff(f io.ReadSeeker) (string, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	head = head[:n]
	if bytes.HasPrefix(head, []byte(evtxMagic)) {
		return "evtx", nil
	}
	text := pscsv.Head(head)
	switch t := strings.TrimSpace(text); {
	case strings.HasPrefix(t, "<"):
		return "xml", nil
	case t == "":
		return "", fmt.Errorf("empty file: want a Get-WinEvent CSV, Event XML or an .evtx file")
	}
	return "csv", nil
}

// add takes one event of the log.
func (l *Log) add(e Event) {
	r, err := l.p.read(e)
	if err != nil {
		l.problem(e.Where, err.Error())
		return
	}
	if !r.power {
		l.ignored[ShortProvider(e.Provider)+" "+strconv.Itoa(e.ID)]++
		return
	}
	dev := device(e.Machine)
	if dev == "" {
		l.problem(e.Where, "MachineName: empty: want the machine's name")
		return
	}
	if r.rename[0] != "" {
		l.renames[r.rename[0]] = r.rename[1]
	}
	i, ok := l.devs[dev]
	if !ok {
		i = int32(len(l.names))
		l.devs[dev] = i
		l.names = append(l.names, dev)
	}
	for _, c := range r.changes {
		if c.at.IsZero() {
			continue
		}
		s := stored{at: c.at.UnixNano(), rec: e.Record, seq: l.seq, dev: i, c: c.c, fromCreated: c.fromCreated}
		if !c.alt.IsZero() {
			s.alt = c.alt.UnixNano()
		}
		l.evs = append(l.evs, s)
		l.seq++
	}
}

func (l *Log) problem(where, reason string) {
	l.problems = append(l.problems, Problem{Where: where, Reason: reason})
}

// Problems are the events that could not be read or used.
func (l *Log) Problems() []Problem { return l.problems }

// Ignored counts the events that are not power events, by provider and
// id ("Kernel-General 1").
func (l *Log) Ignored() map[string]int { return l.ignored }

// final is a machine's last name, following its renames.
func (l *Log) final(name string) string {
	seen := map[string]bool{name: true}
	for {
		next, ok := l.renames[name]
		if !ok || seen[next] {
			return name
		}
		seen[next] = true
		name = next
	}
}

// Emit hands every machine's changes to emit, machine by machine (by
// name), each in time order: a renamed machine under its last name.
// Power-Troubleshooter's sleep counts only from a machine that is on.
func (l *Log) Emit(emit func(device string, at time.Time, event string)) {
	final := make([]string, len(l.names))
	for i, n := range l.names {
		final[i] = l.final(n)
	}
	sort.SliceStable(l.evs, func(i, j int) bool { return final[l.evs[i].dev] < final[l.evs[j].dev] })
	for start := 0; start < len(l.evs); {
		end := start + 1
		for end < len(l.evs) && final[l.evs[end].dev] == final[l.evs[start].dev] {
			end++
		}
		machine := l.evs[start:end]
		resolveTwice(machine)
		slices.SortStableFunc(machine, func(a, b stored) int {
			switch {
			case a.at != b.at:
				return cmp64(a.at, b.at)
			case a.rec != b.rec && a.rec != 0 && b.rec != 0:
				return cmp64(int64(a.rec), int64(b.rec))
			}
			return cmp64(int64(a.seq), int64(b.seq))
		})
		on := true // before its first event, a Power-Troubleshooter sleep counts
		for i, s := range machine {
			if i > 0 && s.at == machine[i-1].at && s.c == machine[i-1].c && s.rec == machine[i-1].rec {
				continue // the same record read twice (in two files, or a collection run again)
			}
			switch s.c {
			case chSleepIfOn:
				if !on {
					continue
				}
				on = false
			case chStartup, chWake:
				on = true
			default:
				on = false
			}
			emit(final[s.dev], time.Unix(0, s.at).UTC(), changeNames[s.c])
		}
		start = end
	}
}

// resolveTwice chooses, for a local TimeCreated the clocks showed twice,
// the instant that keeps the machine's records in record order: the
// earliest of its two readings not before the record before it.
func resolveTwice(machine []stored) {
	var idx []int
	twice := false
	for i, s := range machine {
		if s.fromCreated && s.rec != 0 {
			idx = append(idx, i)
			twice = twice || s.alt != 0
		}
	}
	if !twice {
		return
	}
	sort.SliceStable(idx, func(a, b int) bool { return machine[idx[a]].rec < machine[idx[b]].rec })
	var last int64
	for _, i := range idx {
		s := &machine[i]
		if s.alt != 0 {
			lo, hi := min(s.at, s.alt), max(s.at, s.alt)
			s.at = hi
			if lo >= last {
				s.at = lo
			}
		}
		last = max(last, s.at)
	}
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
