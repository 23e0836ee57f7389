package agent

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// A CSV source remembers how far it has read: for each file, the bytes
// consumed (up to the end of its last complete line) and a CRC-32C of all
// of them, and the collector's state at that point. The next run checks
// that every file read before is still there, in the same order, at least
// as long, with the same consumed bytes (the checksum covers the whole
// consumed part, not only its head: a rotation, a truncation or an edit
// anywhere before the offset is seen), restores the collector and reads
// only what was appended — a daily run on a year's log reads one day.
// Anything else reads every file whole, as before: the state is only ever
// a shortcut to the same records.
//
// The state is not kept (the next run reads whole) after a run that
// rejected a row — a rejected row is the one a person edits — or when
// the collector cannot be resumed, and the trailing line of the last
// file, if it has no line end yet (a log being written), is read but kept
// out of the state, so that it is read again once complete.

// Resumer is a collector whose state can be saved between runs.
type Resumer interface {
	Collector
	// Save returns the collector's state; called before Result.
	Save() (json.RawMessage, error)
	// Restore sets the state Save returned, on a new collector.
	Restore(json.RawMessage) error
}

// resumeVersion changes when a saved state's meaning does.
const resumeVersion = 1

type fileMark struct {
	Path   string `json:"path"`
	Offset int64  `json:"offset"` // bytes consumed
	CRC    uint32 `json:"crc32c"` // of bytes [0, Offset)
	Lines  int    `json:"lines"`  // lines consumed
	Header int64  `json:"header"` // bytes of the header line (0: no header)
}

