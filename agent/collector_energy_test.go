package agent

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// The energy sample: bill periods (end day excluded) in kWh; a row with
// a quantity that is not a number is rejected by its line.
func TestEnergySampleReadsBillPeriods(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "energy"), map[string]string{"exports/electricity.csv": "period_start,period_end,kwh\n" +
		"2024-01-01,2024-02-01,31000\n2024-02-01,2024-03-01,29000.5\n2024-03-01,2024-04-01,n/a\n"})
	require.Len(t, acts, 2)
	assert.Equal(t, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 2, 1), End: footprint.NewDate(2024, 3, 1),
		Quantity: 29000.5, Unit: footprint.UnitKWh, Source: "electricity-bills", Quality: footprint.QualityMeasured}, acts[1])
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "electricity.csv:4", h.Rejections[0].Where)
}

// Units the exports use are converted: MWh and Wh to kWh; m³ of a liquid
// fuel to litres; m³ of gas is refused (it needs the gas's calorific value).
func TestEnergyUnitsAreConverted(t *testing.T) {
	t.Parallel()
	block := `  - id: meters
    type: csv
    collector: energy
    path: m.csv
    columns: {month: month, kind: kind, item: item, quantity: q, unit: unit}
`
	acts, h := trySample(t, block, map[string]string{"m.csv": "month,kind,item,q,unit\n2024-01,electricity,grid,2.5,MWh\n" +
		"2024-02,electricity,grid,500,Wh\n2024-03,fuel,diesel,1.2,m3\n2024-04,fuel,natural_gas,100,m3\n"})
	require.Empty(t, h.Error)
	// Gas in m³ needs its calorific value: the row is refused, named.
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "m.csv:5", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, "m3")
	got := map[string]string{}
	for _, a := range acts {
		got[a.Start.String()] = strconv.FormatFloat(a.Quantity, 'g', -1, 64) + " " + string(a.Unit)
	}
	assert.Equal(t, map[string]string{"2024-01-01": "2500 kWh", "2024-02-01": "0.5 kWh", "2024-03-01": "1200 L"}, got)
}

// A server room's PDU export: the source's attrs name the room on every
// record; a colocation record without its contract is refused by line.
func TestEnergyRecordsCarryTheSourcesAttributes(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "energy"), map[string]string{"exports/electricity.csv": "period_start,period_end,kwh\n2024-01-01,2024-02-01,5952\n"},
		"    kind: electricity ", "    attrs: {room: sr1}\n    kind: datacentre ", "item: grid ", "item: it_energy ")
	require.Empty(t, h.Rejections)
	require.Len(t, acts, 1)
	assert.Equal(t, footprint.KindDataCentre, acts[0].Kind)
	assert.Equal(t, map[string]string{"room": "sr1"}, acts[0].Attrs)
	_, h = trySample(t, sample(t, "energy"), map[string]string{"exports/electricity.csv": "period_start,period_end,kwh\n2024-01-01,2024-02-01,5952\n"},
		"    kind: electricity ", "    kind: colocation ", "item: grid ", "item: it_energy ")
	require.Len(t, h.Rejections, 1)
	assert.Contains(t, h.Rejections[0].Reason, "attrs.contract: missing")
}
