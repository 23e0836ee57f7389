package structure

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

func day(y, m, d int) footprint.Date { return footprint.NewDate(y, time.Month(m), d) }

// The boundary is read from the events: an acquisition sets the first day
// counted, an exit the first day no longer counted; an opening counts from
// the first record.
func TestTheBoundaryIsReadFromTheEvents(t *testing.T) {
	t.Parallel()
	acq := Event{Site: "s", Kind: Acquired, On: day(2022, 7, 1)}
	div := Event{Site: "s", Kind: Divested, On: day(2024, 4, 1)}
	b := BoundaryOf([]Event{acq, div})
	assert.Equal(t, day(2022, 7, 1), b.From)
	assert.Equal(t, day(2024, 4, 1), b.Until)
	first, end := day(2019, 1, 1), day(2026, 1, 1)
	tests := []struct {
		name string
		year int
		want Period
		ok   bool
	}{
		{"the year of the acquisition counts from its day", 2022, Period{day(2022, 7, 1), day(2023, 1, 1)}, true},
		{"a year inside counts whole", 2023, Period{day(2023, 1, 1), day(2024, 1, 1)}, true},
		{"the year of the divestment counts until its day", 2024, Period{day(2024, 1, 1), day(2024, 4, 1)}, true},
		{"a year before the acquisition is outside", 2021, Period{}, false},
		{"a year after the divestment is outside", 2025, Period{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := b.Part(tt.year, first, end)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, p)
		})
	}
	p, ok := b.Part(2022, footprint.Date{}, end)
	assert.True(t, ok, "acquired, nothing sent since: it owes the group from its day")
	assert.Equal(t, Period{day(2022, 7, 1), day(2023, 1, 1)}, p)
	opened := BoundaryOf([]Event{{Site: "o", Kind: Opened, On: day(2022, 7, 1)}})
	assert.True(t, opened.From.IsZero(), "an opening does not cut records")
	p, ok = opened.Part(2022, day(2022, 8, 3), end)
	assert.True(t, ok)
	assert.Equal(t, Period{day(2022, 8, 3), day(2023, 1, 1)}, p, "from its first record")
	_, ok = opened.Part(2026, first, end)
	assert.False(t, ok, "a year the group has no data for yet")

	require.NoError(t, CheckEvents([]Event{acq, div}))
	assert.ErrorContains(t, CheckEvents([]Event{{Site: "s", Kind: Acquired, On: day(2024, 6, 1)}, div}), "divested on 2024-04-01 is not after its acquired on 2024-06-01")
	assert.ErrorContains(t, CheckEvents([]Event{acq, {Site: "s", Kind: Opened, On: day(2023, 1, 1)}}), "one entry a site")
	assert.ErrorContains(t, CheckEvents([]Event{div, {Site: "s", Kind: Closed, On: day(2025, 1, 1)}}), "one exit a site")
	k, err := ParseKind(" Divested")
	require.NoError(t, err)
	assert.Equal(t, Divested, k)
	_, err = ParseKind("sold")
	assert.ErrorContains(t, err, `event kind "sold": want one of acquired, divested, opened, closed, outsourced, insourced`)
}

// The months a site's records touch leave, in its part of a year, the gaps
// it owes the group: contiguous months merged, clipped to the part.
func TestCoverageGapsAreTheMonthsWithoutRecords(t *testing.T) {
	t.Parallel()
	rec := func(from, to footprint.Date) footprint.Activity {
		return footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: from, End: to, Quantity: 1, Unit: footprint.UnitKWh}
	}
	c := CoverageOf([]footprint.Activity{
		rec(day(2023, 1, 1), day(2023, 3, 1)),   // January, February
		rec(day(2023, 4, 10), day(2023, 4, 11)), // one day of April
		rec(day(2023, 5, 31), day(2023, 6, 2)),  // May and June
	})
	gaps := c.Gaps(Period{day(2023, 1, 1), day(2024, 1, 1)})
	// March; July to December: 31 + 184 days.
	assert.Equal(t, []Period{{day(2023, 3, 1), day(2023, 4, 1)}, {day(2023, 7, 1), day(2024, 1, 1)}}, gaps)
	assert.Equal(t, 31+184, GapDays(gaps))
	assert.Equal(t, "2023-03-01–2023-03-31, 2023-07-01–2023-12-31", GapText(gaps))
	assert.Equal(t, []Period{{day(2023, 3, 1), day(2023, 4, 1)}, {day(2023, 7, 1), day(2023, 9, 1)}}, c.Gaps(Period{day(2023, 2, 10), day(2023, 9, 1)}), "clipped to the part")
	assert.Empty(t, c.Gaps(Period{day(2023, 1, 5), day(2023, 3, 1)}))
}
