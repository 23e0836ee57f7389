package profiles

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// A site's distances are the same bits on every call: the contributions
// summed in the scales' order, not a map's.
func TestDistancesAreTheSameBitsOnEveryCall(t *testing.T) {
	set := Default()
	f := Features{GridGPerKWh: 37.4, HDD: 2246, CDD: 531, CarShare: 0.18} // summed in another order, one distance differs in its last bit
	first, err := Assign("s", f, nil, set, nil)
	require.NoError(t, err)
	for range 500 {
		a, err := Assign("s", f, nil, set, nil)
		require.NoError(t, err)
		for id, d := range first.Distances {
			require.Equal(t, math.Float64bits(d), math.Float64bits(a.Distances[id]), id)
		}
	}
}
