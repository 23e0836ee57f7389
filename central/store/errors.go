package store

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// ErrConflict is a batch id already received with other content.
var ErrConflict = errors.New("batch id already used for other content")

// ErrPermanent wraps a store failure a retry cannot cure (a constraint, a
// corrupt file, a file that is not a database, a read-only file, a schema
// mismatch): the HTTP layer answers 500 with the message and /healthz
// 500, never a 503 whose Retry-After says it will pass by itself.
var ErrPermanent = errors.New("store error")

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

// classify wraps a SQLite error as ErrUnavailable when a retry may succeed
// and as ErrPermanent otherwise, with what was being done.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrPermanent) || errors.Is(err, ErrConflict) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
	}
	if code, ok := sqliteCode(err); ok && !Corrupt(err) {
		switch code & 0xff {
		case sqliteBusy, sqliteLocked, sqliteNoMem, sqliteInterrupt, sqliteIOErr, sqliteFull, sqliteCantOpen, sqliteProtocol:
			return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
		}
	}
	return fmt.Errorf("%w: %s: %w", ErrPermanent, what, err)
}

func sqliteCode(err error) (int, bool) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code(), true
	}
	return 0, false
}

// Corrupt reports whether err is SQLite saying the file is damaged
// (SQLITE_CORRUPT, a checksum or file-system failure) or is not a
// database at all (SQLITE_NOTADB): nothing but a repair or a restore from
// a backup cures it.
func Corrupt(err error) bool {
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

// Full reports whether err is SQLite saying the disk (or the database's
// page limit) is full: transient, the write succeeds once space is freed.
func Full(err error) bool {
	code, ok := sqliteCode(err)
	return ok && code&0xff == sqliteFull
}

// ReadOnly reports whether err is SQLite refusing to write a file it
// could open only for reading (SQLITE_READONLY and its extended codes).
func ReadOnly(err error) bool {
	code, ok := sqliteCode(err)
	return ok && code&0xff == sqliteReadOnly
}
