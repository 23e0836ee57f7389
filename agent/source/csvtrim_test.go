package source

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// read parses raw with or without the lazy trim: the rows (place and
// fields), the rejections and the error, for comparing the two.
func readTrim(raw string, header, eager bool) (rows []string, bad []Rejection, err string) {
	t := Text{Delimiter: ",", Encoding: "utf-8", Header: &header, eagerTrim: eager}
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

// Rows read without the trim, and read again with it from a line that
// does not read so, are the rows and rejections of the trim throughout:
// their fields, their lines, the quotes after spaces, the total rows.
func FuzzLazyTrim(f *testing.F) {
	for _, seed := range []string{
		"a,b,c\n1, 2 ,3\n",
		"a,b,c\n1, \"2, x\",3\n4,5,6\n",
		"a,b,c\n\n1,\"multi\nline\", \"q\"\n\n7,8,9\n",
		"a,b,c\n x, \"unterminated\n1,2,3\n",
		"a,b,c\n\u00a0Total,1,2\n  Grand Total ,3\n4,5,6\n",
		"a,b,c\r\n1,\t\"t\"\r\n2,b\"q,3\r\n5,6,7\r\n",
		"Report\n\na, b ,c\n1,2,3\n\"x\",\" y\" ,z\n",
		"1,2,3\n 4 , 5, \"6\"\n7,8,9",
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, raw string, header bool) {
		// As it comes, and after 4 kB of rows (past the reader's buffer:
		// what was read before is dropped as the rows are read).
		far := strings.Repeat("p, q ,r\n", 600) + raw
		if header {
			far = "a,b,c\n" + far
		}
		for _, in := range []string{raw, far} {
			wantRows, wantBad, wantErr := readTrim(in, header, true)
			rows, bad, err := readTrim(in, header, false)
			require.Equal(t, wantErr, err)
			require.Equal(t, wantRows, rows)
			require.Equal(t, wantBad, bad)
		}
	})
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
