package winlog

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script is deploy/windows/Collect-PowerEvents.ps1, which no test runs
// (there is no PowerShell here): these tests read what it writes.
func script(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "windows", "Collect-PowerEvents.ps1"))
	require.NoError(t, err)
	return string(raw)
}

// The script's file — its $Columns as ConvertTo-Csv writes them, every
// value quoted, TimeCreated as .NET's round-trip "o" in UTC, the event's
// ToXml() — reads with no culture and no column mapped.
func TestTheDeployScriptsFilesRead(t *testing.T) {
	t.Parallel()
	ps := script(t)
	m := regexp.MustCompile(`(?m)^\$Columns = (.+)$`).FindStringSubmatch(ps)
	require.NotNil(t, m, "the script sets $Columns on one line")
	var cols []string
	for _, c := range strings.Split(m[1], ",") {
		cols = append(cols, strings.Trim(strings.TrimSpace(c), "'"))
	}
	require.Equal(t, []string{"MachineName", "RecordId", "TimeCreated", "ProviderName", "Id", "Xml"}, cols)
	assert.Contains(t, ps, "TimeCreated  = $_.TimeCreated.ToUniversalTime().ToString('o')", "times in UTC, ISO 8601")
	assert.Contains(t, ps, "Xml          = $_.ToXml()")

	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = quote(c)
	}
	row := func(rec int, at string, prov string, id int, xml string) string {
		v := map[string]string{"MachineName": "PC-0042.corp.example.com", "RecordId": strconv.Itoa(rec), "TimeCreated": at,
			"ProviderName": prov, "Id": strconv.Itoa(id), "Xml": xml}
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = quote(v[c])
		}
		return strings.Join(out, ",") + "\r\n"
	}
	x := func(prov string, id, rec int, at, data string) string {
		return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='" + prov + "'/><EventID>" +
			strconv.Itoa(id) + "</EventID><TimeCreated SystemTime='" + at + "'/><EventRecordID>" + strconv.Itoa(rec) +
			"</EventRecordID><Computer>PC-0042.corp.example.com</Computer></System><EventData>" + data + "</EventData></Event>"
	}
	// Set-Content -Encoding UTF8 writes a BOM; a later Add-Content may
	// write another before the rows it appends.
	body := "\ufeff" + strings.Join(header, ",") + "\r\n" +
		row(10231, "2025-03-13T07:01:12.0000000Z", "Microsoft-Windows-Kernel-General", 12,
			x("Microsoft-Windows-Kernel-General", 12, 10231, "2025-03-13T07:01:12.0000000Z", "<Data Name='StartTime'>2025-03-13T07:01:11.5000000Z</Data>")) +
		"\ufeff" + row(10293, "2025-03-17T05:58:05.1234567Z", "Microsoft-Windows-Power-Troubleshooter", 1,
		x("Microsoft-Windows-Power-Troubleshooter", 1, 10293, "2025-03-17T05:58:05.1234567Z",
			"<Data Name='SleepTime'>2025-03-14T19:02:13.5000000Z</Data><Data Name='WakeTime'>2025-03-17T05:58:02.6000000Z</Data>"))
	got, problems, ignored, err := read(t, "", "PC-0042.csv", []byte(body))
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Empty(t, ignored)
	assert.Equal(t, []string{
		"PC-0042 2025-03-13T07:01:12Z startup",
		"PC-0042 2025-03-14T19:02:13.5Z sleep", // from the Xml's data
		"PC-0042 2025-03-17T05:58:02.6Z wake",
	}, got)
}

// The script's filter selects exactly the events the source reads as
// power events: no more (they would only be counted), no fewer (a state
// change lost).
func TestTheDeployScriptSelectsThePowerEvents(t *testing.T) {
	t.Parallel()
	group := regexp.MustCompile(`\(Provider\[@Name='([^']+)'\] and \(?([^"]+?)\)"`)
	ids := regexp.MustCompile(`EventID=(\d+)`)
	var selected []string
	for _, g := range group.FindAllStringSubmatch(script(t), -1) {
		for _, id := range ids.FindAllStringSubmatch(g[2], -1) {
			selected = append(selected, g[1]+" "+id[1])
		}
	}
	sort.Strings(selected)
	assert.Equal(t, []string{
		"EventLog 6005", "EventLog 6006", "EventLog 6008", "EventLog 6011",
		"Microsoft-Windows-Kernel-General 12", "Microsoft-Windows-Kernel-General 13",
		"Microsoft-Windows-Kernel-Power 107", "Microsoft-Windows-Kernel-Power 41", "Microsoft-Windows-Kernel-Power 42",
		"Microsoft-Windows-Kernel-Power 506", "Microsoft-Windows-Kernel-Power 507",
		"Microsoft-Windows-Power-Troubleshooter 1", "User32 1074",
	}, selected)
	us, _ := lookupCulture("en-US")
	p := parser{culture: us, loc: time.UTC}
	for _, s := range selected {
		prov, id, _ := strings.Cut(s, " ")
		n, err := strconv.Atoi(id)
		require.NoError(t, err)
		e := Event{Provider: prov, ID: n, Machine: "PC-1", Time: time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC),
			Data: []Field{{Value: "8:00:00 AM"}, {Value: "3/13/2025"}}} // 6008's stop; read as a rename by 6011
		r, err := p.read(e)
		require.NoError(t, err, s)
		assert.True(t, r.power, "%s is a power event to the source", s)
	}
}
