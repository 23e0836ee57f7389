package agent

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestMetricsAndHealthReportTheOutboxAndSources(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	a := exampleAgent(t, central.start(t, ""), func(c *Config) { c.Outbox.MaxSize = 2 << 20 })
	require.NoError(t, a.Once(ctxFor(t, 30*time.Second)))
	srv := httptest.NewServer(a.MetricsHandler())
	defer srv.Close()

	code, m := get(t, srv.URL+"/metrics")
	require.Equal(t, http.StatusOK, code)
	for _, want := range []string{"greenhelp_agent_outbox_batches 0", `greenhelp_agent_source_up{source="edf-bills"} 1`,
		`greenhelp_agent_source_rows{source="wfm-presence"} 42`, "greenhelp_agent_quarantined_batches 0"} {
		assert.Contains(t, m, want)
	}
	assert.NotContains(t, m, "greenhelp_agent_last_upload_timestamp_seconds 0\n", "an upload happened")
	code, h := get(t, srv.URL+"/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, h, `"status":"ok"`)

	// An outbox over 90 % full is reported before collection stops.
	big := strings.Repeat("x", int(0.95*float64(a.Cfg.Outbox.MaxSize)))
	require.NoError(t, os.WriteFile(filepath.Join(a.Cfg.Outbox.Dir, "pending", "00000000000000000009-BIG.json"), []byte(big), 0o600))
	code, h = get(t, srv.URL+"/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, h, "outbox over 90 %")
	_, m = get(t, srv.URL+"/metrics")
	assert.Contains(t, m, "greenhelp_agent_outbox_batches 1")
}
