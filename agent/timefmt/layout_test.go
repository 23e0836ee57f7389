package timefmt

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRefusesWhatIsNotALayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, pattern, want string
	}{
		{"an empty layout", "", "empty"},
		{"unknown letters, each named", "YYYY-MM-DD QQ x", `unknown tokens "QQ", "x"`},
		{"an unknown letter, alone", "DD/MM/YYYYY", `unknown token "YYYYY"`},
		{"a year given twice", "YYYY YYYY-MM-DD", `"YYYY" again`},
		{"a 12-hour clock without AM/PM", "YYYY-MM-DD hh:mm", "needs tt"},
		{"an unclosed quote", "YYYY 'at", "not closed"},
		{"a backslash at the end", `YYYY\`, "escapes nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.pattern)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrLayout)
			assert.Contains(t, err.Error(), tt.want)
			if tt.pattern != "" {
				assert.Contains(t, err.Error(), tt.pattern, "the message names the layout")
			}
		})
	}
}

func TestLayoutsParseWhatSoftwareWrites(t *testing.T) {
	t.Parallel()
	d := func(y int, m time.Month, day, h, min, s int) time.Time {
		return time.Date(y, m, day, h, min, s, 0, time.UTC)
	}
	tests := []struct {
		name, layout, value string
		want                time.Time
	}{
		{"Excel's default US date", "M/D/YYYY", "1/5/2025", d(2025, 1, 5, 0, 0, 0)},
		{"Excel's US date with two-digit parts", "M/D/YYYY", "12/31/2025", d(2025, 12, 31, 0, 0, 0)},
		{"a PowerShell en-US timestamp, evening", "M/D/YYYY h:mm:ss tt", "3/14/2025 8:02:11 PM", d(2025, 3, 14, 20, 2, 11)},
		{"12 AM is midnight", "M/D/YYYY h:mm:ss tt", "3/14/2025 12:00:05 AM", d(2025, 3, 14, 0, 0, 5)},
		{"12 PM is noon", "M/D/YYYY h:mm:ss tt", "3/14/2025 12:30:00 PM", d(2025, 3, 14, 12, 30, 0)},
		{"am/pm in lower case with dots", "D/M/YYYY h:mm tt", "14/3/2025 8:02 p.m.", d(2025, 3, 14, 20, 2, 0)},
		{"AM/PM written as Excel does", "hh:mm AM/PM YYYY-MM-DD", "08:02 PM 2025-03-14", d(2025, 3, 14, 20, 2, 0)},
		{"a travel agency's date", "DD-MMM-YYYY", "09-Jan-2025", d(2025, 1, 9, 0, 0, 0)},
		{"a month name in upper case", "DD-MMM-YYYY", "09-JAN-2025", d(2025, 1, 9, 0, 0, 0)},
		{"a French abbreviation with its dot", "D MMM YYYY", "5 févr. 2025", d(2025, 2, 5, 0, 0, 0)},
		{"a French abbreviation without its dot", "D MMM YYYY", "5 fevr 2025", d(2025, 2, 5, 0, 0, 0)},
		{"a French month written in full", "D MMMM YYYY", "1 août 2025", d(2025, 8, 1, 0, 0, 0)},
		{"a dot that belongs to the layout", "DD.MMM.YYYY", "05.janv..2025", d(2025, 1, 5, 0, 0, 0)},
		{"a German date", "DD.MM.YYYY HH:mm:ss", "14.03.2025 20:02:11", d(2025, 3, 14, 20, 2, 11)},
		{"a two-digit year before 2030", "DD/MM/YY", "05/01/25", d(2025, 1, 5, 0, 0, 0)},
		// Excel's 2029 rule: 30 is 1930.
		{"a two-digit year from 30", "DD/MM/YY", "05/01/30", d(1930, 1, 5, 0, 0, 0)},
		{"a weekday that agrees with the date", "ddd, DD MMM YYYY", "Tue, 07 Jan 2025", d(2025, 1, 7, 0, 0, 0)},
		{"an ISO timestamp with T and Z", "YYYY-MM-DDTHH:mm:ssZ", "2025-01-07T08:00:00Z", d(2025, 1, 7, 8, 0, 0)},
		{"a quoted literal", "YYYY-MM-DD 'at' HH:mm", "2025-01-07 at 08:00", d(2025, 1, 7, 8, 0, 0)},
		{"spaces matching a run of spaces", "MMM D YYYY", "Jan  5 2025", d(2025, 1, 5, 0, 0, 0)},
		{"a named fraction", "HH:mm:ss.fff DD/MM/YYYY", "08:00:01.250 05/01/2025", time.Date(2025, 1, 5, 8, 0, 1, 250e6, time.UTC)},
		{"a compact timestamp", "YYYYMMDDHHmmss", "20250105080001", d(2025, 1, 5, 8, 0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse(tt.layout)
			require.NoError(t, err)
			got, err := l.Parse(tt.value, time.UTC)
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
		})
	}
}

func TestLayoutsRefuseWithTheValueAndTheLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, layout, value, want string
	}{
		{"no leading zero where two digits are wanted", "DD/MM/YYYY", "5/1/2025", "DD wants two digits at \"5/1/2025\" (for values without a leading zero write D)"},
		{"a month that does not exist", "YYYY-MM-DD", "2024-13-01", "month 13: want 1 to 12"},
		{"the 30th of February", "YYYY-MM-DD", "2025-02-30", "day 30: February 2025 has 28 days"},
		{"a name that is no month", "DD-MMM-YYYY", "09-Foo-2025", `"Foo" is not a month name`},
		{"13 on a 12-hour clock", "h:mm tt D/M/YYYY", "13:00 PM 1/1/2025", "hour 13: want 1 to 12"},
		{"no AM or PM", "h:mm tt D/M/YYYY", "1:00 1/1/2025", "tt wants AM or PM"},
		{"text after the date", "YYYY-MM-DD", "2025-01-05 08:00", `extra text " 08:00"`},
		{"a weekday that contradicts the date", "ddd DD/MM/YYYY", "Mon 07/01/2025", "is a Tuesday, not a Monday"},
		{"a missing separator", "DD/MM/YYYY", "05-01-2025", `want "/" at "-01-2025"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse(tt.layout)
			require.NoError(t, err)
			_, err = l.Parse(tt.value, time.UTC)
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.value, pe.Value)
			assert.Equal(t, tt.layout, pe.Layout)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), `"`+tt.value+`" does not match `+tt.layout), err.Error())
		})
	}
}

