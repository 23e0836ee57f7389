//go:build !windows

package central_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// One writer per data directory, on the real binaries: a second central
// and a restore are refused while one serves; a command that changes the
// store goes through the serving central, whose pages show it as soon as
// the command returns.
func TestOneCentralPerDataDirectory(t *testing.T) {
	s := startServer(t)
	tokens := map[string]string{}
	for _, id := range []string{"fr-lyon", "fr-lille"} {
		tokens[id] = s.addSite(t, id, strings.ToUpper(id), "FR")
		site := declaration.Site{ID: id, Name: strings.ToUpper(id), Country: "FR", Timezone: "UTC", Seats: 100}
		code, doc := s.post(t, id, tokens[id], batch{ID: "b-" + id, Site: &site, Activities: dailyKWh(footprint.NewDate(2024, 1, 1), footprint.NewDate(2025, 1, 1), 1000)})
		require.Equal(t, 200, code, doc)
	}

	held, err := store.ReadHolder(s.data)
	require.NoError(t, err)
	assert.Equal(t, "serve", held.Command)
	assert.Equal(t, s.url, held.URL)
	assert.Equal(t, s.cmd.Process.Pid, held.PID)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, s.bin, "serve", "--addr", "127.0.0.1:0", "--data", s.data).CombinedOutput()
	require.Error(t, err, "a second central on the same data directory: %s", out)
	assert.Contains(t, string(out), "data directory in use by `greenhelp serve` (pid "+strconv.Itoa(held.PID)+", serving "+s.url)
	assert.Contains(t, string(out), "one central per data directory")

	backup := filepath.Join(t.TempDir(), "backup.db")
	s.run(t, "backup", "--out", backup)
	out, err = exec.CommandContext(ctx, s.bin, "restore", "--force", "--from", backup, "--data", s.data).CombinedOutput()
	require.Error(t, err, "restore --force under a serving central: %s", out)
	assert.Contains(t, string(out), "in use by `greenhelp serve`")
	assert.Contains(t, string(out), "stop it, then restore")

	// The group page's market-based total before and after a site closes
	// from the CLI: the page shows the API's figure at once.
	pageTotal := func() float64 {
		m := regexp.MustCompile(`<b>([0-9,.]+)</b> tCO2e market-based`).FindSubmatch(s.get(t, "/?year=2024"))
		require.NotNil(t, m, "the group page's KPI")
		v, err := strconv.ParseFloat(strings.ReplaceAll(string(m[1]), ",", ""), 64)
		require.NoError(t, err)
		return v
	}
	apiTotal := func() float64 {
		var g struct {
			Group ghg.Inventory `json:"group"`
		}
		require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/inventory?year=2024"), &g))
		return g.Group.TotalMarketT
	}
	before := pageTotal()
	assert.InDelta(t, apiTotal(), before, 0.05)
	out2 := s.run(t, "sites", "close", "--id", "fr-lille", "--on", "2024-07-01")
	assert.Contains(t, out2, "site fr-lille closed on 2024-07-01")
	after := pageTotal() // no wait: the central applied the change itself
	assert.InDelta(t, apiTotal(), after, 0.05)
	assert.Less(t, after, before, "half of Lille's year is no longer counted")

	// A command whose input the central refuses says why, and changes
	// nothing.
	cmd := exec.CommandContext(ctx, s.bin, "sites", "close", "--id", "fr-lyon", "--on", "1900-01-01", "--data", s.data)
	out, err = cmd.CombinedOutput()
	require.Error(t, err, string(out))
	assert.Contains(t, string(out), "closing day 1900-01-01: want a day from 1990-01-01")
	assert.InDelta(t, after, pageTotal(), 1e-9)

	// The read commands read beside the serving central and write
	// nothing: an overrides file given to `report` is checked, not
	// applied (the central's are the store's).
	overrides := filepath.Join(t.TempDir(), "overrides.yaml")
	require.NoError(t, os.WriteFile(overrides, []byte("overrides:\n  - site: fr-lyon\n    profile: coal-grid\n    reason: a test of the one writer\n"), 0o600))
	var rep ghg.Inventory
	require.NoError(t, json.Unmarshal([]byte(s.runEnv(t, []string{"GREENHELP_OVERRIDES_FILE=" + overrides}, "report", "--year", "2024", "--site", "fr-lyon", "--format", "json")), &rep))
	assert.NotEqual(t, "coal-grid", rep.Profile)
	assert.False(t, strings.Contains(string(s.get(t, "/api/v1/profiles?year=2024")), "a test of the one writer"), "report wrote its override beside the central")
	assert.Contains(t, s.run(t, "sites", "list"), "fr-lille")

	// A command holding the directory (here: this test, as `sites add`
	// would while no central serves) keeps a central from starting.
	idle := filepath.Join(t.TempDir(), "idle")
	require.NoError(t, os.MkdirAll(idle, 0o750))
	lock, err := store.LockDir(idle, store.Holder{Command: "sites add"})
	require.NoError(t, err)
	out, err = exec.CommandContext(ctx, s.bin, "serve", "--addr", "127.0.0.1:0", "--data", idle).CombinedOutput()
	require.Error(t, err, string(out))
	assert.Contains(t, string(out), "in use by `greenhelp sites add` (pid "+strconv.Itoa(os.Getpid()))
	require.NoError(t, lock.Close())
}

