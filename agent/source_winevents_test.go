package agent

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Windows System log of PCs, read with no column mapped, gives the
// device-hours of every local day by state. Every case's site has the
// windows weekdays 20:00–07:00 and weekends all day (Europe/Paris), so a
// weekday holds 11 window hours (00–07 and 20–24), a weekend day 24, and
// one desktop; "on" is outside the windows, "missed" on inside them, off
// and sleep inside them only.
func TestWindowsEventLogsGiveTheHoursByHand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		want    map[string]map[string]float64
		ignored map[string]int
	}{
		// PowerShell 5.1's Export-Csv, en-US, newest first. Thu 13 March:
		// booted 08:01:12 (Kernel-General 12; EventLog 6005 changes
		// nothing), powered off 21:30:05 (User32 1074; 6006 and
		// Kernel-General 13 after it change nothing): on 08:01:12–20:00
		// = 11:58:48 = 11.98 h, missed 20:00–21:30:05 = 1.501389 h, off
		// 00–07 and 21:30:05–24 = 11 − 1.501389 = 9.498611 h.
		// Fri 14: booted 07:45:00, asleep at 20:02:11 (Kernel-Power 42):
		// off 00–07 (7 h), on 07:45–20:00 = 12.25 h, missed 20:00–20:02:11
		// = 131 s = 0.036389 h, asleep 20:02:11–24:00 = 14,269 s =
		// 3.963611 h (Power-Troubleshooter's SleepTime 20:02:13.5 finds it
		// asleep already: no change).
		// Sat 15 and Sun 16: asleep all day (24 h each) — the weekend's
		// hours counted as sleep, drawn at the sleep power.
		// Mon 17: awake at Power-Troubleshooter's WakeTime 06:58:02.6
		// (05:58:02.6 UTC; Kernel-Power 107 follows at 06:58:03): asleep
		// 00–06:58:02.6 = 25,082.6 s = 6.967389 h, missed 06:58:02.6–07:00
		// = 117.4 s = 0.032611 h; the log ends at 10:15 with the PC on, so
		// it stays on to the end of its last day (the next day's export
		// corrects that day): on 07–20 = 13 h, missed 20–24 = 4 h, total
		// missed 4.032611 h, off 11 − 6.967389 − 4.032611 = 0.
		// Kernel-General 1 (the time changed) twice, Kernel-Power 566 and
		// Service Control Manager 7036 are not power events: counted.
		{"winevents-ps51-en-us", map[string]map[string]float64{
			"2025-03-13": {"on": 11.98, "off": 9.498611, "sleep": 0, "missed": 1.501389},
			"2025-03-14": {"on": 12.25, "off": 7, "sleep": 3.963611, "missed": 0.036389},
			"2025-03-15": {"on": 0, "off": 0, "sleep": 24, "missed": 0},
			"2025-03-16": {"on": 0, "off": 0, "sleep": 24, "missed": 0},
			"2025-03-17": {"on": 13, "off": 0, "sleep": 6.967389, "missed": 4.032611},
		}, map[string]int{"Kernel-General 1": 2, "Kernel-Power 566": 1, "Service Control Manager 7036": 1}},
		// Export-Csv -Encoding UTF8 on a French Windows (14/03/2025
		// 20:02:11). PC-0107 boots Mon 10 March 08:00, restarts at 18:00
		// (User32 1074) and comes back at 18:01 as ACC-0107 (EventLog
		// 6011: renamed): one machine, off 18:00–18:01. Off again 22:00.
		// Mon: off 00–07 (7 h) and 22–24 (2 h) = 9 h; missed 20–22 = 2 h;
		// on 08–18 and 18:01–20 = 10 h + 1:59 = 11.983333 h.
		// Tue 11: booted 07:50; it stopped uncleanly — at the next boot
		// (Wed 08:05, Kernel-Power 41) EventLog 6008 says the stop was at
		// 21:15:40 on 11/03/2025: off from then. Off 00–07 and
		// 21:15:40–24 = 7 + 2.738889 = 9.738889 h; missed 20–21:15:40 =
		// 1.261111 h; on 07:50–20:00 = 12.166667 h.
		// Wed 12: off 00–07, booted 08:05, the log ends on: on 08:05–20:00
		// = 11.916667 h, missed 20–24 = 4 h, off 7 h.
		{"winevents-fr-fr-rename-unclean", map[string]map[string]float64{
			"2025-03-10": {"on": 11.983333, "off": 9, "sleep": 0, "missed": 2},
			"2025-03-11": {"on": 12.166667, "off": 9.738889, "sleep": 0, "missed": 1.261111},
			"2025-03-12": {"on": 11.916667, "off": 7, "sleep": 0, "missed": 4},
		}, map[string]int{"Kernel-General 1": 2}},
		// wevtutil's Event XML (UTC). Booted Fri 28 March 08:00:00.5
		// (07:00:00.5 UTC): on 08:00:00.5–20:00 = 12 h − 0.5 s =
		// 11.999861 h, missed 20–24 = 4 h, off 00–07 = 7 h.
		// Sat 29: left on, missed 24 h.
		// Sun 30, the clocks go forward at 02:00: a 23-hour day. Asleep
		// at 01:30 CET (00:30 UTC, Kernel-Power 42, TargetState 4 = S3):
		// missed 00:00–01:30 = 1.5 h, asleep 01:30 CET–24:00 CEST = 00:30–
		// 22:00 UTC = 21.5 h.
		// Mon 31: awake at 07:30 CEST (Power-Troubleshooter's WakeTime
		// 05:30:00 UTC): asleep 00–07 = 7 h, on 07:30–18:00 = 10.5 h
		// (07:00–07:30 is outside the window: counted neither asleep nor
		// on), powered off at 18:00 (User32 1074): off 20–24 = 4 h.
		// Kernel-General 1 and Eventlog 104 (its data in UserData) are
		// counted.
		{"winevents-xml-dst", map[string]map[string]float64{
			"2025-03-28": {"on": 11.999861, "off": 7, "sleep": 0, "missed": 4},
			"2025-03-29": {"on": 0, "off": 0, "sleep": 0, "missed": 24},
			"2025-03-30": {"on": 0, "off": 0, "sleep": 21.5, "missed": 1.5},
			"2025-03-31": {"on": 10.5, "off": 4, "sleep": 7, "missed": 0},
		}, map[string]int{"Kernel-General 1": 1, "Eventlog 104": 1}},
		// The same events in an .evtx file: the same hours.
		{"winevents-evtx-dst", map[string]map[string]float64{
			"2025-03-28": {"on": 11.999861, "off": 7, "sleep": 0, "missed": 4},
			"2025-03-29": {"on": 0, "off": 0, "sleep": 0, "missed": 24},
			"2025-03-30": {"on": 0, "off": 0, "sleep": 21.5, "missed": 1.5},
			"2025-03-31": {"on": 10.5, "off": 4, "sleep": 7, "missed": 0},
		}, map[string]int{"Kernel-General 1": 1, "Eventlog 104": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := loadCase(t, tt.name)
			c := (&Agent{Cfg: cfg, Log: quiet()}).Collect(context.Background())
			require.Len(t, c.Health, 1)
			h := c.Health[0]
			require.Empty(t, h.Error)
			require.Empty(t, h.Rejections)
			got := hours(c.Activities)
			require.Len(t, got, len(tt.want))
			for day, states := range tt.want {
				for state, want := range states {
					assert.InDelta(t, want, got[day][state], 1e-6, "%s %s", day, state)
				}
			}
			assert.Equal(t, tt.ignored, h.Ignored)
		})
	}
}