type resumeState struct {
	Version   int             `json:"version"`
	Config    string          `json:"config"` // the source's and the site's configuration it was made under
	Files     []fileMark      `json:"files"`
	Collector json.RawMessage `json:"collector"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (s SourceConfig) resumes() bool {
	return s.Type == "csv" && s.Format == "csv" && (s.Resume == nil || *s.Resume)
}

func resumePath(dir, id string) string {
	h := sha256.Sum256([]byte(id))
	return filepath.Join(dir, "resume", hex.EncodeToString(h[:8])+".json")
}

// configHash identifies what a saved state was computed under: the
// source's settings and the site's declaration (time zone, power-off
// windows…). Another configuration reads whole.
func configHash(s SourceConfig, site declaration.Site) string {
	raw, _ := json.Marshal(struct {
		S    SourceConfig
		Site declaration.Site
	}{s, site})
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:12])
}

// readStats tells what a run read.
type readStats struct {
	Resumed bool  // from a saved state
	Bytes   int64 // parsed this run
	// Partial names the rows of a last line without a line end, read
	// again next run.
	Partial map[string]bool
}

// partialLine is the reason given for a rejected row of a last line
// without a line end.
const partialLine = "last line, without a line end (still being written?), read again next run: "

// streamResuming streams source s (a CSV file source) into col, resuming
// from the state saved in dir when it still holds, and saves the new state
// (or removes it). It returns the rejected lines, as stream does.
func (s SourceConfig) streamResuming(ctx context.Context, base, dir string, site declaration.Site, col Resumer, emit func(Row)) ([]Rejection, readStats, error) {
	var st readStats
	files, err := filepath.Glob(resolve(base, s.Path))
	if err != nil {
		return nil, st, fmt.Errorf("path %q: %w", s.Path, err)
	}
	if len(files) == 0 {
		return nil, st, noFiles(s, base)
	}
	sort.Strings(files)
	path := resumePath(dir, s.ID)
	cfg := configHash(s, site)
	var saved resumeState
	if raw, err := os.ReadFile(path); err == nil && json.Unmarshal(raw, &saved) == nil &&
		saved.Version == resumeVersion && saved.Config == cfg && stillHolds(saved.Files, files) {
		if err := col.Restore(saved.Collector); err == nil {
			st.Resumed = true
		}
	}
	if !st.Resumed {
		saved.Files = nil
	}
	cols := s.Columns.mapped()
	var bad []Rejection
	marks := make([]fileMark, len(files))
	var tail func() error // the last file's unterminated line, read after the state is taken
	for i, name := range files {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		m := fileMark{Path: name}
		if i < len(saved.Files) {
			m = saved.Files[i]
		}
		f, err := os.Open(name)
		if err != nil {
			return nil, st, err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return nil, st, err
		}
		end := info.Size()
		last := i == len(files)-1
		if last {
			// Up to the end of the last complete line only.
			if end, err = lastLineEnd(f, m.Offset, info.Size()); err != nil {
				return nil, st, err
			}
		}
		if m.Offset == 0 && s.header() {
			if m.Header, err = headerLen(f); err != nil {
				return nil, st, err
			}
		}
		// The CRC of the consumed part was just checked: continue it.
		crc := &crcFrom{sum: m.CRC}
		lines := &lineCounter{}
		body := io.TeeReader(io.NewSectionReader(f, m.Offset, end-m.Offset), io.MultiWriter(crc, lines))
		in, lineBase := body, 0
		if m.Offset > 0 && m.Header > 0 {
			// The header again (for the columns), then what is new.
			in = io.MultiReader(io.NewSectionReader(f, 0, m.Header), body)
			lineBase = m.Lines - 1
		} else if m.Offset > 0 {
			lineBase = m.Lines
		}
		if end > m.Offset {
			part, err := s.parseStreamAt(in, filepath.Base(name), cols, lineBase, emit)
			if err != nil {
				return nil, st, err
			}
			bad = append(bad, part...)
			st.Bytes += end - m.Offset
		}
		m.Offset, m.CRC, m.Lines = end, crc.Sum32(), m.Lines+lines.n
		marks[i] = m
		if last && end < info.Size() {
			fname, hdr, lb, from, to := filepath.Base(name), m.Header, m.Lines, end, info.Size()
			tail = func() error {
				in, lineBase := io.Reader(io.NewSectionReader(f, from, to-from)), lb
				if from > 0 && hdr > 0 {
					in, lineBase = io.MultiReader(io.NewSectionReader(f, 0, hdr), in), lb-1
				}
				st.Partial = map[string]bool{}
				part, err := s.parseStreamAt(in, fname, cols, lineBase, func(r Row) { st.Partial[r.Where] = true; emit(r) })
				for _, r := range part {
					r.Reason = partialLine + r.Reason
					bad = append(bad, r)
				}
				st.Bytes += to - from
				return err
			}
		}
	}
	// The state at the end of the complete lines, kept only when every
	// row read so far was usable.
	var next []byte
	keep := len(bad) == 0
	if keep {
		if snap, err := col.Save(); err == nil {
			next, _ = json.Marshal(resumeState{Version: resumeVersion, Config: cfg, Files: marks, Collector: snap})
		}
	}
	if tail != nil {
		if err := tail(); err != nil {
			return nil, st, err
		}
	}
	if next == nil || !keep {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, st, err
		}
		return bad, st, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, st, err
	}
	return bad, st, writeDurable(filepath.Dir(path), filepath.Base(path), next)
}

// stillHolds reports whether the files read before are, in order, the
// first of files now, each at least as long as consumed and with the same
// consumed bytes.
func stillHolds(marks []fileMark, files []string) bool {
	if len(marks) == 0 || len(marks) > len(files) {
		return false
	}
	for i, m := range marks {
		if m.Path != files[i] {
			return false
		}
		f, err := os.Open(m.Path)
		if err != nil {
			return false
		}
		crc := &crcFrom{}
		n, err := io.Copy(crc, io.LimitReader(bufio.NewReaderSize(f, 256<<10), m.Offset))
		f.Close()
		if err != nil || n != m.Offset || crc.sum != m.CRC {
			return false
		}
	}
	return true
}

// lastLineEnd returns the offset just after the last '\n' in [from, size)
// of f, or from when there is none.
func lastLineEnd(f *os.File, from, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for hi := size; hi > from; {
		lo := max(from, hi-int64(len(buf)))
		n, err := f.ReadAt(buf[:hi-lo], lo)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return lo + int64(i) + 1, nil
		}
		hi = lo
	}
	return from, nil
}

// headerLen returns the length of f's first line, its line end included.
func headerLen(f *os.File) (int64, error) {
	br := bufio.NewReader(io.NewSectionReader(f, 0, 1<<20))
	line, err := br.ReadSlice('\n')
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		return 0, fmt.Errorf("first line over %d bytes: is this CSV?", br.Size())
	}
	return int64(len(line)), nil
}

type lineCounter struct{ n int }

func (l *lineCounter) Write(p []byte) (int, error) {
	l.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// crcFrom is a CRC-32C continued from a previous sum (0: from nothing).
type crcFrom struct{ sum uint32 }

func (c *crcFrom) Write(p []byte) (int, error) {
	c.sum = crc32.Update(c.sum, castagnoli, p)
	return len(p), nil
}
func (c *crcFrom) Sum32() uint32 { return c.sum }

// The collectors' states.

// errRejected: a collector that rejected a row keeps no state.
var errRejected = errors.New("a row was rejected: the next run reads whole")

// Save returns the sums so far, in their order.
func (c *collector) save() (json.RawMessage, error) {
	if len(c.rejects) > 0 {
		return nil, errRejected
	}
	acts := make([]footprint.Activity, len(c.order))
	for i, k := range c.order {
		acts[i] = *c.sums[k]
	}
	return json.Marshal(acts)
}

func (c *collector) restore(raw json.RawMessage) error {
	var acts []footprint.Activity
	if err := json.Unmarshal(raw, &acts); err != nil {
		return err
	}
	for _, a := range acts {
		k := a.Key(c.site.ID)
		if _, dup := c.sums[k]; dup {
			return fmt.Errorf("saved state: key %v twice", k)
		}
		cp := a
		c.sums[k] = &cp
		c.order = append(c.order, k)
	}
	return nil
}

func (b byRow) Save() (json.RawMessage, error)    { return b.c.save() }
func (b byRow) Restore(raw json.RawMessage) error { return b.c.restore(raw) }

// powerLogState is a power log's state between runs: every device's
// current state, and the device-time of every day so far.
type powerLogState struct {
	Devices map[string]deviceState `json:"devices"`
	Days    []dayState             `json:"days"`
	Min     time.Time              `json:"min"`
	Max     time.Time              `json:"max"`
}

type deviceState struct {
	Class      string    `json:"class"`
	First      time.Time `json:"first"`
	FirstState string    `json:"first_state"`
	State      string    `json:"state"`
	Since      time.Time `json:"since"`
}

type dayState struct {
	Day    footprint.Date `json:"day"`
	Class  string         `json:"class"`
	On     time.Duration  `json:"on"`
	Missed time.Duration  `json:"missed"`
	Slept  time.Duration  `json:"slept"`
}

// Save returns the log's state; a log out of order has none (it is read
// whole).
func (p *powerLog) Save() (json.RawMessage, error) {
	if p.unordered {
		return nil, errUnordered
	}
	if len(p.c.rejects) > 0 {
		return nil, errRejected
	}
	st := powerLogState{Devices: make(map[string]deviceState, len(p.devs)), Min: p.minT, Max: p.maxT}
	for id, d := range p.devs {
		st.Devices[id] = deviceState{d.class, d.first, d.firstState, d.state, d.since}
	}
	for k, t := range p.days {
		st.Days = append(st.Days, dayState{k.day, k.class, t.on, t.missed, t.slept})
	}
	sort.Slice(st.Days, func(i, j int) bool {
		if st.Days[i].Day != st.Days[j].Day {
			return st.Days[i].Day.Before(st.Days[j].Day)
		}
		return st.Days[i].Class < st.Days[j].Class
	})
	return json.Marshal(st)
}

func (p *powerLog) Restore(raw json.RawMessage) error {
	var st powerLogState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	p.minT, p.maxT = st.Min, st.Max
	for id, d := range st.Devices {
		p.devs[id] = &device{class: d.Class, first: d.First, firstState: d.FirstState, state: d.State, since: d.Since}
	}
	for _, d := range st.Days {
		p.days[dayClass{d.Day, d.Class}] = &dayTime{on: d.On, missed: d.Missed, slept: d.Slept}
	}
	return nil
}
