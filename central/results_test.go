package central_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	centralserver "github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/esg"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/wire"
)

// resultsStore is everyScopeService's three sites (every scope, 2023 and
// 2024) and four more that take the other paths of the views: a unit
// acquired mid-month (its own years before, a month cut by its boundary),
// a site closed mid-year, a silent site (its 2024 estimated), and a site
// of workstations whose power-off roll-out falls mid-month (the month read
// as its records, the power-off months). It returns the store's
// configuration, the store closed.
func resultsStore(t *testing.T) *Config {
	t.Helper()
	ctx := context.Background()
	svc := everyScopeService(t)
	post := func(id string, decl *declaration.Site, acts []footprint.Activity) {
		t.Helper()
		_, err := svc.Store.AddSite(ctx, id, id, "FR")
		require.NoError(t, err)
		if decl == nil {
			decl = &declaration.Site{ID: id, Name: id, Country: "FR", Timezone: "Europe/Paris", Seats: 100}
		}
		_, err = svc.Ingest(ctx, id, wire.Batch{ID: id + "-1", Site: decl, Activities: acts})
		require.NoError(t, err)
	}
	post("acq", nil, years(yearOf(2022, 8000, 800), yearOf(2023, 8000, 800), yearOf(2024, 7800, 800)))
	require.NoError(t, svc.AddSiteEvent(ctx, "acq", structure.Acquired, footprint.NewDate(2024, 3, 15), "bought from Acme"))
	post("shut", nil, until(years(yearOf(2023, 6000, 600), yearOf(2024, 6000, 600)), footprint.NewDate(2024, 7, 15)))
	require.NoError(t, svc.Store.CloseSite(ctx, "shut", footprint.NewDate(2024, 7, 15)))
	post("quiet", nil, until(years(yearOf(2023, 5000, 500), yearOf(2024, 5000, 500)), footprint.NewDate(2024, 5, 1)))

	ws := declaration.Site{ID: "ws", Name: "ws", Country: "FR", Timezone: "UTC", Seats: 50, FTE: 45,
		Workstations: []declaration.Workstation{{Class: "desktop", Count: 50, WattsOn: 60, WattsOff: 1, WattsSleep: 3}},
		PowerOff: declaration.PowerOffSchedule{Since: footprint.NewDate(2024, 3, 12), Windows: []declaration.PowerOffWindow{
			{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}, {Days: []string{"sat", "sun"}, AllDay: true}}}}
	var acts []footprint.Activity
	for d := footprint.NewDate(2023, 1, 1); d.Year() < 2025; d = d.AddDays(1) {
		off := 300.0 // more machines off once the roll-out started
		if !d.Before(ws.PowerOff.Since) {
			off = 700
		}
		for state, h := range map[string]float64{"on": 500, "off": off, "sleep": 40, "missed": 1000 - off} {
			acts = append(acts, footprint.Activity{Kind: footprint.KindWorkstation, Item: "desktop", Start: d, End: d.AddDays(1), Quantity: h,
				Unit: footprint.UnitDeviceH, Source: "pc-log", Quality: footprint.QualityMeasured, Attrs: map[string]string{"state": state, "location": "site"}})
		}
	}
	acts = append(acts, yearOf(2023, 3000, 0)...)
	post("ws", &ws, append(acts, yearOf(2024, 2800, 0)...))
	cfg := svc.Cfg
	require.NoError(t, svc.Close())
	return cfg
}

