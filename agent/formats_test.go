package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The HR roster of testdata/collect/telework-hr-roster, counted by hand.
func TestARosterCountsEachPersonOnceADay(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "telework-hr-roster")
	c := (&Agent{Cfg: cfg, Log: quiet()}).Collect(context.Background())
	require.True(t, c.OK(), "%+v", c.Health)
	got := map[string]float64{}
	for _, a := range c.Activities {
		got[a.Start.String()+"/"+a.Item] = a.Quantity
	}
	assert.Equal(t, map[string]float64{
		// 6 Jan: E1001, E1003, E1004 in the office; E1002 at home; E1005 on leave.
		"2025-01-06/onsite": 3, "2025-01-06/remote": 1,
		// 7 Jan: E1002 listed twice (two teams), at home both times: once.
		"2025-01-07/onsite": 3, "2025-01-07/remote": 2,
		// 8 Jan: E1005 at home for one team, in the office for the other:
		// on site, once; E1004 on sick leave.
		"2025-01-08/onsite": 3, "2025-01-08/remote": 1,
	}, got)
	h := c.Health[0]
	// 17 rows read, the Grand Total row skipped, not rejected.
	assert.Equal(t, 17, h.RowsRead)
	assert.Equal(t, 0, h.RowsRejected)
	assert.Equal(t, 1, h.RowsSkipped)
	for _, a := range c.Activities {
		assert.NotContains(t, fmt.Sprint(a), "E100", "employee ids never leave the site")
	}
}

// writeCase writes site.yaml (the sample site with block as its source)
// and the files in a temporary folder and loads it.
func writeCase(t *testing.T, block string, files map[string]string) *Config {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(sampleSite+block), 0o600))
	cfg, err := Load(filepath.Join(dir, "site.yaml"), false)
	require.NoError(t, err)
	cfg.Outbox.Dir = filepath.Join(dir, "outbox")
	return cfg
}

// "Rejected" counts rows: a roster exported where daily counts were
// expected fails both figures of every row, and each row is rejected once.
func TestARowIsRejectedOnceWhateverItGotWrong(t *testing.T) {
	t.Parallel()
	cfg := writeCase(t, `  - {id: wfm, type: csv, collector: telework, path: wfm.csv, columns: {date: date, remote: remote, onsite: onsite}}
`, map[string]string{"wfm.csv": "date,remote,onsite\n2025-01-06,Office,WFH\n2025-01-07,WFH,Office\n2025-01-08,3,1\n"})
	c := (&Agent{Cfg: cfg, Log: quiet()}).Collect(context.Background())
	h := c.Health[0]
	assert.Equal(t, 3, h.RowsRead)
	assert.Equal(t, 2, h.RowsRejected, "two rows, each wrong twice")
	require.Len(t, h.Rejections, 2)
	assert.Equal(t, "wfm.csv:2", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, `remote: "Office"`)
	assert.Contains(t, h.Rejections[0].Reason, `; onsite: "WFH"`)
}

// A layout that cannot read the first row is refused on that row, naming
// it, the layout and the layouts that would read it.
func TestALayoutThatCannotReadTheFirstRowIsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, block, path, file string
		want                    []string
	}{
		{"Excel's 1/5/2025 with DD/MM/YYYY",
			`  - {id: bills, type: csv, collector: energy, path: b.csv, kind: electricity, item: grid, date_format: DD/MM/YYYY, columns: {date: Date, quantity: kWh}}
`, "b.csv", "Date,kWh\n1/5/2025,120\n1/6/2025,130\n",
			[]string{"b.csv:2: the first row does not read with this source's layout", `"1/5/2025" does not match DD/MM/YYYY`, `date_format "M/D/YYYY" reads it (so does "D/M/YYYY"`}},
		{"a PowerShell en-US timestamp with the default time_format",
			`  - {id: pm, type: csv, collector: workstation, path: pm.csv, class: desktop, columns: {device: Host, time: TimeCreated, event: Id}, events: {"6005": on, "6006": off}}
`, "pm.csv", "Host,TimeCreated,Id\nPC1,3/14/2025 8:02:11 PM,6006\n",
			[]string{"pm.csv:2: the first row does not read", `"3/14/2025 8:02:11 PM" does not match YYYY-MM-DD HH:mm:ss`, `time_format "M/D/YYYY h:mm:ss tt" reads it`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := writeCase(t, tt.block, map[string]string{tt.path: tt.file})
			c := (&Agent{Cfg: cfg, Log: quiet()}).Collect(context.Background())
			require.False(t, c.OK(), "%+v", c.Health)
			for _, w := range tt.want {
				assert.Contains(t, c.Health[0].Error, w)
			}
		})
	}
}

// Culture names stand for PowerShell's timestamps: en-US reads
// 3/14/2025 8:02:11 PM; a later row that does not read is that row's.
func TestACultureReadsPowerShellTimestamps(t *testing.T) {
	t.Parallel()
	cfg := writeCase(t, `  - {id: pm, type: csv, collector: workstation, path: pm.csv, class: desktop, time_format: en-US, columns: {device: Host, time: TimeCreated, event: Id}, events: {"6005": on, "6006": off}}
`, map[string]string{"pm.csv": "Host,TimeCreated,Id\nPC1,3/14/2025 8:02:11 AM,6005\nPC1,3/14/2025 6:30:00 PM,6006\nPC1,14/03/2025 19:00:00,6005\n"})
	c := (&Agent{Cfg: cfg, Log: quiet()}).Collect(context.Background())
	h := c.Health[0]
	require.Empty(t, h.Error)
	assert.Equal(t, 1, h.RowsRejected)
	on := 0.0
	for _, a := range c.Activities {
		if a.Attrs["state"] == "on" {
			on += a.Quantity
		}
	}
	// On from 08:02:11 to 18:30:00: 10 h 27 min 49 s = 10.463611 h.
	assert.InDelta(t, 10.463611, on, 1e-5)
}

// A preamble above the header and a file that grows: the resumed run
// reads the header again where it is and names rows by their line.
func TestAFileWithAPreambleResumes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	block := `  - {id: m, type: csv, collector: energy, path: m.csv, kind: electricity, item: grid, skip_lines: 1, columns: {date: Date, quantity: kWh}}
`
	body := "exported by the BMS\nSite: Manila\n\nDate,kWh\n2025-01-01,100\n2025-01-02,110\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m.csv"), []byte(body), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(sampleSite+block), 0o600))
	cfg, err := Load(filepath.Join(dir, "site.yaml"), false)
	require.NoError(t, err)
	cfg.Outbox.Dir = filepath.Join(dir, "outbox")
	a, err := New(cfg, quiet())
	require.NoError(t, err)
	first := a.Collect(context.Background())
	require.True(t, first.OK(), "%+v", first.Health)
	require.Len(t, first.Activities, 2)
	f, err := os.OpenFile(filepath.Join(dir, "m.csv"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("2025-01-03,120\n2025-01-04,x\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	second := a.Collect(context.Background())
	h := second.Health[0]
	assert.True(t, h.Resumed)
	assert.Equal(t, 2, h.RowsRead, "only what was appended")
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "m.csv:8", h.Rejections[0].Where, "named by its line in the file")
	assert.Len(t, second.Activities, 3)
}
