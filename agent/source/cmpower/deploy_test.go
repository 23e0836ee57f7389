package cmpower

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script is deploy/configmgr/Export-PowerDaily.ps1, which no test runs
// (there is no PowerShell nor SQL Server here): these tests read it.
func script(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "configmgr", "Export-PowerDaily.ps1"))
	require.NoError(t, err)
	return strings.ReplaceAll(string(raw), "\r\n", "\n")
}

// The script runs the query sample prints, and it selects the columns
// the reader reads: its header, as Export-Csv writes it (every name
// quoted), reads with no column mapped.
func TestTheDeployScriptRunsTheQueryTheReaderReads(t *testing.T) {
	t.Parallel()
	ps := script(t)
	m := regexp.MustCompile(`(?s)\$Query = @'\n(.*?)\n'@`).FindStringSubmatch(ps)
	require.NotNil(t, m, "the script sets $Query in a here-string")
	assert.Equal(t, Query, m[1])
	assert.Contains(t, Query, "DATEADD(day, -"+strconv.Itoa(ExportDays)+",")
	assert.Contains(t, ps, "the last\n    "+strconv.Itoa(ExportDays)+" days")
	assert.Contains(t, ps, "Export-Csv -Path $tmp -NoTypeInformation -Encoding UTF8")
	assert.Contains(t, ps, "Move-Item -LiteralPath $tmp -Destination $OutFile -Force", "the file replaced whole")

	// The query's columns: what it selects, named as SQL Server names a
	// result's columns (the alias, else the column's own name).
	sel := Query[len("SELECT "):strings.Index(Query, "\nFROM ")]
	var head []string
	var cols []string
	depth, from := 0, 0
	for i, ch := range sel { // split at the commas outside parentheses
		switch ch {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				cols, from = append(cols, sel[from:i]), i+1
			}
		}
	}
	for _, c := range append(cols, sel[from:]) {
		c = strings.TrimSpace(c)
		if _, alias, ok := strings.Cut(c, " AS "); ok {
			c = alias
		}
		if i := strings.LastIndex(c, "."); i >= 0 {
			c = c[i+1:]
		}
		head = append(head, `"`+c+`"`)
	}
	require.Len(t, head, 3+24+1)
	row := `"PC-0042","2025-03-14","type-on"` + strings.Repeat(`,"0"`, 8) + strings.Repeat(`,"60"`, 10) + strings.Repeat(`,"0"`, 6) + `,"600"`
	r, err := New(Config{Types: testTypes})
	require.NoError(t, err)
	require.NoError(t, r.Read(context.Background(), strings.NewReader(strings.Join(head, ",")+"\r\n"+row+"\r\n"), "power-daily.csv"))
	var hours float64
	sum := r.Spans(paris, func(s Span) {
		if s.State == On {
			hours += s.To.Sub(s.From).Hours()
		}
	})
	assert.Empty(t, r.Problems())
	assert.Equal(t, 10.0, hours)
	assert.Equal(t, 1, sum.Days)
}
