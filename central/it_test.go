package central_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/wire"
)

// Paris declares a server room inside its meter and a colocation contract
// whose electricity the provider buys, and sends their meters and an AWS
// report for 2024: the API, the change split, the pages, the levers (the
// planner's input) and the ESG export carry them, the room never twice.
func TestDataCentresColocationAndCloudReachTheAPIThePagesAndTheExport(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()
	before, err := svc.SiteInventory(ctx, "fr-par-batignolles", 2024)
	require.NoError(t, err)
	site, err := config.LoadSite(filepath.Join("..", "examples", "paris", "site.yaml"))
	require.NoError(t, err)
	site.DataCentres = []declaration.DataCentre{{ID: "sr1", Name: "server room", Servers: 10, Utilisation: 0.2}}
	site.Colocation = []declaration.Colocation{{ID: "colo", Provider: "Colo PAR", Country: "FR", PUE: 1.4, PUESource: "provider report 2024", ElectricityBoughtBy: "provider"}}
	var acts []footprint.Activity
	for m := time.January; m <= time.December; m++ {
		from, to := footprint.NewDate(2024, m, 1), footprint.NewDate(2024, m+1, 1)
		rec := func(kind footprint.Kind, item string, q float64, attrs map[string]string) footprint.Activity {
			return footprint.Activity{Kind: kind, Item: item, Start: from, End: to, Quantity: q, Unit: footprint.UnitKWh, Source: "it-" + item, Quality: footprint.QualityMeasured, Attrs: attrs}
		}
		acts = append(acts, rec(footprint.KindDataCentre, "it_energy", 1000, map[string]string{"room": "sr1"}),
			rec(footprint.KindDataCentre, "facility_energy", 1800, map[string]string{"room": "sr1"}),
			rec(footprint.KindColocation, "it_energy", 5000, map[string]string{"contract": "colo"}))
	}
	acts = append(acts, footprint.Activity{Kind: footprint.KindCloud, Item: "reported", Start: footprint.NewDate(2024, 5, 1), End: footprint.NewDate(2024, 6, 1),
		Quantity: 250, Unit: footprint.UnitKgCO2e, Source: "aws-carbon", Quality: footprint.QualityMeasured,
		Attrs: map[string]string{"provider": "aws", "method": "market", "service": "AmazonConnect", "region": "eu-west-3"}})
	_, err = svc.Ingest(ctx, "fr-par-batignolles", wire.Batch{ID: "it", Site: &site, Activities: acts})
	require.NoError(t, err)

	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	var g GroupInventory
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/api/v1/inventory?year=2024", &g))
	fr := 0.0
	for _, l := range g.Group.Lines {
		if l.Scope == ghg.Scope3PurchasedGoods && l.Kind == "colocation" {
			fr = l.FactorKgPerUnit
		}
	}
	require.NotZero(t, fr)
	// 12 × 5,000 kWh × 1.4 = 84,000 kWh × FR grid, and the AWS report's 250 kg.
	assert.InDelta(t, 84000*fr/1000+0.25, g.Group.Scope3PurchasedGoodsT, 1e-9)
	var paris *ghg.Inventory
	for _, s := range g.Sites {
		if s.Site == "fr-par-batignolles" {
			paris = s
		}
	}
	require.NotNil(t, paris)
	assert.InDelta(t, before.Scope2LocationT, paris.Scope2LocationT, 1e-9, "the room is inside the site's meter: not counted again")
	assert.InDelta(t, before.TotalMarketT+84000*fr/1000+0.25, paris.TotalMarketT, 1e-9)
	require.NotNil(t, g.Group.IT)
	require.Len(t, g.Group.IT.DataCentres, 1)
	assert.Equal(t, "fr-par-batignolles", g.Group.IT.DataCentres[0].Site)
	assert.InDelta(t, 1.8, *g.Group.IT.DataCentres[0].PUE, 1e-12)

	page := func(path string) string {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	site2024 := page("/sites/fr-par-batignolles?year=2024")
	assert.Contains(t, site2024, "The IT behind the calls, 2024")
	assert.Contains(t, site2024, `id="site_pue"`)
	assert.Contains(t, site2024, "Server consolidation", "the lever reaches the site's planner")
	assert.Contains(t, page("/?year=2024"), "colocation fr-par-batignolles / colo — Colo PAR, FR")

	d, err := svc.ESGDataset(ctx, 2024, "", "test")
	require.NoError(t, err)
	cats := table(t, d, "scope3_categories")
	assert.Equal(t, "included", cats.Rows[0][2], "category 1")
	assert.InDelta(t, d.Group.Scope3PurchasedGoodsT, cats.Rows[0][3].(float64), 1e-6)
	dp := map[string]float64{}
	for _, p := range d.Summary() {
		if p.Value != nil {
			dp[p.Name] = *p.Value
		}
	}
	assert.InDelta(t, 84000*fr/1000+0.25, dp["GrossScope3GreenhouseGasEmissionsCategory1PurchasedGoodsAndServices"], 1e-6)
}
