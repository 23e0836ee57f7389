package winlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// read reads one file's body in a log of the culture given and returns
// what it emits ("DEVICE 2006-01-02T15:04:05Z event"), its problems and
// its ignored counts, or the file's error.
func read(t *testing.T, culture, name string, body []byte) ([]string, []Problem, map[string]int, error) {
	t.Helper()
	l, err := NewLog(culture, paris)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, body, 0o600))
	if err := l.ReadFile(context.Background(), p, "auto"); err != nil {
		return nil, nil, nil, err
	}
	var got []string
	l.Emit(func(dev string, at time.Time, ev string) {
		got = append(got, dev+" "+at.Format(time.RFC3339Nano)+" "+ev)
	})
	return got, l.Problems(), l.Ignored(), nil
}

const csvHead = `"TimeCreated","Id","ProviderName","MachineName","RecordId","Message"` + "\r\n"

// csvRow is a row as Export-Csv writes it: every value quoted, quotes
// doubled.
func csvRow(at string, id int, prov, machine string, rec int, msg string) string {
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	return strings.Join([]string{q(at), q(fmt.Sprint(id)), q(prov), q(machine), q(fmt.Sprint(rec)), q(msg)}, ",") + "\r\n"
}

// Id 1 is two events: Power-Troubleshooter's return from sleep (its own
// sleep and wake times) and Kernel-General's time change, far more
// frequent — told apart by provider, the second only counted.
func TestIdOneIsReadByProvider(t *testing.T) {
	t.Parallel()
	body := csvHead +
		csvRow("2025-03-14T08:00:00Z", 12, "Microsoft-Windows-Kernel-General", "pc-1.corp", 1, "") +
		csvRow("2025-03-14T09:00:00Z", 1, "Microsoft-Windows-Kernel-General", "pc-1.corp", 2, "The system time has changed to 2025-03-14T09:00:00.000000000Z from 2025-03-14T09:00:00.400000000Z.") +
		csvRow("2025-03-14T18:00:05Z", 1, "Microsoft-Windows-Power-Troubleshooter", "pc-1.corp", 3,
			"The system has returned from a low power state.\n\nSleep Time: \u200e2025\u200e-\u200e03\u200e-\u200e14T12:00:00.000000000Z\nWake Time: \u200e2025\u200e-\u200e03\u200e-\u200e14T18:00:00.000000000Z")
	got, problems, ignored, err := read(t, "", "log.csv", []byte(body))
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, []string{
		"PC-1 2025-03-14T08:00:00Z startup",
		"PC-1 2025-03-14T12:00:00Z sleep", // SleepTime, from the message
		"PC-1 2025-03-14T18:00:00Z wake",  // WakeTime, not the event's own time
	}, got)
	assert.Equal(t, map[string]int{"Kernel-General 1": 1}, ignored)
}

// Kernel-Power 42's TargetState: 5 hibernates (off), 6 is a fast-startup
// shutdown (off), 4 sleeps; Power-Troubleshooter's SleepTime on return
// does not turn a hibernated machine into a sleeping one.
func TestKernelPower42ReadsTheStateEntered(t *testing.T) {
	t.Parallel()
	ev := func(id int, prov, at string, rec int, data string) string {
		return fmt.Sprintf("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s'/><EventID>%d</EventID><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Computer>PC-7.corp</Computer></System><EventData>%s</EventData></Event>\n", prov, id, at, rec, data)
	}
	kp, pt := "Microsoft-Windows-Kernel-Power", "Microsoft-Windows-Power-Troubleshooter"
	body := ev(42, kp, "2025-03-14T19:00:00.0000000Z", 1, "<Data Name='TargetState'>5</Data><Data Name='EffectiveState'>5</Data>") +
		ev(1, pt, "2025-03-15T07:00:03.0000000Z", 2, "<Data Name='SleepTime'>2025-03-14T19:00:02.0000000Z</Data><Data Name='WakeTime'>2025-03-15T07:00:00.0000000Z</Data>") +
		ev(42, kp, "2025-03-15T12:00:00.0000000Z", 3, "<Data Name='TargetState'>4</Data>") +
		ev(107, kp, "2025-03-15T13:00:00.0000000Z", 4, "") +
		ev(42, kp, "2025-03-15T19:00:00.0000000Z", 5, "<Data Name='TargetState'>6</Data><Data Name='EffectiveState'>5</Data>")
	got, problems, _, err := read(t, "", "log.xml", []byte(body))
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, []string{
		"PC-7 2025-03-14T19:00:00Z hibernate",
		// 19:00:02 SleepTime: the machine is off already, no change
		"PC-7 2025-03-15T07:00:00Z wake",
		"PC-7 2025-03-15T12:00:00Z sleep",
		"PC-7 2025-03-15T13:00:00Z wake",
		"PC-7 2025-03-15T19:00:00Z shutdown",
	}, got)
}

