package central_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/wire"
)

// yearOf is a full calendar year of a site's grid electricity (12 monthly
// bills) plus one long-haul economy trip.
func yearOf(y int, kwhPerMonth, pkm float64) []footprint.Activity {
	var acts []footprint.Activity
	for m := time.January; m <= time.December; m++ {
		acts = append(acts, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(y, m, 1), End: footprint.NewDate(y, m+1, 1),
			Quantity: kwhPerMonth, Unit: footprint.UnitKWh, Source: "meter", Quality: footprint.QualityMeasured})
	}
	d := footprint.NewDate(y, time.May, 1)
	return append(acts, footprint.Activity{Kind: footprint.KindTravel, Item: "flight_long_haul", Start: d, End: d.AddDays(1), Quantity: pkm,
		Unit: footprint.UnitPKm, Source: "agency", Quality: footprint.QualityMeasured, Attrs: map[string]string{"class": "economy"}})
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	if v != nil && resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	}
	return resp.StatusCode
}

func TestTheChangesAPISplitsTheYearAndTheRecordsAPIShowsTheTrail(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	svc.Clock = func() time.Time { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) }
	post := func(id, country, batch string, acts []footprint.Activity) {
		_, err := svc.Store.AddSite(ctx, id, id, country)
		if err != nil {
			require.ErrorContains(t, err, "exists")
		}
		site := declaration.Site{ID: id, Name: id, Country: country, Timezone: "Europe/Paris", Seats: 100}
		_, err = svc.Ingest(ctx, id, wire.Batch{ID: batch, Site: &site, Activities: acts})
		require.NoError(t, err)
	}
	// fr-a flies 2.5 % less in 2025; fr-b closes after 2024 (declared);
	// fr-c opens in 2025; fr-d stops sending after 2024 (nothing declared).
	post("fr-a", "FR", "a", append(yearOf(2024, 10000, 100000), yearOf(2025, 10000, 97500)...))
	post("fr-b", "FR", "b", yearOf(2024, 5000, 0.001))
	post("fr-c", "FR", "c", yearOf(2025, 4000, 0.001))
	post("fr-d", "FR", "d", yearOf(2024, 3000, 0.001))
	require.NoError(t, svc.CloseSite(ctx, "fr-b", footprint.NewDate(2025, 1, 1)))
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()

	var rep ChangeReport
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/api/v1/changes?year=2025", &rep))
	g := rep.Group
	assert.InDelta(t, g.ToT-g.FromT, g.ActivityT+g.MixT+g.FactorT+g.WeatherT+g.StructureT, 1e-9, "the effects add up to the change")
	require.Len(t, rep.Sites, 4)
	a := rep.Sites[0]
	assert.Equal(t, "fr-a", a.Entity)
	// DESNZ international economy with RF: 0.13465 (2024) → 0.10916 (2025)
	// kg/pkm by a change of method, which restates 2024 at 0.10916: no
	// factor effect from the flights. The factor effect (market-based) is
	// the French residual mix's real change, AIB 0.02352 (2024) → 0.01711
	// (2025) kg/kWh on 120,000 kWh = −0.7692 t.
	assert.InDelta(t, 120000*(0.01711-0.02352)/1000, a.FactorT, 1e-9, "the DESNZ 2025 flight change is a restatement, not progress")
	assert.InDelta(t, -2500*0.10916/1000, a.ActivityT, 1e-9)
	assert.Equal(t, "closed", rep.Sites[1].Status, "named by its declared closure")
	assert.InDelta(t, -rep.Sites[1].FromT, rep.Sites[1].StructureT, 1e-12)
	assert.Equal(t, "joined", rep.Sites[2].Status)
	assert.InDelta(t, rep.Sites[1].StructureT+rep.Sites[2].StructureT, g.StructureT, 1e-9)
	// The silent site continues at its estimate: 2025 is its 2024, nothing
	// moves.
	d := rep.Sites[3]
	assert.Equal(t, "continuing", d.Status)
	assert.InDelta(t, d.FromT, d.ToT, 1e-9)
	assert.InDelta(t, 0, d.TotalT(), 1e-9)

	var recs struct {
		Lines   []ghg.Line       `json:"lines"`
		Records []ghg.LineRecord `json:"records"`
	}
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/api/v1/records?site=fr-a&year=2025", &recs))
	sum := make([]float64, len(recs.Lines))
	for _, r := range recs.Records {
		sum[r.Line] += r.T
	}
	for i, l := range recs.Lines {
		assert.InDelta(t, l.T, sum[i], 1e-9, "line %d (%s %s) is the sum of its records", i, l.Scope, l.Item)
	}
	assert.Equal(t, http.StatusBadRequest, getJSON(t, srv.URL+"/api/v1/records?year=2025", nil), "the site is named")
	assert.Equal(t, http.StatusNotFound, getJSON(t, srv.URL+"/api/v1/changes?year=2024", nil), "no year before 2024")
}
