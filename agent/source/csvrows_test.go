package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// readTrim parses raw with the splitter or with encoding/csv alone: the
// rows (place and fields), the rejections and the error, for comparing
// the two.
func readTrim(raw string, header, eager bool) (rows []string, bad []Rejection, err string) {
	return readDelim(raw, ",", header, eager)
}

func readDelim(raw, delim string, header, eager bool) (rows []string, bad []Rejection, err string) {
	t := Text{Delimiter: delim, Encoding: "utf-8", Header: &header, eagerTrim: eager}
	t.defaults()
	cols := map[string]string{"x": "a", "y": "b", "z": "c"}
	if !header {
		cols = map[string]string{"x": "1", "y": "2", "z": "3"}
	}
	tab, e := t.parse([]byte(raw), "f.csv", cols)
	if e != nil {
		return nil, nil, e.Error()
	}
	for _, r := range tab.Rows {
		f := r.Fields()
		rows = append(rows, r.Where()+" x="+f["x"]+" y="+f["y"]+" z="+f["z"])
	}
	return rows, tab.Bad, ""
}

// Rows split without encoding/csv where they have no quote, and read
// with it where they do, are the rows and rejections of encoding/csv and
// its trim throughout: their fields, their lines, the quotes after
// spaces, quoted fields over several lines, the ends of lines, the total
// rows, malformed lines.
func FuzzRowReader(f *testing.F) {
	for _, seed := range []string{
		"a,b,c\n1, 2 ,3\n",
		"a,b,c\n1, \"2, x\",3\n4,5,6\n",
		"a,b,c\n\n1,\"multi\nline\", \"q\"\n\n7,8,9\n",
		"a,b,c\n x, \"unterminated\n1,2,3\n",
		"a,b,c\n\u00a0Total,1,2\n  Grand Total ,3\n4,5,6\n",
		"a,b,c\r\n1,\t\"t\"\r\n2,b\"q,3\r\n5,6,7\r\n",
		"Report\n\na, b ,c\n1,2,3\n\"x\",\" y\" ,z\n",
		"1,2,3\n 4 , 5, \"6\"\n7,8,9",
		"a,b,c\n1,2\r3,4\r\n\r\n5,6,7\r",
		"a,b,c\n1,2,3\r\r\n4,\"5\r\n6\",7\r\r",
		"a,b,c\n1,\"x\"y,3\n4,5\n6,\"\n\n\",\"\"\"\"\n",
		"a;b;c\n1;2;3\n\"x;y\";\"z\"\"\";w\n",
		"a\tb\tc\n1\t 2\t\"3\t4\"\n",
		"a|b|c\n1|2|\"x\n",
	} {
		for _, d := range []byte{0, 1, 2, 3} {
			f.Add(seed, true, d)
			f.Add(seed, false, d)
		}
	}
	f.Fuzz(func(t *testing.T, raw string, header bool, d byte) {
		delim := []string{",", ";", "\t", "|", " "}[d%5] // " ": source.Parse takes any
		// As it comes, and after 4 kB of rows (past encoding/csv's buffer).
		far := strings.Repeat("p, q ,r\n", 600) + raw
		if header {
			far = "a,b,c\n" + far
		}
		for _, in := range []string{raw, far} {
			wantRows, wantBad, wantErr := readDelim(in, delim, header, true)
			rows, bad, err := readDelim(in, delim, header, false)
			require.Equal(t, wantErr, err)
			require.Equal(t, wantRows, rows)
			require.Equal(t, wantBad, bad)
		}
		// Every field of every record, not only the mapped ones, with a
		// source buffer of 16 bytes (every line longer than it).
		require.Equal(t, records(raw, delim, true), records(raw, delim, false))
	})
}

// records reads raw's records as the data rows are read: each record's
// line and fields (their leading spaces trimmed, as every reader of a row
// does), or the error with its position.
func records(raw, delim string, eager bool) []string {
	t := Text{Delimiter: delim, Encoding: "utf-8", eagerTrim: eager}
	t.defaults()
	rr := t.rowReader(bufio.NewReaderSize(strings.NewReader(raw), 16))
	var out []string
	for range 10_000 {
		rec, line, err := rr.read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		f := make([]string, len(rec))
		for i, c := range rec {
			f[i] = strings.TrimLeftFunc(c, unicode.IsSpace)
		}
		out = append(out, fmt.Sprintf("%d %q", line, f))
	}
	return append(out, "no end")
}

// Lines longer than the buffers (the source's 64 kB, encoding/csv's
// 4 kB): split, quoted, and a quoted field over several long lines,
// read as encoding/csv reads them, the lines after them in place.
func TestLongLinesAreReadAsEncodingCSVReadsThem(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 150_000)
	raw := "a,b,c\n" +
		"1," + long + ",3\n" +
		"2,\"" + long + "\n" + long + "\",4\n" +
		"5,\"" + long + "\", 6\r\n" +
		"7,8,9\n" + long
	want, wantBad, wantErr := readTrim(raw, true, true)
	rows, bad, err := readTrim(raw, true, false)
	require.Empty(t, wantErr)
	require.Equal(t, wantErr, err)
	require.Equal(t, wantBad, bad)
	require.Equal(t, want, rows)
	require.Len(t, rows, 5)
	require.Equal(t, "f.csv:6 x=7 y=8 z=9", rows[3])
	require.Equal(t, "f.csv:7 x="+long+" y= z=", rows[4])
}

// A quote after spaces, half-way through a long export, is read as the
// trim reads it, on its own line, and the rows after it keep their lines.
func TestAQuoteAfterSpacesFarDownIsReadWithTheTrim(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("a,b,c\n")
	for range 2000 { // past the reader's buffers
		b.WriteString("PC1,2024-01-01T08:00:00Z,startup\n")
	}
	b.WriteString("PC2, \"2024-01-01T09:00:00Z\", \"wake, late\"\nPC3,t,e\n")
	rows, bad, err := readTrim(b.String(), true, false)
	require.Empty(t, err)
	require.Empty(t, bad)
	require.Len(t, rows, 2002)
	// Lines: the header is 1, the 2,000 rows 2 to 2001.
	require.Equal(t, "f.csv:2002 x=PC2 y=2024-01-01T09:00:00Z z=wake, late", rows[2000])
	require.Equal(t, "f.csv:2003 x=PC3 y=t z=e", rows[2001])
}

// With a tab for delimiter, an empty first field stays a field: the
// trim of leading spaces, which would take its tab, is off.
func TestATabDelimitedRowKeepsItsEmptyFirstField(t *testing.T) {
	t.Parallel()
	raw := "a\tb\tc\n\t2\t3\n\t\"4\"\t5\n"
	for _, eager := range []bool{true, false} {
		rows, bad, err := readDelim(raw, "\t", true, eager)
		require.Empty(t, err)
		require.Empty(t, bad)
		require.Equal(t, []string{"f.csv:2 x= y=2 z=3", "f.csv:3 x= y=4 z=5"}, rows)
	}
}
