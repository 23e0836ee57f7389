package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/collector"
	"github.com/greenhelp/greenhelp/footprint"
)

// The travel sample: CDG–JFK long haul in business from the great
// circle × 1.08, a train by its distance, two hotel nights in the US, an
// unknown mode refused by its line.
func TestTravelSampleReadsBookings(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "travel"), map[string]string{"exports/bookings.csv": "travel_date,mode,origin,destination,distance_km,cabin,nights,country\n" +
		"2024-04-02,flight,CDG,JFK,,business,,\n2024-04-03,train,,,460,,,\n2024-04-02,hotel,,,,,2,us\n2024-04-04,teleport,,,10,,,\n"})
	byItem := map[string]footprint.Activity{}
	for _, a := range acts {
		byItem[a.Item] = a
	}
	require.Len(t, byItem, 3)
	cdg, _ := collector.LookupAirport("CDG")
	jfk, _ := collector.LookupAirport("JFK")
	fl := byItem["flight_long_haul"]
	assert.InDelta(t, collector.GreatCircleKm(cdg, jfk)*1.08, fl.Quantity, 1e-6) // records carry 6 decimals
	assert.InDelta(t, 5837*1.08, fl.Quantity, 0.01*5837)                         // the published CDG–JFK great circle, ≈ 5,837 km
	assert.Equal(t, map[string]string{"class": "business"}, fl.Attrs)
	assert.Equal(t, 460.0, byItem["rail"].Quantity)
	assert.Equal(t, footprint.UnitRoomNight, byItem["hotel"].Unit)
	assert.Equal(t, map[string]string{"country": "US"}, byItem["hotel"].Attrs)
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "bookings.csv:5", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, `"teleport"`)
}