// openResults opens a fresh service (nothing cached in memory) on cfg's
// store; off: one that reads and writes no stored results.
func openResults(t *testing.T, cfg *Config, off bool) *Service {
	t.Helper()
	svc, err := centralserver.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	svc.Clock = func() time.Time { return time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC) }
	if off {
		svc.ResultsOff()
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// views are what the views answer, by name: the group inventory, the
// trajectory and the group page of every year, the changes, each site's
// page, and the ESG export's bytes (json) — views reads only what the
// cold views read (the group page, the inventory, the trajectory), esg
// the rest.
func viewsOf(t *testing.T, svc *Service, withSitesAndESG bool) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	put := func(name string, v any, err error) {
		if err != nil {
			out[name] = "error: " + err.Error()
			return
		}
		raw, err := json.Marshal(v)
		require.NoError(t, err, name)
		out[name] = string(raw)
	}
	for _, y := range []int{2023, 2024} {
		g, err := svc.GroupPage(ctx, y)
		put(fmt.Sprintf("group page %d", y), g, err)
		inv, err := svc.Inventory(ctx, y)
		put(fmt.Sprintf("inventory %d", y), inv, err)
	}
	tr, err := svc.Trajectory(ctx, "")
	put("trajectory", tr, err)
	if !withSitesAndESG {
		return out
	}
	sites, err := svc.Store.Sites(ctx)
	require.NoError(t, err)
	for _, st := range sites {
		p, err := svc.SitePage(ctx, st.ID, 2024) // the profile's distances too, to the bit
		put("site page "+st.ID, p, err)
	}
	ch, err := svc.Changes(ctx, 2024)
	put("changes", ch, err)
	for _, y := range []int{2023, 2024} {
		d, err := svc.ESGDataset(ctx, y, "", "test")
		require.NoError(t, err)
		dir := filepath.Join(t.TempDir(), "export")
		_, err = esg.Export(d, "json", filepath.Join(dir, "ghg.json"), time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC))
		require.NoError(t, err)
		raw, err := os.ReadFile(filepath.Join(dir, "ghg.json"))
		require.NoError(t, err)
		out[fmt.Sprintf("esg %d", y)] = string(raw)
	}
	return out
}

// sameViews checks that every view of got is want's, byte for byte.
func sameViews(t *testing.T, want, got map[string]string, what string) {
	t.Helper()
	require.NotEmpty(t, got, what)
	for name, g := range got {
		w, ok := want[name]
		require.True(t, ok, "%s: %s", what, name)
		if w != g {
			i := 0
			for i < len(w) && i < len(g) && w[i] == g[i] {
				i++
			}
			from := max(0, i-300)
			require.Failf(t, "views differ", "%s: %s at byte %d:\nwant …%s\ngot  …%s", what, name, i, w[from:min(len(w), i+200)], g[from:min(len(g), i+200)])
		}
	}
}