// The sample block loads as written (its path and culture adapted) and
// reads a PowerShell 5.1 export with no column mapped.
func TestWinEventsSampleReadsAnExport(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "collect", "winevents-ps51-en-us", "System.csv"))
	require.NoError(t, err)
	block := sample(t, "winevents")
	assert.Contains(t, block, "Get-WinEvent", "the sample shows how to export the log")
	assert.Contains(t, block, "Collect-PowerEvents.ps1", "the sample names the collection script")
	acts, h := trySample(t, block, map[string]string{"power-events/PC-0042.csv": string(raw)})
	require.Empty(t, h.Error)
	require.Empty(t, h.Rejections)
	assert.Len(t, acts, 5*4, "5 days × 4 states of one class")
	assert.Equal(t, 4, h.IgnoredTotal())
}

// A culture that does not read the file stops the source on its first
// rows, naming the row, the value and the layout expected — and the
// culture that would read it.
func TestWinEventsWrongCultureSaysWhichRowAndLayout(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "collect", "winevents-fr-fr-rename-unclean", "System.csv"))
	require.NoError(t, err)
	_, h := trySample(t, sample(t, "winevents"), map[string]string{"power-events/PC-0107.csv": string(raw)}) // the sample says en-US
	// Line 3 is the first event (after the #TYPE line and the header).
	assert.Equal(t, `PC-0107.csv:3: TimeCreated: "12/03/2025 12:00:00": not en-US's M/D/YYYY h:mm:ss tt (e.g. 3/14/2025 8:02:11 PM) — it reads as en-GB or fr-FR or invariant`, h.Error)
}
