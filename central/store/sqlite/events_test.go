package sqlite

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

func TestASitesEventsAreKeptWithItByDayAndKind(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := Open(dir)
	require.NoError(t, err)
	for _, id := range []string{"gr-ath", "ma-rab"} {
		_, err = cat.AddSite(ctx, id, id, "GR")
		require.NoError(t, err)
	}
	acq := store.SiteEvent{Kind: "acquired", On: footprint.NewDate(2023, 7, 1), Note: "bought from Acme"}
	div := store.SiteEvent{Kind: "divested", On: footprint.NewDate(2025, 4, 1)}
	require.NoError(t, cat.AddSiteEvent(ctx, "gr-ath", div))
	require.NoError(t, cat.AddSiteEvent(ctx, "gr-ath", acq))
	require.ErrorIs(t, cat.AddSiteEvent(ctx, "gr-ath", acq), store.ErrExists)
	require.ErrorIs(t, cat.AddSiteEvent(ctx, "nowhere", acq), store.ErrNotFound)
	require.NoError(t, cat.Close())

	cat, err = Open(dir)
	require.NoError(t, err)
	defer cat.Close()
	st, err := cat.Site(ctx, "gr-ath")
	require.NoError(t, err)
	require.Len(t, st.Events, 2)
	assert.Equal(t, []string{"acquired", "divested"}, []string{st.Events[0].Kind, st.Events[1].Kind}, "by day")
	assert.Equal(t, "bought from Acme", st.Events[0].Note)
	assert.Equal(t, footprint.NewDate(2023, 7, 1), st.Events[0].On)
	assert.False(t, st.Events[0].RecordedAt.IsZero())
	all, err := cat.Sites(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Len(t, all[0].Events, 2)
	assert.Empty(t, all[1].Events)

	require.NoError(t, cat.RemoveSiteEvent(ctx, "gr-ath", "divested", div.On))
	require.ErrorIs(t, cat.RemoveSiteEvent(ctx, "gr-ath", "divested", div.On), store.ErrNotFound)
	st, err = cat.Site(ctx, "gr-ath")
	require.NoError(t, err)
	assert.Len(t, st.Events, 1)
}
