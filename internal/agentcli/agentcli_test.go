package agentcli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCheckAcceptsTheExampleConfig(t *testing.T) {
	t.Setenv("GREENHELP_AGENT_CENTRAL_TOKEN", "never-printed-token")
	code, out, stderr := run(t, "check", "--config", "../../examples/agent/site.yaml")
	require.Equal(t, 0, code, stderr+out)
	assert.Contains(t, out, "check: ok")
	assert.Contains(t, out, "electricity  grid")
	assert.NotContains(t, out, "never-printed-token", "secrets never appear in check output")
	assert.NotContains(t, out, "Jeanne", "travellers' names never leave the site")

	code, out, _ = run(t, "check", "--config", "../../examples/agent/site.yaml", "--format", "json")
	require.Equal(t, 0, code)
	var rep CheckReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.OK)
	assert.Len(t, rep.Sources, 5)
	assert.NotEmpty(t, rep.Summary)
	assert.NotContains(t, out, "never-printed-token")
}

func TestCheckFailsOnABrokenSource(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../examples/agent")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "exports", "wfm-presence.csv"), []byte("date,remote,onsite\n2024-03-01,many,3\n"), 0o600))
	code, out, stderr := run(t, "check", "--config", filepath.Join(dir, "site.yaml"))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "wfm-presence")
	assert.Contains(t, out, `remote: "many": want a number`)
	assert.Contains(t, out, "edf-bills", "the other sources are still read")
	assert.Contains(t, stderr, "check found problems")
}

func TestOnceNeedsAToken(t *testing.T) {
	t.Parallel()
	code, _, stderr := run(t, "once", "--config", "../../examples/agent/site.yaml")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "central.token: missing")
}

func TestStatusOnAFreshOutbox(t *testing.T) {
	t.Setenv("GREENHELP_AGENT_OUTBOX_DIR", t.TempDir())
	code, out, stderr := run(t, "status", "--config", "../../examples/agent/site.yaml")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "outbox: 0 batch(es) pending")
	assert.Contains(t, out, "last upload: never")
}

// exampleCopy copies the example agent folder and applies edits to
// site.yaml (old → new).
func exampleCopy(t *testing.T, edits ...string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../examples/agent")))
	path := filepath.Join(dir, "site.yaml")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	s := string(raw)
	for i := 0; i+1 < len(edits); i += 2 {
		require.Contains(t, s, edits[i])
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
	return path
}

// Issue 13, item 6: a unit or decimal separator set wrong used to be
// sent as 10× or 1000× the kWh while check said ok.
func TestCheckWarnsLoudlyWhenTheBillsAreOffByAnOrderOfMagnitude(t *testing.T) {
	t.Setenv("GREENHELP_AGENT_OUTBOX_DIR", t.TempDir())
	tests := []struct {
		name  string
		edits []string
		want  string
	}{
		{"kWh bills read as MWh", []string{"    unit: kWh\n    columns:\n      start: Début période", "    unit: MWh\n    columns:\n      start: Début période"},
			"check the unit (kWh, not MWh or Wh)"},
		{"kWh bills read as Wh", []string{"    unit: kWh\n    columns:\n      start: Début période", "    unit: Wh\n    columns:\n      start: Début période"},
			"check the unit (kWh, not MWh or Wh)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, "check", "--config", exampleCopy(t, tt.edits...))
			assert.Equal(t, 0, code, stderr)
			assert.Contains(t, out, "IMPLAUSIBLE FIGURES")
			assert.Contains(t, out, "edf-bills: electricity/grid")
			assert.Contains(t, out, tt.want)
			assert.NotContains(t, out, "check: ok")
		})
	}
	t.Run("bills with a decimal comma read with a decimal point are refused, not ten times larger", func(t *testing.T) {
		code, out, _ := run(t, "check", "--config", exampleCopy(t, "    decimal: \",\"\n    encoding: latin-1", "    encoding: latin-1"))
		assert.Equal(t, 1, code)
		assert.Contains(t, out, `set decimal: ","`)
		assert.NotContains(t, out, "check: ok")
	})
}

// `sample` prints blocks that load as they are written (the files they
// name present); an unknown name is refused with the names there are.
func TestSamplePrintsBlocksThatLoad(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	require.Equal(t, 0, Execute(context.Background(), []string{"sample", "telework", "travel"}, &out, &errb), errb.String())
	dir := t.TempDir()
	for _, f := range []string{"exports/wfm-presence.csv", "exports/bookings.csv"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o750))
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("date\n"), 0o600))
	}
	site := "site: {id: fr-x, name: X, country: FR, timezone: Europe/Paris, seats: 1, fte: 1}\ncentral: {url: http://127.0.0.1:1}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(site+out.String()), 0o600))
	cfg, err := agent.Load(filepath.Join(dir, "site.yaml"), false)
	require.NoError(t, err, out.String())
	require.Len(t, cfg.Sources, 2)

	out.Reset()
	errb.Reset()
	require.Equal(t, 1, Execute(context.Background(), []string{"sample", "telwork"}, &out, &errb))
	assert.Contains(t, errb.String(), `"telwork": no source type or collector of that name`)
	assert.Contains(t, errb.String(), `did you mean "telework"?`)
}

