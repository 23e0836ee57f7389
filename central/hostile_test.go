//go:build !windows

package central_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/wire"
)

// postRaw posts a raw body as site's agent would.
func (s *server) postRaw(t *testing.T, site, token string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+"/api/v1/sites/"+site+"/batches", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func diesel(litres float64) footprint.Activity {
	return footprint.Activity{Kind: footprint.KindFuel, Item: "diesel", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1),
		Quantity: litres, Unit: footprint.UnitLitre, Source: "genset", Quality: footprint.QualityMeasured}
}

func sealed(id string, acts ...footprint.Activity) wire.Batch {
	b := wire.Batch{ID: id, Activities: acts}
	b.Seal()
	return b
}

// scope1 is the site's 2024 Scope 1 from the API.
func scope1(t *testing.T, s *server, site string) float64 {
	var inv ghg.Inventory
	require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/inventory?year=2024&site="+site), &inv))
	return inv.Scope1T
}

// Issue 13, item 1: a January bill sent as 100 → 120 → 100 → 120 MWh
// through the real agent ended at 100 (the third batch had the first's
// content-derived id and was answered "duplicate").
func TestACorrectionReturningToAnEarlierValueIsStoredThroughTheRealAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs both binaries; run without -short")
	}
	agentBin, err := buildAgentBin()
	require.NoError(t, err)
	s := startServer(t)
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../examples/agent")))
	tok := s.addSite(t, "fr-lyo-gerland", "Lyon Gerland", "FR")
	bills := filepath.Join(dir, "exports", "factures-electricite.csv")
	orig, err := os.ReadFile(bills)
	require.NoError(t, err)
	text, err := charmap.ISO8859_1.NewDecoder().Bytes(orig)
	require.NoError(t, err)
	lines := strings.Split(string(text), "\r\n")
	january := strings.Split(lines[1], ";")
	require.Equal(t, "22 855,8", january[3])
	setJanuary := func(kwh string) {
		january[3] = kwh
		lines[1] = strings.Join(january, ";")
		enc, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(strings.Join(lines, "\r\n")))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(bills, enc, 0o600))
	}
	scope2 := func() float64 {
		var inv ghg.Inventory
		require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/inventory?year=2024&site=fr-lyo-gerland"), &inv))
		return inv.Scope2LocationT
	}
	var got []float64
	for _, v := range []string{"100 000,0", "120 000,0", "100 000,0", "120 000,0"} {
		setJanuary(v)
		cmd := exec.Command(agentBin, "once", "--config", filepath.Join(dir, "site.yaml"))
		cmd.Env = append(os.Environ(), "GREENHELP_AGENT_CENTRAL_URL="+s.url, "GREENHELP_AGENT_CENTRAL_TOKEN="+tok,
			"GREENHELP_AGENT_OUTBOX_DIR="+filepath.Join(dir, "outbox"))
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		got = append(got, scope2())
	}
	assert.InDelta(t, got[0], got[2], 1e-9, "back to 100 MWh: the central holds 100 again")
	assert.InDelta(t, got[1], got[3], 1e-9, "back to 120 MWh: the central holds 120 again")
	// 20 MWh at France's 2024 Scope 2 factor: combustion, Ember's 0.04418
	// kg/kWh × its direct share = 0.02482.
	assert.InDelta(t, 20000*0.02482/1000, got[1]-got[0], 1e-6)
}

// Issue 13, item 2: a reused id with other content was answered
// "duplicate" and dropped; 20 concurrent posts of one id stored up to 20
// contents.
func TestABatchIdIsBoundToOneContent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; run without -short")
	}
	onEveryBackend(t, batchIdIsBoundToOneContent)
}

// onEveryBackend runs test against a central on SQLite, then on the real
// influxd `make test` starts.
func onEveryBackend(t *testing.T, test func(t *testing.T, env ...string)) {
	t.Run("sqlite", func(t *testing.T) { test(t) })
	t.Run("influxdb", func(t *testing.T) {
		base := os.Getenv("GREENHELP_TEST_INFLUX_URL")
		if base == "" {
			t.Skip("no InfluxDB: `make test` starts a real influxd 1.8.10 and sets GREENHELP_TEST_INFLUX_URL")
		}
		db := fmt.Sprintf("gh_test_%d", time.Now().UnixNano())
		resp, err := http.PostForm(base+"/query", url.Values{"q": {fmt.Sprintf("CREATE DATABASE %q WITH SHARD DURATION 52w", db)}})
		require.NoError(t, err)
		resp.Body.Close()
		test(t, "GREENHELP_STORE_BACKEND=influxdb", "GREENHELP_STORE_INFLUXDB_URL="+base, "GREENHELP_STORE_INFLUXDB_BUCKET="+db+"/autogen")
	})
}

