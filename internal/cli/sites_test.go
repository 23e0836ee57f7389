package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// greenhelp sites event declares a site's event (said structural or
// organic), refuses an unknown kind or a second exit naming the rule,
// takes one back with --remove; sites list --format json shows them.
func TestSitesEventDeclaresAndTakesBack(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, out, errOut := run(t, "sites", "add", "--data", data, "--init", "--id", "ma-rab", "--name", "Rabat", "--country", "MA")
	require.Equal(t, 0, code, out+errOut)

	code, out, errOut = run(t, "sites", "event", "--data", data, "--id", "ma-rab", "--kind", "acquired", "--on", "2024-07-01", "--note", "bought from Acme")
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "site ma-rab: acquired on 2024-07-01 declared (structural: the base year and the years between are restated above the recalculation threshold")
	code, out, errOut = run(t, "sites", "event", "--data", data, "--id", "ma-rab", "--kind", "opened", "--on", "2022-07-01")
	assert.NotEqual(t, 0, code, out)
	assert.Contains(t, errOut, "site ma-rab: opened on 2022-07-01 and acquired on 2024-07-01: one entry a site")
	code, _, errOut = run(t, "sites", "event", "--data", data, "--id", "ma-rab", "--kind", "sold", "--on", "2025-01-01")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut, `--kind: event kind "sold": want one of acquired, divested, opened, closed, outsourced, insourced`)
	code, _, errOut = run(t, "sites", "event", "--data", data, "--id", "ma-rab", "--kind", "closed", "--on", "1st May")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut, `--on "1st May": want the event's day YYYY-MM-DD`)

	code, out, errOut = run(t, "sites", "list", "--data", data, "--format", "json")
	require.Equal(t, 0, code, out+errOut)
	var sites []struct {
		ID     string `json:"id"`
		Events []struct {
			Kind, On, Note string
		} `json:"events"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &sites))
	require.Len(t, sites, 1)
	require.Len(t, sites[0].Events, 1)
	assert.Equal(t, "bought from Acme", sites[0].Events[0].Note)

	code, out, errOut = run(t, "sites", "event", "--data", data, "--id", "ma-rab", "--kind", "acquired", "--on", "2024-07-01", "--remove")
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "acquired on 2024-07-01 taken back")
}
