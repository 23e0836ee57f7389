package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// greenhelp tokens issue prints a token once (its hash alone is kept),
// refuses a role without its sites or an unknown role, lists and revokes;
// greenhelp audit prints who did each, in order.
func TestTokensAreIssuedListedRevokedAndAudited(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, out, errOut := run(t, "sites", "add", "--data", data, "--init", "--id", "fr-lyon", "--name", "Lyon", "--country", "FR")
	require.Equal(t, 0, code, out+errOut)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an ambassador without sites", []string{"--role", "ambassador"}, "--role, --sites: sites: missing: an ambassador's token names the sites"},
		{"an unknown role", []string{"--role", "owner"}, `role "owner": want one of ambassador, viewer, esg, admin`},
		{"a viewer with sites", []string{"--role", "viewer", "--sites", "fr-lyon"}, "only an ambassador's token names sites"},
		{"an unknown site", []string{"--role", "ambassador", "--sites", "fr-nowhere"}, `"fr-nowhere"`},
	}
	for _, tt := range tests {
		code, _, errOut := run(t, append([]string{"tokens", "issue", "--data", data}, tt.args...)...)
		assert.NotEqual(t, 0, code, tt.name)
		assert.Contains(t, errOut, tt.want, tt.name)
	}

	code, out, errOut = run(t, "tokens", "issue", "--data", data, "--role", "ambassador", "--sites", "fr-lyon", "--note", "Lyon's scripts")
	require.Equal(t, 0, code, out+errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	assert.True(t, strings.HasPrefix(secret, "gha_tok_"), secret)
	id := strings.Fields(lines[0])[1]

	code, out, errOut = run(t, "tokens", "list", "--data", data)
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, id)
	assert.Contains(t, out, "Lyon's scripts")
	assert.NotContains(t, out, secret, "never the secret")

	code, out, errOut = run(t, "tokens", "revoke", "--data", data, "--id", id)
	require.Equal(t, 0, code, out+errOut)
	code, _, errOut = run(t, "tokens", "revoke", "--data", data, "--id", id)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut, "revoked already")

	code, out, errOut = run(t, "audit", "--data", data, "--format", "json")
	require.Equal(t, 0, code, out+errOut)
	var log []struct{ Actor, Via, Action, Target string }
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	var got []string
	for _, e := range log {
		assert.True(t, strings.HasPrefix(e.Actor, "cli:"), e.Actor)
		got = append(got, e.Action+" "+e.Target)
	}
	assert.Equal(t, []string{"site added fr-lyon", "API token issued " + id, "API token revoked " + id}, got)
}
