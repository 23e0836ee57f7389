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

// spanEnv is the Env of a source giving spans (as configmgr does).
func spanEnv(site declaration.Site) Env {
	return Env{ID: "cm", Type: "configmgr", Collector: "workstation", Common: Common{TimeFormat: "YYYY-MM-DD HH:mm:ss", Quality: "measured"},
		Site: site, Gives: []string{"device", "start", "end", "state", "class"}}
}

// logSpans turns a power log into each device's spans, as the whole-table
// form sees its intervals: from the log's first day to its first event in
// the state before it, then from event to event, the last state to the
// end of the log's last day.
func logSpans(t *testing.T, rows []source.Row, loc *time.Location) []source.Row {
	t.Helper()
	type ev struct {
		at          time.Time
		state, name string
		ou          string
	}
	devs := map[string][]ev{}
	var minT, maxT time.Time
	for _, r := range rows {
		at, err := time.ParseInLocation("2006-01-02 15:04:05", r.Get("time"), loc)
		require.NoError(t, err)
		devs[r.Get("device")] = append(devs[r.Get("device")], ev{at, powerEvents[r.Get("event")], r.Get("event"), r.Get("ou")})
		if minT.IsZero() || at.Before(minT) {
			minT = at
		}
		if at.After(maxT) {
			maxT = at
		}
	}
	y, m, d := minT.Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, loc)
	y, m, d = maxT.Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	var out []source.Row
	span := func(dev, ou, state string, from, to time.Time) {
		if from.Before(to) {
			out = append(out, source.NewRow(fmt.Sprintf("spans:%d", len(out)+1), map[string]string{"device": dev, "ou": ou,
				"start": from.Format(time.RFC3339), "end": to.Format(time.RFC3339), "state": state}))
		}
	}
	for dev, evs := range devs {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
		state, since := stateBefore(evs[0].state, evs[0].name), first
		for _, e := range evs {
			if e.state != state {
				span(dev, e.ou, state, since, e.at)
				state, since = e.state, e.at
			}
		}
		span(dev, evs[0].ou, state, since, end)
	}
	return out
}

// A log's intervals given as spans, in any order, give exactly the
// records the log gives: on, missed, asleep and off (the spans' off, where
// the log counts the windows' remainder), with and without power-off
// groups — the same accounting two ways.
func TestSpansGiveTheRecordsOfTheSameLog(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "fr-x", Country: "FR", Timezone: "Europe/Paris",
		PowerOff: declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{
			{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:30", To: "07:00"},
			{Days: []string{"sat", "sun"}, AllDay: true}}}}
	shifts := site
	shifts.PowerOff.Groups = []declaration.PowerOffGroup{
		{ID: "night", Devices: []string{"PC00?"}, Windows: []declaration.PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "08:00", To: "21:00"}}},
		{ID: "24x7", OU: "OU=Floor1,DC=corp", NeverOff: true},
	}
	o := &workstationCollector{Class: "desktop", Location: "site"}
	loc, err := time.LoadLocation(site.Timezone)
	require.NoError(t, err)
	rows := powerLogRows(11, 30, 15, loc)
	spans := logSpans(t, rows, loc)
	rand.New(rand.NewPCG(5, 5)).Shuffle(len(spans), func(i, j int) { spans[i], spans[j] = spans[j], spans[i] })
	for _, s := range []declaration.Site{site, shifts} {
		t.Run(fmt.Sprintf("%d groups", len(s.PowerOff.Groups)), func(t *testing.T) {
			env := Env{ID: "cm", Type: "csv", Collector: "workstation", Common: Common{TimeFormat: "YYYY-MM-DD HH:mm:ss", Quality: "measured"}, Site: s}
			want, wantRej := wholeTable(o, env, source.Table{Rows: rows})
			require.Empty(t, wantRej)
			o.Defaults(nil)
			got, gotRej := Collect(o, spanEnv(s), source.Table{Rows: spans})
			require.Empty(t, gotRej)
			require.Len(t, got, len(want))
			for i := range want {
				assert.Equal(t, want[i].Key("fr-x"), got[i].Key("fr-x"))
				assert.InDelta(t, want[i].Quantity, got[i].Quantity, 2e-6, "%v", want[i].Key("fr-x"))
			}
		})
	}
}

