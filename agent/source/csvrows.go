package source

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// rowReader reads a source's CSV text. encoding/csv, with the trim of the
// spaces that start a field (TrimLeadingSpace, so that `a, "b, c"` reads
// as two fields), reads the lines before the data (the header, a report's
// title) and every data line with a quote in it. A data line without a
// quote — nearly every line of a large export — is split here at its
// delimiters: encoding/csv's work on it (a copy of every field, each
// field's position, the trim's test of every rune) was 40 % of the
// agent's read of a year of power events (internal/bench, #28). Such a
// line gives encoding/csv's fields but for their leading spaces, which
// every reader of a row trims (the mapped fields, blankRow, totalRow);
// FuzzRowReader holds the two to the same rows, rejections and lines.
//
// encoding/csv reads through the rowReader itself (Read), which hands it
// one line of the text at a time: its buffer never holds more than the
// line it is reading, so the splitter reads on from the next line after
// each of its records — the lines of a quoted field that spans several
// included.
type rowReader struct {
	src *bufio.Reader
	cr  *csv.Reader
	// split: data lines without a quote are split here; comma is the
	// delimiter.
	split bool
	comma byte
	// pend is a line for cr (pend[off:] still to give it): one the
	// splitter read and found a quote in, or the rest of a line longer
	// than cr's read.
	pend []byte
	off  int
	mid  bool // src's line being read is not all read yet
	// lines counts the text's lines read so far, by either reader; long
	// holds a line longer than src's buffer.
	lines int
	long  []byte
	rec   []string
}

// rowReader returns the reader of src's records; eagerTrim reads every
// line with encoding/csv (what the splitter is tested against).
func (t Text) rowReader(src *bufio.Reader) *rowReader {
	r := &rowReader{src: src}
	r.cr = t.csvReader(r)
	c := r.cr.Comma
	r.split = !t.eagerTrim && c < utf8.RuneSelf && c != 0 && c != '"' && c != '\r' && c != '\n'
	r.comma = byte(c)
	return r
}

// Read gives encoding/csv the text a line at most at a time.
func (r *rowReader) Read(p []byte) (int, error) {
	if r.off < len(r.pend) {
		n := copy(p, r.pend[r.off:])
		r.off += n
		return n, nil
	}
	line, err := r.src.ReadSlice('\n')
	if len(line) == 0 {
		return 0, err
	}
	if !r.mid {
		r.lines++
	}
	r.mid = errors.Is(err, bufio.ErrBufferFull)
	n := copy(p, line)
	if n < len(line) {
		r.pend, r.off = append(r.pend[:0], line[n:]...), 0
	}
	return n, nil
}

// read returns the next data record and the line it starts on; a
// malformed line's *csv.ParseError names the text's lines.
func (r *rowReader) read() ([]string, int, error) {
	if !r.split {
		rec, err := r.cr.Read()
		if err != nil {
			return nil, 0, err
		}
		line, _ := r.cr.FieldPos(0)
		return rec, line, nil
	}
	for {
		line, err := r.line()
		if err != nil {
			return nil, 0, err
		}
		if bytes.IndexByte(line, '"') >= 0 {
			return r.quoted(line)
		}
		// The end of the line as encoding/csv takes it off: "\n" or
		// "\r\n", or a "\r" that ends the text.
		n := len(line)
		if line[n-1] == '\n' {
			n--
		}
		if n > 0 && line[n-1] == '\r' {
			n--
		}
		if n == 0 {
			continue // an empty line: encoding/csv skips it too
		}
		s := string(line[:n]) // one allocation for the record's fields, as encoding/csv
		rec := r.rec[:0]
		for {
			i := strings.IndexByte(s, r.comma)
			if i < 0 {
				break
			}
			rec = append(rec, s[:i])
			s = s[i+1:]
		}
		r.rec = append(rec, s)
		return r.rec, r.lines, nil
	}
}

// line reads the text's next line, with its end; io.EOF after the last.
func (r *rowReader) line() ([]byte, error) {
	line, err := r.src.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = r.src.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if len(line) == 0 {
		if err == nil {
			err = io.EOF
		}
		return nil, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	r.lines++
	return line, nil
}

// quoted reads the record that starts on line (a quote in it) with
// encoding/csv, and the lines after it that its quoted fields span.
func (r *rowReader) quoted(line []byte) ([]string, int, error) {
	at := r.lines
	r.pend, r.off, r.mid = append(r.pend[:0], line...), 0, false
	rec, err := r.cr.Read()
	if err == nil {
		return rec, at, nil
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return nil, 0, err
	}
	e := *pe
	e.Line += at - pe.StartLine
	e.StartLine = at
	return nil, at, &e
}