func TestStoredResultsGiveTheViewsOfARecomputation(t *testing.T) {
	ctx := context.Background()
	cfg := resultsStore(t)
	const sites = 7

	// (a) No stored results: the reference, and the same with the cache
	// on (it computes from the records, then writes the results back).
	want := viewsOf(t, openResults(t, cfg, true), true)
	cold := openResults(t, cfg, false)
	sameViews(t, want, viewsOf(t, cold, true), "(a) no stored results")
	read, hit, _ := cold.ResultCounts()
	assert.Zero(t, hit, "(a) nothing stored yet")
	assert.GreaterOrEqual(t, read, int64(sites))
	cold.WaitResults()
	ghit, gwritten := cold.GroupCounts()
	assert.Equal(t, [2]int64{0, 1}, [2]int64{ghit, gwritten}, "(a) the group's figures merged once, by the first group page, and written")

	// (b) Results current: the cold views read no record.
	svc := openResults(t, cfg, false)
	st, err := svc.RefreshResults(ctx)
	require.NoError(t, err)
	assert.Equal(t, RefreshStats{}, st, "(b) the views of (a) wrote every result the cold views need")
	svc = openResults(t, cfg, false)
	sameViews(t, want, viewsOf(t, svc, false), "(b) results current")
	read, hit, _ = svc.ResultCounts()
	assert.Zero(t, read, "(b) no site read from its records")
	assert.Equal(t, int64(sites), hit)
	ghit, gwritten = svc.GroupCounts()
	assert.Equal(t, [2]int64{1, 0}, [2]int64{ghit, gwritten}, "(b) the group page's years from the group's stored figures")
	sameViews(t, want, viewsOf(t, svc, true), "(b) results current, the site pages and the export too")

	// (c) One site's new batch: that site recomputed, the others read
	// from their results. A correction of one month of 2024 (its key sent
	// again) changes its figures, not its full years.
	svc = openResults(t, cfg, false)
	fix := yearOf(2024, 7800, 800)[5]
	fix.Quantity = 9999
	_, err = svc.Ingest(ctx, "acq", wire.Batch{ID: "acq-fix", Activities: []footprint.Activity{fix}})
	require.NoError(t, err)
	st, err = svc.RefreshResults(ctx)
	require.NoError(t, err)
	assert.Equal(t, RefreshStats{Recomputed: 1, Written: 1}, st, "(c) the refresher recomputes the one stale site")
	ghit, gwritten = svc.GroupCounts()
	assert.Equal(t, [2]int64{0, 1}, [2]int64{ghit, gwritten}, "(c) and the group's figures: one site's key moved, the group's with it")
	before := want
	want = viewsOf(t, openResults(t, cfg, true), true)
	assert.NotEqual(t, before["inventory 2024"], want["inventory 2024"], "the correction shows")
	svc = openResults(t, cfg, false)
	sameViews(t, want, viewsOf(t, svc, false), "(c) after one site's batch")
	read, hit, _ = svc.ResultCounts()
	assert.Equal(t, [2]int64{0, sites}, [2]int64{read, hit}, "(c) every site from its results, refreshed")
	ghit, _ = svc.GroupCounts()
	assert.Equal(t, int64(1), ghit, "(c) the group's figures, refreshed")

	// (d) Another configuration (the GWP set): every key changes, every
	// site recomputed.
	ar5 := *cfg
	ar5.Inventory.GWP = "AR5"
	wantAR5 := viewsOf(t, openResults(t, &ar5, true), true)
	require.NotEqual(t, want["inventory 2024"], wantAR5["inventory 2024"], "the GWP set reaches the figures")
	svc = openResults(t, &ar5, false)
	st, err = svc.RefreshResults(ctx)
	require.NoError(t, err)
	assert.Equal(t, RefreshStats{Recomputed: sites, Written: sites}, st, "(d) a configuration change recomputes every site")
	ghit, gwritten = svc.GroupCounts()
	assert.Equal(t, [2]int64{0, 1}, [2]int64{ghit, gwritten}, "(d) and the group's figures")
	sameViews(t, wantAR5, viewsOf(t, openResults(t, &ar5, false), true), "(d) after a configuration change")

	// (e) A result planted under a wrong key, and one under the right key
	// that does not read: neither is used.
	svc = openResults(t, cfg, false)
	st, err = svc.RefreshResults(ctx)
	require.NoError(t, err)
	assert.Equal(t, sites, st.Recomputed, "back to the first configuration")
	stored, err := svc.Store.SiteResults(ctx)
	require.NoError(t, err)
	require.NoError(t, svc.Store.PutSiteResult(ctx, "quiet", "not-its-key", stored["acq"].Blob))
	key, err := svc.SiteKey(ctx, "shut")
	require.NoError(t, err)
	require.NoError(t, svc.Store.PutSiteResult(ctx, "shut", key, []byte(`{"format":1,"years":{"2024":{"inv":`)))
	svc = openResults(t, cfg, false)
	sameViews(t, want, viewsOf(t, svc, false), "(e) planted results")
	read, hit, _ = svc.ResultCounts()
	assert.Equal(t, [2]int64{2, sites - 2}, [2]int64{read, hit}, "(e) the two planted sites read from their records, the others from their results")
	sameViews(t, want, viewsOf(t, svc, true), "(e) planted results, the site pages and the export")

	// (f) The group's figures planted under a wrong key (another store's
	// configuration: AR5's, which read), then the key's entry cut short:
	// neither is used, the years are merged from the sites again.
	svc = openResults(t, cfg, false)
	_, err = svc.RefreshResults(ctx)
	require.NoError(t, err)
	stored, err = svc.Store.SiteResults(ctx)
	require.NoError(t, err)
	group := stored[GroupResultID]
	require.NotEmpty(t, group.Key, "(f) the refresher wrote the group's figures")
	ar5svc := openResults(t, &ar5, false)
	_, err = ar5svc.GroupPage(ctx, 0)
	require.NoError(t, err)
	ar5svc.WaitResults()
	stored, err = ar5svc.Store.SiteResults(ctx)
	require.NoError(t, err)
	require.NotEqual(t, group.Key, stored[GroupResultID].Key, "(f) AR5's figures, under AR5's key")
	require.NoError(t, svc.Store.PutSiteResult(ctx, GroupResultID, "not-its-key", stored[GroupResultID].Blob))
	svc = openResults(t, cfg, false)
	sameViews(t, want, viewsOf(t, svc, false), "(f) the group's figures under a wrong key")
	ghit, gwritten = svc.GroupCounts()
	assert.Equal(t, [2]int64{0, 1}, [2]int64{ghit, gwritten}, "(f) merged again and written back")
	svc.WaitResults()
	require.NoError(t, svc.Store.PutSiteResult(ctx, GroupResultID, group.Key, group.Blob[:len(group.Blob)/2]))
	svc = openResults(t, cfg, false)
	sameViews(t, want, viewsOf(t, svc, false), "(f) the group's figures cut short")
	ghit, _ = svc.GroupCounts()
	assert.Zero(t, ghit, "(f) the entry cut short is not used")
}

