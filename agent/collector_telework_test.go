package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// The telework sample: rows per team summed per day into person-days
// remote and on site; a negative count is refused by its line.
func TestTeleworkSampleSumsTeamsPerDay(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "telework"), map[string]string{"exports/wfm-presence.csv": "date,team,remote,onsite\n" +
		"2024-03-04,sales,10,20\n2024-03-04,support,5,7.5\n2024-03-05,sales,-1,20\n"})
	got := map[string]float64{}
	for _, a := range acts {
		assert.Equal(t, footprint.UnitPersonDay, a.Unit)
		got[a.Start.String()+" "+a.Item] = a.Quantity
	}
	assert.Equal(t, map[string]float64{"2024-03-04 remote": 15, "2024-03-04 onsite": 27.5}, got)
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "wfm-presence.csv:4", h.Rejections[0].Where)
}
