package declaration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hand-computed power-off hours per local day (real hours, so DST days
// count 23 or 25).
func TestPowerOffWindowsJoinAsAPersonMeansThem(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	nights := PowerOffWindow{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}
	weekend := PowerOffWindow{Days: []string{"sat", "sun"}, AllDay: true}
	sched := func(ws ...PowerOffWindow) PowerOffSchedule {
		return PowerOffSchedule{Windows: ws}
	}
	tests := []struct {
		name  string
		sched PowerOffSchedule
		day   string
		hours float64
	}{
		{"a Monday after an off weekend: 00–07 joins Sunday, plus 20–24", sched(nights, weekend), "2024-01-08", 7 + 4},
		{"a Tuesday: Monday night's 00–07 and 20–24", sched(nights, weekend), "2024-01-09", 11},
		{"a Friday: Thursday night's 00–07 and 20–24", sched(nights, weekend), "2024-01-12", 11},
		{"a Saturday: all day (Friday night's morning inside it)", sched(nights, weekend), "2024-01-13", 24},
		{"a Monday without a weekend window: only 20–24 (Sunday evening is on)", sched(nights), "2024-01-08", 4},
		{"a Saturday without a weekend window: Friday night's 00–07", sched(nights), "2024-01-13", 7},
		{"the spring-forward Sunday, all day: 23 real hours", sched(nights, weekend), "2024-03-31", 23},
		{"the Monday after spring forward: 11 hours", sched(nights, weekend), "2024-04-01", 11},
		{"the fall-back Sunday, all day: 25 real hours", sched(nights, weekend), "2024-10-27", 25},
		{"a Saturday-night window across spring forward: 20–24 Saturday", sched(PowerOffWindow{Days: []string{"sat"}, From: "20:00", To: "07:00"}), "2024-03-30", 4},
		{"…and Sunday 00–07 with 02:00–03:00 skipped: 6 real hours", sched(PowerOffWindow{Days: []string{"sat"}, From: "20:00", To: "07:00"}), "2024-03-31", 6},
		{"…and across fall back: Sunday 00–07 with 02:00–03:00 twice: 8 real hours", sched(PowerOffWindow{Days: []string{"sat"}, From: "20:00", To: "07:00"}), "2024-10-27", 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := time.ParseInLocation("2006-01-02", tt.day, paris)
			require.NoError(t, err)
			assert.InDelta(t, tt.hours, tt.sched.Hours(d, paris), 1e-9)
		})
	}
}
