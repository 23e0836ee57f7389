package agent

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 24/7 Manila contact centre, Wednesday 2025-03-05 (UTC+8, no DST),
// eight machines, two per kind of seat; the site's window on a
// Wednesday is 00–07 and 20–24: 11 h.
//
//	MNL-0101 24/7 (by OU)     on, off 12:00–12:10 (updates)
//	MNL-0102 24/7 (by sub-OU) logged on all day
//	MNL-N-01 night (pattern)  on until 07:30, off, on from 21:45
//	MNL-N-02 night (pattern)  logged on until 07:00, off 07:05–21:50, logged on from 22:00
//	MNL-0201 day (list)       on 07:50–17:20
//	MNL-0202 day (list)       on from 07:45, logged on 07:46–21:00, then left on
//	MNL-0301 sleeping seat    on 10:00–10:05
//	MNL-0302 sleeping seat    asleep all day
//
// Compliance is the ghg rule: off ÷ (off + asleep + missed), the window
// hours the machines should be off.
func TestShiftsAreNeverCountedAsLeftOn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		want       map[string]float64
		compliance float64
	}{
		// One window for all, logons read as on. Missed: 0101 11, 0102
		// 11, N-01 7 + 2.25 (21:45–24), N-02 7 + 2h10 (21:50–24), 0202 4
		// (20–24) = 44h25 = 44.4167. Off: N-01 1.75 (20–21:45), N-02 1h50
		// (20–21:50), 0201 11, 0202 7, 0301 11 = 32h35 = 32.5833. Asleep:
		// 0302 11. 8 × 11 = 88 window hours. On outside the window, in
		// minutes: 770 + 780 + 30 + 5 + 570 + 735 + 5 = 2,895 = 48.25 h.
		// Compliance 32.5833 ÷ 88 = 37.0 %.
		{"workstation-shifts-one-window", map[string]float64{"on": 48.25, "off": 32.583333, "sleep": 11, "missed": 44.416667}, 32.583333 / 88},
		// Groups: 24/7 seats have no window; night seats 08–21 (13 h),
		// off all of it; day and sleeping seats the site's 11 h. 0202's
		// 20–21 is in use (logged on): on, not a window hour; 21–24 left
		// on: 3 h missed. Off: 13 + 13 + 11 + 7 + 11 = 55; missed 3;
		// asleep 11; 69 window hours. On, in minutes: 1,430 + 1,440 + 585
		// + 555 + 570 + (975 − 180) + 5 = 5,380 = 89.6667 h. Compliance
		// 55 ÷ 69 = 79.7 %.
		{"workstation-shifts-manila", map[string]float64{"on": 89.666667, "off": 55, "sleep": 11, "missed": 3}, 55.0 / 69},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := loadCase(t, tt.name)
			a := &Agent{Cfg: cfg, Log: quiet()}
			c := a.Collect(context.Background())
			require.True(t, c.OK(), "%+v", c.Health)
			got := hours(c.Activities)["2025-03-05"]
			require.Len(t, got, 4)
			for st, h := range tt.want {
				assert.InDelta(t, h, got[st], 1e-6, st)
			}
			assert.InDelta(t, tt.compliance, got["off"]/(got["off"]+got["sleep"]+got["missed"]), 1e-6)
		})
	}
}