// A local time the clocks showed twice (Paris, 26 October 2025, 02:00–
// 03:00 twice) is placed by record order: 02:10 and 02:50 before the
// change (UTC+2), then 02:20 after it (UTC+1).
func TestAnHourSeenTwiceIsOrderedByRecord(t *testing.T) {
	t.Parallel()
	body := csvHead +
		csvRow("26/10/2025 02:20:00", 6005, "EventLog", "PC-9", 103, "") + // newest first
		csvRow("26/10/2025 02:50:00", 42, "Microsoft-Windows-Kernel-Power", "PC-9", 102, "") +
		csvRow("26/10/2025 02:10:00", 6006, "EventLog", "PC-9", 101, "")
	got, problems, _, err := read(t, "fr-FR", "log.csv", []byte(body))
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, []string{
		"PC-9 2025-10-26T00:10:00Z shutdown", // 02:10 CEST
		"PC-9 2025-10-26T00:50:00Z sleep",    // 02:50 CEST
		"PC-9 2025-10-26T01:20:00Z startup",  // 02:20 CET, an hour of the clock later
	}, got)
}

// The culture and the time zone are checked on a file's first rows: a
// time that does not read stops the file with its row, its value and the
// layout expected; a local time the zone skipped says the zone is wrong.
func TestTheCultureAndZoneAreCheckedOnTheFirstRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, culture, at, want string
	}{
		{"a French time read as en-US", "en-US", "14/03/2025 20:02:11",
			`log.csv:2: TimeCreated: "14/03/2025 20:02:11": not en-US's M/D/YYYY h:mm:ss tt (e.g. 3/14/2025 8:02:11 PM) — it reads as en-GB or fr-FR`},
		{"a US time read as fr-FR", "fr-FR", "3/14/2025 8:02:11 PM",
			`log.csv:2: TimeCreated: "3/14/2025 8:02:11 PM": not fr-FR's DD/MM/YYYY HH:mm:ss (e.g. 14/03/2025 20:02:11) — it reads as en-US`},
		{"a local time without a culture", "", "3/14/2025 8:02:11 PM",
			`log.csv:2: TimeCreated: "3/14/2025 8:02:11 PM" is in a culture's format: set culture: to the exporting machine's (de-DE, en-GB, en-US, fr-FR, invariant) — it reads as en-US`},
		{"a time the clocks skipped", "fr-FR", "30/03/2025 02:30:00",
			`log.csv:2: TimeCreated: "30/03/2025 02:30:00" does not exist in Europe/Paris (the clocks went forward through it): the export's clock is not in that time zone; set timezone: to the exporting machines' own`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, _, err := read(t, tt.culture, "log.csv", []byte(csvHead+csvRow(tt.at, 6005, "EventLog", "PC-1", 1, "")))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// Past the first rows, a time that does not read is that row's problem
// and the rest is read.
func TestABadTimeAfterTheFirstRowsIsThatRowsProblem(t *testing.T) {
	t.Parallel()
	body := csvHead
	for i := 0; i < checkRows; i++ {
		body += csvRow(fmt.Sprintf("2025-03-14T%02d:00:00Z", i), 6005, "EventLog", "PC-1", i+1, "")
	}
	body += csvRow("yesterday", 6006, "EventLog", "PC-1", 99, "")
	got, problems, _, err := read(t, "en-US", "log.csv", []byte(body))
	require.NoError(t, err)
	assert.Len(t, got, checkRows)
	require.Len(t, problems, 1)
	assert.Equal(t, fmt.Sprintf("log.csv:%d", checkRows+2), problems[0].Where)
	assert.Contains(t, problems[0].Reason, `"yesterday": not en-US's`)
}

// Windows PowerShell 5.1's `>` writes UTF-16LE with a BOM; Get-EventLog's
// columns (TimeGenerated, EventID, Source, Index) read as Get-WinEvent's.
func TestUTF16AndGetEventLogColumns(t *testing.T) {
	t.Parallel()
	text := "#TYPE System.Diagnostics.EventLogEntry#System/EventLog/6005\r\n" +
		`"EventID","MachineName","Index","Source","TimeGenerated","Message"` + "\r\n" +
		`"6005","PC-3","12","EventLog","3/14/2025 8:00:00 AM","The Event log service was started."` + "\r\n"
	u := utf16.Encode([]rune(text))
	raw := []byte{0xFF, 0xFE}
	for _, c := range u {
		raw = append(raw, byte(c), byte(c>>8))
	}
	got, problems, _, err := read(t, "en-US", "log.csv", raw)
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, []string{"PC-3 2025-03-14T07:00:00Z startup"}, got) // 08:00 CET
}

// A CSV that is not a log of events says which columns it lacks.
func TestACSVWithoutTheColumnsSaysWhatItHas(t *testing.T) {
	t.Parallel()
	_, _, _, err := read(t, "", "pcs.csv", []byte("hostname,timestamp,event\npc-1,2024-03-05 08:00:00,startup\n"))
	require.Error(t, err)
	assert.Equal(t, "pcs.csv:1: header has no column TimeCreated or TimeGenerated, Id or EventID, ProviderName or Source, MachineName: it has hostname,timestamp,event — want the CSV of Get-WinEvent | Export-Csv (or the deploy script's)", err.Error())
}

// Renames are followed to the last name, whatever the order of the
// files: A → B, then B → C is one machine, C.
func TestRenamesFollowToTheLastName(t *testing.T) {
	t.Parallel()
	ev := func(id int, at, computer string, rec int, data string) string {
		return fmt.Sprintf("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='EventLog'/><EventID Qualifiers='32768'>%d</EventID><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Computer>%s</Computer></System><EventData>%s</EventData></Event>", id, at, rec, computer, data)
	}
	body := "<Events>" +
		ev(6005, "2025-03-10T07:00:00Z", "A.corp", 1, "") +
		ev(6011, "2025-03-11T07:00:01Z", "B.corp", 3, "<Data>A</Data><Data>B</Data>") +
		ev(6005, "2025-03-11T07:00:00Z", "B.corp", 2, "") +
		ev(6011, "2025-03-12T07:00:01Z", "C.corp", 5, "<Data>B</Data><Data>C</Data>") +
		ev(6006, "2025-03-12T18:00:00Z", "C.corp", 6, "") +
		"</Events>"
	got, problems, _, err := read(t, "", "log.xml", []byte(body))
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, []string{
		"C 2025-03-10T07:00:00Z startup",
		"C 2025-03-11T07:00:00Z startup",
		"C 2025-03-12T18:00:00Z shutdown",
	}, got)
}

