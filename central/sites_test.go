package central_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/web"
	"github.com/greenhelp/greenhelp/charts"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/wire"
)

// daily is a day-by-day series of grid kWh over [from, to).
func daily(from, to footprint.Date, kwh float64) []footprint.Activity {
	var acts []footprint.Activity
	for d := from; d.Before(to); d = d.AddDays(1) {
		acts = append(acts, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: d, End: d.AddDays(1),
			Quantity: kwh, Unit: footprint.UnitKWh, Source: "meter", Quality: footprint.QualityMeasured})
	}
	return acts
}

func gridKWh(inv *ghg.Inventory) float64 {
	q := 0.0
	for _, l := range inv.Lines {
		if l.Kind == string(footprint.KindElectricity) && l.Item == "grid" && l.Scope == ghg.Scope2Location {
			q += l.Quantity
		}
	}
	return q
}

// A site closed on 15 July 2024 counts 1 January – 14 July (196 days of
// 100 kWh: 19,600 kWh) in 2024, in the rollups' path and the raw trail
// alike, and is out of 2025; reopened, it counts whole again. A bill
// that started before the closing day counts whole.
func TestAClosedSiteCountsUntilItsClosingDay(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	for _, id := range []string{"fr-a", "fr-b"} {
		_, err := svc.Store.AddSite(ctx, id, id, "FR")
		require.NoError(t, err)
		site := declaration.Site{ID: id, Name: id, Country: "FR", Timezone: "Europe/Paris", Seats: 100}
		acts := daily(footprint.NewDate(2024, 1, 1), footprint.NewDate(2025, 7, 1), 100)
		acts = append(acts, footprint.Activity{Kind: footprint.KindFuel, Item: "natural_gas", Start: footprint.NewDate(2024, 7, 1), End: footprint.NewDate(2024, 8, 1),
			Quantity: 3100, Unit: footprint.UnitKWh, Source: "bills", Quality: footprint.QualityMeasured})
		_, err = svc.Ingest(ctx, id, wire.Batch{ID: "b-" + id, Site: &site, Activities: acts})
		require.NoError(t, err)
	}
	require.NoError(t, svc.Store.CloseSite(ctx, "fr-a", footprint.NewDate(2024, 7, 15)))
	svc.Changed()

	inv, err := svc.SiteInventory(ctx, "fr-a", 2024)
	require.NoError(t, err)
	assert.InDelta(t, 19600, gridKWh(inv), 1e-9)
	traced, err := svc.TracedInventory(ctx, "fr-a", 2024)
	require.NoError(t, err)
	assert.InDelta(t, 19600, gridKWh(traced), 1e-9)
	gas := 0.0
	for _, l := range inv.Lines {
		if l.Item == "natural_gas" && l.Scope == ghg.Scope1 {
			gas += l.Quantity
		}
	}
	assert.InDelta(t, 3100, gas, 1e-9, "the July bill started before the closing day")

	g, err := svc.Inventory(ctx, 2025)
	require.NoError(t, err)
	require.Len(t, g.Sites, 1, "a site closed in 2024 is out of 2025")
	assert.Equal(t, "fr-b", g.Sites[0].Site)
	g, err = svc.Inventory(ctx, 2024)
	require.NoError(t, err)
	require.Len(t, g.Sites, 2, "and stays in the year it was open")
	assert.InDelta(t, 19600+36600, gridKWh(g.Group), 1e-9)

	// The pages' path (rollups read whole, then the closing day).
	rep, err := svc.Trajectory(ctx, "")
	require.NoError(t, err)
	for _, s := range rep.Sites {
		assert.NotEqual(t, "fr-a", s.Site, "a site without a full year has no trajectory")
	}

	require.NoError(t, svc.Store.CloseSite(ctx, "fr-a", footprint.Date{}))
	inv, err = svc.SiteInventory(ctx, "fr-a", 2024)
	require.NoError(t, err)
	assert.InDelta(t, 36600, gridKWh(inv), 1e-9)
}

