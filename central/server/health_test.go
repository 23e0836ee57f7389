package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/api"
	"github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
)

const healthAdminToken = "health-test-admin-token-0123456789abcdef"

// healthStore is a data directory with one site (fr-lil) and two years
// of its records (2023 and 2024: a year-on-year change to read), written
// through a real service and closed, ready to be damaged.
type healthStore struct {
	dir, file, token string
	cfg              *Config
	// operator is the URL of the served store's local operator routes
	// (set by serve).
	operator string
}

func newHealthStore(t *testing.T) *healthStore {
	t.Helper()
	cfg, err := LoadConfig("", nil)
	require.NoError(t, err)
	cfg.Data = t.TempDir()
	cfg.Admin.Token = healthAdminToken
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := server.Open(context.Background(), cfg, log)
	require.NoError(t, err)
	tok, err := svc.Store.AddSite(context.Background(), "fr-lil", "Lille", "FR")
	require.NoError(t, err)
	srv := httptest.NewServer(mustHandler(svc))
	for _, year := range []int{2023, 2024} {
		code, body := healthDo(t, srv.URL, http.MethodPost, "/api/v1/sites/fr-lil/batches", "Bearer "+tok, healthBatch(fmt.Sprint("b-", year), year, 12))
		require.Equal(t, http.StatusOK, code, body)
	}
	srv.Close()
	// Everything in the file itself, no write-ahead log left to read.
	_, err = svc.Store.(*sqlite.Store).DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	require.NoError(t, err)
	require.NoError(t, svc.Close())
	return &healthStore{dir: cfg.Data, file: filepath.Join(cfg.Data, store.DBFile), token: tok, cfg: cfg}
}

// serve serves the damaged store as a running central whose store turned
// bad under it would: a service opened on an empty directory (Open
// refuses a store it cannot write) is given the store's catalog, opened
// with o (a short busy timeout, a page cap).
func (hs *healthStore) serve(t *testing.T, o sqlite.Options) (*Service, string) {
	t.Helper()
	cfg := *hs.cfg
	cfg.Data = t.TempDir()
	svc, err := server.Open(context.Background(), &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.NoError(t, svc.Store.Close())
	cat, err := sqlite.OpenWith(hs.dir, o)
	require.NoError(t, err)
	svc.Cfg, svc.Store = hs.cfg, cat
	t.Cleanup(func() { svc.Close() })
	h := mustHandler(svc)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	op := httptest.NewServer(h.LocalOperator())
	t.Cleanup(op.Close)
	hs.operator = op.URL
	return svc, srv.URL
}

// healthBatch is a batch of n records of site fr-lil's electricity in
// year: monthly when n ≤ 12, daily otherwise.
func healthBatch(id string, year, n int) string {
	var acts []footprint.Activity
	for i := range n {
		start := footprint.NewDate(year, time.Month(i+1), 1)
		end := footprint.NewDate(year, time.Month(i+2), 1)
		if n > 12 {
			start = footprint.NewDate(year, 1, 1).AddDays(i)
			end = start.AddDays(1)
		}
		acts = append(acts, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: start, End: end,
			Quantity: float64(1000 + i), Unit: footprint.UnitKWh, Source: "meter-with-a-rather-long-source-name", Quality: footprint.QualityMeasured})
	}
	raw, _ := json.Marshal(map[string]any{"id": id, "activities": acts})
	return string(raw)
}

var healthClient = &http.Client{Timeout: 60 * time.Second}

// healthDo sends one request and returns the status and the body.
func healthDo(t *testing.T, base, method, path, auth, body string) (int, string) {
	t.Helper()
	code, _, text := healthDoH(t, base, method, path, auth, body)
	return code, text
}

func healthDoH(t *testing.T, base, method, path, auth, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := healthClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(raw)
}

