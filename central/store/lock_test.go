//go:build unix

package store

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestADataDirectoryHasOneHolder(t *testing.T) {
	dir := t.TempDir()
	first, err := LockDir(dir, Holder{Command: "serve", URL: "http://127.0.0.1:1"})
	require.NoError(t, err)
	_, err = LockDir(dir, Holder{Command: "sites add"})
	var le *LockedError
	require.ErrorAs(t, err, &le, "flock is per open file: this process too is refused")
	assert.Equal(t, os.Getpid(), le.Holder.PID)
	assert.Equal(t, "serve", le.Holder.Command)
	assert.Contains(t, err.Error(), "data directory in use by `greenhelp serve` (pid ")

	h, held, err := Held(dir)
	require.NoError(t, err)
	assert.True(t, held)
	assert.Equal(t, "http://127.0.0.1:1", h.URL)

	require.NoError(t, first.Close())
	_, held, err = Held(dir)
	require.NoError(t, err)
	assert.False(t, held)
	h, err = ReadHolder(dir)
	require.NoError(t, err)
	assert.Zero(t, h, "a released lock names no holder")
	_, held, err = Held(t.TempDir())
	require.NoError(t, err)
	assert.False(t, held, "a directory never locked")
}

// A command waits for the command that holds the directory, as long as
// its condition says so, and takes the lock once it is released.
func TestACommandWaitsForTheCommandThatHoldsTheDirectory(t *testing.T) {
	dir := t.TempDir()
	other, err := LockDir(dir, Holder{Command: "sites add"})
	require.NoError(t, err)
	calls := 0
	got, err := LockDirWait(dir, Holder{Command: "sites close"}, func(h Holder) bool {
		calls++
		assert.Equal(t, "sites add", h.Command)
		require.NoError(t, other.Close()) // the other command ends
		return true
	})
	require.NoError(t, err)
	assert.Equal(t, 1, calls)
	assert.Equal(t, "sites close", got.Holder().Command)
	require.NoError(t, got.Close())

	// A holder the condition does not wait for is named at once.
	held, err := LockDir(dir, Holder{Command: "serve", Socket: "/x/sock"})
	require.NoError(t, err)
	defer held.Close()
	_, err = LockDirWait(dir, Holder{Command: "sites close"}, func(h Holder) bool { return h.Socket == "" })
	var le *LockedError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "/x/sock", le.Holder.Socket)
}