func batchIdIsBoundToOneContent(t *testing.T, env ...string) {
	s := startServer(t, env...)
	tok := s.addSite(t, "za-x", "X", "ZA")
	first := sealed("01JD3V8Q3ZJ4M5Q7Y8X9A0B1C2", diesel(100))
	code, body := s.postRaw(t, "za-x", tok, mustJSON(t, first))
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"accepted"`)
	perLitre := scope1(t, s, "za-x") / 100 // the diesel factor in use, t per litre

	code, body = s.postRaw(t, "za-x", tok, mustJSON(t, first))
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"duplicate"`, "the same id with the same content is a duplicate")

	other := sealed(first.ID, diesel(120))
	code, body = s.postRaw(t, "za-x", tok, mustJSON(t, other))
	assert.Equal(t, http.StatusConflict, code, body)
	assert.Contains(t, body, first.ID, "the refusal names the id")
	assert.InDelta(t, 100*perLitre, scope1(t, s, "za-x"), 1e-12, "the first content stands")

	t.Run("20 concurrent posts of one id with 20 contents store exactly one", func(t *testing.T) {
		tok := s.addSite(t, "za-y", "Y", "ZA")
		var wg sync.WaitGroup
		codes := make([]int, 20)
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				codes[i], _ = s.postRaw(t, "za-y", tok, mustJSON(t, sealed("01JD3V8Q3ZJ4M5Q7Y8X9A0RACE", diesel(float64(1000+i)))))
			}(i)
		}
		wg.Wait()
		sort.Ints(codes)
		want := append([]int{http.StatusOK}, repeat(http.StatusConflict, 19)...)
		assert.Equal(t, want, codes, "one accepted, 19 conflicts")
		var logged []store.BatchLog
		site := decodeSite(t, s.get(t, "/api/v1/sites/za-y"))
		require.NotNil(t, site.LastBatch)
		logged = append(logged, *site.LastBatch)
		assert.Equal(t, 1, logged[0].Count)
		litres := scope1(t, s, "za-y") / perLitre
		assert.InDelta(t, float64(int(litres+0.5)), litres, 1e-6, "one content, not a sum of several")
		assert.GreaterOrEqual(t, litres, 1000.0-1e-6)
		assert.LessOrEqual(t, litres, 1019.0+1e-6)
	})
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

type siteDetail struct {
	LastBatch *store.BatchLog `json:"last_batch"`
}

func decodeSite(t *testing.T, raw []byte) siteDetail {
	var d siteDetail
	require.NoError(t, json.Unmarshal(raw, &d))
	return d
}

func mustJSON(t *testing.T, v any) []byte {
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return raw
}

// Issue 13, items 4 and 5: hostile bodies are refused with the field
// named, and nothing of them is stored.
func TestHostileBatchesAreRefusedWithTheFieldNamed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; run without -short")
	}
	s := startServer(t)
	tok := s.addSite(t, "za-x", "X", "ZA")
	good := `{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","quantity":10,"unit":"L","source":"g","quality":"measured"}`
	tests := []struct {
		name, body, want string
	}{
		{"a quantity of 1e306 (one absurd record broke the group)", strings.Replace(good, `"quantity":10`, `"quantity":1e306`, 1), "above the plausible ceiling of 1e+06 L a day"},
		{"ten TWh of electricity in a day", `{"kind":"electricity","item":"grid","start":"2024-01-01","end":"2024-01-02","quantity":1e10,"unit":"kWh","source":"m","quality":"measured"}`, "plausible ceiling of 1e+07 kWh a day"},
		{"a missing quantity (was stored as 0)", strings.Replace(good, `"quantity":10,`, ``, 1), "quantity: missing"},
		{"a 20 MB source", strings.Replace(good, `"source":"g"`, `"source":"`+strings.Repeat("x", 20<<20)+`"`, 1), "longer than 128 bytes"},
		{"a control character in the source", strings.Replace(good, `"source":"g"`, `"source":"g\u0000h"`, 1), "control character"},
		{"year 0000", strings.Replace(good, `"start":"2024-01-01"`, `"start":"0000-01-01"`, 1), "before 1990-01-01"},
		{"year 9999", strings.Replace(good, `"end":"2024-02-01"`, `"end":"9999-02-01"`, 1), "after 2101-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := s.postRaw(t, "za-x", tok, []byte(`{"id":"01JD3V8Q3ZJ4M5Q7Y8X9A0B1C2","activities":[`+tt.body+`]}`))
			assert.Equal(t, http.StatusBadRequest, code)
			assert.Contains(t, body, tt.want)
			assert.Less(t, len(body), 4096, "the answer quotes a bounded value")
		})
	}
	for _, tt := range []struct{ name, body, want string }{
		{"text after the batch", `{"id":"A1","activities":[` + good + `]} and more`, "data after the batch object"},
		{"a second object after the batch", `{"id":"A1","activities":[]}{"id":"A2","activities":[]}`, "data after the batch object"},
		{"a control character in the id", `{"id":"A\u0001B","activities":[` + good + `]}`, "use letters, digits"},
		{"a content hash that does not match", `{"id":"A1","sha256":"00ff","activities":[` + good + `]}`, "does not match the batch's content"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body := s.postRaw(t, "za-x", tok, []byte(tt.body))
			assert.Equal(t, http.StatusBadRequest, code)
			assert.Contains(t, body, tt.want)
		})
	}
	var d struct {
		LastBatch *store.BatchLog `json:"last_batch"`
	}
	require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/sites/za-x"), &d))
	assert.Nil(t, d.LastBatch, "nothing of a refused batch is logged or stored")

	// Another site posts normally right after the 20 MB body.
	tok2 := s.addSite(t, "za-y", "Y", "ZA")
	code, body := s.postRaw(t, "za-y", tok2, mustJSON(t, sealed("01JD3V8Q3ZJ4M5Q7Y8X9A0B1C3", diesel(5))))
	assert.Equal(t, http.StatusOK, code, body)
}

