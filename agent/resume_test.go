package agent

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

const resumeSite = `site:
  id: fr-res
  name: Resume
  country: FR
  timezone: Europe/Paris
  seats: 40
  fte: 40
  workstations:
    - {class: desktop, count: 40, watts_on: 60, watts_off: 1, watts_sleep: 3}
  power_off:
    windows:
      - {days: [mon, tue, wed, thu, fri], from: "20:00", to: "07:00"}
      - {days: [sat, sun], all_day: true}
central:
  url: http://127.0.0.1:9
  token: tok
outbox:
  dir: %s
sources:
  - id: power
    type: csv
    collector: workstation
    path: logs/power-*.csv
    class: desktop
    columns: {device: device, time: time, event: event}
  - id: presence
    type: csv
    collector: telework
    path: presence.csv
    columns: {date: date, remote: remote, onsite: onsite}
`

// resumeAgent is an agent on dir's site.yaml with its own outbox (its
// own resume state): a fresh one reads every file whole.
func resumeAgent(t *testing.T, dir, outbox string) *Agent {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(fmt.Sprintf(resumeSite, outbox)), 0o644))
	cfg, err := Load(filepath.Join(dir, "site.yaml"), false)
	require.NoError(t, err)
	a, err := New(cfg, quiet())
	require.NoError(t, err)
	return a
}

func health(c Collected, id string) SourceHealth {
	for _, h := range c.Health {
		if h.ID == id {
			return h
		}
	}
	return SourceHealth{}
}

// The daily run reads what was appended since the last run and gives the
// records a whole read of the same files gives — across a line being
// written at the time of a run, a new rotated file, and rows adding to a
// key counted before; a change anywhere in what was read before, a
// truncation or a rotation reads whole again.
func TestADailyRunReadsOnlyWhatWasAppended(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "logs"), 0o755))
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	var lines []string
	for _, r := range powerLogRows(11, 40, 12, loc) {
		lines = append(lines, fmt.Sprintf("%s,%s,%s\n", r.Get("device"), r.Get("time"), r.Get("event")))
	}
	// Day boundaries of the log: a run after each day.
	var cuts []int
	for i := 1; i < len(lines); i++ {
		if lines[i][6:16] != lines[i-1][6:16] {
			cuts = append(cuts, i)
		}
	}
	require.Greater(t, len(cuts), 8)
	logA := filepath.Join(dir, "logs", "power-1.csv")
	logB := filepath.Join(dir, "logs", "power-2.csv")
	presence := filepath.Join(dir, "presence.csv")
	write := func(path, text string) { require.NoError(t, os.WriteFile(path, []byte(text), 0o644)) }
	appendTo := func(path, text string) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString(text)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	header := "device,time,event\n"
	write(logA, header+strings.Join(lines[:cuts[0]], ""))
	write(presence, "date,remote,onsite\n2024-03-20,10,30\n2024-03-21,12,28\n")

	daily := resumeAgent(t, dir, filepath.Join(dir, "outbox"))
	ctx := context.Background()
	check := func(step string, resumed bool) Collected {
		t.Helper()
		got := daily.Collect(ctx)
		whole := resumeAgent(t, dir, t.TempDir()).Collect(ctx)
		assert.Equal(t, whole.Activities, got.Activities, step)
		assert.Equal(t, resumed, health(got, "power").Resumed, step)
		if strings.HasSuffix(step, "half written") {
			require.Len(t, health(got, "power").Rejections, 1, step)
			assert.Contains(t, health(got, "power").Rejections[0].Reason, "without a line end (still being written?), read again next run")
		} else {
			require.True(t, got.OK(), "%s: %+v", step, got.Health)
		}
		return got
	}
	// complete is the bytes of a file up to its last line end.
	complete := func(path string) int64 {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		return int64(strings.LastIndexByte(string(raw), '\n') + 1)
	}
	check("first run", false)

	// Day by day, the last day's final line half written at one run.
	for d := 1; d < 5; d++ {
		day := strings.Join(lines[cuts[d-1]:cuts[d]], "")
		done := complete(logA)
		if d == 3 {
			half := len(day) - 9
			appendTo(logA, day[:half])
			check("day 3, its last line half written", true)
			done = complete(logA)
			appendTo(logA, day[half:])
		} else {
			appendTo(logA, day)
		}
		got := check(fmt.Sprintf("day %d", d), true)
		size, err := os.Stat(logA)
		require.NoError(t, err)
		h := health(got, "power")
		assert.Equal(t, size.Size()-done, h.BytesRead, "day %d: the day's bytes, of %d", d, size.Size())
		rows := cuts[d] - cuts[d-1]
		if d == 3 {
			rows = 1 // the line completed
		}
		assert.Equal(t, rows, h.RowsRead, "day %d: the day's rows", d)
	}

	// The log rotates to a second file.
	write(logB, header+strings.Join(lines[cuts[4]:cuts[6]], ""))
	check("a new file", true)
	appendTo(logB, strings.Join(lines[cuts[6]:cuts[7]], ""))
	check("the new file grew", true)

	// A row adding to a day counted before (the sum holds both).
	appendTo(presence, "2024-03-21,1,1\n2024-03-22,9,31\n")
	got := check("presence: a second row for a day", true)
	assert.True(t, health(got, "presence").Resumed)
	for _, a := range got.Activities {
		if a.Kind == footprint.KindTelework && a.Item == "remote" && a.Start == footprint.NewDate(2024, time.March, 21) {
			assert.Equal(t, 13.0, a.Quantity)
		}
	}

	// An edit before the offset (a row fixed by hand): read whole.
	raw, err := os.ReadFile(logA)
	require.NoError(t, err)
	// One event a second later: the same length, only the checksum sees it.
	i := strings.Index(string(raw), ":00,shutdown")
	require.Positive(t, i)
	write(logA, string(raw[:i])+":01"+string(raw[i+3:]))
	check("an edit in what was read", false)
	check("then again from there", true)

	// Truncated and rewritten (a rotation in place): read whole.
	write(logB, header+strings.Join(lines[cuts[7]:cuts[8]], ""))
	check("truncated", false)

	// Another configuration (the site's windows): read whole.
	daily.Cfg.Site.PowerOff.Windows[0].From = "19:00"
	got = daily.Collect(ctx)
	assert.False(t, health(got, "power").Resumed, "another power-off window")
}

