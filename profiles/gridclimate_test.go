package profiles

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// The embedded grid at five cities gives the degree days the reference
// folder's curator computed from the same NCEP file (bilinear, monthly-mean
// method, base 18 °C): Paris 2,658 / 33, Stockholm 3,974 / 0, Tunis 749 /
// 852, Kuala Lumpur 0 / 2,596, Johannesburg 804 / 296 (HDD / CDD).
func TestTheGridGivesThePublishedCheckValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		lat, lon float64
		hdd, cdd float64
	}{
		{"Paris", 48.8566, 2.3522, 2658, 33},
		{"Stockholm", 59.3293, 18.0686, 3974, 0},
		{"Tunis", 36.8065, 10.1815, 749, 852},
		{"Kuala Lumpur", 3.1390, 101.6869, 0, 2596},
		{"Johannesburg", -26.2041, 28.0473, 804, 296},
	} {
		means, err := MonthlyMeans(c.lat, c.lon)
		require.NoError(t, err, c.name)
		hdd, cdd := DegreeDays(means)
		assert.InDelta(t, c.hdd, hdd, 10, c.name+" HDD")
		assert.InDelta(t, c.cdd, cdd, 10, c.name+" CDD")
	}
}

// Interpolation at a grid point is the point; across the antimeridian it
// wraps; the poles and bad coordinates are handled.
func TestGridInterpolationEdges(t *testing.T) {
	t.Parallel()
	g := ncepGrid()
	at := func(i, j, m int) float64 { return float64(g[(i*gridLon+j)*12+m]) / 10 }
	means, err := MonthlyMeans(50, 2.5) // i = 16, j = 72
	require.NoError(t, err)
	assert.InDelta(t, at(16, 72, 0), means[0], 1e-9)
	means, err = MonthlyMeans(-17.5, -178.75) // halfway between 180 (j 143) and −177.5 (j 0)
	require.NoError(t, err)
	assert.InDelta(t, (at(43, 143, 6)+at(43, 0, 6))/2, means[6], 1e-9)
	_, err = MonthlyMeans(-90, 180)
	require.NoError(t, err)
	_, err = MonthlyMeans(91, 0)
	assert.ErrorContains(t, err, "want a latitude")
}

// A site without coordinates in a country the city table does not hold
// is placed at its capital and said so.
func TestASiteWithoutCoordinatesStandsAtItsCapital(t *testing.T) {
	t.Parallel()
	hdd, cdd, how, ok := Climate(declaration.Site{ID: "my", Country: "MY", City: "Cyberjaya"})
	require.True(t, ok)
	assert.Contains(t, how, "Kuala Lumpur, MY's capital")
	assert.Contains(t, how, "GeoNames 1735161")
	means, err := MonthlyMeans(3.1412, 101.6865)
	require.NoError(t, err)
	wh, wc := DegreeDays(means)
	assert.Equal(t, math.Round(wh), hdd)
	assert.Equal(t, math.Round(wc), cdd)
	assert.Zero(t, hdd, "tropical")
	// Every country of the factor library's grid rows has a stand-in place.
	for _, cc := range []string{"FR", "DE", "GB", "US", "IN", "BR", "CN", "NG", "EG", "AU", "JP", "MX", "CA", "SE", "PL"} {
		c, ok := CapitalOf(cc)
		require.True(t, ok, cc)
		assert.Equal(t, "capital", c.Basis, cc)
	}
	_, _, how, ok = Climate(declaration.Site{ID: "x", Country: "XX"})
	assert.False(t, ok)
	assert.Contains(t, how, "unknown")
}