// Issue 13, item 4: a stored absurd value (written before the bounds
// existed, or straight into the store) made /api/v1/inventory and
// /api/v1/trajectory answer 200 with an empty body and the page +Inf. It
// is now set aside with a note, and every output still answers.
func TestOneAbsurdStoredValueNeverBreaksAGroupOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; run without -short")
	}
	s := startServer(t)
	tok := s.addSite(t, "za-x", "X", "ZA")
	var acts []footprint.Activity
	for m := 1; m <= 12; m++ {
		a := diesel(100)
		a.Start, a.End = footprint.NewDate(2024, time.Month(m), 1), footprint.NewDate(2024, time.Month(m+1), 1)
		acts = append(acts, a)
	}
	code, body := s.postRaw(t, "za-x", tok, mustJSON(t, sealed("01JD3V8Q3ZJ4M5Q7Y8X9A0B1C2", acts...)))
	require.Equal(t, http.StatusOK, code, body)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.data, store.DBFile)+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO activities VALUES ('za-x','electricity','grid','2024-03-01','2024-03-02','old-import','',1e306,'kWh','measured')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	// Written past the API: the rollups learn of it from a rebuild.
	assert.Contains(t, s.run(t, "rollups", "rebuild"), "rollups rebuilt from the raw records: 1 site(s)")

	for _, path := range []string{"/api/v1/inventory?year=2024", "/api/v1/inventory?year=2024&site=za-x", "/api/v1/trajectory"} {
		raw := s.get(t, path)
		require.True(t, json.Valid(raw), path)
		assert.NotContains(t, string(raw), "Inf", path)
	}
	assert.Contains(t, string(s.get(t, "/api/v1/inventory?year=2024&site=za-x")), "1 stored record(s) set aside as invalid")
	var detail struct {
		Quality struct {
			Records      int    `json:"records"`
			Invalid      int    `json:"invalid_records"`
			FirstInvalid string `json:"first_invalid"`
		} `json:"data_quality"`
	}
	require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/sites/za-x"), &detail))
	assert.Equal(t, 13, detail.Quality.Records)
	assert.Equal(t, 1, detail.Quality.Invalid, "the site's data-quality report counts it")
	assert.Contains(t, detail.Quality.FirstInvalid, "plausible ceiling")
	page := string(s.get(t, "/"))
	assert.NotContains(t, page, "Inf")
	s.run(t, "report", "--year", "2024")
	s.run(t, "export", "--year", "2024", "--format", "json", "--out", filepath.Join(t.TempDir(), "x.json"))
}