// A rejected row keeps no state: it is read again (fixed or not) with
// everything else on the next run.
func TestARejectedRowIsReadAgainNextRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "logs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "logs", "power-1.csv"),
		[]byte("device,time,event\nPC1,2024-03-20 08:00:00,startup\nPC1,yesterday,shutdown\nPC1,2024-03-20 18:00:00,shutdown\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "presence.csv"), []byte("date,remote,onsite\n2024-03-20,10,30\n"), 0o644))
	a := resumeAgent(t, dir, filepath.Join(dir, "outbox"))
	c := a.Collect(context.Background())
	assert.Equal(t, 1, health(c, "power").RowsRejected)
	assert.Equal(t, "power-1.csv:3", health(c, "power").Rejections[0].Where)
	c = a.Collect(context.Background())
	assert.False(t, health(c, "power").Resumed)
	assert.Equal(t, 3, health(c, "power").RowsRead)
	assert.True(t, health(c, "presence").Resumed)
}

// powerLogRows generates a log of n devices over days, with power-offs,
// sleeps and wakes at random times, in time order.
func powerLogRows(seed uint64, n, days int, loc *time.Location) []source.Row {
	rng := rand.New(rand.NewPCG(seed, 1))
	type ev struct {
		at   time.Time
		dev  string
		name string
	}
	var evs []ev
	start := time.Date(2024, time.March, 20, 0, 0, 0, 0, loc) // across the spring DST change
	names := []string{"startup", "shutdown", "sleep", "wake", "hibernate", "resume", "power_on"}
	for d := 0; d < n; d++ {
		dev := fmt.Sprintf("PC%03d", d)
		at := start.Add(time.Duration(rng.IntN(20)) * time.Hour)
		for at.Before(start.AddDate(0, 0, days)) {
			evs = append(evs, ev{at, dev, names[rng.IntN(len(names))]})
			at = at.Add(time.Duration(1+rng.IntN(14*60)) * time.Minute)
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
	rows := make([]source.Row, len(evs))
	for i, e := range evs {
		rows[i] = source.NewRow(fmt.Sprintf("log.csv:%d", i+2), map[string]string{
			"device": e.dev, "time": e.at.Format("2006-01-02 15:04:05"), "event": e.name})
	}
	return rows
}
