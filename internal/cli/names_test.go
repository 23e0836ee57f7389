package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store/sqlite"
)

// TestSiteNamesCannotDriveTheTerminal: sites add refuses a name with an
// escape sequence or a 60 KB one, quoting it; a name stored before the
// check is listed escaped, never raw.
func TestSiteNamesCannotDriveTheTerminal(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, out, errOut := run(t, "sites", "add", "--data", data, "--init", "--id", "fr-lille", "--name", "Lille", "--country", "FR")
	require.Equal(t, 0, code, out+errOut)

	code, out, errOut = run(t, "sites", "add", "--data", data, "--id", "fr-lens", "--name", "Lens\x1b[2J\x1b]0;owned\a", "--country", "FR")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut, `site.name: "Lens\x1b[2J\x1b]0;owned\a": contains the control character \x1b at byte 4`)
	assert.NotContains(t, out+errOut, "\x1b", "the refusal itself is printable")

	code, _, errOut = run(t, "sites", "add", "--data", data, "--id", "fr-lens", "--name", strings.Repeat("L", 60_000), "--country", "FR")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut, "60000 characters: at most 128")
	assert.Less(t, len(errOut), 1000, "the value is clipped in the message")

	// A name stored before names were checked.
	cat, err := sqlite.Open(data)
	require.NoError(t, err)
	_, err = cat.AddSite(context.Background(), "fr-arras", "Arras\x1b[2J\u202egnp.exe\tx", "FR")
	require.NoError(t, err)
	require.NoError(t, cat.Close())

	code, out, errOut = run(t, "sites", "list", "--data", data)
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, `Arras\x1b[2J\u202egnp.exe\tx`)
	assert.Contains(t, out, "Lille")
	for _, raw := range []string{"\x1b", "\u202e", "\a"} {
		assert.NotContains(t, out, raw)
	}
}
