package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/internal/testbin"
)

// The systemd units in deploy/ pass `systemd-analyze verify` with the
// real binaries in place of /usr/local/bin (where systemd-analyze is).
func TestTheSystemdUnitsVerify(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze on this machine")
	}
	dir := t.TempDir()
	var units []string
	for _, name := range []string{"greenhelp", "greenhelp-agent"} {
		bin, err := testbin.Build("../../cmd/" + name)
		require.NoError(t, err)
		raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", name+".service"))
		require.NoError(t, err)
		unit := strings.ReplaceAll(string(raw), "/usr/local/bin/"+name+" ", bin+" ")
		require.NotEqual(t, string(raw), unit, "ExecStart names /usr/local/bin/%s", name)
		p := filepath.Join(dir, name+".service")
		require.NoError(t, os.WriteFile(p, []byte(unit), 0o644))
		units = append(units, p)
	}
	out, err := exec.Command(sa, append([]string{"verify"}, units...)...).CombinedOutput()
	require.NoError(t, err, string(out))
	require.Empty(t, strings.TrimSpace(string(out)), "verify warns")
}
