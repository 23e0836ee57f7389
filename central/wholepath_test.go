//go:build !windows

package central_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/demo"
	"github.com/greenhelp/greenhelp/internal/testbin"
)

func buildAgentBin() (string, error) { return testbin.Build("../cmd/greenhelp-agent") }

// TestTheWholePath builds both binaries, starts greenhelp serve on a fresh
// store, adds three sites, runs the real greenhelp-agent on each site's
// exports, exports the ESG figures and fetches the pages; the inventory
// equals greenhelp calc on the records the agent read, and running the
// agents again counts nothing twice. Then the same on the real influxd.
func TestTheWholePath(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both binaries; run without -short")
	}
	onEveryBackend(t, wholePath)
}

func wholePath(t *testing.T, env ...string) {
	agentBin, err := buildAgentBin()
	require.NoError(t, err)
	s := startServer(t, env...)
	sites := []string{"fr-par-batignolles", "za-jnb-sandton", "ph-mnl-makati"}
	dir := t.TempDir()
	_, err = demo.Generate(dir, demo.Options{Seed: 3, From: 2024, To: 2024, Only: sites})
	require.NoError(t, err)

	agentRun := func(site string, args ...string) string {
		cmd := exec.Command(agentBin, append(args, "--config", filepath.Join(dir, site, "site.yaml"))...)
		cmd.Env = append(os.Environ(), "GREENHELP_AGENT_CENTRAL_URL="+s.url)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return string(out)
	}
	for _, id := range sites {
		decl := demo.Sites()
		var name, country string
		for _, d := range decl {
			if d.ID == id {
				name, country = d.Name, d.Country
			}
		}
		tok := s.addSite(t, id, name, country)
		require.NoError(t, os.WriteFile(filepath.Join(dir, id, "token"), []byte(tok), 0o600))
		agentRun(id, "once")
	}

	inventory := func(site string) map[string]float64 {
		return totals(t, s.get(t, "/api/v1/inventory?year=2024&site="+site))
	}
	before := map[string]map[string]float64{}
	for _, id := range sites {
		before[id] = inventory(id)
		// greenhelp calc on exactly the records the agent read.
		csvPath := filepath.Join(dir, id, "collected.csv")
		cmd := exec.Command(agentBin, "check", "--format", "csv", "--config", filepath.Join(dir, id, "site.yaml"))
		raw, err := cmd.Output()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(csvPath, raw, 0o600))
		calc, err := exec.Command(s.bin, "calc", "--site", filepath.Join(dir, id, "site.yaml"), "--activities", csvPath, "--year", "2024", "--format", "json").Output()
		require.NoError(t, err)
		for k, v := range totals(t, calc) {
			assert.InDelta(t, v, before[id][k], 1e-6, "%s %s: central = calc", id, k)
		}
	}
	metric := func() string {
		m := regexp.MustCompile(`greenhelp_activities_total (\d+)`).FindStringSubmatch(string(s.get(t, "/metrics")))
		require.Len(t, m, 2)
		return m[1]
	}
	stored := metric()

	// The agents run again: nothing new is sent, nothing is counted twice.
	for _, id := range sites {
		agentRun(id, "once")
		assert.Equal(t, before[id], inventory(id), id)
	}
	assert.Equal(t, stored, metric(), "the second run sent no record")

	out := filepath.Join(dir, "ghg-2024.json")
	s.runEnv(t, env, "export", "--year", "2024", "--format", "json", "--out", out, "--records")
	type row struct {
		Site    string  `json:"site"`
		Line    int     `json:"line"`
		T       float64 `json:"tCO2e"`
		Records int     `json:"records"`
	}
	var doc struct {
		Summary map[string]struct {
			Value *float64 `json:"value"`
		} `json:"summary"`
		Lines   []row `json:"activity_lines"`
		Records []row `json:"records"`
	}
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	sum := 0.0
	for _, id := range sites {
		sum += before[id]["total_market_t"]
	}
	assert.InDelta(t, sum, *doc.Summary["TotalGHGEmissionsMarketBased"].Value, 1e-4)
	// export --records: the records behind each line sum to it.
	require.NotEmpty(t, doc.Records)
	perLine := map[string]float64{}
	for _, r := range doc.Records {
		perLine[fmt.Sprint(r.Site, "/", r.Line)] += r.T
	}
	for _, l := range doc.Lines {
		if l.Records > 0 {
			assert.InDelta(t, l.T, perLine[fmt.Sprint(l.Site, "/", l.Line)], 1e-5, "%s line %d", l.Site, l.Line)
		}
	}

	for _, page := range append([]string{"/", "/profiles"}, "/sites/"+sites[1]) {
		html := string(s.get(t, page))
		assert.Contains(t, html, "echarts.init", page)
		assert.True(t, strings.Contains(html, "Johannesburg") || strings.Contains(html, "coal-grid"), page)
	}
}
