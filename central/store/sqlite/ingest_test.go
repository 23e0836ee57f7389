package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

func TestIngestIsOneTransactionBoundToTheContentHash(t *testing.T) {
	ctx := context.Background()
	cat, err := Open(t.TempDir())
	require.NoError(t, err)
	defer cat.Close()
	_, err = cat.AddSite(ctx, "za-x", "X", "ZA")
	require.NoError(t, err)
	act := footprint.Activity{Kind: footprint.KindFuel, Item: "diesel", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1),
		Quantity: 10, Unit: footprint.UnitLitre, Source: "g", Quality: footprint.QualityMeasured}
	write := func(acts ...footprint.Activity) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error { return writeTx(ctx, tx, "za-x", acts) }
	}
	log := store.BatchLog{ID: "B1", Site: "za-x", ReceivedAt: time.Now(), Count: 1, SHA256: "aaaa"}

	dup, err := cat.ingest(ctx, log, nil, write(act))
	require.NoError(t, err)
	assert.False(t, dup)

	dup, err = cat.ingest(ctx, log, nil, func(context.Context, *sql.Tx) error { t.Fatal("a duplicate writes nothing"); return nil })
	require.NoError(t, err)
	assert.True(t, dup)

	other := log
	other.SHA256 = "bbbb"
	_, err = cat.ingest(ctx, other, nil, write(act))
	require.ErrorIs(t, err, store.ErrConflict)
	assert.Contains(t, err.Error(), "B1")

	t.Run("a failed write logs nothing and stores nothing", func(t *testing.T) {
		changed := act
		changed.Quantity = 99
		failing := func(ctx context.Context, tx *sql.Tx) error {
			require.NoError(t, writeTx(ctx, tx, "za-x", []footprint.Activity{changed}))
			return errors.Join(store.ErrUnavailable, errors.New("influxdb down"))
		}
		_, err := cat.ingest(ctx, store.BatchLog{ID: "B2", Site: "za-x", ReceivedAt: time.Now(), SHA256: "cccc"}, nil, failing)
		require.ErrorIs(t, err, store.ErrUnavailable)
		recs, err := cat.Read(ctx, store.Query{})
		require.NoError(t, err)
		require.Len(t, recs, 1)
		assert.Equal(t, 10.0, recs[0].Quantity, "rolled back")
		logged, err := cat.Batches(ctx, "za-x", 10)
		require.NoError(t, err)
		assert.Len(t, logged, 1)
	})
}

func TestBatchesLoggedBeforeContentHashesAreDuplicatesAfterTheUpgrade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := Open(dir)
	require.NoError(t, err)
	_, err = cat.AddSite(ctx, "za-x", "X", "ZA")
	require.NoError(t, err)
	// As the previous version left it: schema 1, the hash of a raw body.
	_, err = cat.DB().Exec(`INSERT INTO batches(site, id, received_at, count, sha256) VALUES ('za-x', 'CONTENTID', '2025-01-01T00:00:00Z', 1, 'rawbodyhash')`)
	require.NoError(t, err)
	_, err = cat.DB().Exec(`UPDATE schema_version SET version = 1`)
	require.NoError(t, err)
	require.NoError(t, cat.Close())

	cat, err = Open(dir)
	require.NoError(t, err)
	defer cat.Close()
	dup, err := cat.ingest(ctx, store.BatchLog{ID: "CONTENTID", Site: "za-x", ReceivedAt: time.Now(), SHA256: "contenthash"}, nil,
		func(context.Context, *sql.Tx) error { t.Fatal("nothing is written again"); return nil })
	require.NoError(t, err)
	assert.True(t, dup, "the agent's retry of a batch the previous version stored is a duplicate, not a conflict")
}

// failingSeries fails every write, as an InfluxDB that is down.
type failingSeries struct{}

func (failingSeries) Write(context.Context, string, []footprint.Activity) error {
	return errors.Join(store.ErrUnavailable, errors.New("influxdb down"))
}
func (failingSeries) Read(context.Context, store.Query) ([]store.Record, error) { return nil, nil }
func (failingSeries) Close() error                                              { return nil }

// A batch whose records a Series outside the file failed to store is not
// logged, nor are its rollups kept: the agent's retry stores it whole.
func TestABatchTheSeriesRefusedIsNotLogged(t *testing.T) {
	ctx := context.Background()
	cat, err := Open(t.TempDir())
	require.NoError(t, err)
	st := cat.WithSeries(failingSeries{})
	defer st.Close()
	_, err = st.AddSite(ctx, "za-x", "X", "ZA")
	require.NoError(t, err)
	act := footprint.Activity{Kind: footprint.KindFuel, Item: "diesel", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1),
		Quantity: 10, Unit: footprint.UnitLitre, Source: "g", Quality: footprint.QualityMeasured}
	_, err = st.Ingest(ctx, store.BatchLog{ID: "B1", Site: "za-x", ReceivedAt: time.Now(), Count: 1, SHA256: "aaaa"}, nil, []footprint.Activity{act})
	require.ErrorIs(t, err, store.ErrUnavailable)
	logged, err := st.Batches(ctx, "za-x", 10)
	require.NoError(t, err)
	assert.Empty(t, logged)
	rows, err := st.RollupRows(ctx, "za-x", store.Query{})
	require.NoError(t, err)
	assert.Empty(t, rows)
}
