package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// micro is t as PostgreSQL keeps it (timestamptz: microseconds).
func micro(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

// Every table of a SQLite store reads back the same from its copy.
func TestImportCopiesEveryTableOfASQLiteStore(t *testing.T) {
	ctx := context.Background()
	src, err := sqlite.Open(t.TempDir())
	require.NoError(t, err)
	defer src.Close()
	tok, err := src.AddSite(ctx, "fr-par", "Paris", "FR")
	require.NoError(t, err)
	_, err = src.AddSite(ctx, "za-jnb", "Jo'burg", "ZA")
	require.NoError(t, err)
	require.NoError(t, src.CloseSite(ctx, "za-jnb", day("2025-06-30")))
	require.NoError(t, src.AddSiteEvent(ctx, "fr-par", store.SiteEvent{Kind: "acquired", On: day("2022-01-01"), Note: "bought"}))
	require.NoError(t, src.SetOverride(ctx, "fr-par", "temperate", "pinned"))
	_, err = src.AddOffset(ctx, store.Offset{Year: 2024, T: 3.5, Registry: "Verra", Project: "p", Vintage: 2023})
	require.NoError(t, err)
	_, err = src.AddOffset(ctx, store.Offset{Year: 2024, T: 1.25, Registry: "Gold", Project: "q", Vintage: 2024})
	require.NoError(t, err)
	require.NoError(t, src.CloseYear(ctx, store.ClosedYear{Year: 2024, ClosedAt: time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC), InputDigest: "d", FactorSet: "f", GWPSet: "AR6",
		Figures: map[string]map[string]float64{"group": {"scope1_t": 2.5}}}))
	decl := declaration.Site{ID: "fr-par", Name: "Paris", Country: "FR"}
	_, err = src.Ingest(ctx, store.BatchLog{ID: "b1", Site: "fr-par", ReceivedAt: time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC), Count: 3, SHA256: "h"}, &decl,
		[]footprint.Activity{elec("2024-01-01", "2024-01-02", 10), elec("2024-01-02", "2024-01-03", 20), elec("2024-01-20", "2024-02-10", 300)})
	require.NoError(t, err)

	dst := open(t, pgtest.DSN(t))
	n, err := dst.Import(ctx, src)
	require.NoError(t, err)
	assert.Equal(t, 2, n["sites"])
	assert.Equal(t, 3, n["activities"])
	assert.Equal(t, 1, n["rollup_months"], "January's two days in one row")
	assert.Equal(t, 1, n["rollup_spans"], "the record over January–February kept whole")

	sitesA, err := src.Sites(ctx)
	require.NoError(t, err)
	sitesB, err := dst.Sites(ctx)
	require.NoError(t, err)
	for i := range sitesA {
		sitesA[i].CreatedAt = micro(sitesA[i].CreatedAt)
		for j := range sitesA[i].Events {
			sitesA[i].Events[j].RecordedAt = micro(sitesA[i].Events[j].RecordedAt)
		}
	}
	assert.Equal(t, sitesA, sitesB)
	who, err := dst.Authenticate(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, "fr-par", who, "the site's token works on the copy")

	for _, q := range []store.Query{{}, {From: day("2024-02-01")}} {
		recsA, err := src.Read(ctx, q)
		require.NoError(t, err)
		recsB, err := dst.Read(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, recsA, recsB)
		rowsA, err := src.RollupRows(ctx, "fr-par", q)
		require.NoError(t, err)
		rowsB, err := dst.RollupRows(ctx, "fr-par", q)
		require.NoError(t, err)
		assert.Equal(t, rowsA, rowsB)
		spansA, err := src.RollupSpans(ctx, "fr-par", q)
		require.NoError(t, err)
		spansB, err := dst.RollupSpans(ctx, "fr-par", q)
		require.NoError(t, err)
		assert.Equal(t, spansA, spansB)
	}
	logsA, err := src.Batches(ctx, "fr-par", 10)
	require.NoError(t, err)
	logsB, err := dst.Batches(ctx, "fr-par", 10)
	require.NoError(t, err)
	require.Len(t, logsB, 1)
	logsA[0].ReceivedAt = micro(logsA[0].ReceivedAt)
	assert.Equal(t, logsA, logsB)
	vA, err := src.Versions(ctx, "fr-par")
	require.NoError(t, err)
	vB, err := dst.Versions(ctx, "fr-par")
	require.NoError(t, err)
	require.Len(t, vB, 1)
	vA[0].ReceivedAt = micro(vA[0].ReceivedAt)
	assert.Equal(t, vA, vB)
	pin, err := dst.Override(ctx, "fr-par")
	require.NoError(t, err)
	assert.Equal(t, &declaration.ProfilePin{Pin: "temperate", Reason: "pinned"}, pin)
	yA, err := src.ClosedYears(ctx, 0)
	require.NoError(t, err)
	yB, err := dst.ClosedYears(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, yA, yB)
	offA, err := src.Offsets(ctx, 0)
	require.NoError(t, err)
	offB, err := dst.Offsets(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, offA, offB)
	// The offsets' ids go on after the copied ones (1, 2 → 3).
	id, err := dst.AddOffset(ctx, store.Offset{Year: 2025, T: 1, Registry: "r", Project: "p", Vintage: 2025})
	require.NoError(t, err)
	assert.Equal(t, int64(3), id)
	actA, err := src.Activity(ctx)
	require.NoError(t, err)
	actB, err := dst.Activity(ctx)
	require.NoError(t, err)
	a := actA["fr-par"]
	a.LastReceived = micro(a.LastReceived)
	actA["fr-par"] = a
	assert.Equal(t, actA, actB)
	// The batch again at the copy: a duplicate, as it was at the source.
	dup, err := dst.Ingest(ctx, store.BatchLog{ID: "b1", Site: "fr-par", ReceivedAt: time.Now(), Count: 3, SHA256: "h"}, nil, nil)
	require.NoError(t, err)
	assert.True(t, dup)
}
