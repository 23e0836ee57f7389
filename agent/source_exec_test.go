package agent

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The exec sample with a real command in its place: what it prints is
// read as CSV; a failing command's stderr is in the error.
func TestExecSampleReadsWhatTheCommandPrints(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := "command: [" + sh + ", -c, 'printf \"Date,Remote,Onsite\\n2024-05-02,12,30\\n\"']"
	acts, h := trySample(t, sample(t, "exec"), nil, `command: [powershell, -File, 'C:\greenhelp\wfm-export.ps1']`, cmd)
	require.Empty(t, h.Error)
	require.Len(t, acts, 2)
	byItem := map[string]float64{}
	for _, a := range acts {
		byItem[a.Item] = a.Quantity
	}
	assert.Equal(t, map[string]float64{"remote": 12, "onsite": 30}, byItem)

	cmd = "command: [" + sh + ", -c, 'echo export server down >&2; exit 3']"
	_, h = trySample(t, sample(t, "exec"), nil, `command: [powershell, -File, 'C:\greenhelp\wfm-export.ps1']`, cmd)
	assert.Contains(t, h.Error, "export server down")
	assert.Contains(t, h.Error, "exit status 3")
}
