package timefmt

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goLayout is how date_format and time_format were read before this
// package (agent/collector/common.go until #29): the tokens replaced by
// Go's reference time, the rest left as it was.
func goLayout(f string) string {
	return strings.NewReplacer("YYYY", "2006", "MM", "01", "DD", "02", "HH", "15", "mm", "04", "ss", "05").Replace(f)
}

// oldLayouts are the date_format and time_format values the project's
// examples, tests and documentation use, and the shapes the old tokens
// allowed.
var oldLayouts = []string{
	"YYYY-MM-DD", "YYYY-MM-DD HH:mm:ss", "YYYY-MM-DD HH:mm", "DD/MM/YYYY", "MM/DD/YYYY",
	"DD.MM.YYYY", "DD-MM-YYYY HH:mm:ss", "YYYY-MM-DDTHH:mm:ss", "YYYY-MM-DDTHH:mm:ssZ",
	"YYYYMMDD", "YYYYMMDDHHmmss", "DD/MM/YYYY HH:mm", "YYYY/MM/DD HH:mm:ss",
}

var compatValues = []string{
	"2024-01-01", "2024-13-01", "2024-02-30", "2024-02-29", "2025-02-29", "2024-01-01 08:00:00",
	"2024-01-01 8:00:00", "2024-01-01 08:00:00.250", "2024-01-01 08:00:00,5", "2024-01-01  08:00:00",
	"2024-01-01 24:00:00", "2024-01-01 23:60:00", "2024-01-01 08:00", "05/01/2024", "5/1/2024",
	"05.01.2024", "05-01-2024 08:00:00", "2024-01-01T08:00:00", "2024-01-01T08:00:00Z", "20240101",
	"20240101080000", "05/01/2024 08:00", "2024/01/01 08:00:00", "", "yesterday", "2024-1-01",
	"0000-01-01", "9999-12-31", "2024-01-01 08:00:00.", "2024-01-01 08:00:00.1234567891234",
}

// TestOldLayoutsReadAsBefore: every value the old layouts read is read
// to the same time, and every value they refused is refused.
func TestOldLayoutsReadAsBefore(t *testing.T) {
	t.Parallel()
	for _, f := range oldLayouts {
		l, err := Parse(f)
		require.NoError(t, err, f)
		for _, v := range compatValues {
			assertSameAsGo(t, l, f, v)
		}
	}
}

func assertSameAsGo(t *testing.T, l Layout, f, v string) {
	t.Helper()
	want, werr := time.Parse(goLayout(f), v)
	got, gerr := l.Parse(v, time.UTC)
	if werr == nil {
		if assert.NoError(t, gerr, "%q with %s: Go read it", v, f) {
			assert.True(t, want.Equal(got), "%q with %s: got %v, Go %v", v, f, got, want)
		}
		return
	}
	assert.Error(t, gerr, "%q with %s: Go refused it (%v), got %v", v, f, werr, got)
}

// FuzzParse: no layout and no value panics; a layout Parse accepts reads
// any value to a time or a *ParseError; the old layouts agree with Go.
func FuzzParse(f *testing.F) {
	for _, l := range oldLayouts {
		f.Add(l, "2024-01-01 08:00:00")
	}
	f.Add("M/D/YYYY h:mm:ss tt", "3/14/2025 8:02:11 PM")
	f.Add("DD-MMM-YYYY", "09-Jan-2025")
	f.Add("D MMMM YYYY", "1 août 2025")
	f.Add("ddd, DD MMM YYYY HH:mm:ss.fff", "Tue, 07 Jan 2025 08:00:00.250")
	f.Add("hh:mm AM/PM 'at' YY", "12:00 a.m. at 29")
	f.Fuzz(func(t *testing.T, pattern, v string) {
		l, err := Parse(pattern)
		if err != nil {
			return
		}
		got, err := l.Parse(v, time.UTC)
		if err != nil {
			var pe *ParseError
			if !assert.ErrorAs(t, err, &pe) {
				return
			}
			return
		}
		if l.HasDate() && (got.Year() < 0 || got.Year() > 9999) {
			t.Fatalf("%q with %s: year %d", v, pattern, got.Year())
		}
		for _, old := range oldLayouts {
			if pattern == old {
				assertSameAsGo(t, l, old, v)
			}
		}
	})
}

// FuzzOldLayouts: for the old layouts, any value reads as Go read it.
func FuzzOldLayouts(f *testing.F) {
	for _, v := range compatValues {
		f.Add(v)
	}
	layouts := make([]Layout, len(oldLayouts))
	for i, o := range oldLayouts {
		layouts[i] = MustParse(o)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for i, o := range oldLayouts {
			assertSameAsGo(t, layouts[i], o, v)
		}
	})
}
