package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/greenhelp/greenhelp/central/store"
)

// classify wraps a PostgreSQL or connection error as store.ErrUnavailable
// when a later attempt may succeed, and as store.ErrPermanent otherwise,
// with what was being done: the one place the kind of a PostgreSQL
// failure is decided (docs/ARCHITECTURE.md, "Errors and statuses").
//
// Transient: the connection refused, reset or cut (a restart, a
// failover), SQLSTATE class 08 (connection exception), 57P01/57P02/57P03
// (the server shutting down, crashed, starting), 25006 (a read-only
// transaction: a standby not yet promoted), 40001/40P01 (serialization
// failure, deadlock: after the store's own retries), class 53
// (insufficient resources: disk full, out of memory, too many
// connections), 55P03 (lock not available), 57014 (statement cancelled),
// class 58 (I/O error), an ended context. Everything else — a constraint
// the data breaks (class 23), a privilege, an SQL error, a malformed
// value — is permanent. PostgreSQL's own files are its operator's: no
// store.Fault is marked (its advice speaks of the SQLite file).
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrPermanent) || errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if transient(err) {
		return fmt.Errorf("%w: %s: %w", store.ErrUnavailable, what, err)
	}
	return fmt.Errorf("%w: %s: %w", store.ErrPermanent, what, err)
}

// transient reports whether a later attempt may succeed where err failed.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57P01", "57P02", "57P03", "25006", "40001", "40P01", "55P03", "57014":
			return true
		}
		switch pe.Code[:2] {
		case "08", "53", "58":
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err), pgconn.SafeToRetry(err):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	}
	// pgx's own words for a connection the server closed under it.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe")
}

// sqlState is err's SQLSTATE ("" when the server did not answer one).
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// errRetry asks inTx to run its transaction again: a concurrent
// transaction committed what this one assumed absent (another process's
// batch of the same id, between our look-up and our insert).
var errRetry = errors.New("retry the transaction")

// maxAttempts bounds how often inTx runs a transaction that failed to
// serialize (40001, 40P01) or asked for it (errRetry): past that, the
// failure is returned, transient, and the agent's retry comes later.
const maxAttempts = 8

// inTx runs fn in a transaction and commits it, running it again — a
// bounded number of times, after a short random wait — when PostgreSQL
// could not serialize it with a concurrent one or fn returns errRetry.
// fn's own errors are returned as they are (classify them in fn).
func (s *Store) inTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = s.tryTx(ctx, what, fn)
		code := sqlState(err)
		if !errors.Is(err, errRetry) && code != "40001" && code != "40P01" {
			return err
		}
		if attempt == maxAttempts {
			break
		}
		// 2, 4, 8 … ms, capped at 100 ms, each ±50 %.
		wait := min(time.Duration(1<<attempt)*time.Millisecond, 100*time.Millisecond)
		wait = wait/2 + rand.N(wait)
		select {
		case <-ctx.Done():
			return classify(what, ctx.Err())
		case <-time.After(wait):
		}
	}
	if errors.Is(err, errRetry) {
		return fmt.Errorf("%w: %s: still conflicting with concurrent transactions after %d attempts", store.ErrUnavailable, what, maxAttempts)
	}
	return err
}

func (s *Store) tryTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return classify(what+": begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit, a no-op
	if err := fn(tx); err != nil {
		return err
	}
	return classify(what+": commit", tx.Commit(ctx))
}
