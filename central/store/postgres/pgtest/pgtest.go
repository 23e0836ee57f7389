// Package pgtest gives a test a database of its own on the PostgreSQL
// that scripts/test.sh starts (scripts/postgres.sh) and names in
// GREENHELP_TEST_POSTGRES_DSN. Test code only.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN is the variable that names the test server's database.
const EnvDSN = "GREENHELP_TEST_POSTGRES_DSN"

// DSN creates an empty database for t, dropped when t ends, and returns
// its DSN; t is skipped when EnvDSN is unset (scripts/test.sh always sets
// it, so CI runs every PostgreSQL test).
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDSN)
	if base == "" {
		t.Skip("no PostgreSQL: `make test` starts one (scripts/postgres.sh) and sets " + EnvDSN)
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" {
		t.Fatalf("%s: want a postgres:// URL, as scripts/postgres.sh prints", EnvDSN)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "gh_test_" + hex.EncodeToString(b)
	admin(t, base, `CREATE DATABASE `+name)
	t.Cleanup(func() { admin(t, base, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	u.Path = "/" + name
	return u.String()
}

// Terminate ends every other connection to dsn's database, as a
// restart or a failover does to a central's pool, and returns how many
// it ended.
func Terminate(t testing.TB, dsn string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("PostgreSQL of %s: %v", EnvDSN, err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	return n
}

// admin runs one statement on the test server's own database.
func admin(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("PostgreSQL of %s: %v", EnvDSN, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
