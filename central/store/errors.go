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
// corrupt file, a schema mismatch): the HTTP layer answers 500, never a
// 503 the agent would retry for ever.
var ErrPermanent = errors.New("store error")

// SQLite primary result codes (https://sqlite.org/rescode.html) that a
// later attempt may not meet: the database was busy or locked, memory,
// disk I/O or space ran out, the file could not be opened.
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteNoMem    = 7
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteProtocol = 15
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
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteNoMem, sqliteIOErr, sqliteFull, sqliteCantOpen, sqliteProtocol:
			return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
		}
	}
	return fmt.Errorf("%w: %s: %w", ErrPermanent, what, err)
}
