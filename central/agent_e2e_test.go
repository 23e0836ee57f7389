//go:build !windows

package central_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/demo"
)

// The ambassador's side on the real binaries against a real central:
// `check --ping` with a wrong token fails naming the fix, `once` keeps
// the batches pending; batches an older agent quarantined on that 401
// are listed in words and, once the token is fixed, `quarantine retry`
// delivers them, counted once; `check --ping` then says all is well.
func TestTheAgentPingsAndRetriesItsQuarantineOnTheRealBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both binaries; run without -short")
	}
	agentBin, err := buildAgentBin()
	require.NoError(t, err)
	s := startServer(t)
	const id = "fr-par-batignolles"
	dir := t.TempDir()
	_, err = demo.Generate(dir, demo.Options{Seed: 3, From: 2024, To: 2024, Only: []string{id}})
	require.NoError(t, err)
	good := s.addSite(t, id, "Paris Batignolles", "FR")
	tokenFile := filepath.Join(dir, id, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("gh_wrong_token"), 0o600))
	agent := func(args ...string) (string, error) {
		cmd := exec.Command(agentBin, append(args, "--config", filepath.Join(dir, id, "site.yaml"))...)
		cmd.Env = append(os.Environ(), "GREENHELP_AGENT_CENTRAL_URL="+s.url)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := agent("check", "--ping")
	require.Error(t, err, out)
	assert.Contains(t, out, "central: FAILED: the central refused the site token (401 Unauthorized")
	assert.Contains(t, out, "use the token `greenhelp sites add` (or `sites rotate-token`) printed for site "+id)

	out, err = agent("once")
	require.Error(t, err, out)
	assert.Contains(t, out, "check central.token")
	pending, err := filepath.Glob(filepath.Join(dir, id, "outbox", "pending", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, pending, "the batches wait in the outbox")
	quarantined, _ := filepath.Glob(filepath.Join(dir, id, "outbox", "quarantine", "*"))
	assert.Empty(t, quarantined)

	// What an agent before this version did on a 401: quarantine them.
	for _, p := range pending {
		q := filepath.Join(dir, id, "outbox", "quarantine", filepath.Base(p))
		require.NoError(t, os.Rename(p, q))
		require.NoError(t, os.WriteFile(q+".reason", []byte(`401 Unauthorized: {"error":"missing or unknown site token"}`), 0o600))
	}
	out, err = agent("quarantine", "list")
	require.NoError(t, err, out)
	assert.Contains(t, out, "401 Unauthorized: missing or unknown site token")

	require.NoError(t, os.WriteFile(tokenFile, []byte(good), 0o600))
	out, err = agent("check", "--ping")
	require.NoError(t, err, out)
	assert.Contains(t, out, "central "+s.url+": reachable, token accepted for site "+id+" (Paris Batignolles, open)")
	t.Logf("check --ping:\n%s", out)

	out, err = agent("quarantine", "retry")
	require.NoError(t, err, out)
	assert.Contains(t, out, "delivered: "+strconv.Itoa(len(pending))+" acknowledged, 0 refused again")
	out, err = agent("quarantine", "retry")
	require.NoError(t, err, out)
	assert.Contains(t, out, "0 batch(es) back in the outbox")

	var sts []central.SiteStatus
	require.NoError(t, json.Unmarshal([]byte(s.run(t, "sites", "list", "--format", "json")), &sts))
	require.Len(t, sts, 1)
	assert.Equal(t, len(pending), sts[0].Batches, "each batch counted once")
	assert.Positive(t, sts[0].Records)
	assert.Equal(t, central.StatusOpen, sts[0].Status)
}
