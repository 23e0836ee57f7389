package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTravelCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field) }
	(&travelCollector{}).Check(testEnv("csv", "travel", map[string]string{"date": "d", "mode": "m", "from": "o"}), add)
	assert.Equal(t, []string{"columns.distance_km"}, got)
}

func TestGreatCircleDistances(t *testing.T) {
	t.Parallel()
	jnb, _ := LookupAirport("jnb")
	cdg, _ := LookupAirport("CDG")
	// JNB–CDG is about 8,700 km great-circle.
	assert.InDelta(t, 8700, GreatCircleKm(jnb, cdg), 60)
	assert.InDelta(t, GreatCircleKm(cdg, jnb), GreatCircleKm(jnb, cdg), 1e-9)
}