// init writes a starter site.yaml: as written, loading it names what to
// fill in; filled in, it loads and its source reads; it never overwrites.
func TestInitWritesAStarterThatLoadsOnceFilledIn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "site.yaml")
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, Execute(context.Background(), []string{"init", "--site", "fr-lyo-gerland", "--country", "fr", "--sources", "telework",
		"--central", "http://127.0.0.1:1", "--out", out}, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "wrote "+out+" (1 source(s))")
	_, err := agent.Load(out, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "site.timezone: FILL IN")

	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	filled := strings.NewReplacer("name: FILL IN", "name: Lyon Gerland", "city: FILL IN", "city: Lyon", "timezone: FILL IN", "timezone: Europe/Paris",
		"seats: 0", "seats: 120", "fte: 0", "fte: 110", "count: 0", "count: 120").Replace(string(raw))
	require.NoError(t, os.WriteFile(out, []byte(filled), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte("gh_site_token"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "exports"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "exports", "wfm-presence.csv"), []byte("date,remote,onsite\n2024-03-04,10,20\n"), 0o600))
	cfg, err := agent.Load(out, false)
	require.NoError(t, err)
	assert.Equal(t, "FR", cfg.Site.Country)
	c := (&agent.Agent{Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Collect(context.Background())
	assert.Len(t, c.Activities, 2)

	stderr.Reset()
	assert.Equal(t, 1, Execute(context.Background(), []string{"init", "--site", "fr-x", "--country", "FR", "--out", out}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "init never overwrites")
}

// check on a Windows event log says how many events it ignored and which
// ids, the most frequent first; `sample winevents` prints the command
// that exports the log.
func TestCheckCountsTheEventsAWindowsLogIgnores(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, "check", "--config", "../../agent/testdata/collect/winevents-ps51-en-us/site.yaml")
	require.Equal(t, 0, code, stderr+out)
	assert.Contains(t, out, "pc-events: 4 events ignored (not power events): ids Kernel-General 1 (2), Kernel-Power 566 (1), Service Control Manager 7036 (1)\n")
	assert.Contains(t, out, "check: ok")

	code, out, stderr = run(t, "sample", "winevents")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "Get-WinEvent -FilterHashtable @{LogName='System'")
	assert.Contains(t, out, "type: winevents")
}

// check on a Configuration Manager export says what it read — computers,
// days, hours not reported — and the rows it left out on purpose, by
// why; `sample configmgr` prints the export query and the PowerShell line
// that saves it.
func TestCheckSaysWhatAConfigMgrExportHeld(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, "check", "--config", "../../agent/testdata/collect/configmgr-power-daily/site.yaml")
	require.Equal(t, 0, code, stderr+out)
	assert.Contains(t, out, "  cm-power: 6 computer-days of 5 computers (1 with their monitor), 2025-03-14 to 2025-03-15, from 2 file(s)\n")
	assert.Contains(t, out, "  cm-power: 12 computer-hours not reported (an empty cell): counted in no state\n")
	assert.Contains(t, out, `  cm-power: 3 rows ignored: rows of TypeOfEvent0 "type-other" (types: ignore) (1), rows repeated with the same minutes (counted once) (1), rows replaced by a later file's (a later inventory of the same day) (1)`+"\n")
	assert.Contains(t, out, "check: ok")

	code, out, stderr = run(t, "sample", "configmgr")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "FROM v_GS_POWER_MANAGEMENT_DAY d")
	assert.Contains(t, out, "Invoke-Sqlcmd -ServerInstance CMSQL01 -Database CM_P01 -InputFile power-daily.sql")
	assert.Contains(t, out, "type: configmgr")
}

func TestIgnoredIDsListTheMostFrequentFirst(t *testing.T) {
	t.Parallel()
	ignored := map[string]int{"a 1": 1, "b 2": 5, "c 3": 5, "d 4": 2}
	assert.Equal(t, "b 2 (5), c 3 (5), d 4 (2), a 1 (1)", ignoredIDs(ignored, 10))
	assert.Equal(t, "b 2 (5), c 3 (5), … and 2 more", ignoredIDs(ignored, 2))
}

