package central_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
)

// Issue 25, item 7: `greenhelp serve` on a store file it cannot write
// (chattr +i: read-only even for root) refuses to start, naming the file
// and what to do, instead of serving "ready" and failing every batch.
func TestServeRefusesAReadOnlyStore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; run without -short")
	}
	data := filepath.Join(t.TempDir(), "data")
	cat, err := sqlite.Open(data)
	require.NoError(t, err)
	_, err = cat.AddSite(context.Background(), "fr-lil", "Lille", "FR")
	require.NoError(t, err)
	require.NoError(t, cat.Close())
	file := filepath.Join(data, store.DBFile)
	if err := exec.Command("chattr", "+i", file).Run(); err != nil {
		require.NoError(t, os.Chmod(file, 0o444))
	} else {
		t.Cleanup(func() { exec.Command("chattr", "-i", file).Run() })
	}
	if f, err := os.OpenFile(file, os.O_WRONLY, 0); err == nil {
		f.Close()
		t.Skip("cannot make the file read-only here: chattr +i failed and root ignores chmod")
	}
	bin, err := buildGreenhelp()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", data).CombinedOutput()
	require.Error(t, err, "serve started on a read-only store: %s", out)
	assert.NotContains(t, string(out), "ready:")
	assert.Contains(t, string(out), file)
	assert.Contains(t, string(out), "cannot be read and written")
	assert.Contains(t, string(out), "attempt to write a readonly database")
}
