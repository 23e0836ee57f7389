package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// kwhByDay is the kWh of a source's records by local day.
func kwhByDay(acts []footprint.Activity, id string) map[string]float64 {
	out := map[string]float64{}
	for _, a := range acts {
		if a.Source == id {
			out[a.Start.String()] += a.Quantity
		}
	}
	return out
}

// collectCase collects a testdata/collect case: every source must read
// cleanly.
func collectCase(t *testing.T, name string) Collected {
	t.Helper()
	c := (&Agent{Cfg: loadCase(t, name), Log: quiet()}).Collect(context.Background())
	require.True(t, c.OK(), "%+v", c.Health)
	return c
}

// A BMS trend log and a supplier's half-hourly file in Leeds
// (Europe/London), as they are exported: the daily kWh are the hand sums
// of each local day's intervals, across both clock changes of 2025.
func TestIntervalCSVDailyKWhAreTheLocalDaysSums(t *testing.T) {
	t.Parallel()
	c := collectCase(t, "interval-csv-dst")
	tests := []struct {
		source string
		want   map[string]float64
	}{
		// BMS, local times stamped at the start, 30 minutes declared.
		// 29 March: 48 half-hours × 0.25 kWh = 12 kWh. 30 March: 01:00
		// GMT → 02:00 BST, 23 h: 46 × 0.5 = 23 kWh (no 01:00 or 01:30 row).
		{"bms-spring", map[string]float64{"2025-03-29": 12, "2025-03-30": 23}},
		// The interval inferred (30 minutes). 25 October: 48 × 0.3 =
		// 14.4 kWh. 26 October: 02:00 BST → 01:00 GMT, 25 h: 01:00 and
		// 01:30 are written twice, 50 × 0.4 = 20 kWh.
		{"bms-autumn", map[string]float64{"2025-10-25": 14.4, "2025-10-26": 20}},
		// The supplier's start and end with their offsets: 48 × 0.2 =
		// 9.6 kWh, then 50 × 0.1 = 5 kWh.
		{"supplier-hh", map[string]float64{"2025-10-25": 9.6, "2025-10-26": 5}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, kwhByDay(c.Activities, tt.source), tt.source)
	}
}

// The interval sample as written, on a BMS export with a row given twice
// and a day with a gap: the duplicate is counted once and said, the day
// is refused with its count.
func TestIntervalSampleReadsABMSExport(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("Date/Time,Energy (kWh)\r\n")
	for h := 0; h < 96; h++ {
		at := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC).Add(time.Duration(h) * 30 * time.Minute) // written as local times
		if h == 60 {                                                                               // 7 January 06:00: missing
			continue
		}
		fmt.Fprintf(&b, "%s,1.5\r\n", at.Format("02/01/2006 15:04"))
		if h == 10 {
			fmt.Fprintf(&b, "%s,1.5\r\n", at.Format("02/01/2006 15:04"))
		}
	}
	acts, h := trySample(t, sample(t, "interval"), map[string]string{"exports/bms-main-incomer-2025-01.csv": b.String()})
	// The times are the site's local times (Europe/Paris). 6 January:
	// 48 half-hours × 1.5 kWh = 72 kWh, its 05:00 row given twice counted
	// once. 7 January misses 06:00: refused with its count.
	assert.Equal(t, map[string]float64{"2025-01-06": 72}, kwhByDay(acts, "main-incomer"))
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "day 2025-01-07", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, "23h30m of 24h read (1 interval(s) of 30m missing): not sent (gaps: reject")
	require.Len(t, h.Notes, 1)
	assert.Equal(t, "bms-main-incomer-2025-01.csv:13", h.Notes[0].Where)
	assert.Equal(t, "2025-01-06: 1 interval(s) given twice with the same value, counted once", h.Notes[0].Reason)
}

// A half-hourly export read every day as it grows (the csv source
// resumes from where the last run stopped): each run gives the records
// of a whole read, a day is sent once complete, and nothing is counted
// twice.
func TestAGrowingIntervalExportReadDailyCountsNothingTwice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	// 24 October 00:00 to 29 October 00:00 local, over the autumn change.
	var days [][]string
	for at := time.Date(2025, 10, 24, 0, 0, 0, 0, loc); at.Before(time.Date(2025, 10, 29, 0, 0, 0, 0, loc)); at = at.Add(30 * time.Minute) {
		l := at.In(loc)
		if len(days) == 0 || l.Hour() == 0 && l.Minute() == 0 {
			days = append(days, nil)
		}
		days[len(days)-1] = append(days[len(days)-1], fmt.Sprintf("%s,%d\n", l.Format("02/01/2006 15:04"), 1+l.Minute()/30))
	}
	require.Len(t, days, 5)
	require.Len(t, days[2], 50) // 26 October, 25 h
	site := strings.Replace(sampleSite, "sources:\n", "outbox:\n  dir: outbox\nsources:\n", 1)
	site = strings.Replace(site, "timezone: Europe/Paris", "timezone: Europe/London", 1)
	site += `  - id: hh
    type: csv
    collector: interval
    path: hh.csv
    time_format: DD/MM/YYYY HH:mm
    columns: {time: time, quantity: kwh}
    unit: kWh
    timestamp: start
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(site), 0o644))
	cfg, err := Load(filepath.Join(dir, "site.yaml"), false)
	require.NoError(t, err)
	daily, err := New(cfg, quiet())
	require.NoError(t, err)
	path := filepath.Join(dir, "hh.csv")
	// The export as the first run finds it: 24 October, and the first
	// 5 hours of the 25th; each day after, the rest of that day and the
	// first 5 hours of the next are appended.
	require.NoError(t, os.WriteFile(path, []byte("time,kwh\n"+strings.Join(days[0], "")+strings.Join(days[1][:10], "")), 0o644))
	for run := 1; run <= len(days); run++ {
		c := daily.Collect(context.Background())
		whole, err := New(cfg, quiet())
		require.NoError(t, err)
		whole.Cfg.Outbox.Dir = t.TempDir()
		assert.Equal(t, whole.Collect(context.Background()).Activities, c.Activities, "run %d", run)
		assert.Equal(t, run > 1, c.Health[0].Resumed, "run %d", run)
		require.True(t, c.OK(), "run %d: %+v", run, c.Health)
		// A day of 24 h: 48 half-hours alternately 1 and 2 kWh = 24 × 3
		// = 72 kWh; 26 October, 25 h: 25 × 3 = 75 kWh. Run n sends the n
		// days complete; the day being written is open.
		want := map[string]float64{}
		for i := 0; i < run; i++ {
			want[fmt.Sprintf("2025-10-%d", 24+i)] = map[bool]float64{true: 75, false: 72}[i == 2]
		}
		assert.Equal(t, want, kwhByDay(c.Activities, "hh"), "run %d", run)
		assert.Equal(t, run < len(days), len(c.Health[0].Notes) == 1, "run %d: the open day", run)
		if run == len(days) {
			break
		}
		more := strings.Join(days[run][10:], "")
		if run+1 < len(days) {
			more += strings.Join(days[run+1][:10], "")
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString(more)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
}
