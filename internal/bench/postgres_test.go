package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store/postgres"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
)

// postgresCfg is a store in a database of its own on the PostgreSQL
// scripts/bench.sh starts.
func postgresCfg(t *testing.T) (func(*central.Config), string) {
	dsn := pgtest.DSN(t)
	return func(c *central.Config) { c.Store.Backend, c.Store.DSN = "postgres", dsn }, dsn
}

// postgresWrites is ingestion's reference on PostgreSQL: the same
// batches' records upserted straight into another database of the same
// server (postgres.Store.Write: one transaction a batch, no log, no
// rollups).
func postgresWrites(t *testing.T, batches []siteBatch, records int) (float64, string) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.DSN(t), postgres.Options{})
	require.NoError(t, err)
	defer st.Close()
	start := time.Now()
	for _, b := range batches {
		require.NoError(t, st.Write(ctx, b.site.ID, b.batch.Activities))
	}
	return float64(records) / time.Since(start).Seconds(), "direct PostgreSQL record upserts (same server)"
}

// postgresScan is the views' reference on PostgreSQL: one plain scan of
// every raw record, each row's key and quantity read.
func postgresScan(t *testing.T, dsn string, records int) (time.Duration, string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	start := time.Now()
	rows, err := conn.Query(ctx, `SELECT site, kind, item, start_day, end_day, source, attrs, quantity FROM activities`)
	require.NoError(t, err)
	n, q := 0, 0.0
	for rows.Next() {
		var a, b, c, f, g string
		var d, e time.Time
		var x float64
		require.NoError(t, rows.Scan(&a, &b, &c, &d, &e, &f, &g, &x))
		q += x
		n++
	}
	require.NoError(t, rows.Err())
	scan := time.Since(start)
	require.Equal(t, records, n)
	return scan, fmt.Sprintf("one plain scan of the %d raw records", records)
}
