package collector

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

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
	names := []string{"startup", "shutdown", "sleep", "wake", "hibernate", "resume", "power_on", "logon", "logoff", "lock"}
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
			"device": e.dev, "time": e.at.Format("2006-01-02 15:04:05"), "event": e.name, "ou": fmt.Sprintf("OU=Floor%d,DC=corp", e.dev[len(e.dev)-1]%3)})
	}
	return rows
}

func wholeTable(o *workstationCollector, env Env, t source.Table) ([]footprint.Activity, []source.Rejection) {
	c := o.newWS(env)
	c.workstation(t)
	return c.result()
}

// The streaming power-log collector gives exactly the records of the
// whole-table form, for a log in time order and for one sorted by
// device; a log out of order per device falls back to the whole table.
func TestThePowerLogStreamsToTheSameRecordsAsTheWholeTable(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "fr-x", Country: "FR", Timezone: "Europe/Paris",
		PowerOff: declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{
			{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"},
			{Days: []string{"sat", "sun"}, AllDay: true}}}}
	o := &workstationCollector{Class: "desktop", Location: "site"}
	// With groups: night seats by pattern, an OU never off, a roster.
	shifts := site
	shifts.PowerOff.Groups = []declaration.PowerOffGroup{
		{ID: "night", Devices: []string{"PC00?"}, Windows: []declaration.PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "08:00", To: "21:00"}}},
		{ID: "24x7", OU: "OU=Floor1,DC=corp", NeverOff: true},
		{ID: "roster", Devices: []string{"PC01*"}, Staffed: []declaration.PowerOffWindow{{Days: []string{"sat"}, From: "10:00", To: "16:00"}}},
	}
	for _, site := range []declaration.Site{site, shifts} {
		samePowerLogRecords(t, o, site, len(site.PowerOff.Groups))
	}
}

func samePowerLogRecords(t *testing.T, o *workstationCollector, site declaration.Site, groups int) {
	env := Env{ID: "pm", Type: "csv", Collector: "workstation", Common: Common{TimeFormat: "YYYY-MM-DD HH:mm:ss", Quality: "measured"}, Site: site}
	loc, err := time.LoadLocation(site.Timezone)
	require.NoError(t, err)
	rows := powerLogRows(7, 40, 20, loc)
	rows = append(rows, source.NewRow("log.csv:9998", map[string]string{"device": "PC001", "time": "yesterday", "event": "startup"}),
		source.NewRow("log.csv:9999", map[string]string{"device": "", "time": "2024-03-25 10:00:00", "event": "startup"}))
	byDevice := append([]source.Row(nil), rows...)
	sort.SliceStable(byDevice, func(i, j int) bool { return byDevice[i].Get("device") < byDevice[j].Get("device") })
	shuffled := append([]source.Row(nil), rows...)
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

	for name, rs := range map[string][]source.Row{"time order": rows, "by device": byDevice, "shuffled": shuffled} {
		t.Run(fmt.Sprintf("%d groups, %s", groups, name), func(t *testing.T) {
			want, wantRej := wholeTable(o, env, source.Table{Rows: rs})
			require.NotEmpty(t, want)
			p := newPowerLog(o.newWS(env))
			for _, r := range rs {
				p.Add(r)
			}
			got, gotRej, err := p.Result()
			if name == "shuffled" {
				require.ErrorIs(t, err, errUnordered)
				got, gotRej = Collect(o, env, source.Table{Rows: rs})
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, want, got)
			assert.Equal(t, wantRej, gotRej)
			assert.Len(t, gotRej, 2)
		})
	}
}

// A year outside 1990–2100 is refused row by row, named, instead of
// stretching the log over centuries of days (fuzz found "0024": 2,000
// years hour by hour took 26 s).
func TestAPowerEventOutsideTheYearsKeptIsRefused(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "fr-x", Country: "FR", Timezone: "Europe/Paris"}
	o := &workstationCollector{Class: "desktop", Location: "site"}
	env := Env{ID: "pm", Type: "csv", Collector: "workstation", Common: Common{TimeFormat: "YYYY-MM-DD HH:mm:ss", Quality: "measured"}, Site: site}
	tests := []struct {
		name, time, year string
	}{
		{"a year written with two digits padded", "0024-03-04 20:00:00", "24"},
		{"a year before 1990", "1989-12-31 23:00:00", "1989"},
		{"a year after 2100", "2101-01-01 00:00:00", "2101"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows := []source.Row{
				source.NewRow("log.csv:2", map[string]string{"device": "PC-1", "time": tt.time, "event": "shutdown"}),
				source.NewRow("log.csv:3", map[string]string{"device": "PC-1", "time": "2024-03-05 07:30:00", "event": "startup"}),
			}
			acts, rej := Collect(o, env, source.Table{Rows: rows})
			require.Len(t, rej, 1)
			assert.Equal(t, "log.csv:2", rej[0].Where)
			assert.Contains(t, rej[0].Reason, `time: "`+tt.time+`": in `+tt.year+": greenhelp keeps records from 1990 to 2100")
			// One day (2024-03-05) read, its four states for desktop.
			assert.Len(t, acts, 4)
		})
	}
}
