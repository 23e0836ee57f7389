// Package postgres is the store (central/store.Store) in one PostgreSQL
// database: the catalog, the records and the rollups, through
// jackc/pgx/v5. Several centrals may open the same database: everything
// the single SQLite process guaranteed with its one writer holds across
// processes by transactions and constraints, never an in-process lock — a
// batch takes its site's catalog row (SELECT … FOR NO KEY UPDATE) so that
// the batches of one site apply one after the other whichever process
// received them, and the primary key of the batch log binds a batch id
// to one content. Migrations run at open under a transaction-scoped
// advisory lock (migrate.go), so two processes starting together migrate
// once. See docs/ARCHITECTURE.md, "Package map" and "The store".
package postgres

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/greenhelp/greenhelp/central/store"
)

// Store is the store in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	dsn  string // without its password (Path)
}

var _ store.Store = (*Store)(nil)

// Options are how Open connects; the zero value is what `greenhelp serve`
// uses.
type Options struct {
	// MaxConns caps the pool's connections (0: pgx's default, or the
	// DSN's pool_max_conns).
	MaxConns int32
}

// Open connects to the database dsn names (a postgres:// URL or
// key=value settings, as libpq reads them) and migrates it to the
// current schema. A database that cannot be reached is
// store.ErrUnavailable; a schema newer than this greenhelp's, or a role
// that may not create the tables, store.ErrPermanent.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the DSN, password included.
		return nil, fmt.Errorf("%w: store.postgres.dsn: not a PostgreSQL connection string (want postgres://USER:PASSWORD@HOST:PORT/DATABASE or host=… dbname=…)", store.ErrPermanent)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	// A connection the server dropped (a restart, a failover) is
	// replaced at the next acquire; this bounds how long a dead one may
	// sit idle in the pool.
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, classify("connect", err)
	}
	s := &Store{pool: pool, dsn: redact(cfg)}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", s.dsn, err)
	}
	return s, nil
}

// redact is the database's address without the password.
func redact(cfg *pgxpool.Config) string {
	u := url.URL{Scheme: "postgres", Host: fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port), Path: "/" + cfg.ConnConfig.Database}
	if cfg.ConnConfig.User != "" {
		u.User = url.User(cfg.ConnConfig.User)
	}
	return u.String()
}

// Path is the database's address, without its password (for the log and
// the messages that name the store).
func (s *Store) Path() string { return s.dsn }

// Pool is the connection pool (the tests stage a store's state with it).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Check reads and writes the store as a request would: it reads the
// schema version and counts the sites, then writes the heartbeat —
// what fails on a database that is down, a standby (read-only) or a
// role that lost its rights. Both errors are classified; write is not
// tried when read failed.
func (s *Store) Check(ctx context.Context) (read, write error) {
	var v, n int
	if err := s.pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return classify("read the schema version", err), nil
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM sites`).Scan(&n); err != nil {
		return classify("read the sites", err), nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE store_state SET heartbeat = now()`)
	return nil, classify("write the heartbeat", err)
}

// DataVersion changes after every change any process committed (a batch,
// a catalog write): the service's cached pages are rebuilt when it moved
// (central's sharedStore). It is a sequence, which no transaction waits
// for: bumped after the commit (changed), read as its last value.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT last_value FROM data_version`).Scan(&v)
	return v, classify("data version", err)
}

// changed bumps DataVersion after a committed change, and returns err
// (the change's own outcome: nothing is bumped for a failure). A bump
// that fails (the connection lost just after the commit) leaves the other
// centrals' pages as they were until the next change.
func (s *Store) changed(ctx context.Context, err error) error {
	if err == nil {
		_, _ = s.pool.Exec(ctx, `SELECT nextval('data_version')`)
	}
	return err
}
