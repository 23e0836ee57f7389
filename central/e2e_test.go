//go:build !windows

package central_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/internal/testbin"
)

func buildGreenhelp() (string, error) { return testbin.Build("../cmd/greenhelp") }

// server is a running `greenhelp serve` process.
type server struct {
	bin, data, url string
	cmd            *exec.Cmd
}

func startServer(t *testing.T, env ...string) *server {
	t.Helper()
	return startServerIn(t, filepath.Join(t.TempDir(), "data"), env...)
}

// startServerIn starts `greenhelp serve` on the data directory given.
func startServerIn(t *testing.T, data string, env ...string) *server {
	t.Helper()
	bin, err := buildGreenhelp()
	require.NoError(t, err)
	s := &server{bin: bin, data: data}
	s.cmd, s.url = serveIn(t, bin, "", env, "--data", s.data)
	return s
}

// stopServe stops a central as its service manager would (SIGTERM: it
// removes its operator socket's folder, which may be in the system's
// temporary directory), and kills it if it has not ended in 30 s.
func stopServe(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// run runs a greenhelp command against the server's data directory.
func (s *server) run(t *testing.T, args ...string) string {
	t.Helper()
	return s.runEnv(t, nil, args...)
}

// runEnv runs a command that reads the series with the server's store settings.
func (s *server) runEnv(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(s.bin, append(args, "--data", s.data)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // "store: …" and errors; stdout is the command's output
	out, err := cmd.Output()
	require.NoError(t, err, "%s%s", out, stderr.String())
	return string(out)
}

func (s *server) addSite(t *testing.T, id, name, country string) string {
	return s.addSiteEnv(t, nil, id, name, country)
}

// addSiteEnv adds a site with the server's store settings (a PostgreSQL
// store is not in the data directory: the command writes to it).
func (s *server) addSiteEnv(t *testing.T, env []string, id, name, country string) string {
	out := s.runEnv(t, env, "sites", "add", "--id", id, "--name", name, "--country", country)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

func (s *server) post(t *testing.T, site, token string, body any) (int, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, s.url+"/api/v1/sites/"+site+"/batches", bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return resp.StatusCode, doc
}

func (s *server) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := http.Get(s.url + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	return raw
}

type batch struct {
	ID         string               `json:"id"`
	Site       *declaration.Site    `json:"site,omitempty"`
	Activities []footprint.Activity `json:"activities"`
}

func johannesburg(t *testing.T) (declaration.Site, []footprint.Activity) {
	t.Helper()
	site, err := config.LoadSite("../examples/johannesburg/site.yaml")
	require.NoError(t, err)
	f, err := os.Open("../examples/johannesburg/activities.csv")
	require.NoError(t, err)
	defer f.Close()
	acts, err := footprint.ReadActivitiesCSV(f, "activities.csv")
	require.NoError(t, err)
	return site, acts
}

// sameTotals compares two sets of totals to the last float digits: the
// central sums monthly rollups where `calc` sums the raw records, in
// another order.
func sameTotals(t *testing.T, want, got map[string]float64, msg ...any) {
	t.Helper()
	require.Len(t, got, len(want), msg...)
	for k, v := range want {
		assert.InDelta(t, v, got[k], 1e-9*max(1, math.Abs(v)), append([]any{k}, msg...)...)
	}
}

func totals(t *testing.T, raw []byte) map[string]float64 {
	t.Helper()
	var d map[string]any
	require.NoError(t, json.Unmarshal(raw, &d))
	out := map[string]float64{}
	for _, k := range []string{"scope1_t", "scope2_location_t", "scope2_market_t", "scope3_business_travel_t", "scope3_commuting_t", "scope3_homeworking_t", "total_location_t", "total_market_t"} {
		out[k] = d[k].(float64)
	}
	out["avoided_t"] = d["power_off"].(map[string]any)["avoided_t"].(float64)
	return out
}

func TestCentralEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs greenhelp serve; run without -short")
	}
	t.Run("sqlite", func(t *testing.T) { endToEnd(t) })
	t.Run("influxdb", func(t *testing.T) {
		base := os.Getenv("GREENHELP_TEST_INFLUX_URL")
		if base == "" {
			t.Skip("no InfluxDB: `make test` starts a real influxd 1.8.10 and sets GREENHELP_TEST_INFLUX_URL")
		}
		db := fmt.Sprintf("gh_e2e_%d", time.Now().UnixNano())
		resp, err := http.PostForm(base+"/query", url.Values{"q": {fmt.Sprintf("CREATE DATABASE %q WITH SHARD DURATION 52w", db)}})
		require.NoError(t, err)
		resp.Body.Close()
		endToEnd(t, "GREENHELP_STORE_BACKEND=influxdb", "GREENHELP_STORE_INFLUXDB_URL="+base, "GREENHELP_STORE_INFLUXDB_BUCKET="+db+"/autogen")
	})
	t.Run("postgres", func(t *testing.T) {
		endToEnd(t, "GREENHELP_STORE_BACKEND=postgres", "GREENHELP_STORE_DSN="+pgtest.DSN(t))
	})
}

func endToEnd(t *testing.T, env ...string) {
	s := startServer(t, append(env, "GREENHELP_LIMITS_MAX_BATCH=2000")...)
	site, acts := johannesburg(t)
	tok := s.addSiteEnv(t, env, site.ID, site.Name, site.Country)
	other := s.addSiteEnv(t, env, "fr-par-batignolles", "Paris Batignolles", "FR")
	require.True(t, strings.HasPrefix(tok, "ghs_"), tok)

	t.Run("a wrong token is 401, another site's token 403", func(t *testing.T) {
		code, _ := s.post(t, site.ID, "ghs_nope", batch{ID: "x"})
		assert.Equal(t, http.StatusUnauthorized, code)
		code, doc := s.post(t, site.ID, other, batch{ID: "x"})
		assert.Equal(t, http.StatusForbidden, code)
		assert.Contains(t, doc["error"], "fr-par-batignolles")
	})
	t.Run("a batch over the limit is 413", func(t *testing.T) {
		code, _ := s.post(t, site.ID, tok, batch{ID: "big", Activities: acts})
		assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	})

	half := len(acts) / 2
	b1 := batch{ID: "b1", Site: &site, Activities: acts[:half]}
	b2 := batch{ID: "b2", Activities: acts[half:]}
	for _, b := range []batch{b1, b2} {
		code, doc := s.post(t, site.ID, tok, b)
		require.Equal(t, http.StatusOK, code, doc)
		assert.Equal(t, "accepted", doc["status"])
	}

	// The inventory equals `greenhelp calc` on the same site.yaml and CSV.
	calcOut, err := exec.Command(s.bin, "calc", "--site", "../examples/johannesburg/site.yaml", "--activities", "../examples/johannesburg/activities.csv", "--year", "2024", "--format", "json").Output()
	require.NoError(t, err)
	calc := string(calcOut)
	api := s.get(t, "/api/v1/inventory?year=2024&site="+site.ID)
	report := s.runEnv(t, env, "report", "--year", "2024", "--site", site.ID, "--format", "json")
	want := totals(t, []byte(calc))
	for k, v := range want {
		assert.InDelta(t, v, totals(t, api)[k], 1e-6, "API %s", k)
		assert.InDelta(t, v, totals(t, []byte(report))[k], 1e-6, "report %s", k)
	}
	var group struct {
		Year  int               `json:"year"`
		Sites []json.RawMessage `json:"sites"`
		Group map[string]any    `json:"group"`
	}
	require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/inventory?year=2024"), &group))
	require.Len(t, group.Sites, 1, "the Paris site sent nothing: it is left out of 2024")
	assert.InDelta(t, want["total_market_t"], group.Group["total_market_t"].(float64), 1e-6)

	t.Run("a re-sent batch is acknowledged and not counted twice", func(t *testing.T) {
		code, doc := s.post(t, site.ID, tok, b1)
		require.Equal(t, http.StatusOK, code)
		assert.Equal(t, "duplicate", doc["status"])
		sameTotals(t, want, totals(t, s.get(t, "/api/v1/inventory?year=2024&site="+site.ID)))
	})
	t.Run("the same records under a new batch id replace, not add", func(t *testing.T) {
		code, _ := s.post(t, site.ID, tok, batch{ID: "b1-again", Activities: acts[:half]})
		require.Equal(t, http.StatusOK, code)
		sameTotals(t, want, totals(t, s.get(t, "/api/v1/inventory?year=2024&site="+site.ID)))
	})
	t.Run("a bad record rejects the whole batch with its index", func(t *testing.T) {
		bad := []footprint.Activity{acts[0], acts[1], acts[2]}
		bad[0].Quantity = 999999
		bad[2].Quantity = -5
		code, doc := s.post(t, site.ID, tok, batch{ID: "bad", Activities: bad})
		require.Equal(t, http.StatusBadRequest, code)
		errs := doc["errors"].([]any)
		require.Len(t, errs, 1)
		e := errs[0].(map[string]any)
		assert.EqualValues(t, 2, e["index"])
		assert.Equal(t, "quantity", e["field"])
		sameTotals(t, want, totals(t, s.get(t, "/api/v1/inventory?year=2024&site="+site.ID)), "nothing of it was stored, not even the good first record")
	})
	t.Run("a corrected re-send replaces the earlier value", func(t *testing.T) {
		// January's grid bill was 99,960 kWh; the supplier corrects it to 109,960.
		var jan footprint.Activity
		for _, a := range acts {
			if a.Kind == footprint.KindElectricity && a.Item == "grid" && a.Start.String() == "2024-01-01" {
				jan = a
			}
		}
		require.Equal(t, 99960.0, jan.Quantity)
		jan.Quantity = 109960
		code, _ := s.post(t, site.ID, tok, batch{ID: "correction", Activities: []footprint.Activity{jan}})
		require.Equal(t, http.StatusOK, code)
		got := totals(t, s.get(t, "/api/v1/inventory?year=2024&site="+site.ID))
		// South Africa's Scope 2 factor for 2024: DFFE's 2023 DGGEF, 0.942.
		assert.InDelta(t, want["scope2_location_t"]+10000*0.942/1000, got["scope2_location_t"], 1e-6)
	})
	t.Run("site detail, profiles, trajectory, health and metrics answer", func(t *testing.T) {
		var d map[string]any
		require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/sites/"+site.ID), &d))
		assert.Len(t, d["declaration_history"], 1)
		assert.NotNil(t, d["last_batch"])
		assert.NotEmpty(t, d["sources"])
		var p map[string]any
		require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/profiles?year=2024"), &p))
		sites := p["sites"].([]any)
		require.Len(t, sites, 2)
		byID := map[string]string{}
		for _, x := range sites {
			m := x.(map[string]any)
			byID[m["site"].(string)] = m["profile"].(string)
		}
		assert.Equal(t, "coal-grid", byID[site.ID])
		var tr map[string]any
		require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/trajectory"), &tr))
		assert.Equal(t, "compound", tr["mode"])
		assert.Contains(t, string(s.get(t, "/healthz")), `"ok"`)
		m := string(s.get(t, "/metrics"))
		assert.Contains(t, m, `greenhelp_batches_total{result="accepted",site="za-jnb-sandton"} 4`)
		assert.Contains(t, m, `greenhelp_batches_total{result="duplicate",site="za-jnb-sandton"} 1`)
		assert.Contains(t, m, `greenhelp_rejections_total{reason="forbidden"} 1`)
		assert.Contains(t, m, "greenhelp_site_last_seen_timestamp_seconds")
	})
	t.Run("SIGTERM stops the server cleanly", func(t *testing.T) {
		require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
		}
		// The data is all there after a restart (report reads the store).
		out := s.runEnv(t, env, "report", "--year", "2024", "--format", "csv")
		assert.Contains(t, out, site.ID)
	})
}