// EventLog 6008's stop time is in the machine's culture: without one it
// is that event's problem, and the boot still counts.
func TestAnUnexpectedStopNeedsTheCulture(t *testing.T) {
	t.Parallel()
	body := csvHead +
		csvRow("2025-03-12T07:05:00Z", 41, "Microsoft-Windows-Kernel-Power", "PC-1", 2, "The system has rebooted without cleanly shutting down first.") +
		csvRow("2025-03-12T07:05:20Z", 6008, "EventLog", "PC-1", 3, "The previous system shutdown at 9:15:40 PM on \u200e3/\u200e11/\u200e2025 was unexpected.")
	got, problems, _, err := read(t, "", "log.csv", []byte(body))
	require.NoError(t, err)
	assert.Equal(t, []string{"PC-1 2025-03-12T07:05:00Z startup"}, got)
	require.Len(t, problems, 1)
	assert.Equal(t, "log.csv:3", problems[0].Where)
	assert.Contains(t, problems[0].Reason, `"3/11/2025" at "9:15:40 PM" is in the machine's culture: set culture:`)

	got, problems, _, err = read(t, "en-US", "log.csv", []byte(body))
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, []string{"PC-1 2025-03-11T20:15:40Z shutdown", "PC-1 2025-03-12T07:05:00Z startup"}, got) // 21:15:40 CET
}

// The format is told from the first bytes; an empty file says what it
// wants.
func TestTheFormatIsToldFromTheFirstBytes(t *testing.T) {
	t.Parallel()
	_, _, _, err := read(t, "", "empty.csv", []byte("  \n"))
	require.Error(t, err)
	assert.True(t, strings.HasSuffix(err.Error(), "empty file: want a Get-WinEvent CSV, Event XML or an .evtx file"), err.Error())
}