// Spans by hand: the windows weekdays 20:30–07:00 (Europe/Paris), one
// desktop and its monitor; an hour no span covers is in no state.
func TestSpansByHand(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "fr-x", Country: "FR", Timezone: "Europe/Paris",
		PowerOff: declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{
			{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:30", To: "07:00"}}},
	}
	o := &workstationCollector{Class: "desktop", Location: "site"}
	o.Defaults(nil)
	at := func(hhmm string) string {
		if hhmm == "24:00" {
			return "2025-03-15T00:00:00+01:00"
		}
		return "2025-03-14T" + hhmm + ":00+01:00"
	}
	span := func(line int, dev, class, state, from, to string) source.Row {
		return source.NewRow(fmt.Sprintf("cm.csv:%d", line), map[string]string{"device": dev, "class": class, "state": state, "start": at(from), "end": at(to)})
	}
	// Fri 14 March 2025. PC-1: off 00–08, on 08–21:00 (someone at it
	// 09–12), off 21:00–24; its monitor on 08–12 and 13–18. The window
	// holds 00:00–07:00 and 20:30–24:00: 10.5 h.
	// desktop: on 08–21 = 13 h, of which 20:30–21 missed (0.5 h), so on
	// 12.5 h; off in the window 00–07 (7 h) and 21–24 (3 h) = 10 h;
	// missed 0.5 h (on + in use + missed = 13 h; off + missed = the
	// window's 10.5 h).
	// monitor: on 08–12 and 13–18 = 9 h, none in the window; off
	// 00–07 and 20:30–24 in it = 10.5 h (12–13 and 18–20:30 are off
	// outside the window: not recorded).
	// PC-2: on 20:00–22:00, then no span (the hours after are not
	// reported): on 0.5 h, missed 1.5 h, no off — its unreported hours
	// are in no state.
	rows := []source.Row{
		span(2, "PC-1", "", "off", "00:00", "08:00"), span(2, "PC-1", "", "on", "08:00", "09:00"),
		span(3, "PC-1", "", "in_use", "09:00", "12:00"), span(2, "PC-1", "", "on", "12:00", "21:00"), span(2, "PC-1", "", "off", "21:00", "24:00"),
		span(4, "PC-1", "monitor", "off", "00:00", "08:00"), span(4, "PC-1", "monitor", "on", "08:00", "12:00"),
		span(4, "PC-1", "monitor", "off", "12:00", "13:00"), span(4, "PC-1", "monitor", "on", "13:00", "18:00"), span(4, "PC-1", "monitor", "off", "18:00", "24:00"),
		span(5, "PC-2", "", "on", "20:00", "22:00"),
	}
	acts, rej := Collect(o, spanEnv(site), source.Table{Rows: rows})
	require.Empty(t, rej)
	got := map[string]float64{}
	for _, a := range acts {
		assert.Equal(t, footprint.NewDate(2025, time.March, 14), a.Start)
		got[a.Item+" "+a.Attrs["state"]] += a.Quantity
	}
	assert.Equal(t, map[string]float64{
		"desktop on": 12.5 + 0.5, "desktop off": 10, "desktop sleep": 0, "desktop missed": 0.5 + 1.5,
		"monitor on": 9, "monitor off": 10.5, "monitor sleep": 0, "monitor missed": 0,
	}, got)
}

// A span that cannot be read is refused with its row, the field, the
// value and what would be right.
func TestABadSpanIsRefused(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "fr-x", Country: "FR", Timezone: "Europe/Paris"}
	o := &workstationCollector{Class: "desktop", Location: "site"}
	o.Defaults(nil)
	tests := []struct {
		name   string
		fields map[string]string
		want   string
	}{
		{"no device", map[string]string{"state": "on", "start": "2025-03-14T08:00:00+01:00", "end": "2025-03-14T09:00:00+01:00"}, "device: empty"},
		{"an end before its start", map[string]string{"device": "PC-1", "state": "on", "start": "2025-03-14T08:00:00+01:00", "end": "2025-03-14T07:00:00+01:00"},
			`end: "2025-03-14T07:00:00+01:00": not after start "2025-03-14T08:00:00+01:00"`},
		{"a state not known", map[string]string{"device": "PC-1", "state": "idle", "start": "2025-03-14T08:00:00+01:00", "end": "2025-03-14T09:00:00+01:00"},
			`state: "idle": want on, in_use, sleep or off`},
		{"a class not known", map[string]string{"device": "PC-1", "class": "tablet", "state": "on", "start": "2025-03-14T08:00:00+01:00", "end": "2025-03-14T09:00:00+01:00"},
			`class: "tablet": want desktop, laptop, thin_client or monitor`},
		{"a year not kept", map[string]string{"device": "PC-1", "state": "on", "start": "1985-03-14T08:00:00+01:00", "end": "2025-03-14T09:00:00+01:00"},
			`start: "1985-03-14T08:00:00+01:00": in 1985: greenhelp keeps records from 1990 to 2100`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			acts, rej := Collect(o, spanEnv(site), source.Table{Rows: []source.Row{source.NewRow("cm.csv:7", tt.fields)}})
			assert.Empty(t, acts)
			require.Len(t, rej, 1)
			assert.Equal(t, source.Rejection{Where: "cm.csv:7", Reason: tt.want}, rej[0])
		})
	}
}
