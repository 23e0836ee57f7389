package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/collector"
	"github.com/greenhelp/greenhelp/footprint"
)

// The travel sample: CDG–JFK long haul in business from the great
// circle × 1.08 (its miles unused), a train of 286 miles (286 × 1.609344 =
// 460.27 km), two hotel nights in the US dated by their booking, an
// unknown mode refused by its line.
func TestTravelSampleReadsBookings(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "travel"), map[string]string{"exports/bookings.csv": "Booking Date,Travel Date,mode,Origin,Destination,Segment Miles,Class,nights,country\n" +
		"20-Mar-2024,02-Apr-2024,flight,CDG,JFK,\"3,624\",Business,,\n20-Mar-2024,03-Apr-2024,train,,,286,,,\n" +
		"20-Mar-2024,,hotel,,,,,2,us\n20-Mar-2024,04-Apr-2024,teleport,,,10,,,\n"})
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
	assert.InDelta(t, 460.27, byItem["rail"].Quantity, 0.005)
	assert.Equal(t, footprint.UnitRoomNight, byItem["hotel"].Unit)
	assert.Equal(t, map[string]string{"country": "US", "dated": "booking"}, byItem["hotel"].Attrs)
	assert.Equal(t, "2024-03-20", byItem["hotel"].Start.String())
	require.Len(t, h.Warnings, 1)
	assert.Contains(t, h.Warnings[0], "1 row of 4 without a travel date")
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "bookings.csv:5", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, `"teleport"`)
}
