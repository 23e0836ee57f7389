package source

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
)

// A source's CSV reader trims the spaces that start a field
// (TrimLeadingSpace), so that `a, "b, c"` reads as two fields: a test
// encoding/csv makes on every field of every line, a quarter of the read
// of a large export (internal/bench, #28). lazyTrim reads the data rows
// without it. A line that reads so gives the same fields but for their
// leading spaces, which every reader of a row trims (the mapped fields,
// totalRow); a line that does not (a quote after spaces is a bare quote
// without the trim) is read again with the trim, from its start, and so
// is the rest of the text: the rows and rejections are the trim's, line
// numbers included.
type lazyTrim struct {
	cr  *csv.Reader // the reader: with the trim until untrim, and after a fallback
	src io.Reader   // the text
	// buf is what was read from src since base (its offset in the text),
	// while rows are read without the trim; keep is the start of the row
	// being read (what a fallback reads again).
	buf        []byte
	base, keep int64
	// lines counts the lines of the text before base; shift, after a
	// fallback, the lines before the new reader's first.
	lines, shift int
	recording    bool
	t            Text
}

// lazyTrim returns the reader of src's records, with the trim (for the
// header and the lines before it).
func (t Text) lazyTrim(src io.Reader) *lazyTrim {
	l := &lazyTrim{src: src, t: t, recording: !t.eagerTrim}
	l.cr = t.csvReader(l)
	return l
}

// Read records what the CSV reader reads, for a fallback to read again.
func (l *lazyTrim) Read(p []byte) (int, error) {
	n, err := l.src.Read(p)
	if l.recording {
		if drop := int(l.keep - l.base); drop > 0 { // rows read: not needed again
			l.lines += bytes.Count(l.buf[:drop], []byte{'\n'})
			l.buf = l.buf[:copy(l.buf, l.buf[drop:])]
			l.base = l.keep
		}
		l.buf = append(l.buf, p[:n]...)
	}
	return n, err
}

// untrim reads the next records without the trim.
func (l *lazyTrim) untrim() {
	if l.recording {
		l.cr.TrimLeadingSpace = false
	}
}

// read returns the next record, as the trim would have read it.
func (l *lazyTrim) read() ([]string, error) {
	if !l.recording || l.cr.TrimLeadingSpace {
		return l.cr.Read()
	}
	l.keep = l.cr.InputOffset()
	rec, err := l.cr.Read()
	if err == nil || !isParseError(err) {
		return rec, err
	}
	// Read again with the trim, from the row's start: its line is the
	// lines before it plus one.
	from := l.buf[l.keep-l.base:]
	l.shift = l.lines + bytes.Count(l.buf[:l.keep-l.base], []byte{'\n'})
	l.recording, l.buf = false, nil
	l.cr = l.t.csvReader(io.MultiReader(bytes.NewReader(from), l.src))
	return l.cr.Read()
}

// isParseError says err is the CSV reader's (its own function: the
// target errors.As takes would be allocated for every row otherwise).
func isParseError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}
