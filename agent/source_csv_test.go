package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// The csv sample as written: a glob of Latin-1 files with semicolons and
// decimal commas, read in name order, each row named by file and line.
func TestCSVSampleReadsEveryMatchingFileInOrder(t *testing.T) {
	t.Parallel()
	latin1 := func(s string) string { // é → 0xE9
		out := []byte{}
		for _, r := range s {
			out = append(out, byte(r))
		}
		return string(out)
	}
	acts, h := trySample(t, sample(t, "csv"), map[string]string{
		"exports/electricity-2024-02.csv": latin1("Start;End;kWh;Remarqué\n01/02/2024;01/03/2024;1 234,5;oui\n"),
		"exports/electricity-2024-01.csv": latin1("Start;End;kWh;Remarqué\n01/01/2024;01/02/2024;1000,25;non\n01/13/2024;01/02/2024;5;x\n"),
	})
	require.Len(t, acts, 2)
	assert.Equal(t, footprint.NewDate(2024, 1, 1), acts[0].Start)
	assert.Equal(t, 1000.25, acts[0].Quantity)
	assert.Equal(t, 1234.5, acts[1].Quantity)
	assert.Equal(t, footprint.UnitKWh, acts[1].Unit)
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "electricity-2024-01.csv:3", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, "DD/MM/YYYY")
}

// A path that matches no file yet (the first voyages export is next
// month) is the source's warning: the agent runs, the others are read,
// and `check` passes saying so.
func TestAPathMatchingNothingYetIsAWarning(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "csv"), nil)
	assert.Empty(t, acts)
	assert.Empty(t, h.Error)
	assert.True(t, h.OK())
	assert.Contains(t, h.Warning, `path "exports/electricity-*.csv": no file matches yet in `)
	assert.Contains(t, h.Warning, "the source is read once a file is there")
}

// A Latin-1 export read as UTF-8: the header's accented column is not
// found, and the error says to set the encoding.
func TestALatin1HeaderReadAsUTF8SaysToSetTheEncoding(t *testing.T) {
	t.Parallel()
	block := `  - id: bills
    type: csv
    collector: energy
    path: bills.csv
    delimiter: ";"
    kind: electricity
    item: grid
    columns: {month: Mois, quantity: "Quantité"}
`
	_, h := trySample(t, block, map[string]string{"bills.csv": "Mois;Quantit\xe9\n2024-01;1200\n"})
	assert.Contains(t, h.Error, `header has no column "Quantité" (for quantity)`)
	assert.Contains(t, h.Error, "set encoding: latin-1 (or windows-1252) on this source")
}
