package central_test

import (
	"context"
	"io"
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
	"github.com/greenhelp/greenhelp/footprint/weather"
	"github.com/greenhelp/greenhelp/profiles"
	"github.com/greenhelp/greenhelp/wire"
)

// weatherRecords is a year of a site's daily outdoor temperature (every
// day at its month's mean) and monthly gas bills of 300 kWh a day + 25 kWh
// per heating degree day (monthly-mean method, base 18 °C).
func weatherRecords(year int, means [12]float64) []footprint.Activity {
	var acts []footprint.Activity
	for m := time.January; m <= time.December; m++ {
		first, next := footprint.NewDate(year, m, 1), footprint.NewDate(year, m+1, 1)
		n := first.DaysUntil(next)
		hdd := float64(n) * max(0, 18-means[m-1])
		acts = append(acts, footprint.Activity{Kind: footprint.KindFuel, Item: "natural_gas", Start: first, End: next,
			Quantity: 300*float64(n) + 25*hdd, Unit: footprint.UnitKWh, Source: "gas-bills", Quality: footprint.QualityMeasured})
		for d := first; d.Before(next); d = d.AddDays(1) {
			acts = append(acts, footprint.Activity{Kind: footprint.KindWeather, Item: "outdoor_temp", Start: d, End: d.AddDays(1),
				Quantity: means[m-1], Unit: footprint.UnitCelsius, Source: "roof-station", Quality: footprint.QualityMeasured})
		}
	}
	return acts
}

// A Paris site sending its temperatures: a cold 2022 (HDD 2,662) and a
// mild 2023 (HDD 2,116), normalised to the city table's Paris normal
// (HDD 2,533). By hand: gas 176,050 and 162,400 kWh, both normalised to
// 300 × 365 + 25 × 2,533 = 172,825 kWh; the weather's part of the change
// is ((162,400 − 172,825) − (176,050 − 172,825)) kWh = −13,650 kWh × the
// gas factor. The API, the change split, the profile and the site page
// all read it from the rollups.
func TestTheCentralNormalisesAMildWinterFromTheRollups(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	svc.Clock = func() time.Time { return time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC) }
	_, err := svc.Store.AddSite(ctx, "fr-par", "Paris", "FR")
	require.NoError(t, err)
	site := declaration.Site{ID: "fr-par", Name: "Paris", Country: "FR", City: "Paris", Timezone: "Europe/Paris", Seats: 100}
	cold := [12]float64{2, 3, 7, 10, 14, 18, 20, 20, 16, 12, 7, 3}
	mild := [12]float64{4, 5, 9, 12, 16, 20, 22, 22, 18, 14, 9, 5}
	_, err = svc.Ingest(ctx, "fr-par", wire.Batch{ID: "y2022", Site: &site, Activities: weatherRecords(2022, cold)})
	require.NoError(t, err)
	_, err = svc.Ingest(ctx, "fr-par", wire.Batch{ID: "y2023", Activities: weatherRecords(2023, mild)})
	require.NoError(t, err)

	normal := profiles.Normal(site)
	require.InDelta(t, 2533, normal.HDD, 0.5, "the city table's Paris")
	gasOf := func(inv *ghg.Inventory) weather.NormalisedEnergy {
		require.NotNil(t, inv.Weather)
		require.Empty(t, inv.Weather.Why)
		for _, c := range inv.Weather.Carriers {
			if c.Item == "natural_gas" {
				return c
			}
		}
		t.Fatal("no gas")
		return weather.NormalisedEnergy{}
	}
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	var i22, i23 ghg.Inventory
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/api/v1/inventory?site=fr-par&year=2022", &i22))
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/api/v1/inventory?site=fr-par&year=2023", &i23))
	g22, g23 := gasOf(&i22), gasOf(&i23)
	assert.InDelta(t, 176050, g22.Actual, 1e-6)
	assert.InDelta(t, 162400, g23.Actual, 1e-6)
	assert.InDelta(t, 172825, *g22.Normalised, 1e-3)
	assert.InDelta(t, 172825, *g23.Normalised, 1e-3)
	assert.InDelta(t, 2116, *i23.Weather.HDD, 1e-9)
	assert.Equal(t, normal.Source, i23.Weather.Normal.Source)

	var ch ChangeReport
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/api/v1/changes?year=2023", &ch))
	// The weather's kWh, (162,400 − 172,825) − (176,050 − 172,825) =
	// −13,650, at the market-based factors the change uses for gas: its
	// Scope 1 and its well-to-tank (Scope 3.3), the same both years.
	var kgPerKWh float64
	for _, l := range i23.Lines {
		if l.Kind == "fuel" && l.Item == "natural_gas" {
			kgPerKWh += l.FactorKgPerUnit
		}
	}
	require.Greater(t, kgPerKWh, 0.0)
	assert.InDelta(t, -13650*kgPerKWh/1000, ch.Group.WeatherT, 1e-9)
	assert.Equal(t, 1, ch.Group.WeatherSites)
	assert.InDelta(t, ch.Group.ChangeT, ch.Group.TotalT(), 1e-9, "activity + mix + factor + weather + structure = the change")

	// The profile takes the site's measured climate for its features: the
	// mean of its full measured years up to the year assessed.
	as, err := svc.Assignments(ctx, 2023)
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.InDelta(t, (2662+2116)/2.0, as[0].Features.HDD, 0.5)
	assert.Contains(t, as[0].Sources["hdd"], "measured at the site: mean of 2 full year(s) 2022–2023")

	resp, err := http.Get(srv.URL + "/sites/fr-par?year=2023")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), "Energy normalised to the long-term climate, 2023 (HDD 2116, CDD 308 measured; normal HDD 2533")
	assert.Contains(t, string(body), "172825")
}