// corruptTables writes garbage over the root page of each table named and
// of its indexes: SQLite then reads a page whose type is none of a
// b-tree's and answers SQLITE_CORRUPT for any use of them.
func corruptTables(t *testing.T, file string, tables ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	require.NoError(t, err)
	var pageSize int64
	require.NoError(t, db.QueryRow(`PRAGMA page_size`).Scan(&pageSize))
	var roots []int64
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 0`, tbl)
		require.NoError(t, err)
		for rows.Next() {
			var r int64
			require.NoError(t, rows.Scan(&r))
			roots = append(roots, r)
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	require.NoError(t, db.Close())
	require.NotEmpty(t, roots)
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	require.NoError(t, err)
	garbage := []byte(strings.Repeat("\xa5", int(pageSize)))
	for _, r := range roots {
		require.Greater(t, r, int64(1), "page 1 holds the schema: kept")
		_, err := f.WriteAt(garbage, (r-1)*pageSize)
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())
}

// immutable makes path read-only even for root (chattr +i), undone at
// the test's end; it reports false where that cannot be done.
func immutable(t *testing.T, path string) bool {
	t.Helper()
	if err := exec.Command("chattr", "+i", path).Run(); err != nil {
		if err := os.Chmod(path, 0o444); err != nil {
			return false
		}
		t.Cleanup(func() { os.Chmod(path, 0o644) })
	} else {
		t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		probe := filepath.Join(path, "probe")
		if f, err := os.Create(probe); err == nil {
			f.Close()
			os.Remove(probe)
			return false
		}
		return true
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err == nil {
		f.Close()
		return false
	}
	return true
}

// lockFile holds the store's write lock from another connection (another
// process would do the same) until the test ends. exclusive also keeps
// readers out (locking_mode EXCLUSIVE: the write-ahead log's readers need
// the shared memory it no longer offers).
func lockFile(t *testing.T, file string, exclusive bool) {
	t.Helper()
	dsn := "file:" + file + "?_pragma=busy_timeout(5000)"
	if exclusive {
		dsn += "&_pragma=locking_mode(EXCLUSIVE)"
	}
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`BEGIN IMMEDIATE`)
	require.NoError(t, err)
	_, err = db.Exec(`UPDATE heartbeat SET at = 'held by the test'`)
	require.NoError(t, err)
	t.Cleanup(func() {
		db.Exec(`ROLLBACK`)
		db.Close()
	})
}

// family is one endpoint family's request.
type family struct {
	name, method, path string
	auth               func(hs *healthStore) string
	body               func(id string) string
	// ok is the status when it succeeds (0: 200).
	ok int
	// operator: sent to the local operator socket's routes.
	operator bool
}

func adminAuth(*healthStore) string { return "Bearer " + healthAdminToken }

func emptyBody(string) string { return "{}" }

var healthFamilies = []family{
	{name: "ingest", method: http.MethodPost, path: "/api/v1/sites/fr-lil/batches",
		auth: func(hs *healthStore) string { return "Bearer " + hs.token }, body: func(id string) string { return healthBatch(id, 2025, 365) }},
	{name: "ping", method: http.MethodGet, path: "/api/v1/sites/fr-lil/ping", auth: func(hs *healthStore) string { return "Bearer " + hs.token }},
	{name: "api sites", method: http.MethodGet, path: "/api/v1/sites"},
	{name: "api site", method: http.MethodGet, path: "/api/v1/sites/fr-lil"},
	{name: "api inventory", method: http.MethodGet, path: "/api/v1/inventory?year=2024"},
	{name: "api records", method: http.MethodGet, path: "/api/v1/records?site=fr-lil&year=2024"},
	{name: "api trajectory", method: http.MethodGet, path: "/api/v1/trajectory"},
	{name: "api changes", method: http.MethodGet, path: "/api/v1/changes?year=2024"},
	{name: "api profiles", method: http.MethodGet, path: "/api/v1/profiles?year=2024"},
	{name: "api records csv", method: http.MethodGet, path: "/api/v1/sites/fr-lil/records.csv?year=2024"},
	{name: "api export", method: http.MethodGet, path: "/api/v1/export?year=2024&format=json", auth: adminAuth},
	{name: "tokens list", method: http.MethodGet, path: "/api/v1/admin/tokens", auth: adminAuth},
	{name: "audit log", method: http.MethodGet, path: "/api/v1/admin/audit", auth: adminAuth},
	{name: "admin issue token", method: http.MethodPost, path: "/api/v1/admin/tokens", auth: adminAuth, ok: http.StatusCreated,
		body: func(string) string { return `{"role": "ambassador", "sites": ["fr-lil"]}` }},
	{name: "page group", method: http.MethodGet, path: "/"},
	{name: "page site", method: http.MethodGet, path: "/sites/fr-lil?year=2024"},
	{name: "page profiles", method: http.MethodGet, path: "/profiles?year=2024"},
	{name: "admin", method: http.MethodPost, path: "/api/v1/admin/sites/fr-lil/rotate", auth: adminAuth, body: emptyBody},
	{name: "admin add site", method: http.MethodPost, path: "/api/v1/admin/sites", auth: adminAuth, ok: http.StatusCreated,
		body: func(string) string { return `{"id": "fr-new", "name": "New", "country": "FR"}` }},
	{name: "admin close site", method: http.MethodPost, path: "/api/v1/admin/sites/fr-lil/close", auth: adminAuth,
		body: func(string) string { return `{"on": "2026-01-01"}` }},
	{name: "admin reopen site", method: http.MethodPost, path: "/api/v1/admin/sites/fr-lil/reopen", auth: adminAuth, body: emptyBody},
	{name: "admin site event", method: http.MethodPost, path: "/api/v1/admin/sites/fr-lil/events", auth: adminAuth,
		body: func(string) string { return `{"kind": "opened", "on": "2019-01-01"}` }},
	{name: "admin offset", method: http.MethodPost, path: "/api/v1/admin/offsets", auth: adminAuth, ok: http.StatusCreated,
		body: func(string) string {
			return `{"year": 2024, "t": 10, "registry": "Gold Standard", "project": "GS-1 cookstoves", "vintage": 2023}`
		}},
	{name: "admin close year", method: http.MethodPost, path: "/api/v1/admin/years/2024/close", auth: adminAuth, body: emptyBody},
	{name: "admin rollups", method: http.MethodPost, path: "/api/v1/admin/rollups/rebuild", auth: adminAuth, body: emptyBody},
	{name: "operator socket", method: http.MethodPost, path: "/api/v1/admin/sites/fr-lil/rotate", body: emptyBody, operator: true},
	{name: "healthz", method: http.MethodGet, path: "/healthz"},
	{name: "metrics", method: http.MethodGet, path: "/metrics"},
}

// Issue 25, item 7, and issue 26 (every handler family: the read API,
// ingestion and ping, the admin API and the operator socket, the pages,
// /healthz, /metrics): a corrupt file, one that is not a database, a
// locked, a read-only and a full store
// each give the status that tells the truth on every endpoint family — a
// permanent failure 500 with a message and never Retry-After, a transient
// one 503 with Retry-After, what still works 200 — and /healthz says so;
// /metrics answers 200 and reports its failing collector as a metric.
func TestEveryEndpointFamilyTellsTheTruthAboutAFailingStore(t *testing.T) {
	const busy = 100 * time.Millisecond
	all := func(status int, except map[string]int) map[string]int {
		m := map[string]int{}
		for _, f := range healthFamilies {
			m[f.name] = status
			if s, ok := except[f.name]; ok {
				m[f.name] = s
			}
			if m[f.name] == http.StatusOK && f.ok != 0 {
				m[f.name] = f.ok
			}
		}
		m["metrics"] = http.StatusOK
		return m
	}
	// writes: the families that write the store (ingestion, every admin
	// route, the operator socket) answer status, besides except.
	writes := func(status int, except map[string]int) map[string]int {
		for _, f := range healthFamilies {
			if f.name == "ingest" || f.operator || strings.HasPrefix(f.name, "admin") {
				except[f.name] = status
			}
		}
		return except
	}
	cases := []struct {
		name string
		// stage damages the closed store; held runs once it is served.
		stage func(t *testing.T, hs *healthStore) sqlite.Options
		held  func(t *testing.T, svc *Service, hs *healthStore)
		want  map[string]int
		// up is greenhelp_collector_up{collector="sites"}.
		up int
	}{{
		// The catalog's tables and the series: every request reads the
		// sites first (a token, a page, the API).
		name: "corrupt",
		stage: func(t *testing.T, hs *healthStore) sqlite.Options {
			corruptTables(t, hs.file, "sites", "site_versions", "batches", "activities", "rollup_months", "rollup_spans", "offsets", "api_tokens", "audit_log")
			return sqlite.Options{BusyTimeout: busy}
		},
		want: all(http.StatusInternalServerError, nil),
	}, {
		// The file is replaced by one that is not a database at all under
		// the running central: each request opens its own connection and
		// reads the header.
		name:  "not a database",
		stage: func(*testing.T, *healthStore) sqlite.Options { return sqlite.Options{BusyTimeout: busy} },
		held: func(t *testing.T, svc *Service, hs *healthStore) {
			svc.Store.(*sqlite.Store).DB().SetMaxIdleConns(0)
			require.NoError(t, os.WriteFile(hs.file, []byte(strings.Repeat("not a database at all. ", 400)), 0o600))
		},
		want: all(http.StatusInternalServerError, nil),
	}, {
		// Another process holds the write lock: in WAL mode readers go on.
		name:  "locked for writing",
		stage: func(*testing.T, *healthStore) sqlite.Options { return sqlite.Options{BusyTimeout: busy} },
		held:  func(t *testing.T, _ *Service, hs *healthStore) { lockFile(t, hs.file, false) },
		want:  all(http.StatusOK, writes(http.StatusServiceUnavailable, map[string]int{"healthz": http.StatusServiceUnavailable})),
		up:    1,
	}, {
		// Another process holds the file in exclusive locking mode:
		// readers too wait, then give up.
		name:  "locked exclusively",
		stage: func(*testing.T, *healthStore) sqlite.Options { return sqlite.Options{BusyTimeout: busy} },
		held: func(t *testing.T, svc *Service, hs *healthStore) {
			// The service's idle connections would keep the exclusive
			// lock out; each request opens its own from here on.
			svc.Store.(*sqlite.Store).DB().SetMaxIdleConns(0)
			lockFile(t, hs.file, true)
		},
		want: all(http.StatusServiceUnavailable, nil),
	}, {
		name: "read-only",
		stage: func(t *testing.T, hs *healthStore) sqlite.Options {
			if immutable(t, hs.file) {
				return sqlite.Options{BusyTimeout: busy}
			}
			t.Log("the file cannot be made read-only here (chattr +i failed, root ignores chmod): SQLite's mode=ro stands in")
			return sqlite.Options{BusyTimeout: busy, ReadOnly: true}
		},
		want: all(http.StatusOK, writes(http.StatusInternalServerError, map[string]int{"healthz": http.StatusInternalServerError})),
		up:   1,
	}, {
		// No page more than the file holds (max_page_count), as on a full
		// disk: a year of daily records does not fit, a token rotated in
		// place does. /healthz learns of it from the failed batch.
		name: "full",
		stage: func(t *testing.T, hs *healthStore) sqlite.Options {
			cat, err := sqlite.Open(hs.dir)
			require.NoError(t, err)
			n, err := cat.PageCount(context.Background())
			require.NoError(t, err)
			require.NoError(t, cat.Close())
			return sqlite.Options{BusyTimeout: busy, MaxPages: n}
		},
		want: all(http.StatusOK, map[string]int{"ingest": http.StatusServiceUnavailable, "healthz": http.StatusServiceUnavailable}),
		up:   1,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hs := newHealthStore(t)
			o := c.stage(t, hs)
			svc, base := hs.serve(t, o)
			if c.held != nil {
				c.held(t, svc, hs)
			}
			for _, f := range healthFamilies {
				t.Run(f.name, func(t *testing.T) {
					auth, body := "", ""
					if f.auth != nil {
						auth = f.auth(hs)
					}
					if f.body != nil {
						body = f.body("b-" + strings.ReplaceAll(c.name, " ", "-"))
					}
					at := base
					if f.operator {
						at = hs.operator
					}
					code, hdr, text := healthDoH(t, at, f.method, f.path, auth, body)
					want := c.want[f.name]
					require.Equal(t, want, code, "%s %s: %s", f.method, f.path, clip(text))
					switch {
					case code == http.StatusServiceUnavailable && f.name != "healthz":
						assert.NotEmpty(t, hdr.Get("Retry-After"), "a transient failure says when to retry")
					case code == http.StatusInternalServerError:
						assert.Empty(t, hdr.Get("Retry-After"), "a permanent failure is never retried")
						assert.Contains(t, text, "store error", "a 500 says what failed")
					}
					switch f.name {
					case "healthz":
						var h api.Health
						require.NoError(t, json.Unmarshal([]byte(text), &h), text)
						if code == http.StatusOK {
							assert.Equal(t, "ok", h.Status)
						} else {
							assert.NotEmpty(t, h.Error, "what failed")
							assert.Equal(t, map[int]string{500: "failed", 503: "unavailable"}[code], h.Status)
						}
					case "metrics":
						assert.Contains(t, text, fmt.Sprintf("greenhelp_collector_up{collector=\"sites\"} %d\n", c.up))
						assert.Contains(t, text, "go_goroutines", "the other collectors still answer")
					}
				})
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// Issue 25, item 7: /healthz checks the store itself (read and a
// committed write), before any request met a failure, and serves its
// result again for a second on the service's clock.
func TestHealthzChecksTheStoreAtMostOnceASecond(t *testing.T) {
	hs := newHealthStore(t)
	svc, base := hs.serve(t, sqlite.Options{BusyTimeout: 100 * time.Millisecond})
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	svc.Clock = func() time.Time { return now }

	code, body := healthDo(t, base, http.MethodGet, "/healthz", "", "")
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"write": "ok"`)

	lockFile(t, hs.file, false)
	now = now.Add(500 * time.Millisecond)
	code, body = healthDo(t, base, http.MethodGet, "/healthz", "", "")
	assert.Equal(t, http.StatusOK, code, "the check of half a second ago is served again: %s", body)

	now = now.Add(500 * time.Millisecond)
	code, body = healthDo(t, base, http.MethodGet, "/healthz", "", "")
	assert.Equal(t, http.StatusServiceUnavailable, code, body)
	assert.Contains(t, body, "write the heartbeat")
	assert.Contains(t, body, "database is locked")
}

