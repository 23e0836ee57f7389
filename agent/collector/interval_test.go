package collector

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// meterRun is an interval source's outcome: kWh by local day, the
// records, the rejections and the notes.
type meterRun struct {
	kwh     map[string]float64
	acts    []footprint.Activity
	rejects []source.Rejection
	notes   []source.Rejection
}

// runMeter collects rows (CSV with a header) with the interval collector
// o in zone, the block's time_format timeFormat.
func runMeter(t *testing.T, zone, timeFormat string, o intervalCollector, cols map[string]string, csv string) meterRun {
	t.Helper()
	env := testEnv("csv", "interval", cols)
	env.ID, env.Common.TimeFormat = "meter", timeFormat
	env.Common.Defaults()
	env.Site = declaration.Site{ID: "x", Timezone: zone}
	o.Defaults(&env.Common)
	var bad []string
	o.Check(env, func(field, value, format string, args ...any) {
		bad = append(bad, field+": "+fmt.Sprintf(format, args...))
	})
	require.Empty(t, bad)
	tab, err := source.Parse([]byte(csv), "meter.csv", ",", "", env.Common.Columns.Mapped())
	require.NoError(t, err)
	col := o.New(env)
	for _, r := range tab.Rows {
		col.Add(r)
	}
	acts, rej, err := col.Result()
	require.NoError(t, err)
	run := meterRun{kwh: map[string]float64{}, acts: acts, rejects: rej, notes: col.(Noter).Notes()}
	for _, a := range acts {
		run.kwh[a.Start.String()] += a.Quantity
		assert.Equal(t, a.Start.AddDays(1), a.End)
		assert.Equal(t, footprint.UnitKWh, a.Unit)
	}
	return run
}

// series writes a CSV of readings every step from the local time from
// (in zone), n of them, each value(i): the instants are real (UTC step),
// the times written in the site's local clock.
func series(t *testing.T, zone, layout, from string, step time.Duration, n int, value func(i int) string) string {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	start, err := time.ParseInLocation("2006-01-02 15:04", from, loc)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("time,value\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s,%s\n", start.Add(time.Duration(i)*step).In(loc).Format(layout), value(i))
	}
	return b.String()
}

func constant(v string) func(int) string { return func(int) string { return v } }

var timeValue = map[string]string{"time": "time", "quantity": "value"}

// A supplier's half-hourly kWh in Europe/London, stamped at each
// interval's start in local time without an offset, over the two clock
// changes of 2025: the daily kWh are the hand sums of the intervals of
// each local day.
func TestHalfHourlyKWhMakeLocalDaysAcrossTheClockChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stamp string
		from  string // local
		n     int
		want  map[string]float64
	}{
		// 29 March: 48 half-hours × 0.25 kWh = 12 kWh. 30 March: the
		// clocks go 01:00 GMT → 02:00 BST, 23 h = 46 half-hours × 0.25 =
		// 11.5 kWh. 29 and 30 March: 48 + 46 = 94 readings.
		{"spring", "start", "2025-03-29 00:00", 94, map[string]float64{"2025-03-29": 12, "2025-03-30": 11.5}},
		// 26 October: 02:00 BST → 01:00 GMT, 25 h = 50 half-hours (01:00
		// and 01:30 written twice) × 0.25 = 12.5 kWh; 25 October 12 kWh.
		{"autumn", "start", "2025-10-25 00:00", 98, map[string]float64{"2025-10-25": 12, "2025-10-26": 12.5}},
		// The same stamped at the end: 00:30 on the 25th to 00:00 on the
		// 27th; on the 26th 01:00 and 01:30 are written twice (01:00 BST,
		// 01:30 BST, then 01:00 GMT, 01:30 GMT, 02:00 GMT).
		{"autumn, stamped at the end", "end", "2025-10-25 00:30", 98, map[string]float64{"2025-10-25": 12, "2025-10-26": 12.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			csv := series(t, "Europe/London", "02/01/2006 15:04", tt.from, 30*time.Minute, tt.n, constant("0.25"))
			o := intervalCollector{Unit: "kWh", Timestamp: tt.stamp, Interval: 30 * time.Minute}
			run := runMeter(t, "Europe/London", "DD/MM/YYYY HH:mm", o, timeValue, csv)
			assert.Empty(t, run.rejects)
			assert.Empty(t, run.notes)
			assert.Equal(t, tt.want, run.kwh)
		})
	}
}

