// Package sqlite is the store (central/store.Store) in one SQLite file of
// the data directory: the catalog, the rollups and, unless a Series
// outside it holds them (store/influx), the records; a batch is stored in
// one transaction. Backup and restore's checks of the file live here too
// (backup.go). See docs/ARCHITECTURE.md, "Package map".
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// Store is the store in a SQLite file.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	// series holds the records (nil: the file's activities table).
	series Series
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store's SQLite file in dir and
// migrates it to the current schema; the records are kept in the same
// file.
func Open(dir string) (*Store, error) {
	return OpenWith(dir, Options{})
}

// Options are how OpenWith opens the file; the zero value is Open's.
type Options struct {
	// BusyTimeout is how long a statement waits for another connection's
	// lock before it fails with SQLITE_BUSY (0: 10 s).
	BusyTimeout time.Duration
	// ReadOnly opens the file as SQLite opens one it may not write
	// (mode=ro): every write fails with SQLITE_READONLY, and a schema
	// older than this greenhelp's is refused rather than migrated. The
	// read commands open a store a central serves so (it is the one
	// writer); the tests stage a read-only store with it.
	ReadOnly bool
	// MaxPages caps the file's size in pages (PRAGMA max_page_count; 0:
	// SQLite's own cap): a write that needs one page more fails with
	// SQLITE_FULL, as on a full disk. The tests stage a full store with it.
	MaxPages int
}

// OpenWith is Open with options.
func OpenWith(dir string, o Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	busy := o.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	path := filepath.Join(dir, store.DBFile)
	dsn := "file:" + path + fmt.Sprintf("?_pragma=busy_timeout(%d)", busy.Milliseconds()) +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
	if o.ReadOnly {
		dsn += "&mode=ro"
	}
	if o.MaxPages > 0 {
		dsn += fmt.Sprintf("&_pragma=max_page_count(%d)", o.MaxPages)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	c := &Store{db: db, path: path, readOnly: o.ReadOnly}
	if err := c.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("catalog %s: %w", path, mark(err))
	}
	return c, nil
}

// Series holds the records outside the SQLite file (store/influx): one
// record per key, writing a key again replaces its value.
type Series interface {
	// Write stores every record of acts for site, all or none.
	Write(ctx context.Context, site string, acts []footprint.Activity) error
	// Read returns the records matching q, in key order.
	Read(ctx context.Context, q store.Query) ([]store.Record, error)
	// Close releases the backend.
	Close() error
}

// WithSeries returns the store with its records in series instead of the
// file's activities table (the catalog and the rollups stay in the
// file); closing it closes both. c is not to be used after.
func (c *Store) WithSeries(series Series) *Store {
	return &Store{db: c.db, path: c.path, readOnly: c.readOnly, series: series}
}

// Path is the store's SQLite file.
func (c *Store) Path() string { return c.path }

// PageCount is the number of pages the file holds (PRAGMA page_count).
func (c *Store) PageCount(ctx context.Context) (int, error) {
	var n int
	err := c.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&n)
	return n, classify("page count", err)
}

// Check reads and writes the store as a request would: it reads the
// schema version and every site, then writes and commits the heartbeat
// row — what fails on a file SQLite finds corrupt or is not allowed to
// write, or one another process holds locked. Both errors are classified
// (store.ErrPermanent or store.ErrUnavailable); write is not tried when
// read failed.
// A full disk is not always seen here: a write that reuses the space of
// the write-ahead log succeeds where a batch that needs more fails.
func (c *Store) Check(ctx context.Context) (read, write error) {
	var v, n int
	if err := c.db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return classify("read the schema version", err), nil
	}
	if err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM sites`).Scan(&n); err != nil {
		return classify("read the sites", err), nil
	}
	_, err := c.db.ExecContext(ctx, `INSERT INTO heartbeat(id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at`,
		time.Now().UTC().Format("2006-01-02T15:04:05.000000000Z"))
	return nil, classify("write the heartbeat", err)
}

// DB is the SQLite handle (the tests stage a store's state with it).
func (c *Store) DB() *sql.DB { return c.db }

// Close closes the series, when it is not the file's, and the database.
func (c *Store) Close() error {
	if c.series != nil {
		return errors.Join(c.series.Close(), c.db.Close())
	}
	return c.db.Close()
}

// SeriesFormat is the format of the points of the series outside the
// file (store/influx's Format: 1 until it upgraded them);
// SetSeriesFormat records an upgrade.
func (c *Store) SeriesFormat(ctx context.Context) (int, error) {
	var v int
	err := c.db.QueryRowContext(ctx, `SELECT influx_format FROM series_state`).Scan(&v)
	return v, classify("series state", err)
}

// SetSeriesFormat records the format the series' points are in.
func (c *Store) SetSeriesFormat(ctx context.Context, v int) error {
	_, err := c.db.ExecContext(ctx, `UPDATE series_state SET influx_format = ?`, v)
	return classify("series state", err)
}
