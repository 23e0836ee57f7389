package source

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
	"slices"
	"sort"

	"github.com/greenhelp/greenhelp/agent/internal/durable"
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
	// Save returns the collector's state; called before its result.
	Save() (json.RawMessage, error)
	// Restore sets the state Save returned, on a new collector.
	Restore(json.RawMessage) error
}

// Resuming is a source that can read from where the last run stopped.
type Resuming interface {
	Options
	// Resumes reports whether the source's keys let it resume.
	Resumes() bool
	// StreamResuming streams the source into col as Stream does, resuming
	// from the state saved in dir for source id when it was saved under
	// the same config, and saves the new state (or removes it).
	StreamResuming(ctx context.Context, env Env, cols map[string]string, dir, id, config string, col Resumer, emit func(Row)) ([]Rejection, Stats, error)
}

// resumeVersion changes when a saved state's meaning does.
const resumeVersion = 1

type fileMark struct {
	Path   string `json:"path"`
	Offset int64  `json:"offset"` // bytes consumed
	CRC    uint32 `json:"crc32c"` // of bytes [0, Offset)
	Lines  int    `json:"lines"`  // lines consumed
	Header int64  `json:"header"` // bytes through the header line (0: no header)
	// HeaderLines is the lines those bytes hold (0: one, as states
	// written before skip_lines and preambles were read).
	HeaderLines int `json:"header_lines,omitempty"`
}

// headerLines is the lines of the header a resumed run reads again.
func (m fileMark) headerLines() int { return max(m.HeaderLines, 1) }

type resumeState struct {
	Version   int             `json:"version"`
	Config    string          `json:"config"` // the source's and the site's configuration it was made under
	Files     []fileMark      `json:"files"`
	Collector json.RawMessage `json:"collector"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (s *csvSource) Resumes() bool {
	return s.Format == "csv" && (s.Resume == nil || *s.Resume)
}

func resumePath(dir, id string) string {
	h := sha256.Sum256([]byte(id))
	return filepath.Join(dir, "resume", hex.EncodeToString(h[:8])+".json")
}

// Stats tells what a run read.
type Stats struct {
	Resumed bool  // from a saved state
	Bytes   int64 // parsed this run
	// Partial names the rows of a last line without a line end, read
	// again next run.
	Partial map[string]bool
}

// PartialLine is the reason given for a rejected row of a last line
// without a line end.
const PartialLine = "last line, without a line end (still being written?), read again next run: "

// StreamResuming streams the files into col, resuming from the state
// saved in dir when it still holds, and saves the new state (or removes
// it). It returns the rejected lines, as Stream does.
func (s *csvSource) StreamResuming(ctx context.Context, env Env, cols map[string]string, dir, id, cfg string, col Resumer, emit func(Row)) ([]Rejection, Stats, error) {
	var st Stats
	files, err := filepath.Glob(Resolve(env.Base, s.Path))
	if err != nil {
		return nil, st, fmt.Errorf("path %q: %w", s.Path, err)
	}
	if len(files) == 0 {
		return nil, st, noFiles(s.Path, env.Base)
	}
	sort.Strings(files)
	path := resumePath(dir, id)
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
			if m.Header, m.HeaderLines, err = s.headerSpan(f, filepath.Base(name), cols); err != nil {
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
			lineBase = m.Lines - m.headerLines()
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
			fname, hdr, hl, lb, from, to := filepath.Base(name), m.Header, m.headerLines(), m.Lines, end, info.Size()
			tail = func() error {
				in, lineBase := io.Reader(io.NewSectionReader(f, from, to-from)), lb
				if from > 0 && hdr > 0 {
					in, lineBase = io.MultiReader(io.NewSectionReader(f, 0, hdr), in), lb-hl
				}
				st.Partial = map[string]bool{}
				part, err := s.parseStreamAt(in, fname, cols, lineBase, func(r Row) { st.Partial[r.Where()] = true; emit(r) })
				for _, r := range part {
					r.Reason = PartialLine + r.Reason
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
	keep := !slices.ContainsFunc(bad, func(r Rejection) bool { return !r.Skipped })
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
	return bad, st, durable.WriteFile(filepath.Dir(path), filepath.Base(path), next)
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
