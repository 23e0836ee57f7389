package store

import (
	"errors"
)

// The kinds of store failure, set once where a backend call fails
// (store/sqlite's classify, store/influx) and never guessed again above:
// the HTTP layer answers ErrUnavailable with 503 and Retry-After,
// ErrPermanent with 500 and the message (docs/ARCHITECTURE.md, "Errors").
var (
	// ErrUnavailable wraps a backend failure the caller may retry: the
	// database was busy or locked, a context ended, memory, disk I/O or
	// space ran out, the file could not be opened, InfluxDB did not answer.
	ErrUnavailable = errors.New("store unavailable")
	// ErrPermanent wraps a store failure a retry cannot cure (a
	// constraint, a corrupt file, a file that is not a database, a
	// read-only file, a schema mismatch, a malformed stored value): the
	// HTTP layer answers 500 with the message and /healthz 500, never a
	// 503 whose Retry-After says it will pass by itself.
	ErrPermanent = errors.New("store error")
)

// ErrConflict is a batch id already received with other content.
var ErrConflict = errors.New("batch id already used for other content")

// ErrNotFound is returned for an unknown site.
var ErrNotFound = errors.New("not found")

// ErrExists is returned when adding a site id already in the catalog.
var ErrExists = errors.New("already exists")

// ErrYearClosed is returned when closing a year already closed.
var ErrYearClosed = errors.New("reporting year already closed")

// Fault is what a backend found wrong with the store's file, beyond
// transient or permanent: the cases an operator must act on, each in its
// own way (central's storeAdvice).
type Fault uint8

// The faults a backend marks.
const (
	// Damaged: the file is corrupt or is not a database at all (permanent:
	// nothing but a repair or a restore from a backup cures it).
	Damaged Fault = iota + 1
	// DiskFull: the disk (or the file's page limit) is full (transient:
	// the write succeeds once space is freed).
	DiskFull
	// NotWritable: the file could be opened only for reading (permanent).
	NotWritable
)

// faultError marks an error with a Fault; its message is the error's own.
type faultError struct {
	err   error
	fault Fault
}

func (e *faultError) Error() string { return e.err.Error() }
func (e *faultError) Unwrap() error { return e.err }

// WithFault marks err with f, its message unchanged (nil stays nil).
func WithFault(err error, f Fault) error {
	if err == nil {
		return nil
	}
	return &faultError{err: err, fault: f}
}

func faultOf(err error) Fault {
	var fe *faultError
	if errors.As(err, &fe) {
		return fe.fault
	}
	return 0
}

// Corrupt reports whether err says the store's file is damaged or is not
// a database.
func Corrupt(err error) bool { return faultOf(err) == Damaged }

// Full reports whether err says the disk of the store is full.
func Full(err error) bool { return faultOf(err) == DiskFull }

// ReadOnly reports whether err says the store's file cannot be written.
func ReadOnly(err error) bool { return faultOf(err) == NotWritable }