// The same days from an Enedis-like curve: average watts, stamped at the
// interval's end with the offset, the interval inferred.
func TestAveragePowerStampedAtTheEndWithOffsets(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "W", Timestamp: "end"}
	// Europe/Paris, 30 March 2025 (23 h): the first interval ends at
	// 00:30+01:00, the last at 00:00+02:00 on the 31st: 46 intervals of
	// 2000 W × 0.5 h = 1000 Wh each: 46 kWh.
	csv := series(t, "Europe/Paris", time.RFC3339, "2025-03-30 00:30", 30*time.Minute, 46, constant("2000"))
	run := runMeter(t, "Europe/Paris", "", o, timeValue, csv)
	assert.Empty(t, run.rejects)
	assert.Equal(t, map[string]float64{"2025-03-30": 46}, run.kwh)
	// 26 October 2025 (25 h): 50 intervals of 1200 W × 0.5 h = 600 Wh:
	// 30 kWh.
	csv = series(t, "Europe/Paris", time.RFC3339, "2025-10-26 00:30", 30*time.Minute, 50, constant("1200"))
	run = runMeter(t, "Europe/Paris", "", o, timeValue, csv)
	assert.Empty(t, run.rejects)
	assert.Equal(t, map[string]float64{"2025-10-26": 30}, run.kwh)
}

// An interval across midnight is shared between its days by time.
func TestAnIntervalAcrossMidnightIsSplitByTime(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "kWh"}
	cols := map[string]string{"start": "from", "end": "to", "quantity": "kwh"}
	csv := "from,to,kwh\n" +
		"2025-06-01 00:00:00,2025-06-01 22:30:00,45\n" + // 22.5 h, all on 1 June
		"2025-06-01 22:30:00,2025-06-02 01:30:00,6\n" + // 3 h: 1.5 h on each day, 6 × 1.5/3 = 3 kWh each
		"2025-06-02 01:30:00,2025-06-03 00:00:00,22.5\n" // 22.5 h, all on 2 June
	run := runMeter(t, "Asia/Manila", "", o, cols, csv)
	assert.Empty(t, run.rejects)
	// 1 June: 45 + 3 = 48 kWh; 2 June: 3 + 22.5 = 25.5 kWh.
	assert.Equal(t, map[string]float64{"2025-06-01": 48, "2025-06-02": 25.5}, run.kwh)
}

// kW stamped at the start, the 15-minute interval inferred from the most
// common step: 3 kW over 15 min = 0.75 kWh.
func TestTheIntervalIsInferredFromTheMostCommonStep(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "kW", Timestamp: "start", Gaps: "estimate"}
	csv := series(t, "UTC", "2006-01-02 15:04:05", "2025-01-01 00:00", 15*time.Minute, 96, constant("3"))
	// Take out 02:00 and 02:15: a 30-minute step once, 15 minutes 93 times.
	csv = strings.Replace(csv, "2025-01-01 02:00:00,3\n2025-01-01 02:15:00,3\n", "", 1)
	run := runMeter(t, "UTC", "", o, timeValue, csv)
	assert.Empty(t, run.rejects)
	// 94 intervals × 0.75 kWh = 70.5 kWh read over 23.5 h; filled at that
	// average: 70.5 × 24 / 23.5 = 72 kWh, estimated.
	require.Len(t, run.acts, 1)
	assert.Equal(t, 72.0, run.acts[0].Quantity)
	assert.Equal(t, footprint.QualityEstimated, run.acts[0].Quality)
	require.Len(t, run.notes, 1)
	assert.Contains(t, run.notes[0].Reason, "23h30m of 24h read (2 interval(s) of 15m missing): sent as estimated, 70.500 kWh read + 1.500 kWh filled")
}

