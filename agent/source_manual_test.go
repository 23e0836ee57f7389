package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// The manual sample: each value a month, the block's kind, item and unit
// unless the value gives its own.
func TestManualSampleGivesAMonthPerValue(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "manual"), nil)
	require.Empty(t, h.Error)
	require.Len(t, acts, 3)
	assert.Equal(t, footprint.Activity{Kind: footprint.KindFuel, Item: "natural_gas", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1),
		Quantity: 9800, Unit: footprint.UnitKWh, Source: "bills-manual", Quality: footprint.QualityMeasured}, acts[0])
	assert.Equal(t, footprint.KindRefrigerant, acts[2].Kind)
	assert.Equal(t, "R32", acts[2].Item)
	assert.Equal(t, footprint.UnitKg, acts[2].Unit)
}