// check says, per source, the days of each year its records cover, and
// a missing bill and a year no record covers as warnings; it stays ok.
func TestCheckShowsCoverageAndWarnsOfWhatIsMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../agent/testdata/collect/energy-billing-period-inclusive")))
	raw, err := os.ReadFile(filepath.Join(dir, "meralco-history.csv"))
	require.NoError(t, err)
	raw = []byte(strings.Replace(string(raw), "\"Jun 5 - Jul 4, 2025\",\"30\",\"57,210.25\",\"679,085.67\"\r\n", "", 1))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "meralco-history.csv"), raw, 0o600))
	site, err := os.ReadFile(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	site = []byte(strings.Replace(string(site), "base_year: 2025", "base_year: 2023", 1))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), site, 0o600))
	code, out, stderr := run(t, "check", "--config", filepath.Join(dir, "site.yaml"))
	require.Equal(t, 0, code, stderr+out)
	// 2025: 365 − 30 days (5 June – 4 July) = 335.
	assert.Contains(t, out, "meralco: 2023: 0 of 365 days; 2024: 27 of 366 days; 2025: 335 of 365 days")
	assert.Contains(t, out, "warning: meralco: 2023: not covered (0 of 365 days)")
	assert.Contains(t, out, "warning: meralco: 2025: 2025-06-05 to 2025-07-04 not covered (30 days)")
	assert.Contains(t, out, "2 line(s) skipped, not data (not rejected)")
	assert.Contains(t, out, "check: ok, with")
}

// check names the airport codes the table lacks, says which rows are
// dated by booking, and shows the commute survey the declaration will
// carry.
func TestCheckSaysWhatATravelExportAndASurveyGive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dir string
		want      []string
	}{
		{"a travel agency's segments", "travel-agency-segments", []string{
			"warning: agency: 1 row of 16 without a travel date: dated by the booking date",
			"warning: agency: airport codes not in the embedded table, in 2 rows: ENI (1 row), QQQ (1 row)",
			"agency: bookings.csv:17: from/to: MNL–QQQ: no airport QQQ in the embedded table"}},
		{"a flights export with booking dates only", "travel-flights-no-mode", []string{
			"warning: agency: dates are booking dates (columns.booking_date, no columns.date): 4 rows counted on the day booked",
			"check: ok, with 1 warning(s)"}},
		{"a commute survey", "commute-survey-form", []string{
			"commute-survey: commute survey of 10 respondents, last answer 2025-03-13: paratransit 25.6 % at 9.0 km, car_petrol 12.8 % at 22.8 km",
			"warning: commute-survey: 1 of 10 respondents are never on site"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join("../../agent/testdata/collect", tt.dir))))
			_, out, stderr := run(t, "check", "--config", filepath.Join(dir, "site.yaml"))
			for _, w := range tt.want {
				assert.Contains(t, out, w, stderr)
			}
		})
	}
}

// The Manila trial's six files (#29): check reads each as it comes and
// says, per source, the days of each year it covers; the missing bill
// and the base year the logs do not reach are warnings, and it stays ok.
func TestCheckShowsTheManilaTrialsCoverage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../agent/testdata/collect/manila-trial")))
	code, out, stderr := run(t, "check", "--config", filepath.Join(dir, "site.yaml"))
	require.Equal(t, 0, code, stderr+out)
	for _, want := range []string{
		"Coverage (days of each year the records cover):",
		// 2025: 365 − 31 days of the missing bill (5 July – 4 August).
		"  meralco: 2024: 27 of 366 days; 2025: 334 of 365 days; 2026: 4 of 365 days\n",
		"  warning: meralco: 2025: 2025-07-05 to 2025-08-04 not covered (31 days)\n",
		"  genset: 2024: 0 of 366 days; 2025: 18 of 365 days\n",
		"  warning: genset: 2024: not covered (0 of 366 days): no record of this source falls in it\n",
		"  refrigerant: 2024: 0 of 366 days; 2025: 8 of 365 days\n",
		"  pc-events: 2024: 0 of 366 days; 2025: 5 of 365 days\n",
		"  roster: 2024: 0 of 366 days; 2025: 30 of 365 days\n",
		"  agency: 2024: 0 of 366 days; 2025: 21 of 365 days\n",
		"refrigerant-log.csv:8: a blank row: not data, skipped",
		"fuel         diesel             18       18    2025-01-11  2025-12-14  3981.0    L",
		"refrigerant  R410A              5        5     2025-01-21  2025-10-22  22.0      kg",
		"check: ok, with",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "warning: genset: 2025:", "a log of runs has no gaps between them")
	assert.NotContains(t, out, "IMPLAUSIBLE")
	assert.NotContains(t, out, "MNL10238", "employee ids never leave the site")
}