// Issue 25, item 7: a corrupt page met by a request (one /healthz's own
// reads do not touch) makes /healthz answer 500 from then on.
func TestACorruptPageARequestMetFailsHealthz(t *testing.T) {
	hs := newHealthStore(t)
	corruptTables(t, hs.file, "activities", "rollup_months")
	_, base := hs.serve(t, sqlite.Options{BusyTimeout: 100 * time.Millisecond})
	code, body := healthDo(t, base, http.MethodGet, "/healthz", "", "")
	require.Equal(t, http.StatusOK, code, "the check reads the sites, which are whole: %s", body)
	code, body = healthDo(t, base, http.MethodGet, "/api/v1/records?site=fr-lil&year=2024", "", "")
	require.Equal(t, http.StatusInternalServerError, code, body)
	assert.Contains(t, body, "malformed")
	assert.Contains(t, body, "restore the data directory from a backup")
	code, body = healthDo(t, base, http.MethodGet, "/healthz", "", "")
	assert.Equal(t, http.StatusInternalServerError, code, body)
	assert.Contains(t, body, "malformed")
}

// Issue 25, item 7: a store that cannot be written refuses to start (what
// `greenhelp serve` calls: Open, then CheckWritable), with the file named
// and what to do.
func TestAStoreThatCannotBeWrittenRefusesToStart(t *testing.T) {
	cases := []struct {
		name  string
		stage func(t *testing.T, hs *healthStore) bool
		want  []string
	}{
		{"read-only file", func(t *testing.T, hs *healthStore) bool { return immutable(t, hs.file) },
			[]string{"cannot be read and written", "attempt to write a readonly database", "writable by the central"}},
		{"read-only directory", func(t *testing.T, hs *healthStore) bool { return immutable(t, hs.dir) },
			[]string{"unable to open database file"}},
		{"not a database", func(t *testing.T, hs *healthStore) bool {
			require.NoError(t, os.WriteFile(hs.file, []byte(strings.Repeat("not a database at all. ", 400)), 0o600))
			return true
		}, []string{"file is not a database", "restore the data directory from a backup"}},
		{"corrupt", func(t *testing.T, hs *healthStore) bool {
			corruptTables(t, hs.file, "sites")
			return true
		}, []string{"cannot be read and written", "malformed", "restore the data directory from a backup"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hs := newHealthStore(t)
			if !c.stage(t, hs) {
				t.Skip("cannot make it read-only here: chattr +i failed and root ignores chmod")
			}
			// What serve does before it answers.
			svc, err := server.Open(context.Background(), hs.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err == nil {
				err = svc.CheckWritable(context.Background())
				svc.Close()
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), hs.file, "the file is named")
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// mustHandler is the central's public handler for a test's service.
func mustHandler(svc *Service) *server.Handler {
	h, err := server.NewHandler(svc)
	if err != nil {
		panic(err)
	}
	return h
}
