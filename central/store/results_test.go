package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// resultsConformance is the conformance suite's part for store.Results:
// a site's generation moves with every change of what its calculation
// reads, and only then; results round-trip and a put replaces.
func resultsConformance(t *testing.T, mk func(t *testing.T) backend) {
	ctx := context.Background()
	gen := func(t *testing.T, s store.Store, site string) int64 {
		t.Helper()
		g, err := s.Generations(ctx)
		require.NoError(t, err)
		return g[site]
	}
	t.Run("a site's generation moves with its own batches only", func(t *testing.T) {
		s := mk(t).open(t)
		elec := rec(footprint.KindElectricity, "grid", "2024-01-01", "2024-02-01", 10, footprint.UnitKWh, nil)
		require.NoError(t, write(ctx, s, "a", []footprint.Activity{elec}))
		require.NoError(t, write(ctx, s, "b", []footprint.Activity{elec}))
		a0, b0 := gen(t, s, "a"), gen(t, s, "b")
		assert.NotZero(t, a0, "a site's first batch moves its generation off 0")

		b := store.BatchLog{ID: "results-1", Site: "a", ReceivedAt: time.Now(), Count: 1, SHA256: "h1"}
		dup, err := s.Ingest(ctx, b, nil, []footprint.Activity{elec})
		require.NoError(t, err)
		require.False(t, dup)
		a1 := gen(t, s, "a")
		assert.Greater(t, a1, a0, "the site's new batch")
		assert.Equal(t, b0, gen(t, s, "b"), "another site's batch leaves b as it was")

		dup, err = s.Ingest(ctx, b, nil, []footprint.Activity{elec})
		require.NoError(t, err)
		require.True(t, dup)
		assert.Equal(t, a1, gen(t, s, "a"), "a duplicate changes nothing")
		b.SHA256 = "h2"
		_, err = s.Ingest(ctx, b, nil, []footprint.Activity{elec})
		require.ErrorIs(t, err, store.ErrConflict)
		assert.Equal(t, a1, gen(t, s, "a"), "a conflict changes nothing")

		require.NoError(t, s.RebuildRollups(ctx, "a"))
		a2 := gen(t, s, "a")
		assert.Greater(t, a2, a1, "rebuilding the rollups")
		assert.Equal(t, b0, gen(t, s, "b"))
	})
	t.Run("a changed profile override moves the generation, the same one not", func(t *testing.T) {
		s := mk(t).open(t)
		_, err := s.AddSite(ctx, "o", "O", "FR")
		require.NoError(t, err)
		g0 := gen(t, s, "o")
		require.NoError(t, s.SetOverride(ctx, "o", "temperate-grid", "why"))
		g1 := gen(t, s, "o")
		assert.Greater(t, g1, g0, "a new pin")
		require.NoError(t, s.SetOverride(ctx, "o", "temperate-grid", "why"))
		assert.Equal(t, g1, gen(t, s, "o"), "the same pin again (every start applies the overrides file)")
		require.NoError(t, s.SetOverride(ctx, "o", "temperate-grid", "another reason"))
		assert.Greater(t, gen(t, s, "o"), g1, "another reason")
	})
	t.Run("site results round-trip, a put replaces, and they survive a reopen", func(t *testing.T) {
		be := mk(t)
		s := be.open(t)
		got, err := s.SiteResults(ctx)
		require.NoError(t, err)
		assert.Empty(t, got)
		blob := []byte{0, 1, 2, 0xff, 'x'}
		require.NoError(t, s.PutSiteResult(ctx, "a", "k1", blob))
		require.NoError(t, s.PutSiteResult(ctx, "b", "k2", []byte("b's")))
		require.NoError(t, s.PutSiteResult(ctx, "a", "k3", []byte("a's second")))
		s = be.open(t)
		got, err = s.SiteResults(ctx)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, "k3", got["a"].Key)
		assert.Equal(t, []byte("a's second"), got["a"].Blob)
		assert.Equal(t, "k2", got["b"].Key)
		assert.Equal(t, []byte("b's"), got["b"].Blob)
		assert.WithinDuration(t, time.Now(), got["a"].WrittenAt, time.Hour)
	})
}
