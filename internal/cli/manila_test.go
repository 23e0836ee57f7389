package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/footprint"
)

// The Manila trial (#29) from its six files to the inventory and the
// levers: the agent reads agent/testdata/collect/manila-trial as its
// systems wrote it, calc and plan take the records. The genset log is
// Scope 1 diesel and the refrigerant log Scope 1 leaks, each with its
// cited factor, and the refrigerant log sizes the leak-repair lever.
func TestTheManilaTrialFromItsFilesToTheInventory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../agent/testdata/collect/manila-trial")))
	site := filepath.Join(dir, "site.yaml")
	cfg, err := agent.Load(site, false)
	require.NoError(t, err)
	a := &agent.Agent{Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c := a.Collect(context.Background())
	require.True(t, c.OK(), "%+v", c.Health)
	acts := filepath.Join(dir, "activities.csv")
	writeActivities(t, acts, c.Activities)

	code, out, stderr := run(t, "calc", "--site", site, "--activities", acts, "--year", "2025", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var inv struct {
		Scope1 float64 `json:"scope1_t"`
		Lines  []struct {
			Scope        string  `json:"scope"`
			Kind         string  `json:"kind"`
			Item         string  `json:"item"`
			Quantity     float64 `json:"quantity"`
			T            float64 `json:"t"`
			FactorID     string  `json:"factor_id"`
			FactorSource string  `json:"factor_source"`
		} `json:"lines"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &inv))
	tests := []struct {
		name, kind, item string
		quantity, t      float64
		factor, source   string
	}{
		// 3,981 L × 2.66155 kg/L (DESNZ 2025, diesel 100 % mineral) = 10.596 t.
		{"the genset's diesel", "fuel", "diesel", 3981, 10.596, "fuel/diesel/WORLD/2025", "UK DESNZ GHG Conversion Factors 2025"},
		// 22 kg × 2,255.5 (AR6 GWP100 of R-410A, 50/50) = 49.621 t.
		{"R-410A leaked", "refrigerant", "R410A", 22, 49.621, "refrigerant/R410A/WORLD/2021", "IPCC AR6 WG1 (2021)"},
		// 5 kg × 771 (AR6 GWP100 of HFC-32) = 3.855 t.
		{"R-32 leaked", "refrigerant", "R32", 5, 3.855, "refrigerant/R32/WORLD/2021", "IPCC AR6 WG1 (2021)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := false
			for _, l := range inv.Lines {
				if l.Scope != "1" || l.Kind != tt.kind || l.Item != tt.item {
					continue
				}
				found = true
				assert.InDelta(t, tt.quantity, l.Quantity, 1e-9)
				assert.InDelta(t, tt.t, l.T, 5e-4)
				assert.Equal(t, tt.factor, l.FactorID)
				assert.Contains(t, l.FactorSource, tt.source)
			}
			assert.True(t, found, "a Scope 1 line for %s/%s", tt.kind, tt.item)
		})
	}
	// 10.596 + 49.621 + 3.855 = 64.072 t.
	assert.InDelta(t, 64.072, inv.Scope1, 5e-4)

	code, out, stderr = run(t, "plan", "--site", site, "--activities", acts, "--base-year", "2025", "--year", "2025", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var plan struct {
		Levers []struct {
			ID string  `json:"id"`
			T  float64 `json:"potential_t_per_year"`
		} `json:"levers"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &plan))
	leak := -1.0
	for _, l := range plan.Levers {
		if l.ID == "leak_repair" {
			leak = l.T
		}
	}
	// Half the leaks, never below 3 % of the declared charge: R-410A
	// min(22 ÷ 2, 22 − 0.03 × 160) = 11 kg × 2,255.5 = 24.8105 t; R-32
	// min(5 ÷ 2, 5 − 0.03 × 18) = 2.5 kg × 771 = 1.9275 t; 26.738 t.
	assert.InDelta(t, 26.738, leak, 1e-9)
}

// writeActivities writes records as the activity CSV calc reads (what
// `greenhelp-agent check --format csv` prints).
func writeActivities(t *testing.T, path string, acts []footprint.Activity) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(f)
	require.NoError(t, w.Write(footprint.CSVColumns))
	for _, a := range acts {
		require.NoError(t, w.Write([]string{string(a.Kind), a.Item, a.Start.String(), a.End.String(),
			strconv.FormatFloat(a.Quantity, 'f', -1, 64), string(a.Unit), a.Source, string(a.Quality), footprint.FormatAttrs(a.Attrs)}))
	}
	w.Flush()
	require.NoError(t, w.Error())
	require.NoError(t, f.Close())
}
