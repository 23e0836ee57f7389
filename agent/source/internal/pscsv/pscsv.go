// Package pscsv reads the CSV files Windows tools write — PowerShell's
// Export-Csv (5.1's "#TYPE …" first line), in UTF-8 or UTF-16 — row by
// row with each row's file:line: the shared reading of the winlog and
// cmpower sources.
package pscsv

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
)

// Text reads a text export as UTF-8 whatever Windows wrote it in: UTF-8
// with or without its BOM (Export-Csv -Encoding UTF8; the default ASCII
// is UTF-8 too), or UTF-16 ("Unicode": Windows PowerShell 5.1's
// redirection `>` and Out-File write UTF-16LE with a BOM), told by its
// BOM or, without one, by the zero bytes of ASCII text in UTF-16LE. A BOM
// inside the text (PowerShell's Add-Content may write one when it
// appends) is dropped.
func Text(r io.Reader) io.Reader {
	return transform.NewReader(decoded(r), runes.Remove(runes.Predicate(func(r rune) bool { return r == '\ufeff' })))
}

func decoded(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	case len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	}
	return br
}

// Head is the first bytes of a text export as UTF-8 (for sniffing).
func Head(head []byte) string {
	b, _ := io.ReadAll(Text(bytes.NewReader(head)))
	return string(b)
}

// File is an export opened: its header read.
type File struct {
	name     string
	cr       *csv.Reader
	lineBase int // 1 when a #TYPE line came first
	// Head is the header's columns as written.
	Head []string
}

// Open reads the header of the export r, named name in messages, past
// Windows PowerShell 5.1's "#TYPE …" line (Export-Csv without
// -NoTypeInformation). An empty export is io.EOF.
func Open(r io.Reader, name string) (*File, error) {
	br := bufio.NewReader(Text(r))
	f := &File{name: name}
	if head, _ := br.Peek(1); len(head) == 1 && head[0] == '#' {
		if _, err := br.ReadString('\n'); err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		f.lineBase = 1
	}
	f.cr = csv.NewReader(br)
	f.cr.FieldsPerRecord = -1
	f.cr.ReuseRecord = true
	head, err := f.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("%s: read header: %w", f.HeaderAt(), err)
	}
	f.Head = slices.Clone(head) // the reader reuses its record
	return f, nil
}

// HeaderAt is the header's file:line.
func (f *File) HeaderAt() string { return f.name + ":" + strconv.Itoa(f.lineBase+1) }

// Each calls fn with every data row (reused between calls: clone what is
// kept), its file:line and its number from 0; a blank row is skipped, an
// unreadable one given to problem with its file:line and read past. An
// error of fn, or ctx's, stops the reading.
func (f *File) Each(ctx context.Context, problem func(where, msg string), fn func(row int, where string, rec []string) error) error {
	for rows := 0; ; rows++ {
		if rows%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := f.cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("%s: %w", f.name, err)
			}
			problem(fmt.Sprintf("%s:%d", f.name, pe.StartLine+f.lineBase), fmt.Sprintf("unreadable CSV: %v (line %d, column %d): check the quotes", pe.Err, pe.Line+f.lineBase, pe.Column))
			continue
		}
		line, _ := f.cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if err := fn(rows, f.name+":"+strconv.Itoa(line+f.lineBase), rec); err != nil {
			return err
		}
	}
}
