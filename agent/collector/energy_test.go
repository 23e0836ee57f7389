package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

func TestEnergyCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field) }
	(&energyCollector{}).Check(testEnv("csv", "energy", map[string]string{"start": "s"}), add)
	assert.Equal(t, []string{"columns.quantity", "kind", "item", "columns.end"}, got)
}

func TestAnItemIsReadAsTheExportSpellsIt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		kind, item string
		want       string
	}{
		{"ASHRAE's spelling of a blend", "refrigerant", "R-410A", "R410A"},
		{"ASHRAE's spelling of a pure gas, in lower case", "refrigerant", "r-32", "R32"},
		{"a gas with a lower-case letter of its own", "refrigerant", "R-134A", "R134a"},
		{"a fuel with a capital and a space", "fuel", "Gas Oil", "gas_oil"},
		{"the item as the library writes it", "fuel", "diesel", "diesel"},
		{"an unknown gas is left for the record's check", "refrigerant", "R-1234yf", "R-1234yf"},
		{"an unknown kind has no items to match", "water", "R-410A", "R-410A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, itemOf(footprint.Kind(tt.kind), tt.item))
		})
	}
}

// A refrigerant log: the gas as written, kg topped up per service, two
// services of one gas on one day summed.
func TestARefrigerantLogIsReadAsWritten(t *testing.T) {
	t.Parallel()
	env := testEnv("csv", "energy", map[string]string{"date": "Date", "item": "Refrigerant", "quantity": "Qty"})
	env.ID, env.Site.ID, env.Site.Timezone = "refrigerant", "ph-mnl", "Asia/Manila"
	env.Common.DateFormat = "M/D/YYYY"
	env.Common.Defaults()
	o := &energyCollector{Kind: "refrigerant", Unit: "kg", EventLog: true}
	acts, rej := Collect(o, env, source.Table{Rows: []source.Row{
		source.NewRow("r.csv:2", map[string]string{"date": "1/21/2025", "item": "R-410A", "quantity": "4.5"}),
		source.NewRow("r.csv:3", map[string]string{"date": "1/21/2025", "item": "R410A", "quantity": "1.5"}),
		source.NewRow("r.csv:4", map[string]string{"date": "3/18/2025", "item": "R-32", "quantity": "1.2"}),
		source.NewRow("r.csv:5", map[string]string{"date": "3/19/2025", "item": "R-12", "quantity": "1"}),
	}})
	require.Len(t, rej, 1)
	assert.Contains(t, rej[0].Reason, `item: R-12: unknown item for kind refrigerant`)
	require.Len(t, acts, 2)
	// 21 January: 4.5 + 1.5 = 6 kg of R410A under one key.
	assert.Equal(t, "R410A", acts[0].Item)
	assert.InDelta(t, 6.0, acts[0].Quantity, 1e-9)
	assert.Equal(t, footprint.UnitKg, acts[0].Unit)
	assert.Equal(t, "R32", acts[1].Item)
	assert.Equal(t, 0, MinGap(o), "a log of events has no gaps")
	assert.Equal(t, 1, MinGap(&energyCollector{}), "bills and meters cover every day")
}