// `greenhelp rollups rebuild` while two sites post one-record batches: the
// rebuild is done by the serving central between two batches, so every
// accepted record is in the rollups afterwards — the inventory (from the
// rollups) equals the one from the raw records (/api/v1/records), record
// for record.
func TestRollupsRebuildWhileTwoSitesPost(t *testing.T) {
	s := startServer(t)
	ids := []string{"fr-a", "fr-b"}
	tokens := map[string]string{}
	for _, id := range ids {
		tokens[id] = s.addSite(t, id, strings.ToUpper(id), "FR")
	}
	var accepted [2]atomic.Int64
	stop := make(chan struct{})
	failures := make(chan string, 2)
	var wg sync.WaitGroup
	for n, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				day := footprint.NewDate(2024, 1, 1).AddDays(i % 366)
				a := footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: day, End: day.AddDays(1),
					Quantity: float64(1000 + i), Unit: footprint.UnitKWh, Source: fmt.Sprintf("meter-%d", i/366), Quality: footprint.QualityMeasured}
				code, doc, err := s.tryPost(id, tokens[id], batch{ID: fmt.Sprintf("%s-%05d", id, i), Activities: []footprint.Activity{a}})
				if err != nil || code != 200 || doc["status"] != "accepted" {
					failures <- fmt.Sprintf("%s batch %d: %d %v %v", id, i, code, doc, err)
					return
				}
				accepted[n].Add(1)
			}
		}()
	}
	// Five rebuilds, each with batches arriving before and while it runs.
	for range 5 {
		// Each site has posted ten more (under load one site may lag the other).
		mark0, mark1 := accepted[0].Load(), accepted[1].Load()
		deadline := time.Now().Add(60 * time.Second)
		for (accepted[0].Load() < mark0+10 || accepted[1].Load() < mark1+10) && time.Now().Before(deadline) {
			select {
			case f := <-failures:
				t.Fatal(f)
			case <-time.After(5 * time.Millisecond):
			}
		}
		assert.Contains(t, s.run(t, "rollups", "rebuild"), "rollups rebuilt from the raw records: 2 site(s)")
	}
	close(stop)
	wg.Wait()
	select {
	case f := <-failures:
		t.Fatal(f)
	default:
	}

	for n, id := range ids {
		var rolled ghg.Inventory
		require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/inventory?year=2024&site="+id), &rolled))
		var raw struct {
			Lines   []ghg.Line        `json:"lines"`
			Records []json.RawMessage `json:"records"`
		}
		require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/records?year=2024&site="+id), &raw))
		sent := accepted[n].Load()
		require.GreaterOrEqual(t, sent, int64(50), "batches posted during the rebuilds")
		require.Len(t, rolled.Lines, len(raw.Lines), id)
		for i, w := range raw.Lines {
			g := rolled.Lines[i]
			what := fmt.Sprintf("%s line %s/%s %s %s", id, w.Scope, w.Kind, w.Item, w.Basis)
			assert.Equal(t, w.Records, g.Records, what+": records")
			assert.InDelta(t, w.Quantity, g.Quantity, 1e-9*math.Max(1, w.Quantity), what+": quantity")
			assert.InDelta(t, w.T, g.T, 1e-9*math.Max(1, w.T), what+": t")
			if w.Kind == string(footprint.KindElectricity) && w.Scope == ghg.Scope2Location {
				assert.Equal(t, int(sent), w.Records, "%s: every accepted record, once", id)
			}
		}
	}
}

