package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWhatAReportAddsAroundItsTableIsSkipped(t *testing.T) {
	t.Parallel()
	cols := map[string]string{"date": "Date", "q": "kWh"}
	tests := []struct {
		name, raw string
		skip      int
		rows      []string // where of each row read
		skipped   []string // reason of each skipped entry
	}{
		{"a title and a blank line above the header", "Consumption history\nAccount 42\n\nDate,kWh\n2025-01-01,1\n",
			0, []string{"x.csv:5"}, []string{`2 line(s) before the header, not data, skipped (the first: "Consumption history")`}},
		{"skip_lines over a title with a stray quote", "Report \"Q1\nDate,kWh\n2025-01-01,1\n",
			1, []string{"x.csv:3"}, nil},
		{"total rows at the bottom, in several languages", "Date,kWh\n2025-01-01,1\nTotal,1\nGrand Total:,1\n,Total général,1\nSumme,1\n",
			0, []string{"x.csv:2"}, []string{`a total row ("Total"): not data, skipped`, `a total row ("Grand Total:"): not data, skipped`, `a total row ("Total général"): not data, skipped`, `a total row ("Summe"): not data, skipped`}},
		{"a spreadsheet's blank row in the middle of the table", "Date,kWh,Note\n2025-01-01,1,a\n,,\n , ,\t\n2025-01-02,2,\n",
			0, []string{"x.csv:2", "x.csv:5"}, []string{"a blank row: not data, skipped", "a blank row: not data, skipped"}},
		{"a row with one figure among empty cells is data", "Date,kWh,Note\n,,a\n",
			0, []string{"x.csv:2"}, nil},
		{"a cell that only contains the word is no total row", "Date,kWh\n2025-01-01,Total cost\n",
			0, []string{"x.csv:2"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			txt := Text{SkipLines: tt.skip}
			txt.defaults()
			tab, err := txt.parse([]byte(tt.raw), "x.csv", cols)
			require.NoError(t, err)
			var rows, skipped []string
			for _, r := range tab.Rows {
				rows = append(rows, r.Where())
			}
			for _, b := range tab.Bad {
				require.True(t, b.Skipped, "%+v", b)
				skipped = append(skipped, b.Reason)
			}
			assert.Equal(t, tt.rows, rows)
			assert.Equal(t, tt.skipped, skipped)
		})
	}
}

func TestAHeaderNowhereSaysWhatTheFirstLineHas(t *testing.T) {
	t.Parallel()
	txt := Text{SkipLines: 2}
	txt.defaults()
	_, err := txt.parse([]byte("a\nb\nday,kwh\n2025-01-01,1\n"), "x.csv", map[string]string{"date": "Date"})
	assert.EqualError(t, err, `x.csv:3: header has no column "Date" (for date): it has day,kwh`)
}
