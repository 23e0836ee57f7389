package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Backup writes a consistent copy of the file to path (SQLite's VACUUM
// INTO: one read transaction, so batches stored meanwhile are either
// wholly in or wholly out) while the store keeps serving.
func (c *Store) Backup(ctx context.Context, path string) error {
	if _, err := c.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// CheckBackup opens a backup read-only, runs SQLite's integrity check and
// returns its number of sites: a file that is not a greenhelp store is
// refused with what it is missing.
func CheckBackup(path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil {
		return 0, fmt.Errorf("%s: not a readable SQLite file: %w", path, err)
	}
	if ok != "ok" {
		return 0, fmt.Errorf("%s: integrity check failed: %s", path, ok)
	}
	var v, n int
	if err := db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("%s: not a greenhelp store (no schema version): %w", path, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM sites`).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: not a greenhelp store (no sites table): %w", path, err)
	}
	return n, nil
}
