package central_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/web"
	"github.com/greenhelp/greenhelp/charts"
)

// One story everywhere: for sites in their base year (the examples have
// 2024 only), the API, the group page and the site page give no verdict
// — the base year is the line's start — and the site page's freshness
// is the API's.
func TestTheAPIAndThePagesTellOneStoryOfASiteInItsBaseYear(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()

	rep, err := svc.Trajectory(ctx, "")
	require.NoError(t, err)
	require.NotEmpty(t, rep.Sites)
	for _, tr := range rep.Sites {
		require.Len(t, tr.Years, 1, tr.Site)
		assert.Nil(t, tr.Years[0].OnTrack, "%s: the API gives no verdict in the base year", tr.Site)
	}
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"on_track":null`)
	assert.NotContains(t, string(b), `"on_track":true`)

	g, err := svc.GroupPage(ctx, 2024)
	require.NoError(t, err)
	for _, s := range g.Sites {
		assert.Nil(t, s.GapPct, "%s: no gap on the group page", s.ID)
	}
	var html bytes.Buffer
	require.NoError(t, charts.RenderGroup(&html, web.GroupData(g, false), charts.ServedLinks("/assets/")))
	assert.Contains(t, html.String(), "2024 is the base year: the trajectory is checked from 2025")
	assert.NotContains(t, html.String(), "(on track)")

	for _, id := range []string{"za-jnb-sandton", "fr-par-batignolles"} {
		sp, err := svc.SitePage(ctx, id, 2024)
		require.NoError(t, err)
		html.Reset()
		require.NoError(t, charts.RenderSite(&html, web.SiteData(sp, false), charts.ServedLinks("/assets/")))
		assert.Contains(t, html.String(), "2024 is the base year", id)
		assert.NotContains(t, html.String(), "(on track)", id)

		detail, err := svc.SiteDetail(ctx, id)
		require.NoError(t, err)
		require.NotEmpty(t, detail.Freshness, id)
		assert.Equal(t, detail.Freshness, sp.Freshness, "%s: the page's freshness is the API's", id)
	}
}
