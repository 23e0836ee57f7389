package central_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	centralserver "github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
)

// brokenSeries fails every call, as a store that lost its disk or its
// InfluxDB would: the SQLite store is given it to hold its records
// (sqlite.Store.WithSeries). (A real store failing mid-request cannot be
// staged reliably here; this is the one stand-in of the suite.)
type brokenSeries struct{}

func (brokenSeries) Write(context.Context, string, []footprint.Activity) error {
	return fmt.Errorf("%w: disk full", store.ErrUnavailable)
}
func (brokenSeries) Read(context.Context, store.Query) ([]store.Record, error) {
	return nil, fmt.Errorf("%w: disk full", store.ErrUnavailable)
}
func (brokenSeries) Close() error { return nil }

func testService(t *testing.T, cfgMut func(*Config)) *Service {
	t.Helper()
	cfg, err := LoadConfig("", nil)
	require.NoError(t, err)
	cfg.Data = t.TempDir()
	if cfgMut != nil {
		cfgMut(cfg)
	}
	svc, err := centralserver.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	return svc
}

func TestAnUnavailableStoreAnswers503WithRetryAfterAndStoresNothing(t *testing.T) {
	svc := testService(t, nil)
	tok, err := svc.Store.AddSite(context.Background(), "za-x", "X", "ZA")
	require.NoError(t, err)
	svc.Store = svc.Store.(*sqlite.Store).WithSeries(brokenSeries{})
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	body := `{"id":"b1","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","quantity":10,"unit":"L","source":"g","quality":"measured"}]}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/sites/za-x/batches", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "30", resp.Header.Get("Retry-After"))
	logged, err := svc.Store.Batches(context.Background(), "za-x", 10)
	require.NoError(t, err)
	assert.Empty(t, logged, "a batch not stored is not logged: the agent's retry will be processed")
}

func TestViewerCredentialsProtectReadEndpoints(t *testing.T) {
	svc := testService(t, func(c *Config) { c.Viewer = ViewerConf{User: "cto", Password: "pw"} })
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/sites")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/sites", nil)
	req.SetBasicAuth("cto", "pw")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "health stays open for monitoring")
}

func TestAnOverridesFilePinsSitesWithTheirReason(t *testing.T) {
	dir := t.TempDir()
	cat, err := sqlite.Open(dir)
	require.NoError(t, err)
	_, err = cat.AddSite(context.Background(), "pt-lis", "Lisbon", "PT")
	require.NoError(t, err)
	cat.Close()
	path := filepath.Join(dir, "overrides.yaml")
	require.NoError(t, os.WriteFile(path, []byte("overrides:\n  - {site: pt-lis, profile: fossil-grid-mild, reason: gas-heated building}\n"), 0o600))
	svc := testService(t, func(c *Config) { c.Data, c.OverridesFile = dir, path })
	as, err := svc.Assignments(context.Background(), 2024)
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.Equal(t, "fossil-grid-mild", as[0].Profile)
	assert.Equal(t, "low-carbon-grid", as[0].Computed)

	require.NoError(t, os.WriteFile(path, []byte("overrides:\n  - {site: pt-lis, profile: arctic}\n"), 0o600))
	cfg, _ := LoadConfig("", nil)
	cfg.Data, cfg.OverridesFile = dir, path
	_, err = centralserver.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "overrides[0].profile: arctic: unknown profile")
	assert.Contains(t, err.Error(), "overrides[0].reason: missing")
}

func TestMetricsCanBeProtectedAndRefusedTokensAreCountedPerSiteNeverLogged(t *testing.T) {
	var logs strings.Builder
	svc := testService(t, func(c *Config) { c.Viewer = ViewerConf{User: "cto", Password: "pw", ProtectMetrics: true} })
	svc.Log = slog.New(slog.NewTextHandler(&logs, nil))
	_, err := svc.Store.AddSite(context.Background(), "za-x", "X", "ZA")
	require.NoError(t, err)
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "viewer.protect_metrics closes /metrics")

	for _, site := range []string{"za-x", "za-x", "nowhere"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/sites/"+site+"/batches", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer ghs_secret_token_value")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	req.SetBasicAuth("cto", "pw")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(raw), `greenhelp_refused_tokens_total{reason="unauthorized",site="za-x"} 2`)
	assert.Contains(t, string(raw), `greenhelp_refused_tokens_total{reason="unauthorized",site="unknown"} 1`)
	assert.Contains(t, logs.String(), "site token refused")
	assert.NotContains(t, logs.String(), "ghs_secret_token_value", "a token is never logged")
}