// tryPost is post for a goroutine of the test: errors are returned.
func (s *server) tryPost(site, token string, body any) (int, map[string]any, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(http.MethodPost, s.url+"/api/v1/sites/"+site+"/batches", bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var doc map[string]any
	err = json.NewDecoder(resp.Body).Decode(&doc)
	return resp.StatusCode, doc, err
}

// serveIn starts `greenhelp serve` with args and env added to the
// environment, run from folder dir ("": this one), and returns it and its
// URL once ready; the test's cleanup stops it.
func serveIn(t *testing.T, bin, dir string, env []string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { stopServe(cmd) })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "ready: "); ok {
				ready <- strings.TrimSuffix(u, "/")
			}
		}
	}()
	select {
	case u := <-ready:
		return cmd, u
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start: %s", logs.String())
	}
	return nil, ""
}

// A central started on a relative data directory (the default
// ./greenhelp-data is one) takes commands run from any folder; one killed
// with SIGKILL leaves nothing that stops the next start, a command without
// a central, or a restore.
func TestAKilledCentralOnARelativeDataDirectory(t *testing.T) {
	bin, err := buildGreenhelp()
	require.NoError(t, err)
	base := t.TempDir()
	data := filepath.Join(base, "rel")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir() // another folder
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	central, _ := serveIn(t, bin, base, nil, "--data", "./rel")
	out, err := run("sites", "add", "--data", data, "--id", "fr-par", "--name", "Paris", "--country", "FR")
	require.NoError(t, err, out)
	assert.Contains(t, out, "through the central that serves it")
	held, err := store.ReadHolder(data)
	require.NoError(t, err)
	assert.True(t, filepath.IsAbs(held.Socket), held.Socket)

	// A store's own file is no backup while it is in use.
	out, err = run("restore", "--from", filepath.Join(data, store.DBFile), "--data", filepath.Join(base, "copy"))
	require.Error(t, err, out)
	assert.Contains(t, out, "make a backup of it with greenhelp backup")

	require.NoError(t, central.Process.Kill())
	_ = central.Wait()
	out, err = run("sites", "add", "--data", data, "--id", "fr-lyo", "--name", "Lyon", "--country", "FR")
	require.NoError(t, err, "no central: the command works on the store itself: %s", out)
	assert.NotContains(t, out, "through the central")
	_, err = os.Stat(filepath.Dir(held.Socket))
	require.NoError(t, err, "the killed central's socket folder is still there")
	_, url := serveIn(t, bin, base, nil, "--data", "./rel")
	_, err = os.Stat(filepath.Dir(held.Socket))
	assert.True(t, os.IsNotExist(err), "the next central removed the killed one's socket folder")
	assert.Contains(t, string(getURL(t, url+"/api/v1/sites")), "fr-lyo")
}

func getURL(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	return raw
}
