package timefmt

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRFC3339In(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	tests := []struct {
		in   string
		ok   bool
		want time.Time
	}{
		// 20:00 at +01:00 is 19:00 UTC, 20:00 in Paris in winter.
		{"2024-03-04T20:00:00+01:00", true, time.Date(2024, 3, 4, 20, 0, 0, 0, paris)},
		{"2024-03-04T19:00:00Z", true, time.Date(2024, 3, 4, 20, 0, 0, 0, paris)},
		// 23:30 at −05:30 is 05:00 UTC the next day, 06:00 in Paris.
		{"2024-03-04T23:30:00-05:30", true, time.Date(2024, 3, 5, 6, 0, 0, 0, paris)},
		{"2024-02-29T00:00:00Z", true, time.Date(2024, 2, 29, 1, 0, 0, 0, paris)},
		{"2023-02-29T00:00:00Z", false, time.Time{}},        // no 29 February in 2023: time.Parse's error
		{"2024-03-04T20:00:00.5+01:00", false, time.Time{}}, // a fraction: time.Parse reads it
		{"2024-03-04t20:00:00z", false, time.Time{}},
		{"2024-13-04T20:00:00Z", false, time.Time{}},
		{"2024-03-04T24:00:00Z", false, time.Time{}},
		{"2024-03-04T20:00:60Z", false, time.Time{}},
		{"2024-03-04T20:00:00+24:00", false, time.Time{}},
		{"2024-03-04 20:00:00+01:00", false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := RFC3339In(tt.in, paris)
			require.Equal(t, tt.ok, ok)
			if ok {
				assert.True(t, got.Equal(tt.want), "%s, want %s", got, tt.want)
				assert.Equal(t, paris, got.Location())
			}
		})
	}
}

// FuzzRFC3339In holds the fast path to time.Parse: whatever it reads,
// time.Parse reads as the same instant; whatever it leaves, the caller
// parses with time.Parse anyway.
func FuzzRFC3339In(f *testing.F) {
	for _, s := range []string{"2024-03-04T20:00:00+01:00", "2024-03-04T19:00:00Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00-23:59",
		"9999-12-31T23:59:59+23:59", "2024-03-04T20:00:00-00:00", "2024-03-04T20:00:00.123Z", "2024-0a-04T20:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := RFC3339In(s, time.UTC)
		want, err := time.Parse(time.RFC3339, s)
		if ok {
			require.NoError(t, err, "the fast path read %q, time.Parse did not", s)
			require.True(t, got.Equal(want), "%q: %s, time.Parse %s", s, got, want)
		}
	})
}

// TestRFC3339InEveryDay reads midnight of every day from 0001 to 9999
// against time.Date: the calendar arithmetic of the fast path.
func TestRFC3339InEveryDay(t *testing.T) {
	for d := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 10000; d = d.AddDate(0, 0, 1) {
		s := d.Format(time.RFC3339)
		got, ok := RFC3339In(s, time.UTC)
		if !ok || !got.Equal(d) {
			t.Fatalf("%s: %s %v", s, got, ok)
		}
	}
}
