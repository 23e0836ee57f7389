package source

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What a report adds around its table: lines before the header (a title,
// the date it was run, a blank line) and total rows ("Grand Total" at the
// bottom of a pivot table). Neither is data: both are skipped and
// counted (a Rejection with Skipped), never rejected.

const (
	// maxSkip is the most lines skip_lines may skip.
	maxSkip = 1000
	// maxPreamble is how many records after skip_lines are looked
	// through for the header.
	maxPreamble = 30
)

// csvReader reads the CSV records of in with the source's delimiter.
func (t Text) csvReader(in io.Reader) *csv.Reader {
	cr := csv.NewReader(in)
	cr.Comma = rune(t.Delimiter[0])
	cr.FieldsPerRecord = -1
	// The spaces that start a field are trimmed (`a, "b, c"` is two
	// fields), but not with a tab (or any space) for delimiter: the trim
	// would take the delimiters of empty fields too, and "\tx" would read
	// as one field, x, in the first column.
	cr.TrimLeadingSpace = !unicode.IsSpace(cr.Comma)
	cr.ReuseRecord = true
	return cr
}

// skipLines discards n lines of br; it returns how many there were.
func skipLines(br *bufio.Reader, n int) (int, error) {
	for i := 0; i < n; i++ {
		for {
			_, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				return i, nil
			}
			if err != nil {
				return i, err
			}
			break
		}
	}
	return n, nil
}

// findHeader reads records until one names every mapped column: the
// header. The records before it are a preamble, skipped and reported as
// one Skipped entry. Without such a record among the first maxPreamble,
// the error names the first record and what it lacks, as before the
// preamble was looked for. skipped is the lines skip_lines took.
func findHeader(cr *csv.Reader, name string, cols map[string]string, skipped int, delimiter string, utf8Source bool) ([]string, []Rejection, error) {
	var first []string
	firstLine := 0
	var preamble []string
	for n := 0; n <= maxPreamble; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) && first != nil {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) { // a title with a stray quote is a preamble line
			preamble = append(preamble, "(unreadable line)")
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: read header: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first == nil {
			first, firstLine = append([]string(nil), rec...), line+skipped
		}
		if missing := missingColumns(rec, cols); len(missing) == 0 {
			var pre []Rejection
			if len(preamble) > 0 {
				pre = append(pre, Rejection{Where: fmt.Sprintf("%s:%d", name, firstLine), Skipped: true,
					Reason: fmt.Sprintf("%d line(s) before the header, not data, skipped (the first: %q)", len(preamble), clipLine(preamble[0]))})
			}
			return append([]string(nil), rec...), pre, nil
		}
		if !(len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			preamble = append(preamble, strings.Join(rec, delimiter))
		}
	}
	missing := missingColumns(first, cols)
	hint := ""
	if utf8Source && !utf8.ValidString(strings.Join(first, "")) {
		hint = " — the header is not valid UTF-8: the export is probably Latin-1 or Windows-1252; set encoding: latin-1 (or windows-1252) on this source"
	}
	return nil, nil, fmt.Errorf("%s:%d: header has no column %s: it has %s%s", name, firstLine, strings.Join(missing, ", "),
		strings.ToValidUTF8(strings.Join(first, delimiter), "\uFFFD"), hint)
}

// missingColumns names the mapped columns a header lacks, sorted.
func missingColumns(head []string, cols map[string]string) []string {
	pos := map[string]bool{}
	for _, h := range head {
		pos[strings.ToLower(strings.TrimSpace(h))] = true
	}
	var missing []string
	for field, c := range cols {
		if !pos[strings.ToLower(c)] {
			missing = append(missing, fmt.Sprintf("%q (for %s)", c, field))
		}
	}
	sort.Strings(missing)
	return missing
}

// totalLabel is the first cell of a total row as spreadsheets and
// reports write it: Total, Grand Total, Totals, Sum, Subtotal, in
// English, French (Total général, Sous-total) and German (Gesamt,
// Summe, Gesamtergebnis, Excel's German pivot table).
var totalLabel = regexp.MustCompile(`(?i)^\s*(grand\s+total|total\s+g[ée]n[ée]ral|sub-?total|sous-total|totals?|sum|gesamt|gesamtergebnis|summe)\s*:?\s*$`)

// totalRow says a record is a total row: its first non-empty cell is a
// total's label.
func totalRow(rec []string) (string, bool) {
	for _, c := range rec {
		if c != "" && c[0] > ' ' && c[0] < utf8.RuneSelf && (len(c) > maxLabel || !labelInitial(c[0])) {
			return "", false // a cell such as every data row's: not blank, not a label (mayBeTotal)
		}
		// Its leading spaces trimmed as the CSV reader's trim does (a row
		// split without it: csvrows.go).
		c = strings.TrimLeftFunc(c, unicode.IsSpace)
		if strings.TrimSpace(c) == "" {
			continue
		}
		if mayBeTotal(c) && totalLabel.MatchString(c) {
			return strings.TrimSpace(c), true
		}
		return "", false
	}
	return "", false
}

// mayBeTotal is totalLabel's cheap first test, for every row of a large
// export: every label starts with g, t or s (after spaces) and is short.
func mayBeTotal(c string) bool {
	c = strings.TrimLeft(c, " \t")
	if c == "" || len(c) > maxLabel {
		return false
	}
	return labelInitial(c[0])
}

// maxLabel is the longest total label mayBeTotal lets through.
const maxLabel = 40

// labelInitial says b is a total label's first letter (g, t or s, in
// either case).
func labelInitial(b byte) bool {
	switch b | 0x20 {
	case 'g', 't', 's':
		return true
	}
	return false
}

// blankRow says every cell of a record is empty: a spreadsheet writes
// an empty row inside its table as delimiters only (",,,,"). It is not
// data — skipped and counted, never read as a row of empty fields.
func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func clipLine(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ToValidUTF8(string([]rune(s)[:60]), "\uFFFD") + "…"
}

// headerSpan returns how far into f its header ends: the bytes through
// the header line's end and the number of lines (skip_lines and any
// preamble included), what a resumed run reads again for the columns.
func (t Text) headerSpan(f *os.File, name string, cols map[string]string) (int64, int, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	var in io.Reader = io.NewSectionReader(f, 0, info.Size())
	dec, err := decoder(t.Encoding)
	if err != nil {
		return 0, 0, err
	}
	if dec != nil {
		in = dec.Reader(in)
	}
	br := bufio.NewReaderSize(in, 64<<10)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	skipped, err := skipLines(br, t.SkipLines)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", name, err)
	}
	cr := t.csvReader(br)
	head, _, err := findHeader(cr, name, cols, skipped, t.Delimiter, dec == nil)
	if err != nil {
		return 0, 0, err
	}
	last, _ := cr.FieldPos(len(head) - 1)
	lines := last + skipped
	// The same line in the file's bytes: line ends are the same byte in
	// every encoding read here.
	raw := bufio.NewReaderSize(io.NewSectionReader(f, 0, info.Size()), 64<<10)
	var off int64
	for n := 0; n < lines; {
		chunk, err := raw.ReadSlice('\n')
		off += int64(len(chunk))
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			break // the header is the last line, without a line end
		}
		n++
	}
	return off, lines, nil
}