// A day with intervals missing is never sent short: rejected with the
// count (gaps: reject), or filled and estimated (gaps: estimate) unless it
// misses more than max_missing; a day without any reading is rejected.
func TestADayWithIntervalsMissingIsRejectedOrEstimated(t *testing.T) {
	t.Parallel()
	// Hourly Wh on 1 to 4 March 2025 (UTC): 1000 Wh an hour; 2 March
	// misses 3 hours, 3 March has none; 4 March is complete.
	var b strings.Builder
	b.WriteString("time,value\n")
	for h := 0; h < 96; h++ {
		at := time.Date(2025, 3, 1, h, 0, 0, 0, time.UTC)
		if at.Day() == 3 || at.Day() == 2 && at.Hour() >= 10 && at.Hour() < 13 {
			continue
		}
		fmt.Fprintf(&b, "%s,1000\n", at.Format("2006-01-02 15:04:05"))
	}
	tests := []struct {
		name   string
		o      intervalCollector
		want   map[string]float64
		reject []string
	}{
		{"gaps reject", intervalCollector{Unit: "Wh", Timestamp: "start"},
			map[string]float64{"2025-03-01": 24, "2025-03-04": 24},
			[]string{"day 2025-03-02: 21h of 24h read (3 interval(s) of 1h missing): not sent", "day 2025-03-03: no reading for the whole day (24 interval(s) of 1h missing): not sent"}},
		// 2 March: 21 × 1 kWh read, filled to 24 h: 21 × 24/21 = 24 kWh.
		{"gaps estimate", intervalCollector{Unit: "Wh", Timestamp: "start", Gaps: "estimate"},
			map[string]float64{"2025-03-01": 24, "2025-03-02": 24, "2025-03-04": 24},
			[]string{"day 2025-03-03: no reading for the whole day"}},
		{"more missing than max_missing", intervalCollector{Unit: "Wh", Timestamp: "start", Gaps: "estimate", MaxMissing: 2 * time.Hour},
			map[string]float64{"2025-03-01": 24, "2025-03-04": 24},
			[]string{"day 2025-03-02: 21h of 24h read (3 interval(s) of 1h missing): more than max_missing 2h, not sent", "day 2025-03-03: no reading"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run := runMeter(t, "UTC", "", tt.o, timeValue, b.String())
			assert.Equal(t, tt.want, run.kwh)
			require.Len(t, run.rejects, len(tt.reject))
			for i, r := range tt.reject {
				assert.Contains(t, run.rejects[i].Where+": "+run.rejects[i].Reason, r)
			}
		})
	}
}

// Days without any reading between two that have some are one rejection
// for the run of them; a reading outside 1990–2100 is refused.
func TestDaysWithoutAnyReadingAreOneRejection(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "kWh", Timestamp: "start", Interval: 12 * time.Hour}
	csv := "time,value\n2025-03-01 00:00:00,1\n2025-03-01 12:00:00,1\n2025-03-12 00:00:00,1\n2025-03-12 12:00:00,1\n2205-03-12 12:00:00,1\n"
	run := runMeter(t, "UTC", "", o, timeValue, csv)
	assert.Equal(t, map[string]float64{"2025-03-01": 2, "2025-03-12": 2}, run.kwh)
	require.Len(t, run.rejects, 2)
	assert.Equal(t, source.Rejection{Where: "meter.csv:6", Reason: `time: "2205-03-12 12:00:00": in 2205: greenhelp keeps records from 1990 to 2100`}, run.rejects[0])
	// 2 to 11 March: 10 days × 2 intervals of 12 h = 20 missing.
	assert.Equal(t, source.Rejection{Where: "day 2025-03-02", Reason: "2025-03-02 to 2025-03-11: no reading for 10 day(s) (20 interval(s) of 12h missing): not sent"}, run.rejects[1])
}

// An interval given twice with the same value is counted once and said;
// with another value, or overlapping another, it is rejected and the
// first kept; an empty value is a gap.
func TestDuplicatedIntervalsAreCountedOnce(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "kWh", Timestamp: "end", Interval: 6 * time.Hour, Gaps: "estimate"}
	csv := "time,value\n" +
		"2025-05-01 06:00:00,1\n2025-05-01 12:00:00,2\n2025-05-01 18:00:00,3\n2025-05-02 00:00:00,4\n" +
		"2025-05-01 12:00:00,2\n" + // the same again: counted once
		"2025-05-02 06:00:00,5\n2025-05-02 12:00:00,6\n2025-05-02 18:00:00,7\n2025-05-03 00:00:00,8\n" +
		"2025-05-02 12:00:00,60\n" + // another value: rejected, 6 kept
		"2025-05-03 06:00:00,\n2025-05-03 12:00:00,9\n2025-05-03 18:00:00,9\n2025-05-04 00:00:00,9\n" // 00:00–06:00 empty: a gap
	run := runMeter(t, "UTC", "", o, timeValue, csv)
	// 1 May: 1+2+3+4 = 10; 2 May: 5+6+7+8 = 26; 3 May: 9 × 3 = 27 read
	// over 18 h, filled: 27 × 24/18 = 36, estimated.
	assert.Equal(t, map[string]float64{"2025-05-01": 10, "2025-05-02": 26, "2025-05-03": 36}, run.kwh)
	require.Len(t, run.rejects, 1)
	assert.Equal(t, "meter.csv:11", run.rejects[0].Where)
	assert.Contains(t, run.rejects[0].Reason, "given again with 60000 Wh, where it had 6000 Wh: the first kept")
	require.Len(t, run.notes, 2)
	assert.Equal(t, source.Rejection{Where: "meter.csv:6", Reason: "2025-05-01: 1 interval(s) given twice with the same value, counted once"}, run.notes[0])
	assert.Contains(t, run.notes[1].Reason, "18h of 24h read (1 interval(s) of 6h missing): sent as estimated")

	overlap := "time,value\n2025-05-01 06:00:00,1\n2025-05-01 09:00:00,1\n"
	run = runMeter(t, "UTC", "", o, timeValue, overlap)
	require.Len(t, run.rejects, 1)
	assert.Contains(t, run.rejects[0].Reason, "overlaps 2025-05-01T00:00:00+00:00–06:00+00:00 read before")
}

