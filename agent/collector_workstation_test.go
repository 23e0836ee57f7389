package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// The workstation sample on a power log: one PC left on over a weekday
// night of the 20:00–07:00 window (Paris time), another shut down at
// 20:30: the window's device-hours split on (missed) and off.
func TestWorkstationSampleSplitsTheWindowsHours(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "workstation"), map[string]string{"exports/pc-power-log.csv": "hostname,timestamp,event,user\n" +
		"pc-1,2024-03-05 08:00:00,startup,alice\npc-2,2024-03-05 08:10:00,startup,bob\n" +
		"pc-2,2024-03-05 20:30:00,shutdown,bob\npc-1,2024-03-06 08:00:00,shutdown,alice\n"})
	require.Empty(t, h.Error)
	require.Empty(t, h.Rejections)
	hours := map[string]float64{}
	for _, a := range acts {
		require.Equal(t, footprint.KindWorkstation, a.Kind)
		assert.NotContains(t, a.Attrs, "user")
		if a.Start == footprint.NewDate(2024, 3, 5) {
			hours[a.Attrs["state"]] += a.Quantity
		}
	}
	// A day holds the window hours of its calendar day, 00:00–07:00 and
	// 20:00–24:00 (11 h a PC); before its first event a PC counts as in
	// the state before it (off before a startup). pc-1: off 7 h, on from
	// 20:00 (missed 4 h); pc-2: off 7 h, missed 20:00–20:30, off 3.5 h.
	assert.InDelta(t, 4.5, hours["missed"], 1e-9)
	assert.InDelta(t, 17.5, hours["off"], 1e-9)
}

// A tool's daily report of device-hours by state, as the sample's
// comment shows.
func TestWorkstationReportReadsDeviceHours(t *testing.T) {
	t.Parallel()
	block := `  - id: pm-report
    type: csv
    collector: workstation
    path: report.csv
    columns: {date: day, class: class, state: state, hours: device_hours}
`
	acts, h := trySample(t, block, map[string]string{"report.csv": "day,class,state,device_hours\n2024-03-05,desktop,off,900\n2024-03-05,desktop,missed,210\n"})
	require.Empty(t, h.Error)
	got := map[string]float64{}
	for _, a := range acts {
		assert.Equal(t, "site", a.Attrs["location"])
		got[a.Item+" "+a.Attrs["state"]] = a.Quantity
	}
	assert.Equal(t, map[string]float64{"desktop off": 900, "desktop missed": 210}, got)
}

// A log with its own event names: Logon mapped to on, Logoff ignored
// (the PC stays as it was), an unmapped Lock rejected saying how to map
// it.
func TestWorkstationEventNamesAreConfigurable(t *testing.T) {
	t.Parallel()
	log := "hostname,timestamp,event\n" +
		"pc-1,2024-03-05 06:00:00,Logon\npc-1,2024-03-05 19:00:00,Logoff\npc-1,2024-03-05 19:30:00,Teleport\npc-1,2024-03-05 22:00:00,shutdown\n"
	acts, h := trySample(t, sample(t, "workstation"), map[string]string{"exports/pc-power-log.csv": log})
	require.Empty(t, h.Error)
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "pc-power-log.csv:4", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, `map it under the source's events: (e.g. events: {teleport: on})`)
	hours := map[string]float64{}
	for _, a := range acts {
		if a.Start == footprint.NewDate(2024, 3, 5) {
			hours[a.Attrs["state"]] += a.Quantity
		}
	}
	// Window hours of 5 March: 00:00–07:00 (off until the 06:00 logon,
	// then in use: 6 h off, 06–07 not a window hour) and 20:00–24:00 (on
	// after the 19:00 logoff until 22:00: 2 h missed, then off 2 h).
	assert.InDelta(t, 2, hours["missed"], 1e-9)
	assert.InDelta(t, 8, hours["off"], 1e-9)
	// (A mapping to an unknown state: collector.TestWorkstationEventNamesMustMapToAState.)
}
