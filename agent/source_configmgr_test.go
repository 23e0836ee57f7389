package agent

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Configuration Manager's Power Management Daily, two daily exports read
// with no column mapped, gives the device-hours of every local day by
// state, by hand. The site's windows are weekdays 20:00–07:00 and
// weekends all day (Europe/Paris): a weekday holds 11 window hours
// (00–07, 20–24), a weekend day 24. NIGHT-* machines are the night group:
// their window is weekdays 08:00–18:00 (10 h). rest: off (the default):
// a computer's minutes no type gives are off.
//
// Fri 14 March 2025, desktops:
//   - PC-0001: on 08–18 (10 h; someone at it 09–12, counted as on);
//     off 00–07 and 20–24 in the window = 11 h; missed 0.
//   - PC-0002: on 08–22 (14 h); missed 20–22 = 2 h, so on 12 h; off 00–07
//     and 22–24 = 9 h.
//   - PC-0003: the first export's day (inventory at 20:00: hours 20–23
//     empty) is replaced by the second's: on 08–20 and 30 minutes of hour
//     20 (the hour before was on: 20:00–20:30) = 12.5 h; missed 0.5 h, so
//     on 12 h; off 00–07 and 20:30–24 = 10.5 h.
//   - NIGHT-01: in use 00–07 and 19–24 (12 h, on); off 07–19, of which
//     its window 08–18 = 10 h; missed 0.
//     on 10 + 12 + 12 + 12 = 46, missed 2.5, off 11 + 9 + 10.5 + 10 = 40.5.
//
// PC-0001's monitor: on 08–12 (in use 09–12) and 13–18 = 9 h; off in the
// window 00–07 and 20–24 = 11 h.
//
// Sat 15, desktops (window all day): PC-0002 asleep 24 h (its sleep row
// gives every hour); PC-0004's inventory ran at noon: off 00–12 = 12 h,
// hours 12–23 not reported (12 computer-hours counted in no state).
func TestConfigMgrPowerDailyGivesTheHoursByHand(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "configmgr-power-daily")
	c := (&Agent{Cfg: cfg, Log: quiet()}).Collect(context.Background())
	require.Len(t, c.Health, 1)
	h := c.Health[0]
	require.Empty(t, h.Error)
	require.Empty(t, h.Rejections)
	got := map[string]map[string]float64{}
	for _, a := range c.Activities {
		k := a.Start.String() + " " + a.Item
		if got[k] == nil {
			got[k] = map[string]float64{}
		}
		got[k][a.Attrs["state"]] += a.Quantity
	}
	assert.Equal(t, map[string]map[string]float64{
		"2025-03-14 desktop": {"on": 46, "off": 40.5, "sleep": 0, "missed": 2.5},
		"2025-03-14 monitor": {"on": 9, "off": 11, "sleep": 0, "missed": 0},
		"2025-03-15 desktop": {"on": 0, "off": 12, "sleep": 24, "missed": 0},
	}, got)
	assert.Equal(t, map[string]int{
		"rows repeated with the same minutes (counted once)":                  1,
		"rows replaced by a later file's (a later inventory of the same day)": 1,
		`rows of TypeOfEvent0 "type-other" (types: ignore)`:                   1,
	}, h.Ignored)
	assert.Equal(t, []string{
		"6 computer-days of 5 computers (1 with their monitor), 2025-03-14 to 2025-03-15, from 2 file(s)",
		"12 computer-hours not reported (an empty cell): counted in no state",
	}, h.Read)
}

// The sample block loads as printed and reads an export of the sample
// query, once its types: name the site's values.
func TestConfigMgrSampleBlockReadsTheQuerysExport(t *testing.T) {
	t.Parallel()
	cols := []string{"Name0", "Date0", "TypeOfEvent0"}
	for _, c := range strings.Fields("hr0_10 hr1_20 hr2_30 hr3_40 hr4_50 hr5_60 hr6_70 hr7_80 hr8_90 hr9_100 hr10_110 hr11_120 hr12_130 hr13_140 hr14_150 hr15_160 hr16_170 hr17_180 hr18_190 hr19_200 hr20_210 hr21_220 hr22_230 hr23_00") {
		cols = append(cols, c)
	}
	head := strings.Join(append(cols, "minutesTotal0"), ",") + "\n"
	// Mon 17 March 2025: on 08–18, nobody at it, monitor on with it.
	day := func(typ string) string {
		return "PC-0001,2025-03-17," + typ + ",0,0,0,0,0,0,0,0,60,60,60,60,60,60,60,60,60,60,0,0,0,0,0,0,600\n"
	}
	acts, h := trySample(t, sample(t, "configmgr"), map[string]string{"configmgr/power-daily.csv": head + day("on-value") + day("active-value") + day("monitor-value")},
		`"<the on type>"`, `"on-value"`, `"<the user-active type>"`, `"active-value"`, `"<the monitor-on type>"`, `"monitor-value"`)
	require.Empty(t, h.Error)
	require.Empty(t, h.Rejections)
	got := hours(acts)
	// desktop and monitor alike: on 10 h, off 20–24 = 4 h (the sample
	// site's window is weekdays 20:00–07:00: Monday 00–07 ends no
	// window, Sunday having none).
	assert.Equal(t, map[string]float64{"on": 20, "off": 8, "sleep": 0, "missed": 0}, got["2025-03-17"])
	assert.Contains(t, sample(t, "configmgr"), "FROM v_GS_POWER_MANAGEMENT_DAY d\n  #   JOIN v_R_System s ON s.ResourceID = d.ResourceID")
}
