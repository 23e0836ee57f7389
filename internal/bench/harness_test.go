// Package bench is `make bench`: it generates the workloads
// deterministically, runs them with their references in the same run,
// prints `bench <name> <value> <unit>` lines and writes BENCHMARKS.md.
// It runs only with GREENHELP_BENCH=1 (scripts/bench.sh sets it and starts
// the influxd it measures).
package bench

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/internal/testbin"
	"github.com/greenhelp/greenhelp/wire"
)

type figure struct {
	name, unit string
	value      float64
	ref        string // the reference and its value, same run
	target     string
}

var figures []figure

// notes are lines under the table: what a run measured without a
// reference of its own (the large workload's generation rate).
var notes []string

func report(f figure) {
	figures = append(figures, f)
	fmt.Printf("bench %s %.4g %s\t(reference: %s; target: %s)\n", f.name, f.value, f.unit, f.ref, f.target)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestHarness(t *testing.T) {
	if os.Getenv("GREENHELP_BENCH") == "" {
		t.Skip("make bench runs it (GREENHELP_BENCH=1)")
	}
	// GREENHELP_BENCH_ONLY=agent,sqlite,influxdb,postgres runs only those parts.
	only := os.Getenv("GREENHELP_BENCH_ONLY")
	part := func(name string) bool { return only == "" || slices.Contains(strings.Split(only, ","), name) }
	if part("agent") {
		agentLog(t)
	}
	sites, years := envInt("GREENHELP_BENCH_SITES", 200), envInt("GREENHELP_BENCH_YEARS", 5)
	if part("sqlite") {
		centralRun(t, "sqlite", workload(sites, years), nil, "")
	}
	if base := os.Getenv("GREENHELP_TEST_INFLUX_URL"); base != "" && part("influxdb") {
		isites := envInt("GREENHELP_BENCH_INFLUX_SITES", sites)
		centralRun(t, "influxdb", workload(isites, years), influxCfg(t, base), "")
	}
	if os.Getenv(pgtest.EnvDSN) != "" && part("postgres") {
		mut, dsn := postgresCfg(t)
		centralRun(t, "postgres", workload(sites, years), mut, dsn)
	}
	// The generated scale: 1,000 sites × 10 years (GREENHELP_BENCH_LARGE_SITES,
	// _LARGE_YEARS), into each store.
	lsites, lyears := envInt("GREENHELP_BENCH_LARGE_SITES", 1000), envInt("GREENHELP_BENCH_LARGE_YEARS", 10)
	if part("sqlite-large") {
		largeRun(t, "sqlite", lsites, lyears, nil, "")
	}
	if base := os.Getenv("GREENHELP_TEST_INFLUX_URL"); base != "" && part("influxdb-large") {
		largeRun(t, "influxdb", lsites, lyears, influxCfg(t, base), "")
	}
	if os.Getenv(pgtest.EnvDSN) != "" && part("postgres-large") {
		mut, dsn := postgresCfg(t)
		largeRun(t, "postgres", lsites, lyears, mut, dsn)
	}
	writeMarkdown(t)
}

// --- the agent: a year of power events of a 3,000-PC site -------------

// usage runs cmd and returns its CPU time and peak RSS. On Linux the
// peak counts this process's RSS when cmd started (the child shares its
// memory until exec): at least this test binary's, some 25 MiB.
func usage(t *testing.T, cmd *exec.Cmd) (cpu time.Duration, rssMiB float64) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", tail(out))
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu, float64(ru.Maxrss) / 1024 // Linux: KiB
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// powerLog writes pcs × days × 2 events (a startup and a shutdown or a
// sleep a day, at varying minutes) in time order, as an export would,
// each time in RFC 3339 with the site's offset (as a management tool or
// the winevents source writes an instant).
func powerLog(t *testing.T, path string, pcs, days int, from time.Time) {
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "hostname,user,timestamp,event")
	rng := rand.New(rand.NewPCG(42, 1))
	for d := 0; d < days; d++ {
		day := from.AddDate(0, 0, d)
		for half := 0; half < 2; half++ {
			for pc := 0; pc < pcs; pc++ {
				at := day.Add(time.Duration(7*60+rng.IntN(120)) * time.Minute)
				ev := "startup"
				if half == 1 {
					at = day.Add(time.Duration(17*60+rng.IntN(240)) * time.Minute)
					ev = "shutdown"
					if rng.IntN(10) == 0 {
						ev = "sleep"
					}
				}
				fmt.Fprintf(w, "PC%05d,user%d,%s,%s\n", pc, pc, at.Format(time.RFC3339), ev)
			}
		}
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
}

const agentYAML = `site:
  id: fr-bench
  name: Bench
  country: FR
  timezone: Europe/Paris
  seats: 3000
  workstations:
    - {class: desktop, count: 3000, watts_on: 60, watts_off: 1, watts_sleep: 3}
  power_off:
    windows:
      - {days: [mon, tue, wed, thu, fri], from: "20:00", to: "07:00"}
      - {days: [sat, sun], all_day: true}
central: {url: %q, token: bench-token}
outbox: {dir: %q}
sources:
  - id: pc-power
    type: csv
    collector: workstation
    path: %q
    class: desktop
    columns: {device: hostname, time: timestamp, event: event}
`

// TestCSVReference is the reference of the agent figure, run as its own
// process: the lean read of the log — encoding/csv with ReuseRecord and
// an RFC 3339 parse of every timestamp, nothing else (no assertion per
// row, no zoned layout).
func TestCSVReference(t *testing.T) {
	path := os.Getenv("GREENHELP_BENCH_CSVREF")
	if path == "" {
		t.Skip("the harness runs it")
	}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	n, bad := 0, 0
	var readErr error
	for {
		rec, err := r.Read()
		if err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
		if n++; n == 1 {
			continue // the header
		}
		if _, err := time.Parse(time.RFC3339, rec[2]); err != nil {
			bad++
		}
	}
	require.NoError(t, readErr)
	require.Zero(t, bad, "timestamps that are not RFC 3339")
	fmt.Println("parsed", n-1)
}

// agentRuns is how many times the power-log read and its reference run.
const agentRuns = 5

func agentLog(t *testing.T) {
	dir := t.TempDir()
	pcs, days := envInt("GREENHELP_BENCH_PCS", 3000), envInt("GREENHELP_BENCH_DAYS", 365)
	log := filepath.Join(dir, "power.csv")
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	powerLog(t, log, pcs, days, time.Date(2024, 1, 1, 0, 0, 0, 0, paris))
	st, err := os.Stat(log)
	require.NoError(t, err)
	cfg := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(agentYAML, "http://127.0.0.1:1", filepath.Join(dir, "outbox"), log)), 0o644))
	bin, err := testbin.Build("github.com/greenhelp/greenhelp/cmd/greenhelp-agent")
	require.NoError(t, err)
	self, err := os.Executable()
	require.NoError(t, err)
	// The reference and the agent run in turns, five times each: a
	// shared virtual machine's CPU time of one run moves by half from one
	// run to the next (steal, frequency); the least of each is the run
	// least disturbed, and every run's figures are printed.
	var refCPU, cpu time.Duration
	var refRSS, rss float64
	var runs []string
	for i := range agentRuns {
		rc, rr := usage(t, withEnv(exec.Command(self, "-test.run", "^TestCSVReference$"), "GREENHELP_BENCH_CSVREF="+log))
		c, r := usage(t, exec.Command(bin, "check", "--config", cfg, "--format", "json"))
		if i == 0 || rc < refCPU {
			refCPU = rc
		}
		if i == 0 || c < cpu {
			cpu = c
		}
		refRSS, rss = max(refRSS, rr), max(rss, r)
		runs = append(runs, fmt.Sprintf("%.2f/%.2f", c.Seconds(), rc.Seconds()))
	}
	lines := pcs * days * 2
	what := fmt.Sprintf("%d lines, %.0f MB; least of %d runs each, in turns (agent/reference s: %s)", lines, float64(st.Size())/1e6, agentRuns, strings.Join(runs, ", "))
	report(figure{name: "agent_power_log_cpu", unit: "s", value: cpu.Seconds(),
		ref: fmt.Sprintf("encoding/csv (ReuseRecord) + an RFC 3339 parse of every timestamp %.2f s (%.2f×); %s", refCPU.Seconds(), cpu.Seconds()/refCPU.Seconds(), what), target: "≤ 2× the reference"})
	report(figure{name: "agent_power_log_peak_rss", unit: "MiB", value: rss,
		ref: fmt.Sprintf("encoding/csv read %.0f MiB", refRSS), target: "< 64 MiB"})
	agentDaily(t, bin, log, days)
}