// Statuses at the service's clock: a site sending daily is open; one
// whose last batch is 59 days old is silent; one that still sends but
// only records of 2022 is silent (behind the group); one registered
// without a batch has no data; a closed one is closed. /metrics carries
// greenhelp_site_silent and greenhelp_site_closed.
func TestSilentSitesAreFlagged(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	send := func(id string, at time.Time, acts []footprint.Activity) {
		_, err := svc.Store.AddSite(ctx, id, id, "FR")
		require.NoError(t, err)
		svc.Clock = func() time.Time { return at }
		_, err = svc.Ingest(ctx, id, wire.Batch{ID: "b-" + id, Activities: acts})
		require.NoError(t, err)
	}
	send("fr-daily", now.Add(-24*time.Hour), daily(footprint.NewDate(2026, 2, 1), footprint.NewDate(2026, 2, 28), 100))
	send("fr-quiet", now.AddDate(0, 0, -59), daily(footprint.NewDate(2025, 12, 1), footprint.NewDate(2026, 1, 1), 100))
	send("gr-old", now.Add(-2*time.Hour), daily(footprint.NewDate(2022, 12, 1), footprint.NewDate(2023, 1, 1), 100))
	send("fr-shut", now.AddDate(0, 0, -40), daily(footprint.NewDate(2025, 12, 1), footprint.NewDate(2026, 1, 1), 100))
	_, err := svc.Store.AddSite(ctx, "fr-new", "fr-new", "FR")
	require.NoError(t, err)
	require.NoError(t, svc.Store.CloseSite(ctx, "fr-shut", footprint.NewDate(2026, 1, 1)))
	svc.Clock = func() time.Time { return now }

	sts, err := svc.SiteStatuses(ctx)
	require.NoError(t, err)
	got := map[string]SiteStatus{}
	for _, s := range sts {
		got[s.ID] = s
	}
	assert.Equal(t, StatusOpen, got["fr-daily"].Status, got["fr-daily"].Why)
	assert.Equal(t, footprint.NewDate(2026, 2, 27), got["fr-daily"].NewestDay)
	assert.Equal(t, int64(27), got["fr-daily"].Records)
	assert.Equal(t, StatusSilent, got["fr-quiet"].Status)
	assert.Contains(t, got["fr-quiet"].Why, "no batch for 59 days (last on 2026-01-01")
	assert.Equal(t, StatusSilent, got["gr-old"].Status)
	assert.Contains(t, got["gr-old"].Why, "newest record 2022-12-31, 1154 days behind the group's newest (2026-02-27")
	assert.Equal(t, StatusNoData, got["fr-new"].Status)
	assert.Equal(t, StatusClosed, got["fr-shut"].Status)

	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range []string{`greenhelp_site_silent{site="fr-quiet"} 1`, `greenhelp_site_silent{site="gr-old"} 1`,
		`greenhelp_site_silent{site="fr-daily"} 0`, `greenhelp_site_closed{site="fr-shut"} 1`} {
		assert.Contains(t, string(body), line)
	}
	assert.False(t, strings.Contains(string(body), `greenhelp_site_silent{site="fr-shut"} 1`), "a closed site is not silent")
}

// A fresh central's first page says how to add a site and run its agent
// (200, not a 404), and lists the registered sites as they stand until
// one has a full year.
func TestAFreshCentralShowsHowToStart(t *testing.T) {
	svc := testService(t, nil)
	srv := httptest.NewServer(newHandler(svc)) // pages included
	defer srv.Close()
	get := func() string {
		resp, err := http.Get(srv.URL + "/")
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		return string(body)
	}
	page := get()
	assert.Contains(t, page, "greenhelp sites add --id")
	assert.Contains(t, page, "greenhelp-agent init --site fr-lyo-gerland --country FR --central "+srv.URL)
	assert.Contains(t, page, "none yet")

	ctx := context.Background()
	_, err := svc.Store.AddSite(ctx, "fr-new", "Lyon", "FR")
	require.NoError(t, err)
	_, err = svc.Ingest(ctx, "fr-new", wire.Batch{ID: "half", Activities: daily(footprint.NewDate(2026, 1, 1), footprint.NewDate(2026, 7, 1), 100)})
	require.NoError(t, err)
	page = get()
	assert.Contains(t, page, "Lyon (fr-new)")
	assert.NotContains(t, page, "none yet")
}

// The group page ranks the sites over their allowed line by the tonnes
// over, with the % beside: a big site a little over comes before a small
// one as much over; a site under its line is not listed; neither is a
// site in its base year.
func TestTheGroupPageRanksSitesOverTheirLineByTonnes(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	svc.Clock = func() time.Time { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) }
	post := func(id string, acts []footprint.Activity) {
		_, err := svc.Store.AddSite(ctx, id, "Site "+id, "ZA")
		require.NoError(t, err)
		site := declaration.Site{ID: id, Name: "Site " + id, Country: "ZA", Timezone: "Africa/Johannesburg", Seats: 100}
		_, err = svc.Ingest(ctx, id, wire.Batch{ID: id, Site: &site, Activities: acts})
		require.NoError(t, err)
	}
	post("za-small", append(yearOf(2024, 10000, 1000), yearOf(2025, 10000, 1000)...))
	post("za-big", append(yearOf(2024, 50000, 1000), yearOf(2025, 49000, 1000)...))
	post("za-down", append(yearOf(2024, 50000, 1000), yearOf(2025, 40000, 1000)...))
	post("za-newer", yearOf(2025, 90000, 1000))
	g, err := svc.GroupPage(ctx, 2025)
	require.NoError(t, err)
	require.Len(t, g.OverLine, 2, "%+v", g.OverLine)
	assert.Equal(t, "za-big", g.OverLine[0].ID)
	assert.Equal(t, "za-small", g.OverLine[1].ID)
	assert.Greater(t, g.OverLine[1].GapPct, g.OverLine[0].GapPct, "the small site is more over in %, less in tonnes")
	for _, o := range g.OverLine {
		assert.InDelta(t, o.ActualT-o.AllowedT, o.GapT, 1e-9)
		assert.InDelta(t, 100*o.GapT/o.AllowedT, o.GapPct, 1e-9)
	}
	// The year-on-year table: every site, its allowed emissions once it
	// has a year after its base, the change split in three.
	require.Len(t, g.SiteChanges, 4)
	assert.Contains(t, g.Allowed, "za-big")
	assert.NotContains(t, g.Allowed, "za-newer")
	var buf bytes.Buffer
	require.NoError(t, charts.RenderGroup(&buf, web.GroupData(g, false), charts.ServedLinks("/assets/")))
	page := buf.String()
	assert.Contains(t, page, "Each site, 2025 against 2024")
	assert.Contains(t, page, "Sites over their allowed emissions in 2025, most tonnes over first")
	assert.Regexp(t, `za-newer</td>\s*<td>0\.0</td>\s*<td>[0-9.]+</td>\s*<td>no trajectory yet</td>`, page)
}