func TestParseInLocation(t *testing.T) {
	t.Parallel()
	manila, err := time.LoadLocation("Asia/Manila")
	require.NoError(t, err)
	got, err := MustParse("M/D/YYYY h:mm:ss tt").Parse("3/14/2025 8:02:11 PM", manila)
	require.NoError(t, err)
	// Manila is UTC+8 all year: 20:02:11 local is 12:02:11 UTC.
	assert.Equal(t, time.Date(2025, 3, 14, 12, 2, 11, 0, time.UTC), got.UTC())
}

func TestCulturesAreDotNetGeneralDateTime(t *testing.T) {
	t.Parallel()
	// 2009-06-15 13:45:30 as PowerShell's Export-Csv writes it in each
	// culture (the "G" pattern: short date, space, long time).
	tests := []struct {
		culture, layout, value string
	}{
		{"en-US", "M/D/YYYY h:mm:ss tt", "6/15/2009 1:45:30 PM"},
		{"en-GB", "DD/MM/YYYY HH:mm:ss", "15/06/2009 13:45:30"},
		{"fr-FR", "DD/MM/YYYY HH:mm:ss", "15/06/2009 13:45:30"},
		{"de-DE", "DD.MM.YYYY HH:mm:ss", "15.06.2009 13:45:30"},
		{"invariant", "MM/DD/YYYY HH:mm:ss", "06/15/2009 13:45:30"},
	}
	for _, tt := range tests {
		t.Run(tt.culture, func(t *testing.T) {
			l, err := Culture(tt.culture)
			require.NoError(t, err)
			assert.Equal(t, tt.layout, l.String())
			got, err := l.Parse(tt.value, time.UTC)
			require.NoError(t, err)
			assert.Equal(t, time.Date(2009, 6, 15, 13, 45, 30, 0, time.UTC), got)
			d, err := CultureDate(strings.ToLower(tt.culture))
			require.NoError(t, err)
			assert.True(t, d.HasDate())
			assert.False(t, d.HasTime())
		})
	}
	_, err := Culture("xx-XX")
	assert.ErrorContains(t, err, "want one of de-DE, en-GB, en-US, fr-FR, invariant")
}

func TestNamesAreOneMonthEach(t *testing.T) {
	t.Parallel()
	for i, forms := range monthForms {
		for _, f := range forms {
			assert.Equal(t, time.Month(i+1), monthNames[fold(f)], "%q", f)
		}
	}
	for i, forms := range weekdayForms {
		for _, f := range forms {
			assert.Equal(t, time.Weekday(i), weekdayNames[fold(f)], "%q", f)
		}
	}
}

func TestWithoutYearReadsAPeriodsStart(t *testing.T) {
	t.Parallel()
	tests := []struct{ layout, want, value string }{
		{"MMM D, YYYY", "MMM D", "Jan 5"},
		{"D MMM YYYY", "D MMM", "5 janv."},
		{"YYYY-MM-DD", "MM-DD", "01-05"},
		{"DD/MM/YYYY", "DD/MM", "05/01"},
	}
	for _, tt := range tests {
		t.Run(tt.layout, func(t *testing.T) {
			l, ok := MustParse(tt.layout).WithoutYear()
			require.True(t, ok)
			assert.Equal(t, tt.want, l.String())
			got, err := l.Parse(tt.value, nil)
			require.NoError(t, err)
			assert.Equal(t, []int{1, 5}, []int{int(got.Month()), got.Day()})
		})
	}
	_, ok := MustParse("MM/DD").WithoutYear()
	assert.False(t, ok)
}

func TestSuggestNamesTheLayoutsThatRead(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"DD-MMM-YYYY", "D-MMM-YYYY"}, Suggest("09-Jan-2025"))
	assert.Equal(t, []string{"M/D/YYYY", "D/M/YYYY"}, Suggest("1/5/2025"))
	assert.Equal(t, []string{"M/D/YYYY h:mm:ss tt"}, Suggest("3/14/2025 8:02:11 PM"))
	assert.Empty(t, Suggest("yesterday"))
}
