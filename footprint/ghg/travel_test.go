package ghg

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

// hasNote reports whether one of the inventory's notes contains s.
func hasNote(inv *Inventory, s string) bool {
	for _, n := range inv.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// A Manila site's flights within the Philippines (MNL–CEB, 612.17 km
// counted): DESNZ's domestic factor is the UK's, so its international
// (to/from non-UK) factor stands in, said in a note; a national domestic
// factor given in an override file replaces it. By hand, 2024:
// 612.17 pkm × 0.1758 kg/pkm (DESNZ 2024 international, average
// passenger, with RF) = 107.62 kg = 0.10762 t; with an override of
// 0.2 kg/pkm: 122.43 kg.
func TestDomesticFlightsOutsideTheUK(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "ph-mnl", Name: "Manila", Country: "PH", Timezone: "Asia/Manila", Seats: 600}
	acts := []footprint.Activity{{Kind: footprint.KindTravel, Item: "flight_domestic", Start: footprint.NewDate(2024, 1, 9),
		End: footprint.NewDate(2024, 1, 10), Quantity: 612.17, Unit: footprint.UnitPKm, Source: "agency", Quality: footprint.QualityMeasured}}
	override, err := factors.Parse(strings.NewReader("kind,item,region,year,kg_co2e_per_unit,unit,source,note\n"+
		"travel,flight_domestic,PH,2024,0.2,pkm,a national study (test),\n"), "override.csv")
	require.NoError(t, err)
	tests := []struct {
		name     string
		lib      *factors.Library
		factorID string
		t        float64
		noted    bool
	}{
		{"DESNZ's international factor stands in, noted", factors.Default(), "travel/flight_international/WORLD/2024", 612.17 * 0.1758 * (0.14253 / 0.1758) / 1000, true}, // restated by DESNZ 2025's method
		{"a national domestic factor replaces it", factors.Default().Merge(override), "travel/flight_domestic/PH/2024", 612.17 * 0.2 / 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv, err := Calculate(site, acts, 2024, tt.lib, Assumptions{}, Options{})
			require.NoError(t, err)
			l := line(t, inv, Scope3BusinessTravel, "travel", "flight_domestic")
			assert.Equal(t, tt.factorID, l.FactorID)
			assert.InDelta(t, tt.t, l.T, 1e-9)
			assert.Equal(t, tt.noted, hasNote(inv, "flights within PH (flight_domestic): DESNZ's domestic factor is for flights within the UK"))
		})
	}
}

// A UK site's domestic flight keeps DESNZ's domestic factor, unnoted.
func TestDomesticFlightsInTheUKTakeDESNZsDomesticFactor(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "gb-man", Name: "Manchester", Country: "GB", Timezone: "Europe/London", Seats: 100}
	acts := []footprint.Activity{{Kind: footprint.KindTravel, Item: "flight_domestic", Start: footprint.NewDate(2024, 1, 9),
		End: footprint.NewDate(2024, 1, 10), Quantity: 300, Unit: footprint.UnitPKm, Source: "agency", Quality: footprint.QualityMeasured}}
	inv, err := Calculate(site, acts, 2024, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	l := line(t, inv, Scope3BusinessTravel, "travel", "flight_domestic")
	assert.Equal(t, "travel/flight_domestic/WORLD/2024", l.FactorID)
	assert.InDelta(t, 300*0.27257*(0.22928/0.27257)/1000, l.T, 1e-9) // DESNZ 2024 domestic, with RF, restated by the 2025 method
	require.NotNil(t, l.Restated)
	assert.Equal(t, 0.27257, l.Restated.PublishedKgPerUnit)
	assert.False(t, hasNote(inv, "flights within"))
}

// A record dated by its booking says so in its line's basis and a note.
func TestTripsDatedByBookingAreSaid(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "ph-mnl", Name: "Manila", Country: "PH", Timezone: "Asia/Manila", Seats: 600}
	acts := []footprint.Activity{{Kind: footprint.KindTravel, Item: "flight_long_haul", Start: footprint.NewDate(2024, 12, 20),
		End: footprint.NewDate(2024, 12, 21), Quantity: 13525.86, Unit: footprint.UnitPKm, Source: "agency", Quality: footprint.QualityMeasured,
		Attrs: map[string]string{"class": "business", "dated": "booking"}}}
	inv, err := Calculate(site, acts, 2024, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	l := line(t, inv, Scope3BusinessTravel, "travel", "flight_long_haul")
	assert.Equal(t, "class business, dated by booking", l.Basis)
	assert.True(t, hasNote(inv, "business travel: 1 record(s) dated by their booking"))
}