// agentDaily measures the daily run — `once` on the log grown by its last
// day, after a first `once` on the log without it — and the idle daemon.
func agentDaily(t *testing.T, bin, full string, days int) {
	central := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"status":"accepted"}`, r.Header.Get("Idempotency-Key")) // the agent acknowledges its batch only
	}))
	defer central.Close()
	// The last day starts at the first event dated with it. The log is
	// read line by line, never held: on Linux a child's peak RSS
	// (rusage) counts its parent's at the fork, and the 112 MB log held
	// here was reported as the agent's (132 MiB for a 22 MiB run).
	last := []byte("," + time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days-1).Format("2006-01-02") + "T")
	src, err := os.Open(full)
	require.NoError(t, err)
	defer src.Close()
	st, err := src.Stat()
	require.NoError(t, err)
	size, cut := st.Size(), int64(-1)
	br := bufio.NewReader(src)
	for off := int64(0); ; {
		line, err := br.ReadSlice('\n')
		if bytes.Contains(line, last) {
			cut = off
			break
		}
		off += int64(len(line))
		require.NoError(t, err)
	}
	require.Positive(t, cut)
	dir := t.TempDir()
	log := filepath.Join(dir, "power.csv")
	copyRange(t, log, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, src, 0, cut)
	cfg := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(agentYAML, central.URL, filepath.Join(dir, "outbox"), log)), 0o644))
	firstCPU, firstRSS := usage(t, exec.Command(bin, "once", "--config", cfg))
	copyRange(t, log, os.O_APPEND|os.O_WRONLY, src, cut, size-cut)
	cpu, rss := usage(t, exec.Command(bin, "once", "--config", cfg))
	report(figure{name: "agent_daily_run_cpu", unit: "s", value: cpu.Seconds(),
		ref: fmt.Sprintf("the first run on the log less its last day (read whole, state saved) %.2f s (%.3f×), peak RSS %.0f MiB; the day is %.0f kB of %.0f MB; peak RSS %.0f MiB",
			firstCPU.Seconds(), cpu.Seconds()/firstCPU.Seconds(), firstRSS, float64(size-cut)/1e3, float64(size)/1e6, rss),
		target: "reads one day"})

	// The daemon once collected: it waits for tomorrow's collection,
	// scanning its (empty) outbox every minute.
	idle := time.Duration(envInt("GREENHELP_BENCH_IDLE_SECONDS", 65)) * time.Second
	run := exec.Command(bin, "run", "--config", cfg)
	require.NoError(t, run.Start())
	defer func() { _ = run.Process.Kill(); _ = run.Wait() }()
	time.Sleep(5 * time.Second) // started
	c0 := procCPU(t, run.Process.Pid)
	time.Sleep(idle)
	c1 := procCPU(t, run.Process.Pid)
	perHour := (c1 - c0).Seconds() * float64(time.Hour) / float64(idle)
	report(figure{name: "agent_idle_cpu_per_hour", unit: "s", value: perHour,
		ref:    fmt.Sprintf("%.3f s CPU over %s of `greenhelp-agent run` between collections, scaled to an hour", (c1 - c0).Seconds(), idle),
		target: "< 1 s per hour"})
}

// copyRange writes n bytes of src from off to the file at path, opened
// with flag.
func copyRange(t *testing.T, path string, flag int, src *os.File, off, n int64) {
	t.Helper()
	f, err := os.OpenFile(path, flag, 0o644)
	require.NoError(t, err)
	_, err = io.Copy(f, io.NewSectionReader(src, off, n))
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// procCPU is a running process's user + system CPU (Linux /proc).
func procCPU(t *testing.T, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(t, err)
	// Fields after the command (which may hold spaces) in parentheses.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func withEnv(c *exec.Cmd, env ...string) *exec.Cmd {
	c.Env = append(os.Environ(), env...)
	return c
}

// --- the centre: sites × years through the API -------------------------

type siteBatch struct {
	site  declaration.Site
	batch wire.Batch
}

var countries = []string{"FR", "ZA", "GB", "PH", "DE", "ES", "PT", "MA"}

// workload is one batch per site-year (2,006 records: grid and diesel by
// month, desktops by day and state, attendance by working day), from 2020.
func workload(sites, years int) []siteBatch {
	var out []siteBatch
	for s := 0; s < sites; s++ {
		for y := 2020; y < 2020+years; y++ {
			out = append(out, siteYear(s, y))
		}
	}
	return out
}

func benchSite(s int) declaration.Site {
	cc := countries[s%len(countries)]
	return declaration.Site{ID: fmt.Sprintf("%s-%04d", strings.ToLower(cc), s), Name: fmt.Sprintf("Centre %d", s), Country: cc,
		Timezone: "UTC", Seats: 500, FTE: 450,
		Workstations: []declaration.Workstation{{Class: "desktop", Count: 500, WattsOn: 60, WattsOff: 1, WattsSleep: 3}},
		PowerOff: declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{
			{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}, {Days: []string{"sat", "sun"}, AllDay: true}}}}
}

// siteYear is site s's batch of year y, the same whatever else is
// generated (seeded by site and year): the large workload is generated a
// batch at a time.
func siteYear(s, y int) siteBatch {
	site := benchSite(s)
	scale := 0.5 + rand.New(rand.NewPCG(7, uint64(s))).Float64()
	rng := rand.New(rand.NewPCG(uint64(s), uint64(y)))
	acts := make([]footprint.Activity, 0, 2010)
	add := func(kind footprint.Kind, item string, from, to footprint.Date, q float64, unit footprint.Unit, attrs map[string]string) {
		acts = append(acts, footprint.Activity{Kind: kind, Item: item, Start: from, End: to, Quantity: q, Unit: unit,
			Source: "bench", Quality: footprint.QualityMeasured, Attrs: attrs})
	}
	for m := time.January; m <= time.December; m++ {
		from, to := footprint.NewDate(y, m, 1), footprint.NewDate(y, m+1, 1)
		add(footprint.KindElectricity, "grid", from, to, scale*(40000+rng.Float64()*20000), footprint.UnitKWh, nil)
		add(footprint.KindFuel, "diesel", from, to, scale*(50+rng.Float64()*150), footprint.UnitLitre, nil)
	}
	states := []struct {
		name  string
		attrs map[string]string
	}{{"on", map[string]string{"state": "on", "location": "site"}}, {"off", map[string]string{"state": "off", "location": "site"}},
		{"sleep", map[string]string{"state": "sleep", "location": "site"}}, {"missed", map[string]string{"state": "missed", "location": "site"}}}
	for d := footprint.NewDate(y, 1, 1); d.Year() == y; d = d.AddDays(1) {
		comp := 0.6 + 0.3*rng.Float64()
		for i, h := range []float64{4000, 5000 * comp, 400, 5000 * (1 - comp)} {
			add(footprint.KindWorkstation, "desktop", d, d.AddDays(1), h*scale, footprint.UnitDeviceH, states[i].attrs)
		}
		if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
			remote := 100 + 100*rng.Float64()
			add(footprint.KindTelework, "remote", d, d.AddDays(1), remote, footprint.UnitPersonDay, nil)
			add(footprint.KindTelework, "onsite", d, d.AddDays(1), 400-remote, footprint.UnitPersonDay, nil)
		}
	}
	return siteBatch{site: site, batch: wire.Batch{ID: fmt.Sprintf("%s-%d", site.ID, y), Site: &site, Activities: acts}}
}

func influxCfg(t *testing.T, base string) func(*central.Config) {
	db := fmt.Sprintf("gh_bench_%d", time.Now().UnixNano())
	createDB(t, base, db)
	return func(c *central.Config) {
		c.Store.Backend = "influxdb"
		c.Store.InfluxDB = store.InfluxConfig{URL: base, Bucket: db + "/autogen"}
	}
}

func createDB(t *testing.T, base, db string) {
	resp, err := http.PostForm(base+"/query", url.Values{"q": {fmt.Sprintf("CREATE DATABASE %q WITH SHARD DURATION 52w", db)}})
	require.NoError(t, err)
	resp.Body.Close()
}

func open(t *testing.T, dir string, mut func(*central.Config)) *central.Service {
	cfg, err := central.LoadConfig("", nil)
	require.NoError(t, err)
	cfg.Data = dir
	if mut != nil {
		mut(cfg)
	}
	svc, err := server.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	return svc
}

// centralRun posts batches through the API into the store mut names
// (dsn: its database, on backend postgres) and times the views.
func centralRun(t *testing.T, backend string, batches []siteBatch, mut func(*central.Config), dsn string) {
	ctx := context.Background()
	dir := t.TempDir()
	svc := open(t, dir, mut)
	tokens := map[string]string{}
	records := 0
	for _, b := range batches {
		if _, ok := tokens[b.site.ID]; !ok {
			tok, err := svc.Store.AddSite(ctx, b.site.ID, b.site.Name, b.site.Country)
			require.NoError(t, err)
			tokens[b.site.ID] = tok
		}
		records += len(b.batch.Activities)
	}
	sites := len(tokens)
	srv := httptest.NewServer(mustHandler(svc))
	bodies := make([][]byte, len(batches))
	for i, b := range batches {
		raw, err := json.Marshal(b.batch)
		require.NoError(t, err)
		bodies[i] = raw
	}
	start := time.Now()
	for i, b := range batches {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/sites/"+b.site.ID+"/batches", bytes.NewReader(bodies[i]))
		req.Header.Set("Authorization", "Bearer "+tokens[b.site.ID])
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	}
	apiRate := float64(records) / time.Since(start).Seconds()
	srv.Close()
	require.NoError(t, svc.Close())

	refRate, refName := ingestReference(t, backend, batches, records)
	name := fmt.Sprintf("%s_%dx%d", backend, sites, len(batches)/sites)
	// SQLite and PostgreSQL are measured against direct writes into the
	// same kind of store, InfluxDB against raw line protocol.
	target := "≥ 50 % of the reference"
	if backend == "influxdb" {
		target = "≥ 70 % of the reference"
	}
	report(figure{name: name + "_ingest_api", unit: "records/s", value: apiRate,
		ref: fmt.Sprintf("%s %.0f records/s (%.0f %%); %d records in %d batches", refName, refRate, 100*apiRate/refRate, records, len(batches)), target: target})

	// The reference of the views: one plain scan of every raw record.
	var scan time.Duration
	scanName := fmt.Sprintf("one plain scan of the %d raw records", records)
	if backend != "sqlite" {
		scanName = fmt.Sprintf("pulling the raw points of one site × %d sites", sites)
	}
	if backend == "postgres" {
		scan, scanName = postgresScan(t, dsn, records)
	} else if backend == "sqlite" {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile)+"?mode=ro")
		require.NoError(t, err)
		start = time.Now()
		rows, err := db.Query(`SELECT site, kind, item, start, end, source, attrs, quantity, unit, quality FROM activities`)
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			var a, b, c, d, e, f, g, i, j string
			var q float64
			require.NoError(t, rows.Scan(&a, &b, &c, &d, &e, &f, &g, &q, &i, &j))
			n++
		}
		rows.Close()
		scan = time.Since(start)
		db.Close()
		require.Equal(t, records, n)
	} else {
		// Pulling every raw point takes minutes at this size: the scan of
		// the first site's points, times the sites.
		s2 := open(t, dir, mut)
		start = time.Now()
		recs, err := s2.Store.Read(ctx, store.Query{Sites: []string{batches[0].site.ID}})
		require.NoError(t, err)
		scan = time.Since(start) * time.Duration(sites)
		require.Equal(t, records/sites, len(recs))
		s2.Close()
	}
	views(t, name, dir, mut, 2020+len(batches)/sites-1, scanName, scan, dsn)
}

// ingestReference is the reference of ingestion: the batches written
// straight to a new store of the backend (SQLite series, PostgreSQL
// record upserts) or as raw line protocol to the same influxd.
func ingestReference(t *testing.T, backend string, batches []siteBatch, records int) (float64, string) {
	ctx := context.Background()
	var refRate float64
	var refName string
	var start time.Time
	if backend == "sqlite" {
		cat, err := sqlite.Open(t.TempDir())
		require.NoError(t, err)
		start = time.Now()
		for _, b := range batches {
			require.NoError(t, cat.Write(ctx, b.site.ID, b.batch.Activities))
		}
		refRate = float64(records) / time.Since(start).Seconds()
		refName = "direct SQLite series writes"
		require.NoError(t, cat.Close())
	} else if backend == "postgres" {
		refRate, refName = postgresWrites(t, batches, records)
	} else {
		base := os.Getenv("GREENHELP_TEST_INFLUX_URL")
		db := fmt.Sprintf("gh_bench_raw_%d", time.Now().UnixNano())
		createDB(t, base, db)
		start = time.Now()
		esc := strings.NewReplacer("=", `\=`, ",", `\,`, " ", `\ `)
		for _, b := range batches {
			var lp bytes.Buffer
			for _, a := range b.batch.Activities {
				// The points greenhelp writes (influx.Series, format 2).
				fmt.Fprintf(&lp, "%s,days=%d,item=%s,site=%s,source=%s", a.Kind, a.Start.DaysUntil(a.End), a.Item, b.site.ID, a.Source)
				if at := footprint.FormatAttrs(a.Attrs); at != "" {
					fmt.Fprintf(&lp, ",attrs=%s", esc.Replace(at))
				}
				fmt.Fprintf(&lp, " quantity=%v,unit=%q,quality=%q %d\n", a.Quantity, a.Unit, a.Quality, a.Start.Time().Unix())
			}
			resp, err := http.Post(base+"/write?precision=s&db="+db, "text/plain", &lp)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusNoContent, resp.StatusCode)
		}
		refRate = float64(records) / time.Since(start).Seconds()
		refName = "raw line protocol to the same influxd"
	}
	return refRate, refName
}

// views times the cold group inventory of the last year, the trajectory
// and the group page, each on a fresh service (nothing cached in memory),
// against the scan of the raw records: first with the store's results
// table emptied before each view (the first view after a factor or
// configuration change: every site computed from its rollups), then the
// refresher's pass that computes every site's results (as `serve` runs it
// in the background), then with the results current (the target).
func views(t *testing.T, name, dir string, mut func(*central.Config), last int, scanName string, scan time.Duration, dsn string) {
	paths := []struct{ name, path string }{
		{"cold_group_inventory", fmt.Sprintf("/api/v1/inventory?year=%d", last)},
		{"cold_trajectory", "/api/v1/trajectory"},
		{"cold_group_page", fmt.Sprintf("/?year=%d", last)},
	}
	get := func(path string) time.Duration {
		s := open(t, dir, mut) // cold: a fresh service, nothing cached
		srv := httptest.NewServer(mustHandler(s))
		start := time.Now()
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(start)
		require.Equal(t, http.StatusOK, resp.StatusCode, tail(body))
		srv.Close()
		s.Close() // waits for the results the view writes back
		return d
	}
	require.NoError(t, open(t, dir, mut).Close()) // a reused store migrated to the results table
	for _, v := range paths {
		clearResults(t, dir, dsn)
		d := get(v.path)
		report(figure{name: name + "_" + v.name + "_no_results", unit: "s", value: d.Seconds(),
			ref: fmt.Sprintf("%s %.2f s (%.2f×); the results table emptied first: the first view after a factor or configuration change", scanName, scan.Seconds(), d.Seconds()/scan.Seconds()), target: "none (the refresher computes them in the background)"})
	}
	clearResults(t, dir, dsn)
	s := open(t, dir, mut)
	start := time.Now()
	st, err := s.RefreshResults(context.Background())
	require.NoError(t, err)
	d := time.Since(start)
	require.NoError(t, s.Close())
	report(figure{name: name + "_refresh_all_results", unit: "s", value: d.Seconds(),
		ref: fmt.Sprintf("Service.RefreshResults from an empty results table: %d sites computed, %d results written (every year's group page)", st.Recomputed, st.Written), target: "none (background)"})
	for _, v := range paths {
		d := get(v.path)
		report(figure{name: name + "_" + v.name, unit: "s", value: d.Seconds(),
			ref: fmt.Sprintf("%s %.2f s (%.2f×); every site's results current (refreshed)", scanName, scan.Seconds(), d.Seconds()/scan.Seconds()), target: target(name)})
	}
}

// clearResults empties the store's results table (store.Results): in the
// SQLite file of dir, or the PostgreSQL database of dsn.
func clearResults(t *testing.T, dir, dsn string) {
	if dsn != "" {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `DELETE FROM site_results`)
		require.NoError(t, err)
		return
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`DELETE FROM site_results`)
	require.NoError(t, err)
}

func target(name string) string {
	if strings.Contains(name, "1000x") {
		return "< 1 s (results current), ≤ the plain scan"
	}
	return "< 1 s, ≤ the plain scan"
}

// largeRun is the generated workload of many sites and years: batches made
// one at a time and handed to the service's ingestion (Service.Ingest, the
// path the API calls, rollups included) without HTTP, then the views.
func largeRun(t *testing.T, backend string, sites, years int, mut func(*central.Config), dsn string) {
	ctx := context.Background()
	dir := t.TempDir()
	// GREENHELP_BENCH_LARGE_DIR keeps the generated SQLite store there and
	// reuses it on the next run (for profiling the views).
	reuse := false
	if keep := os.Getenv("GREENHELP_BENCH_LARGE_DIR"); keep != "" && backend == "sqlite" {
		dir = filepath.Join(keep, fmt.Sprintf("sqlite_%dx%d", sites, years))
		_, err := os.Stat(filepath.Join(dir, store.DBFile))
		reuse = err == nil
	}
	if reuse {
		fmt.Printf("reusing the generated store in %s\n", dir)
		records := sites * years * len(siteYear(0, 2020).batch.Activities) // about: the years differ by a day
		views(t, fmt.Sprintf("%s_%dx%d", backend, sites, years), dir, mut, 2020+years-1, fmt.Sprintf("(no scan: reused store of ~%d records)", records), time.Duration(1), dsn)
		return
	}
	svc := open(t, dir, mut)
	for s := 0; s < sites; s++ {
		site := benchSite(s)
		_, err := svc.Store.AddSite(ctx, site.ID, site.Name, site.Country)
		require.NoError(t, err)
	}
	ch := make(chan siteBatch, 4)
	go func() {
		defer close(ch)
		for s := 0; s < sites; s++ {
			for y := 2020; y < 2020+years; y++ {
				ch <- siteYear(s, y)
			}
		}
	}()
	start := time.Now()
	records := 0
	for b := range ch {
		_, err := svc.Ingest(ctx, b.site.ID, b.batch)
		require.NoError(t, err)
		records += len(b.batch.Activities)
	}
	gen := time.Since(start)
	require.NoError(t, svc.Close())
	name := fmt.Sprintf("%s_%dx%d", backend, sites, years)
	rate := float64(records) / gen.Seconds()
	note := fmt.Sprintf("%s generated: %d records in %d batches in %s (%.0f records/s through Service.Ingest, rollups included, no HTTP)", name, records, sites*years, gen.Round(time.Second), rate)
	fmt.Println(note)
	notes = append(notes, note)
	// Its reference: the first tenth of the sites' batches (every year)
	// written straight to a new store of the backend — a store that does
	// not grow to the whole size, so the reference is, if anything, fast.
	var sample []siteBatch
	sampleRecords := 0
	for s := 0; s < max(1, sites/10); s++ {
		for y := 2020; y < 2020+years; y++ {
			b := siteYear(s, y)
			sample = append(sample, b)
			sampleRecords += len(b.batch.Activities)
		}
	}
	refRate, refName := ingestReference(t, backend, sample, sampleRecords)
	target := "≥ 50 % of the reference"
	if backend == "influxdb" {
		target = "≥ 70 % of the reference"
	}
	report(figure{name: name + "_ingest_service", unit: "records/s", value: rate,
		ref: fmt.Sprintf("%s %.0f records/s (%.0f %%), %d records of the first %d sites into a new store; %d records in %d batches through Service.Ingest (rollups included, no HTTP)", refName, refRate, 100*rate/refRate, sampleRecords, max(1, sites/10), records, sites*years), target: target})

	var scan time.Duration
	var scanName string
	if backend == "postgres" {
		scan, scanName = postgresScan(t, dsn, records)
	} else if backend == "sqlite" {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile)+"?mode=ro")
		require.NoError(t, err)
		start = time.Now()
		var n int
		var q float64
		// The plainest scan: every row's key and quantity read, summed.
		rows, err := db.Query(`SELECT site, kind, item, start, end, source, attrs, quantity FROM activities`)
		require.NoError(t, err)
		for rows.Next() {
			var a, b, c, d, e, f, g string
			var x float64
			require.NoError(t, rows.Scan(&a, &b, &c, &d, &e, &f, &g, &x))
			q += x
			n++
		}
		rows.Close()
		scan = time.Since(start)
		db.Close()
		require.Equal(t, records, n)
		scanName = fmt.Sprintf("one plain scan of the %d raw records", records)
	} else {
		s2 := open(t, dir, mut)
		start = time.Now()
		recs, err := s2.Store.Read(ctx, store.Query{Sites: []string{benchSite(0).ID}})
		require.NoError(t, err)
		scan = time.Since(start) * time.Duration(sites)
		require.Equal(t, records/sites, len(recs))
		s2.Close()
		scanName = fmt.Sprintf("pulling the raw points of one site × %d sites", sites)
	}
	views(t, name, dir, mut, 2020+years-1, scanName, scan, dsn)
}

func writeMarkdown(t *testing.T) {
	var b strings.Builder
	host, _ := os.Hostname()
	cpu := "unknown CPU"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	fmt.Fprintf(&b, "# Benchmarks\n\nWritten by `make bench` (scripts/bench.sh → internal/bench) on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Machine: %s, %d CPUs (GOMAXPROCS %d), %s/%s, %s; host %s. InfluxDB 1.8.10 on loopback (built by scripts/influxd.sh).\n\n",
		cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), host)
	b.WriteString("Every figure has its reference measured in the same run. Workloads are generated deterministically (seeded): the agent's year of power events of a 3,000-PC site; 200 sites × 5 years of 2,006 records each posted through the HTTP API (`GREENHELP_BENCH_SITES`, `_YEARS`, `_INFLUX_SITES` change the sizes); 1,000 sites × 10 years of the same site-years generated a batch at a time into each store through the service's ingestion (`_LARGE_SITES`, `_LARGE_YEARS`).\n\n")
	b.WriteString("| figure | value | reference (same run) | target |\n|---|---|---|---|\n")
	for _, f := range figures {
		fmt.Fprintf(&b, "| %s | %.4g %s | %s | %s |\n", f.name, f.value, f.unit, f.ref, f.target)
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	out := os.Getenv("GREENHELP_BENCH_OUT")
	if out == "" {
		out = "../../BENCHMARKS.md"
	}
	require.NoError(t, os.WriteFile(out, []byte(b.String()), 0o644))
}

// mustHandler is the central's public handler for a test's service.
func mustHandler(svc *central.Service) *server.Handler {
	h, err := server.NewHandler(svc)
	if err != nil {
		panic(err)
	}
	return h
}