// Issue 13, item 8: 200 agents posting at once got 503 on 15 % of first
// tries (SQLite writer contention). Ingestion has one writer path now.
func TestTwoHundredAgentsPostingAtOnceSeeNo503(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; run without -short")
	}
	s := startServer(t)
	const sites, batches, records = 200, 2, 2000 // the burst that got 503 on 19 % of first tries before (76 of 400)
	tokens := make([]string, sites)
	// Register through the catalog: 200 `sites add` processes take long.
	addSites(t, s, sites, tokens)
	var mu sync.Mutex
	var lat []time.Duration
	codes := map[int]int{}
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < sites; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			site := fmt.Sprintf("load-%03d", i)
			for b := 0; b < batches; b++ {
				acts := make([]footprint.Activity, records)
				for r := range acts {
					d := footprint.NewDate(2024, 1, 1).AddDays(b*records + r)
					acts[r] = footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: d, End: d.AddDays(1),
						Quantity: float64(r), Unit: footprint.UnitKWh, Source: "m", Quality: footprint.QualityMeasured}
				}
				t0 := time.Now()
				code, _ := s.postRaw(t, site, tokens[i], mustJSON(t, sealed(wire.NewID(), acts...)))
				mu.Lock()
				lat = append(lat, time.Since(t0))
				codes[code]++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("load: %d agents × %d batches × %d records in %s: %.0f records/s, p50 %s, p99 %s, status counts %v",
		sites, batches, records, elapsed.Round(time.Millisecond), float64(sites*batches*records)/elapsed.Seconds(),
		lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond), codes)
	assert.Equal(t, map[int]int{http.StatusOK: sites * batches}, codes, "every first try accepted: no 503")
}

func addSites(t *testing.T, s *server, n int, tokens []string) {
	t.Helper()
	cat, err := sqlite.Open(s.data)
	require.NoError(t, err)
	defer cat.Close()
	for i := 0; i < n; i++ {
		tokens[i], err = cat.AddSite(context.Background(), fmt.Sprintf("load-%03d", i), "Load", "FR")
		require.NoError(t, err)
	}
}

// Issue 13, item 9: only ReadHeaderTimeout was set; idle keep-alive
// connections and bodies trickled at 1 byte/s stayed open for ever.
func TestIdleConnectionsAndSlowBodiesAreClosed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; run without -short")
	}
	s := startServer(t, "GREENHELP_LIMITS_IDLE_TIMEOUT=1s", "GREENHELP_LIMITS_READ_TIMEOUT=2s")
	host := strings.TrimPrefix(s.url, "http://")
	closedWithin := func(conn net.Conn, limit time.Duration) bool {
		_ = conn.SetReadDeadline(time.Now().Add(limit))
		_, err := io.Copy(io.Discard, conn) // returns at EOF (server closed) or at the deadline
		ne, isNet := err.(net.Error)
		return !(isNet && ne.Timeout())
	}
	t.Run("an idle keep-alive connection", func(t *testing.T) {
		conn, err := net.Dial("tcp", host)
		require.NoError(t, err)
		defer conn.Close()
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.True(t, closedWithin(conn, 30*time.Second), "the server closes an idle connection after limits.idle_timeout")
	})
	t.Run("a body trickled at one byte a second", func(t *testing.T) {
		conn, err := net.Dial("tcp", host)
		require.NoError(t, err)
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/sites/x/batches HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nAuthorization: Bearer nope\r\n\r\n")
		done := make(chan struct{})
		go func() { // one byte a second until the server hangs up
			defer close(done)
			for i := 0; i < 60; i++ {
				if _, err := conn.Write([]byte("{")); err != nil {
					return
				}
				time.Sleep(time.Second)
			}
		}()
		assert.True(t, closedWithin(conn, 30*time.Second), "the server stops reading after limits.read_timeout")
		conn.Close()
		<-done
	})
}

// Issue 13, item 6, at the centre: bills sent in MWh by mistake pass the
// bounds (737 MWh a day is possible somewhere) but not the site's own
// declaration: the site's data-quality report names them.
func TestTheCentralsDataQualityReportFlagsFiguresOffByAnOrderOfMagnitude(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; run without -short")
	}
	s := startServer(t)
	tok := s.addSite(t, "fr-x", "X", "FR")
	decl := declaration.Site{ID: "fr-x", Name: "X", Country: "FR", Timezone: "Europe/Paris", Seats: 120, FTE: 110, HoursPerDay: 7.5,
		Workstations: []declaration.Workstation{{Class: "desktop", Count: 120, WattsOn: 60}}}
	bill := footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1),
		Quantity: 22855.8 * 1000, Unit: footprint.UnitKWh, Source: "edf-bills", Quality: footprint.QualityMeasured}
	b := wire.Batch{ID: wire.NewID(), Site: &decl, Activities: []footprint.Activity{bill}}
	b.Seal()
	code, body := s.postRaw(t, "fr-x", tok, mustJSON(t, b))
	require.Equal(t, http.StatusOK, code, body)
	var detail struct {
		Quality struct {
			Implausible []declaration.PlausibilityWarning `json:"implausible"`
		} `json:"data_quality"`
	}
	require.NoError(t, json.Unmarshal(s.get(t, "/api/v1/sites/fr-x"), &detail))
	require.Len(t, detail.Quality.Implausible, 1)
	assert.Equal(t, "edf-bills", detail.Quality.Implausible[0].Source)
	assert.Contains(t, detail.Quality.Implausible[0].Message, "check the unit")
}
