package winlog

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Real .evtx files, when GREENHELP_EVTX_SAMPLES names a folder of them
// (none is committed: they are other people's logs): every record
// parses, and the power events among them are read.
func TestRealEVTXFilesParse(t *testing.T) {
	dir := os.Getenv("GREENHELP_EVTX_SAMPLES")
	if dir == "" {
		t.Skip("GREENHELP_EVTX_SAMPLES is not set: no real .evtx files to read")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.evtx"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		l, err := NewLog("en-US", time.UTC)
		require.NoError(t, err)
		require.NoError(t, l.ReadFile(context.Background(), f, "evtx"))
		n := 0
		l.Emit(func(string, time.Time, string) { n++ })
		total := 0
		for _, c := range l.Ignored() {
			total += c
		}
		t.Logf("%s: %d power changes, %d events ignored, %d problems; ignored %v", filepath.Base(f), n, total, len(l.Problems()), l.Ignored())
		for i, p := range l.Problems() {
			if i < 5 {
				t.Logf("  %s: %s", p.Where, p.Reason)
			}
		}
		assert.Empty(t, l.Problems(), f)
	}
}