func TestTheRefresherRecomputesTheStaleSitesAfterAQuietPeriod(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := resultsStore(t)
	svc := openResults(t, cfg, false)
	timers := make(chan chan time.Time, 8)
	after := func(time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		timers <- c
		return c
	}
	done := make(chan RefreshStats, 8)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		svc.RunRefresher(ctx, Refresher{After: after, Done: func(st RefreshStats, err error) {
			assert.NoError(t, err)
			done <- st
		}})
	}()
	fire := func() {
		t.Helper()
		select {
		case c := <-timers:
			c <- time.Time{}
		case <-time.After(30 * time.Second): // bounds the wait for the refresher's timer, never spent otherwise
			t.Fatal("the refresher set no timer")
		}
	}
	got := func() RefreshStats {
		t.Helper()
		select {
		case st := <-done:
			return st
		case <-time.After(60 * time.Second):
			t.Fatal("no refresh")
		}
		return RefreshStats{}
	}
	fire() // at start
	assert.Equal(t, RefreshStats{Recomputed: 7, Written: 7}, got(), "at start: every site, nothing stored yet")

	// Two batches of two sites, the quiet period restarting after each.
	for i, id := range []string{"quiet", "shut"} {
		fix := yearOf(2023, 5000, 500)[2]
		fix.Quantity = float64(4000 + i)
		_, err := svc.Ingest(ctx, id, wire.Batch{ID: id + "-fix", Activities: []footprint.Activity{fix}})
		require.NoError(t, err)
		select {
		case c := <-timers: // the quiet period after this batch (the one before never fires)
			if id == "shut" {
				c <- time.Time{}
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the refresher set no timer after a batch")
		}
	}
	assert.Equal(t, RefreshStats{Recomputed: 2, Written: 2}, got(), "after the quiet period: the two stale sites")
	cancel()
	<-stopped
}

// heldPut is a store whose write of the group's figures waits until it
// is let go: a database that does not answer.
type heldPut struct {
	store.Store
	entered chan struct{}
	release chan struct{}
}

func (h *heldPut) PutSiteResult(ctx context.Context, site, key string, blob []byte) error {
	if site == "*group" {
		close(h.entered)
		<-h.release
	}
	return h.Store.PutSiteResult(ctx, site, key, blob)
}

// A write-back of the group's figures that waits on the database holds
// up no page: the next group pages answer (from the figures held) while
// it waits, and once it ends the figures are stored.
func TestAGroupPageIsNotHeldUpByTheGroupsWriteBack(t *testing.T) {
	cfg := resultsStore(t)
	svc := openResults(t, cfg, false)
	held := &heldPut{Store: svc.Store, entered: make(chan struct{}), release: make(chan struct{})}
	svc.Store = held
	ctx := context.Background()
	first, err := svc.GroupPage(ctx, 2024)
	require.NoError(t, err)
	<-held.entered // the write-back of what the page merged is waiting
	for _, y := range []int{2024, 2023} {
		_, err := svc.GroupPage(ctx, y) // would wait for the write with the cache's lock held
		require.NoError(t, err)
	}
	again, err := svc.GroupPage(ctx, 2024)
	require.NoError(t, err)
	require.Equal(t, first, again)
	close(held.release)
	require.NoError(t, svc.Close())
	st := openResults(t, cfg, false).Store
	rs, err := st.SiteResults(ctx)
	require.NoError(t, err)
	_, ok := rs["*group"]
	require.True(t, ok, "the group's figures are stored once the write ends")
}
