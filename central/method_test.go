package central_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/wire"
)

// DESNZ 2025's flight factors are a change of method: a 2024 published
// with the 2024 rows (another factor set) is restated, with the method
// named, and the export lists every restated line; the change from 2024
// to 2025 shows no factor effect for it.
func TestTheDESNZ2025FlightChangeIsListedAsAMethodRestatement(t *testing.T) {
	ctx := context.Background()
	load := func() *central.Service {
		svc := testService(t, nil)
		svc.Clock = func() time.Time { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) }
		_, err := svc.Store.AddSite(ctx, "fr-a", "fr-a", "FR")
		require.NoError(t, err)
		site := declaration.Site{ID: "fr-a", Name: "fr-a", Country: "FR", Timezone: "Europe/Paris", Seats: 100}
		_, err = svc.Ingest(ctx, "fr-a", wire.Batch{ID: "a", Site: &site, Activities: append(yearOf(2024, 10000, 100000), yearOf(2025, 10000, 97500)...)})
		require.NoError(t, err)
		return svc
	}
	// 2024 as published before the method change: 100,000 pkm × 0.13465
	// (DESNZ 2024 international economy, with RF) = 13.465 t; now 100,000 ×
	// 0.10916 = 10.916 t.
	now := load()
	cy, err := now.CloseYear(ctx, 2024, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	// The closed figures are the headline ones (Scope 3 in one).
	require.Contains(t, cy.Figures["group"], "scope3_t")
	const published = 13.465
	cy.FactorSet = "greenhelp-factors-2026.2"
	for _, e := range []string{"group", "fr-a"} {
		for _, f := range []string{"scope3_t", "total_market_t", "total_location_t"} {
			cy.Figures[e][f] += published - 10.916
		}
	}
	svc := load()
	require.NoError(t, svc.Store.CloseYear(ctx, cy))

	d, err := svc.ESGDataset(ctx, 2025, "", "test")
	require.NoError(t, err)
	var found bool
	for _, r := range table(t, d, "restatements").Rows {
		if r[0] == 2024 && r[1] == "group" && r[2] == "scope3_t" {
			found = true
			assert.InDelta(t, published-10.916, r[3].(float64)-r[4].(float64), 1e-6)
			assert.Contains(t, r[6], "methodology change restating the year: travel/flight_international.economy/WORLD/2025")
		}
	}
	assert.True(t, found, "the 2024 Scope 3 is listed as restated")
	rows := table(t, d, "method_restatements").Rows
	require.Len(t, rows, 1, "one line restated: 2024's flights (2025 is the method's own year)")
	r := rows[0]
	assert.Equal(t, 2024, r[0])
	assert.Equal(t, "travel/flight_international.economy/WORLD/2024", r[3])
	assert.Equal(t, "travel/flight_international.economy/WORLD/2025", r[4])
	assert.InDelta(t, published, r[9], 1e-9)
	assert.InDelta(t, 10.916, r[10], 1e-9)
	assert.InDelta(t, 10.916-published, r[11], 1e-9)
	assert.Contains(t, r[12], "GHG Protocol Corporate Standard ch. 5")
	require.NotNil(t, d.Changes)
	// The factor effect is the French residual mix's real change alone
	// (AIB 0.02352 → 0.01711 kg/kWh on 120,000 kWh): none from the flights.
	assert.InDelta(t, 120000*(0.01711-0.02352)/1000, d.Changes.Group.FactorT, 1e-9, "no progress from the method change")
	assert.InDelta(t, -2500*0.10916/1000, d.Changes.Group.ActivityT, 1e-9)
}
