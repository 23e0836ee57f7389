package pscsv

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func utf16le(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestEachRowWithItsLine(t *testing.T) {
	const text = "#TYPE System.Data.DataRow\r\n\"Name\",\"Note\"\r\n\"PC1\",\"a\r\nb\"\r\n\r\n\"PC2\",\"x\"y\"\r\n\"PC3\",\"c\"\r\n"
	tests := []struct {
		name string
		in   []byte
	}{
		{"utf-8", []byte(text)},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"utf-16le with BOM", utf16le(text)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(bytes.NewReader(tt.in), "power.csv")
			require.NoError(t, err)
			assert.Equal(t, []string{"Name", "Note"}, f.Head)
			assert.Equal(t, "power.csv:2", f.HeaderAt())
			var got, problems []string
			err = f.Each(context.Background(), func(where, msg string) { problems = append(problems, where+" "+msg) },
				func(_ int, where string, rec []string) error {
					got = append(got, where+" "+strings.Join(rec, "|"))
					return nil
				})
			require.NoError(t, err)
			// Line 3 holds a field over two lines; line 5 is blank; line 6's
			// stray quote is unreadable; line 7 is read on.
			assert.Equal(t, []string{"power.csv:3 PC1|a\nb", "power.csv:7 PC3|c"}, got)
			require.Len(t, problems, 1)
			assert.Contains(t, problems[0], "power.csv:6 unreadable CSV")
		})
	}
}

func TestOpenAnEmptyExportIsEOF(t *testing.T) {
	_, err := Open(strings.NewReader(""), "empty.csv")
	assert.ErrorIs(t, err, io.EOF)
}
