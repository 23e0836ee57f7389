//go:build !windows

package central_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// `greenhelp backup` while the central serves, then a batch accepted after
// it; `restore` into a new data directory and a central started on it:
// the same inventory as at the time of the backup, without the later
// batch. Restore refuses a store in use and an existing one without
// --force, and a file that is not a greenhelp store.
func TestBackupWhileServingAndRestore(t *testing.T) {
	s := startServer(t)
	site, acts := johannesburg(t)
	tok := s.addSite(t, site.ID, site.Name, site.Country)
	code, doc := s.post(t, site.ID, tok, batch{ID: "year", Site: &site, Activities: acts})
	require.Equal(t, 200, code, doc)
	before := s.get(t, "/api/v1/inventory?year=2024")

	backup := filepath.Join(t.TempDir(), "greenhelp-backup.db")
	out := s.run(t, "backup", "--out", backup)
	assert.Contains(t, out, "backup written: "+backup+" (1 site(s), checked)")
	_, err := exec.Command(s.bin, "backup", "--out", backup, "--data", s.data).CombinedOutput()
	require.Error(t, err, "a backup never overwrites")

	late := footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 12, 1), End: footprint.NewDate(2024, 12, 2),
		Quantity: 50000, Unit: footprint.UnitKWh, Source: "late", Quality: footprint.QualityMeasured}
	code, doc = s.post(t, site.ID, tok, batch{ID: "late", Activities: []footprint.Activity{late}})
	require.Equal(t, 200, code, doc)
	assert.NotEqual(t, string(before), string(s.get(t, "/api/v1/inventory?year=2024")), "the live store moved on")

	restore := func(args ...string) (string, error) {
		out, err := exec.Command(s.bin, append([]string{"restore"}, args...)...).CombinedOutput()
		return string(out), err
	}
	out, err = restore("--from", backup, "--data", s.data)
	require.Error(t, err, out)
	assert.Contains(t, out, "in use by `greenhelp serve`")

	junk := filepath.Join(t.TempDir(), "junk.db")
	require.NoError(t, os.WriteFile(junk, []byte("not sqlite at all, not at all, not at all............................................."), 0o600))
	out, err = restore("--from", junk, "--data", filepath.Join(t.TempDir(), "x"))
	require.Error(t, err, out)
	assert.Contains(t, out, "junk.db")

	data := filepath.Join(t.TempDir(), "restored")
	out, err = restore("--from", backup, "--data", data)
	require.NoError(t, err, out)
	out, err = restore("--from", backup, "--data", data)
	require.Error(t, err, out)
	assert.Contains(t, out, "add --force")

	r := startServerIn(t, data)
	after := r.get(t, "/api/v1/inventory?year=2024")
	assert.JSONEq(t, string(before), string(after), "the restored central computes the inventory of the backup's time")
}