// The last day of a growing export is not judged while it may still
// grow: nothing sent, a note says how far it was read.
func TestTheLastDayStaysOpenUntilComplete(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "Wh", Timestamp: "start", Interval: time.Hour}
	csv := series(t, "UTC", "2006-01-02 15:04:05", "2025-03-01 00:00", time.Hour, 30, constant("500"))
	run := runMeter(t, "UTC", "", o, timeValue, csv)
	// 1 March: 24 × 500 Wh = 12 kWh; 2 March: 6 of 24 hours so far.
	assert.Equal(t, map[string]float64{"2025-03-01": 12}, run.kwh)
	assert.Empty(t, run.rejects)
	require.Len(t, run.notes, 1)
	assert.Equal(t, "day 2025-03-02", run.notes[0].Where)
	assert.Contains(t, run.notes[0].Reason, "read up to 2025-03-02T06:00:00+00:00 (6h of 24h, 18 interval(s) of 1h so far missing)")
}

// Local times the clocks skip are refused; the ones they show twice are
// read in the file's order.
func TestALocalTimeTheClocksSkipIsRefused(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "kWh", Timestamp: "start", Interval: 30 * time.Minute}
	csv := "time,value\n30/03/2025 00:30,1\n30/03/2025 01:00,1\n"
	run := runMeter(t, "Europe/London", "DD/MM/YYYY HH:mm", o, timeValue, csv)
	require.Len(t, run.rejects, 1)
	assert.Equal(t, "meter.csv:3", run.rejects[0].Where)
	assert.Contains(t, run.rejects[0].Reason, `time: "30/03/2025 01:00": 2025-03-30 01:00 does not exist in Europe/London: the clocks skip it`)
}

// A cumulative index, read each local midnight: a day's kWh is the
// difference of its two readings, 23 and 25-hour days alike; a missing
// reading leaves a span whose days are gaps; an index going down is
// refused.
func TestADailyIndexGivesTheDifferenceOfConsecutiveReadings(t *testing.T) {
	t.Parallel()
	o := intervalCollector{Unit: "Wh", Reading: "index", Gaps: "estimate"}
	csv := "time,value\n" +
		"2025-03-29T00:00:00+01:00,1000000\n" +
		"2025-03-30T00:00:00+01:00,1012000\n" + // 29 March: 1 012 000 − 1 000 000 = 12 000 Wh
		"2025-03-31T00:00:00+02:00,1023500\n" + // 30 March (23 h): 11 500 Wh
		"2025-04-01T00:00:00+02:00,1036000\n" + // 31 March: 12 500 Wh
		// 2 April missing: 1 and 2 April share 1 060 000 − 1 036 000 =
		// 24 000 Wh by time, 12 000 Wh each, estimated.
		"2025-04-03T00:00:00+02:00,1060000\n"
	run := runMeter(t, "Europe/Paris", "", o, timeValue, csv)
	assert.Empty(t, run.rejects)
	assert.Equal(t, map[string]float64{"2025-03-29": 12, "2025-03-30": 11.5, "2025-03-31": 12.5, "2025-04-01": 12, "2025-04-02": 12}, run.kwh)
	for _, a := range run.acts {
		want := footprint.QualityMeasured
		if a.Start.String() >= "2025-04-01" {
			want = footprint.QualityEstimated
		}
		assert.Equal(t, want, a.Quality, a.Start)
	}
	require.Len(t, run.notes, 2)
	assert.Contains(t, run.notes[0].Reason, "24h only from an index's span over a missing reading")

	down := "time,value\n2025-03-29T00:00:00+01:00,1000\n2025-03-30T00:00:00+01:00,900\n"
	run = runMeter(t, "Europe/Paris", "", intervalCollector{Unit: "kWh", Reading: "index"}, timeValue, down)
	require.Len(t, run.rejects, 1)
	assert.Contains(t, run.rejects[0].Reason, "index 900000 Wh at 2025-03-30T00:00:00+01:00, down from 1000000 Wh")
}

