package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// periodState is a collector's state reading dates as layout.
func periodState(layout string) *state {
	env := testEnv("csv", "energy", map[string]string{"period": "p", "quantity": "q"})
	env.Common.DateFormat = layout
	env.Common.Defaults()
	return newState(env)
}

func TestAPeriodColumnGivesTheStartAndTheEnd(t *testing.T) {
	t.Parallel()
	d := footprint.NewDate
	yes, no := true, false
	tests := []struct {
		name, layout, value string
		periods             Periods
		start, end          footprint.Date
	}{
		// Printed inclusive: 5 Jan – 4 Feb is [5 Jan, 5 Feb), 31 days.
		{"a bill's period, the year printed once", "MMM D, YYYY", "Jan 5 - Feb 4, 2025", Periods{}, d(2025, 1, 5), d(2025, 2, 5)},
		{"a period across the new year", "MMM D, YYYY", "Dec 5, 2025 - Jan 4, 2026", Periods{}, d(2025, 12, 5), d(2026, 1, 5)},
		{"the start's year before the end's, printed once", "MMM D, YYYY", "Dec 5 - Jan 4, 2026", Periods{}, d(2025, 12, 5), d(2026, 1, 5)},
		{"a French bill", "D MMM YYYY", "5 janv. au 4 févr. 2025", Periods{}, d(2025, 1, 5), d(2025, 2, 5)},
		{"ISO dates and an en dash", "YYYY-MM-DD", "2025-01-05 – 2025-02-04", Periods{}, d(2025, 1, 5), d(2025, 2, 5)},
		{"ends said exclusive", "YYYY-MM-DD", "2025-01-05 - 2025-02-05", Periods{EndInclusive: &no}, d(2025, 1, 5), d(2025, 2, 5)},
		{"a separator of the source's own", "DD/MM/YYYY", "05/01/2025 thru 04/02/2025", Periods{PeriodSeparator: " thru "}, d(2025, 1, 5), d(2025, 2, 5)},
		{"inclusive said", "MMM D, YYYY", "Jan 5 - Jan 5, 2025", Periods{EndInclusive: &yes}, d(2025, 1, 5), d(2025, 1, 6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := periodState(tt.layout)
			start, end, ok := c.period(source.NewRow("b.csv:2", map[string]string{"period": tt.value}), tt.periods)
			require.True(t, ok, "%+v", c.rejects)
			assert.Equal(t, tt.start, start)
			assert.Equal(t, tt.end, end)
		})
	}
}

func TestAPeriodThatDoesNotReadSaysWhy(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, layout, value, want string }{
		{"no separator", "MMM D, YYYY", "Jan 5 2025", `period: "Jan 5 2025": want two dates as MMM D, YYYY separated by one of " - "`},
		{"a month that is none", "MMM D, YYYY", "Jan 5 - Foo 4, 2025", `"Foo" is not a month name`},
		{"the 29th of February of a common year", "MMM D, YYYY", "Feb 29 - Mar 28, 2025", "February 29: 2025 has no such day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := periodState(tt.layout)
			_, _, ok := c.period(source.NewRow("b.csv:2", map[string]string{"period": tt.value}), Periods{})
			require.False(t, ok)
			require.Len(t, c.rejects, 1)
			assert.Contains(t, c.rejects[0].Reason, tt.want)
			assert.NotEmpty(t, c.rejects[0].Layout, "a layout miss: refused on a first row")
		})
	}
}

func TestConstantsGiveAFieldTheExportLacks(t *testing.T) {
	t.Parallel()
	c := Common{Constants: map[string]string{"mode": "flight"}, Columns: Columns{Date: "d", Mode: ""}}
	r := source.NewRow("", map[string]string{"date": "2025-01-09"})
	c.Apply(r)
	assert.Equal(t, "flight", r.Get("mode"))
	r.Set("mode", "rail")
	c.Apply(r)
	assert.Equal(t, "rail", r.Get("mode"), "a value the row has is kept")
	assert.Equal(t, map[string]string{"date": "d", "mode": "flight"}, c.Given())
}
