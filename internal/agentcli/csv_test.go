package agentcli

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// TestCollectedCSVIsSafeInASpreadsheetAndReadsBack: a source that a
// spreadsheet would run as a formula is written guarded, and greenhelp
// calc reads the file back to the same records.
func TestCollectedCSVIsSafeInASpreadsheetAndReadsBack(t *testing.T) {
	t.Parallel()
	acts := []footprint.Activity{
		{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1), Quantity: 1200,
			Unit: footprint.UnitKWh, Source: `=HYPERLINK("http://x","y")`, Quality: footprint.QualityMeasured},
		{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 2, 1), End: footprint.NewDate(2024, 3, 1), Quantity: 1100,
			Unit: footprint.UnitKWh, Source: "-meter 2", Quality: footprint.QualityMeasured},
		{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 3, 1), End: footprint.NewDate(2024, 4, 1), Quantity: 1000,
			Unit: footprint.UnitKWh, Source: "bills.csv", Quality: footprint.QualityMeasured},
	}
	var buf bytes.Buffer
	require.NoError(t, writeActivitiesCSV(&buf, acts))
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, `'=HYPERLINK("http://x","y")`, rows[1][6])
	assert.Equal(t, "'-meter 2", rows[2][6])
	assert.Equal(t, "bills.csv", rows[3][6])

	back, err := footprint.ReadActivitiesCSV(bytes.NewReader(buf.Bytes()), "collected.csv")
	require.NoError(t, err)
	require.Len(t, back, len(acts))
	for i := range acts {
		assert.Equal(t, acts[i].Source, back[i].Source)
		assert.Equal(t, acts[i].Quantity, back[i].Quantity)
	}
}
