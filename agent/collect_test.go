package agent

import (
	"context"
	"encoding/json"
	"flag"
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

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

var update = flag.Bool("update", false, "rewrite golden files")

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// loadCase copies testdata/collect/<name> to a temporary folder, serving
// its http/ folder on loopback for {{HTTP}}, and loads its site.yaml.
func loadCase(t *testing.T, name string) *Config {
	t.Helper()
	src := filepath.Join("testdata", "collect", name)
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
	raw, err := os.ReadFile(filepath.Join(dst, "site.yaml"))
	require.NoError(t, err)
	if strings.Contains(string(raw), "{{HTTP}}") {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Api-Key") != "secret" {
				http.Error(w, "no key", http.StatusUnauthorized)
				return
			}
			http.FileServer(http.Dir(filepath.Join(dst, "http"))).ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		raw = []byte(strings.ReplaceAll(string(raw), "{{HTTP}}", srv.URL))
		require.NoError(t, os.WriteFile(filepath.Join(dst, "site.yaml"), raw, 0o600))
	}
	cfg, err := Load(filepath.Join(dst, "site.yaml"), false)
	require.NoError(t, err)
	cfg.Outbox.Dir = filepath.Join(dst, "outbox")
	return cfg
}

type caseResult struct {
	Activities []footprint.Activity `json:"activities"`
	Sources    []caseHealth         `json:"sources"`
}

type caseHealth struct {
	ID         string                     `json:"id"`
	RowsRead   int                        `json:"rows_read"`
	Rejected   int                        `json:"rows_rejected"`
	Records    int                        `json:"records"`
	Error      string                     `json:"error,omitempty"`
	Rejections []source.Rejection         `json:"rejections,omitempty"`
	Skipped    []source.Rejection         `json:"skipped,omitempty"`
	Warnings   []string                   `json:"warnings,omitempty"`
	Survey     *declaration.CommuteSurvey `json:"survey,omitempty"`
	Notes      []source.Rejection         `json:"notes,omitempty"`
}

// TestCollectCases runs every testdata/collect/<case>: site.yaml and the
// exports it names in, expected.json (golden, -update rewrites) out.
func TestCollectCases(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob(filepath.Join("testdata", "collect", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := loadCase(t, name)
			a := &Agent{Cfg: cfg, Log: quiet()}
			c := a.Collect(context.Background())
			res := caseResult{Activities: c.Activities}
			for _, h := range c.Health {
				e := h.Error
				if i := strings.Index(e, "/"); i >= 0 && strings.Contains(e, os.TempDir()) {
					e = filepath.Base(e) // temp paths vary between runs
				}
				res.Sources = append(res.Sources, caseHealth{ID: h.ID, RowsRead: h.RowsRead, Rejected: h.RowsRejected, Records: h.Records, Error: e, Rejections: h.Rejections, Skipped: h.Skipped, Warnings: h.Warnings, Survey: h.Survey, Notes: h.Notes})
			}
			got, err := json.MarshalIndent(res, "", "  ")
			require.NoError(t, err)
			golden := filepath.Join(dir, "expected.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./agent -run TestCollectCases -update to create it")
			assert.JSONEq(t, string(want), string(got))
		})
	}
}

// hours sums device-hours by day and state.
func hours(acts []footprint.Activity) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	for _, a := range acts {
		d := a.Start.String()
		if out[d] == nil {
			out[d] = map[string]float64{}
		}
		out[d][a.Attrs["state"]] += a.Quantity
	}
	return out
}

func TestWorkstationHoursFollowTheLocalClockAcrossDST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want map[string]map[string]float64
	}{
		// Window: weekdays 20:00–07:00, weekends all day. PC1 on 08–18 on
		// working days; PC2 left on from Friday 08:00.
		{"workstation-dst-spring", map[string]map[string]float64{
			"2024-03-29": {"on": 22, "off": 18, "sleep": 0, "missed": 4},
			"2024-03-30": {"on": 0, "off": 24, "sleep": 0, "missed": 24},
			"2024-03-31": {"on": 0, "off": 23, "sleep": 0, "missed": 23}, // clocks go forward: a 23-hour Sunday
			// Monday: 00–07 joins the off Sunday, plus 20–24 (11 h × 2 PCs).
			// PC1 on 08–18 (10 h); PC2 on until 18:00: 7 h missed, 11 h on.
			"2024-04-01": {"on": 21, "off": 15, "sleep": 0, "missed": 7},
		}},
		{"workstation-dst-autumn", map[string]map[string]float64{
			"2024-10-25": {"on": 22, "off": 18, "sleep": 0, "missed": 4},
			"2024-10-26": {"on": 0, "off": 24, "sleep": 0, "missed": 24},
			"2024-10-27": {"on": 0, "off": 25, "sleep": 0, "missed": 25}, // clocks go back: a 25-hour Sunday
			// Monday: 22 window hours; PC2 on until its 09:00 sleep: 7 h
			// missed (00–07) and 2 h on, then asleep through 20–24: 4 h
			// asleep, not off. PC1 off 11 h.
			"2024-10-28": {"on": 2, "off": 11, "sleep": 4, "missed": 7},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := loadCase(t, tt.name)
			a := &Agent{Cfg: cfg, Log: quiet()}
			c := a.Collect(context.Background())
			require.True(t, c.OK(), "%+v", c.Health)
			assert.Equal(t, tt.want, hours(c.Activities))
			for _, act := range c.Activities {
				assert.Equal(t, "site", act.Attrs["location"])
				assert.Equal(t, "desktop", act.Item)
			}
		})
	}
}

func TestOnlyTheMappedColumnsAreRead(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "travel-iata-and-hotels")
	s := cfg.Sources[0]
	tbl, err := source.Read(context.Background(), s.Source, s.env(cfg.baseDir(), cfg.Site.Timezone), s.Columns.Mapped())
	require.NoError(t, err)
	for _, r := range tbl.Rows {
		for field, v := range r.Fields() {
			assert.NotContains(t, []string{"traveller"}, field)
			assert.NotContains(t, v, "Nkosi", "a traveller's name never leaves the reader")
		}
	}
}

func TestReReadingAnExportGivesTheSameKeys(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "telework-teams-summed")
	a := &Agent{Cfg: cfg, Log: quiet()}
	first := a.Collect(context.Background()).Activities
	second := a.Collect(context.Background()).Activities
	require.Equal(t, len(first), len(second))
	for i := range first {
		assert.Equal(t, first[i].Key("s"), second[i].Key("s"))
	}
	// Two teams on 4 March are summed into one record per item and day.
	by := map[string]float64{}
	for _, act := range first {
		by[act.Start.String()+"/"+act.Item] = act.Quantity
	}
	assert.Equal(t, map[string]float64{"2024-03-04/remote": 20, "2024-03-04/onsite": 75, "2024-03-05/remote": 10, "2024-03-05/onsite": 42}, by)
}
