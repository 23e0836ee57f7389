package central_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/wire"
)

// A Manila site without a commute survey: its commuting is the profile's
// assumed split, and the site page and the API say which share of the
// footprint rests on it. The survey its agent sends in the declaration
// replaces the split: the commuting line changes and nothing rests on
// defaults any more.
//
// By hand, 10,000 on-site person-days in 2024 with fossil-grid-tropical's
// split (DESNZ 2024 factors):
//
//	bus 45 % × 2 × 12 km = 108,000 pkm × 0.10846 = 11,713.68 kg
//	rail 10 % × 2 × 15 km = 30,000 pkm × 0.03546 (suburban) = 1,063.80 kg
//	motorbike 15 % × 2 × 12 km = 36,000 pkm × 0.11367 = 4,092.12 kg
//	car_petrol 15 % × 2 × 18 km = 54,000 vkm × 0.1645 = 8,883.00 kg
//	carpool 5 % × 2 × 18 km ÷ 2 = 9,000 vkm × 0.16691 = 1,502.19 kg
//	walk 10 % × 2 × 1.5 km × 0 = 0
//	total 27,254.79 kg = 27.25479 t, all of it on defaults
func TestThePageAndTheAPISayWhatRestsOnDefaults(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	_, err := svc.Store.AddSite(ctx, "ph-mnl", "Manila", "PH")
	require.NoError(t, err)
	site := declaration.Site{ID: "ph-mnl", Name: "Manila", Country: "PH", City: "Manila", Timezone: "Asia/Manila", Seats: 600,
		EffectiveFrom: footprint.NewDate(2024, 1, 1)}
	y := func(kind footprint.Kind, item string, q float64, unit footprint.Unit) footprint.Activity {
		return footprint.Activity{Kind: kind, Item: item, Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2025, 1, 1),
			Quantity: q, Unit: unit, Source: "test", Quality: footprint.QualityMeasured}
	}
	svc.Clock = func() time.Time { return time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC) }
	_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: "year", Site: &site, Activities: []footprint.Activity{
		y(footprint.KindElectricity, "grid", 100000, footprint.UnitKWh), y(footprint.KindTelework, "onsite", 10000, footprint.UnitPersonDay)}})
	require.NoError(t, err)
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()

	inv, err := svc.SiteInventory(ctx, site.ID, 2024)
	require.NoError(t, err)
	require.Equal(t, "fossil-grid-tropical", inv.Profile)
	assert.InDelta(t, 27.25479, inv.Scope3CommutingT, 1e-9)
	require.NotNil(t, inv.OnDefaults)
	require.Len(t, inv.OnDefaults.Parts, 1)
	assert.Equal(t, "commuting: the profile's assumed modal split and distances (no commute survey)", inv.OnDefaults.Parts[0].What)
	assert.InDelta(t, 27.25479, inv.OnDefaults.T, 1e-9)
	share := inv.OnDefaults.Share
	assert.InDelta(t, 27.25479/inv.TotalLocationT, share, 1e-12)
	assert.Equal(t, share, apiShare(t, srv.URL, site.ID), "the API says the same")
	assert.Contains(t, sitePage(t, srv.URL, site.ID), fmt.Sprintf("<b>%.0f %%</b> of the footprint rests on defaults", share*100))
	assert.Contains(t, sitePage(t, srv.URL, site.ID), "commuting: the profile&#39;s assumed modal split and distances (no commute survey)")

	// The agent sends the survey its commute_survey source read.
	svc.Clock = func() time.Time { return time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC) }
	surveyed := site
	surveyed.EffectiveFrom = footprint.NewDate(2024, 6, 1)
	surveyed.Commute = &declaration.CommuteSurvey{Date: footprint.NewDate(2025, 3, 13), Respondents: 10, Source: "commute-survey",
		Modes: []declaration.CommuteMode{{Mode: "paratransit", Share: 0.75, OneWayKm: 9}, {Mode: "walk", Share: 0.25, OneWayKm: 1}}}
	_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: "survey", Site: &surveyed})
	require.NoError(t, err)
	after, err := svc.SiteInventory(ctx, site.ID, 2024)
	require.NoError(t, err)
	// 10,000 × 75 % × 2 × 9 km = 135,000 pkm × 0.10846 (bus, standing in) = 14,642.1 kg
	assert.InDelta(t, 14.6421, after.Scope3CommutingT, 1e-9)
	var para ghg.Line
	for _, l := range after.Lines {
		if l.Scope == ghg.Scope3Commuting && l.Item == "paratransit" {
			para = l
		}
	}
	assert.Equal(t, footprint.QualityEstimated, para.Quality)
	assert.Contains(t, para.Basis, "site survey read from source commute-survey, 10 respondents")
	assert.Nil(t, after.OnDefaults, "nothing rests on defaults now")
	assert.Zero(t, apiShare(t, srv.URL, site.ID))
	assert.Contains(t, sitePage(t, srv.URL, site.ID), "<b>0 %</b> of the footprint rests on defaults")
}

func apiShare(t *testing.T, url, site string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/api/v1/inventory?year=2024&site=" + site)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got struct {
		OnDefaults *struct {
			Share float64 `json:"share"`
		} `json:"on_defaults"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	if got.OnDefaults == nil {
		return 0
	}
	return got.OnDefaults.Share
}

func sitePage(t *testing.T, url, site string) string {
	t.Helper()
	resp, err := http.Get(url + "/sites/" + site + "?year=2024")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(page)
}