// A daily run that resumes an export after the rows appended since gives
// the records, rejections and notes of a whole read, wherever the export
// was cut.
func TestResumingGivesTheRecordsOfAWholeRead(t *testing.T) {
	t.Parallel()
	// 100 hours of half-hours over the autumn change (01:00 and 01:30
	// written twice on 26 October: rows 55 to 58), a row given twice.
	csv := series(t, "Europe/London", "02/01/2006 15:04", "2025-10-24 22:00", 30*time.Minute, 200, func(i int) string { return fmt.Sprint(i%7 + 1) })
	lines := strings.SplitAfter(csv, "\n")
	lines = append(lines[:40], append([]string{lines[30]}, lines[40:]...)...) // a duplicate
	csv = strings.Join(lines, "")
	o := intervalCollector{Unit: "kWh", Timestamp: "start", Gaps: "estimate"}
	env := testEnv("csv", "interval", timeValue)
	env.ID, env.Common.TimeFormat = "meter", "DD/MM/YYYY HH:mm"
	env.Common.Defaults()
	env.Site = declaration.Site{ID: "x", Timezone: "Europe/London"}
	o.Defaults(&env.Common)
	tab, err := source.Parse([]byte(csv), "meter.csv", ",", "", env.Common.Columns.Mapped())
	require.NoError(t, err)
	whole := o.New(env)
	for _, r := range tab.Rows {
		whole.Add(r)
	}
	wantActs, wantRej, _ := whole.Result()
	wantNotes := whole.(Noter).Notes()
	require.NotEmpty(t, wantActs)
	for _, cut := range []int{1, 2, 3, 47, 54, 55, 56, 57, 58, 60, 61, 100, 150, len(tab.Rows) - 1} {
		first := o.New(env)
		for _, r := range tab.Rows[:cut] {
			first.Add(r)
		}
		saved, err := first.Save()
		require.NoError(t, err, cut)
		next := o.New(env)
		require.NoError(t, next.Restore(saved), cut)
		for _, r := range tab.Rows[cut:] {
			next.Add(r)
		}
		acts, rej, _ := next.Result()
		assert.Equal(t, wantActs, acts, "cut at row %d", cut)
		assert.Equal(t, wantRej, rej, "cut at row %d", cut)
		assert.Equal(t, wantNotes, next.(Noter).Notes(), "cut at row %d", cut)
	}
}

func TestIntervalCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    intervalCollector
		cols map[string]string
		want []string
	}{
		{"nothing", intervalCollector{}, nil, []string{"columns.start", "columns.quantity", "unit"}},
		{"a time without its end", intervalCollector{Unit: "kWh"}, timeValue, []string{"timestamp"}},
		{"power as an index", intervalCollector{Unit: "W", Reading: "index"}, timeValue, []string{"unit"}},
		{"bad keys", intervalCollector{Unit: "kVA", Timestamp: "middle", Interval: 26 * time.Hour, Gaps: "ignore", MaxMissing: time.Hour, Item: "diesel", Kind: "fuel"},
			timeValue, []string{"unit", "timestamp", "interval", "gaps", "max_missing", "item"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			o := tt.o
			o.Defaults(nil)
			o.Check(testEnv("csv", "interval", tt.cols), func(field, _, _ string, _ ...any) { got = append(got, field) })
			assert.Equal(t, tt.want, got)
		})
	}
	// A source that gives its own fields needs no columns, and takes none.
	var got []string
	env := testEnv("greenbutton", "interval", nil)
	env.Gives = []string{"start", "end", "quantity", "unit"}
	o := intervalCollector{}
	o.Defaults(nil)
	o.Check(env, func(field, _, _ string, _ ...any) { got = append(got, field) })
	assert.Empty(t, got)
	env.Common.Columns.Quantity = "kWh"
	o.Check(env, func(field, _, _ string, _ ...any) { got = append(got, field) })
	assert.Equal(t, []string{"columns.quantity"}, got)
}
