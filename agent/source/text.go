package source

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// Text is how an export is written, the keys the csv, http and exec types
// share: CSV (its delimiter, encoding and header) or a JSON array of
// objects.
type Text struct {
	Format    string `mapstructure:"format"`    // csv (default) or json (an array of objects)
	Delimiter string `mapstructure:"delimiter"` // "," (default) or ";"
	Encoding  string `mapstructure:"encoding"`  // utf-8 (default), latin-1, windows-1252
	Header    *bool  `mapstructure:"header"`    // default true; without, columns are numbered from 1
	// SkipLines are lines at the top that are not the export's (a
	// report's title, its date): skipped before the header is looked for.
	// Lines before the header that do not name the mapped columns are
	// skipped anyway (preamble.go).
	SkipLines int `mapstructure:"skip_lines"`
	// eagerTrim reads every row with encoding/csv and its trim: what
	// the splitter of rows without quotes is tested against (csvrows.go).
	eagerTrim bool
}

func (t *Text) defaults() {
	if t.Delimiter == "" {
		t.Delimiter = ","
	}
	if t.Encoding == "" {
		t.Encoding = "utf-8"
	}
	if t.Format == "" {
		t.Format = "csv"
	}
}

func (t Text) check(add AddFunc) {
	if t.Delimiter != "," && t.Delimiter != ";" && t.Delimiter != "\t" && t.Delimiter != "|" {
		add("delimiter", t.Delimiter, `want "," or ";" (or a tab or "|")`)
	}
	if _, err := decoder(t.Encoding); err != nil {
		add("encoding", t.Encoding, "%v", err)
	}
	if t.Format != "csv" && t.Format != "json" {
		add("format", t.Format, "want csv or json")
	}
	if t.SkipLines < 0 || t.SkipLines > maxSkip {
		add("skip_lines", fmt.Sprint(t.SkipLines), "want 0 to %d lines", maxSkip)
	}
}

func (t Text) header() bool { return t.Header == nil || *t.Header }

func (t Text) streamFile(path string, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return t.parseStream(f, filepath.Base(path), cols, emit)
}

// parse decodes raw CSV or JSON into rows of the mapped fields only.
func (t Text) parse(raw []byte, name string, cols map[string]string) (Table, error) {
	var tab Table
	bad, err := t.parseStream(bytes.NewReader(raw), name, cols, func(r Row) {
		tab.Rows = append(tab.Rows, r.Clone())
	})
	tab.Bad = bad
	if err != nil {
		return Table{}, err
	}
	return tab, nil
}

// Parse decodes raw CSV (with the defaults) into rows of the mapped
// fields: what a collector's tests and fuzzing feed it.
func Parse(raw []byte, name, delimiter, encoding string, cols map[string]string) (Table, error) {
	t := Text{Delimiter: delimiter, Encoding: encoding}
	t.defaults()
	return t.parse(raw, name, cols)
}

// parseStream decodes CSV or JSON from in and hands every row to emit.
func (t Text) parseStream(in io.Reader, name string, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	return t.parseStreamAt(in, name, cols, 0, emit)
}

// parseStreamAt is parseStream for a CSV file read from a line on (the
// header, then the rest from there): lineBase is added to the line
// numbers after the header, so that rows are still named by their line in
// the file.
func (t Text) parseStreamAt(in io.Reader, name string, cols map[string]string, lineBase int, emit func(Row)) ([]Rejection, error) {
	br, err := decoded(in, t.Encoding)
	if err != nil {
		return nil, err
	}
	if t.Format == "json" {
		raw, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var objs []map[string]any
		if err := json.Unmarshal(raw, &objs); err != nil {
			return nil, fmt.Errorf("%s: want a JSON array of objects: %w", name, err)
		}
		for i, o := range objs {
			m := map[string]string{}
			for field, col := range cols {
				if v, ok := o[col]; ok && v != nil {
					m[field] = fmt.Sprint(v)
				}
			}
			emit(NewRow(fmt.Sprintf("%s[%d]", name, i), m))
		}
		return nil, nil
	}
	skipped, err := skipLines(br, t.SkipLines)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lineBase += skipped
	rr := t.rowReader(br)
	type col struct {
		field string
		i     int
	}
	var idx []col
	var bad []Rejection
	if t.header() {
		head, pre, err := findHeader(rr.cr, name, cols, skipped, t.Delimiter, isUTF8(t.Encoding))
		if err != nil {
			return nil, err
		}
		bad = append(bad, pre...)
		pos := map[string]int{}
		for i, h := range head {
			pos[strings.ToLower(strings.TrimSpace(h))] = i
		}
		for field, c := range cols {
			idx = append(idx, col{field, pos[strings.ToLower(c)]})
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
	// The row's fields, by column position: their names once, their
	// values overwritten row after row.
	rf := &fieldSlots{names: make([]string, len(idx)), vals: make([]string, len(idx))}
	for i, c := range idx {
		rf.names[i] = c.field
	}
	prefix := name + ":"
	for {
		rec, line, err := rr.read()
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
				Reason: fmt.Sprintf("unreadable CSV: %v (line %d, column %d): check the quotes and the delimiter %q", pe.Err, pe.Line+lineBase, pe.Column, t.Delimiter)})
			continue
		}
		line += lineBase
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if blankRow(rec) { // a spreadsheet's empty row: ",,,,"
			bad = append(bad, Rejection{Where: prefix + strconv.Itoa(line), Reason: "a blank row: not data, skipped", Skipped: true})
			continue
		}
		if label, ok := totalRow(rec); ok {
			bad = append(bad, Rejection{Where: prefix + strconv.Itoa(line), Reason: fmt.Sprintf("a total row (%q): not data, skipped", label), Skipped: true})
			continue
		}
		// Fields a consumer added (a constant) are dropped; a short row's
		// missing columns are empty.
		rf.names, rf.vals = rf.names[:len(idx)], rf.vals[:len(idx)]
		for i, c := range idx {
			if c.i < len(rec) {
				rf.vals[i] = trimField(rec[c.i])
			} else {
				rf.vals[i] = ""
			}
		}
		emit(lineRow(name, line, rf)) // no allocation a row: Where is formatted when asked
	}
	return bad, nil
}

// decoded reads in as text in the encoding named (utf-8 when empty),
// buffered, its UTF-8 byte-order mark dropped.
func decoded(in io.Reader, enc string) (*bufio.Reader, error) {
	dec, err := decoder(enc)
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
	return br, nil
}

// isUTF8 reports whether enc names UTF-8 (the bytes read are the text's).
func isUTF8(enc string) bool {
	d, err := decoder(enc)
	return d == nil && err == nil
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

// trimField is strings.TrimSpace without its work for the usual field,
// which starts and ends with a visible ASCII character.
func trimField(s string) string {
	if n := len(s); n > 0 && s[0] > ' ' && s[0] < 0x80 && s[n-1] > ' ' && s[n-1] < 0x80 {
		return s
	}
	return strings.TrimSpace(s)
}
