// Package durable writes files that survive a kill or a power cut: the
// outbox's batches, the agent's state and the sources' resume states.
package durable

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFile writes data to dir/name via a temporary file, fsyncs it,
// renames it into place and fsyncs the directory.
func WriteFile(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir makes a rename or a removal in dir durable. Its errors are
// returned: a batch whose directory entry may not survive a power cut is
// not durable yet.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		if runtime.GOOS == "windows" {
			return nil // Windows cannot fsync a directory; the rename is durable there.
		}
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}
