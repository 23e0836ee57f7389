package sqlite

import (
	"context"
	"errors"
	"fmt"

	driver "modernc.org/sqlite"

	"github.com/greenhelp/greenhelp/central/store"
)

// SQLite primary result codes (https://sqlite.org/rescode.html) that a
// later attempt may meet no more: the database was busy or locked, a
// statement was interrupted (its context ended), memory, disk I/O or
// space ran out, the file could not be opened. Every other code —
// SQLITE_CORRUPT (11), SQLITE_NOTADB (26), SQLITE_READONLY (8), a
// constraint, an SQL error — is permanent.
const (
	sqliteBusy      = 5
	sqliteLocked    = 6
	sqliteNoMem     = 7
	sqliteReadOnly  = 8
	sqliteInterrupt = 9
	sqliteIOErr     = 10
	sqliteCorrupt   = 11
	sqliteFull      = 13
	sqliteCantOpen  = 14
	sqliteProtocol  = 15
	sqliteNotADB    = 26
)

// Extended I/O codes that say the data itself is damaged: permanent, like
// SQLITE_CORRUPT, although SQLITE_IOERR is otherwise transient.
const (
	sqliteIOErrData      = sqliteIOErr | 32<<8 // a checksum mismatch (cksumvfs)
	sqliteIOErrCorruptFS = sqliteIOErr | 33<<8 // the file system is corrupt
)

// classify wraps a SQLite error as store.ErrUnavailable when a retry may
// succeed and as store.ErrPermanent otherwise, with what was being done,
// and marks the faults an operator acts on (store.Corrupt, Full,
// ReadOnly): the one place the kind of a SQLite failure is decided.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrPermanent) || errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s: %w", store.ErrUnavailable, what, err)
	}
	err = mark(err)
	if code, ok := sqliteCode(err); ok && !corrupt(err) {
		switch code & 0xff {
		case sqliteBusy, sqliteLocked, sqliteNoMem, sqliteInterrupt, sqliteIOErr, sqliteFull, sqliteCantOpen, sqliteProtocol:
			return fmt.Errorf("%w: %s: %w", store.ErrUnavailable, what, err)
		}
	}
	return fmt.Errorf("%w: %s: %w", store.ErrPermanent, what, err)
}

func sqliteCode(err error) (int, bool) {
	var se *driver.Error
	if errors.As(err, &se) {
		return se.Code(), true
	}
	return 0, false
}

// mark marks err with the store.Fault its SQLite code says, if any (its
// message unchanged).
func mark(err error) error {
	switch {
	case corrupt(err):
		return store.WithFault(err, store.Damaged)
	case full(err):
		return store.WithFault(err, store.DiskFull)
	case readOnly(err):
		return store.WithFault(err, store.NotWritable)
	}
	return err
}

// corrupt reports whether err is SQLite saying the file is damaged
// (SQLITE_CORRUPT, a checksum or file-system failure) or is not a
// database at all (SQLITE_NOTADB): nothing but a repair or a restore from
// a backup cures it.
func corrupt(err error) bool {
	code, ok := sqliteCode(err)
	if !ok {
		return false
	}
	switch code & 0xff {
	case sqliteCorrupt, sqliteNotADB:
		return true
	}
	return code == sqliteIOErrData || code == sqliteIOErrCorruptFS
}

// full reports whether err is SQLite saying the disk (or the database's
// page limit) is full: transient, the write succeeds once space is freed.
func full(err error) bool {
	code, ok := sqliteCode(err)
	return ok && code&0xff == sqliteFull
}

// readOnly reports whether err is SQLite refusing to write a file it
// could open only for reading (SQLITE_READONLY and its extended codes).
func readOnly(err error) bool {
	code, ok := sqliteCode(err)
	return ok && code&0xff == sqliteReadOnly
}
