package outbox

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/wire"
)

func TestAFullOutboxRefusesANewBatchAndKeepsTheOld(t *testing.T) {
	t.Parallel()
	ob, err := Open(t.TempDir(), 300)
	require.NoError(t, err)
	small := wire.Batch{ID: "A", Activities: []footprint.Activity{{Kind: footprint.KindFuel, Item: "diesel", Quantity: 1}}}
	_, err = ob.Put(small)
	require.NoError(t, err)
	big := wire.Batch{ID: "B", Activities: make([]footprint.Activity, 5)}
	_, err = ob.Put(big)
	require.ErrorIs(t, err, ErrFull)
	pending, _ := ob.Pending()
	require.Len(t, pending, 1)
	b, _, err := ob.Load(pending[0])
	require.NoError(t, err)
	assert.Equal(t, "A", b.ID)
}

func TestTemporaryFilesLeftByAKillAreRemovedAndTheStateCountsInTheLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ob, err := Open(dir, 1<<20)
	require.NoError(t, err)
	for _, p := range []string{filepath.Join(dir, ".tmp-123"), filepath.Join(dir, "pending", ".tmp-456"), filepath.Join(dir, "quarantine", ".tmp-789")} {
		require.NoError(t, os.WriteFile(p, []byte("half a batch"), 0o600))
	}
	_, err = Open(dir, 1<<20)
	require.NoError(t, err)
	left, _ := filepath.Glob(filepath.Join(dir, "*", ".tmp-*"))
	left2, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	assert.Empty(t, append(left, left2...))

	require.NoError(t, os.WriteFile(filepath.Join(dir, StateFile), make([]byte, 1000), 0o600))
	used, err := ob.Used()
	require.NoError(t, err)
	assert.Equal(t, int64(1000), used)
	ob.max = 1200
	b := wire.Batch{ID: wire.NewID(), Activities: make([]footprint.Activity, 3)}
	_, err = ob.Put(b)
	require.ErrorIs(t, err, ErrFull, "a batch that fits beside the state only")
	assert.Contains(t, err.Error(), "pending batches and state")
}
