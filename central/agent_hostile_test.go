//go:build !windows

package central_test

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/wire"
)

// lockedBuffer is a process's output, read while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// zeroes yields n zero bytes without holding them.
type zeroes struct{ n int64 }

func (z *zeroes) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.n)]
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

// slowLink is a loopback TCP proxy in front of the central: each
// connection's request head goes through at once, what follows at one
// byte a second while throttled; answers come back at full speed and
// their status codes are noted.
type slowLink struct {
	l         net.Listener
	target    string
	throttled atomic.Bool
	mu        sync.Mutex
	statuses  map[int]int
	conns     []net.Conn
	done      chan struct{}
}

func startSlowLink(t *testing.T, target string) *slowLink {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &slowLink{l: l, target: target, statuses: map[int]int{}, done: make(chan struct{})}
	p.throttled.Store(true)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
	t.Cleanup(func() {
		close(p.done)
		_ = l.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			_ = c.Close()
		}
	})
	return p
}

func (p *slowLink) seen(code int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.statuses[code]
}

func (p *slowLink) pipe(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, client, server)
	p.mu.Unlock()
	closeBoth := func() { _ = client.Close(); _ = server.Close() }
	go func() { // the central's answers, at full speed
		defer closeBoth()
		br := bufio.NewReader(io.TeeReader(server, client))
		for {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return
			}
			p.mu.Lock()
			p.statuses[resp.StatusCode]++
			p.mu.Unlock()
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}()
	defer closeBoth()
	br := bufio.NewReader(client)
	if !p.throttled.Load() {
		_, _ = io.Copy(server, br)
		return
	}
	for { // the request head
		line, err := br.ReadString('\n')
		if _, werr := io.WriteString(server, line); err != nil || werr != nil {
			return
		}
		if line == "\r\n" {
			break
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for p.throttled.Load() { // the body, one byte a second
		b, err := br.ReadByte()
		if err != nil {
			return
		}
		if _, err := server.Write([]byte{b}); err != nil {
			return
		}
		select {
		case <-tick.C:
		case <-p.done:
			return
		}
	}
	_, _ = io.Copy(server, br)
}

// hostileMode is how the hostile server answers the agent.
type hostileMode struct {
	name   string
	answer func(w http.ResponseWriter, r *http.Request)
	// log is what the agent's log says of it.
	log string
}

// Issue 25, items 1, 5 and 6 — the Done-when test: the real agent
// delivers through a hostile loopback server in each mode (answers that
// are not the central's, redirects to the same and another origin, a
// 10 GB body, Retry-After: 86400000), then to the real central through a
// 1 byte/s uplink (408, retried) and then directly: every record arrives
// exactly once (the store's batch log and records against the outbox),
// nothing is quarantined and the token never reaches another origin.
func TestTheRealAgentThroughAHostileUplinkDeliversEveryRecordOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both binaries; run without -short")
	}
	agentBin, err := buildAgentBin()
	require.NoError(t, err)
	s := startServer(t, "GREENHELP_LIMITS_READ_TIMEOUT=1s")
	const site = "fr-lyo-gerland"
	tok := s.addSite(t, site, "Lyon Gerland", "FR")
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../examples/agent")))
	outbox := filepath.Join(dir, "outbox")

	// Another origin (the same host, another port): it must never be asked.
	var otherRequests, otherTokens atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherRequests.Add(1)
		if strings.Contains(r.Header.Get("Authorization"), tok) {
			otherTokens.Add(1)
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html>welcome</html>")
	}))
	t.Cleanup(other.Close)

	const batchPath = "/api/v1/sites/" + site + "/batches"
	html := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html><body><h1>Guest Wi-Fi</h1>Accept the terms to continue</body></html>")
	}
	jsonAnswer := func(body string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}
	}
	redirect := func(code int, to string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", to)
			w.WriteHeader(code)
		}
	}
	var hugeWritten atomic.Int64
	modes := []hostileMode{
		{"HTML 200", html, `answered 200 OK but not as the greenhelp central does (not JSON; content type \"text/html; charset=utf-8\"; body \"<html><body><h1>Guest Wi-Fi`},
		{"empty 200", func(w http.ResponseWriter, r *http.Request) {}, "body empty"},
		{"foreign JSON 200", jsonAnswer(`{"status":"rejected"}`), "no id"},
		{"another batch's acknowledgement", jsonAnswer(`{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","status":"accepted","accepted":20}`), `names batch \"01ARZ3NDEKTSV4RRFFQ69G5FAV\"`},
		{"301 to the same origin", redirect(301, "/portal"), `answered 301 Moved Permanently, a redirect to \"/portal\"`},
		{"302 to the same origin", redirect(302, "/portal"), `answered 302 Found, a redirect to \"/portal\"`},
		{"307 to the same origin", redirect(307, batchPath+"?again"), "answered 307 Temporary Redirect"},
		{"308 to the same origin", redirect(308, batchPath+"?again"), "answered 308 Permanent Redirect"},
		{"301 to another origin", redirect(301, other.URL+"/portal"), "a redirect to \\\"" + other.URL + "/portal"},
		{"302 to another origin", redirect(302, other.URL+"/portal"), "a redirect to \\\"" + other.URL + "/portal"},
		{"307 to another origin", redirect(307, other.URL+batchPath), "a redirect to \\\"" + other.URL + batchPath},
		{"308 to another origin", redirect(308, other.URL+batchPath), "a redirect to \\\"" + other.URL + batchPath},
		{"a 10 GB body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", fmt.Sprint(int64(10<<30)))
			n, _ := io.Copy(w, &zeroes{n: 10 << 30})
			hugeWritten.Add(n)
		}, `body \"\\x00\\x00`},
		{"Retry-After: 86400000", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "86400000")
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}, "503 Service Unavailable: maintenance"},
	}

	var (
		mu       sync.Mutex
		mode     hostileMode
		tries    int // batch requests in the current mode
		followed int // requests anywhere else: a redirect followed
	)
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		m := mode
		isBatch := r.URL.Path == batchPath && r.URL.RawQuery == "" && r.Method == http.MethodPost
		isPing := r.URL.Path == "/api/v1/sites/"+site+"/ping" && r.URL.RawQuery == ""
		switch {
		case isBatch:
			tries++
		case !isPing:
			followed++
		}
		mu.Unlock()
		if !isBatch && !isPing {
			http.Error(w, "a redirect was followed", http.StatusTeapot)
			return
		}
		m.answer(w, r)
	}))
	t.Cleanup(hostile.Close)

	env := func(url string) []string {
		return append(os.Environ(), "GREENHELP_AGENT_CENTRAL_URL="+url, "GREENHELP_AGENT_CENTRAL_TOKEN="+tok,
			"GREENHELP_AGENT_OUTBOX_DIR="+outbox, "GREENHELP_AGENT_UPLOAD_BATCH_SIZE=20",
			"GREENHELP_AGENT_UPLOAD_BACKOFF_INITIAL=20ms", "GREENHELP_AGENT_UPLOAD_BACKOFF_MAX=100ms")
	}
	config := filepath.Join(dir, "site.yaml")
	start := func(url string) (*exec.Cmd, *lockedBuffer) {
		var logs lockedBuffer
		cmd := exec.Command(agentBin, "run", "--config", config)
		cmd.Env = env(url)
		cmd.Stdout, cmd.Stderr = &logs, &logs
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		return cmd, &logs
	}
	stop := func(cmd *exec.Cmd, logs *lockedBuffer) {
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			require.NoError(t, err, logs.String())
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("the agent did not stop on SIGTERM: %s", logs.String())
		}
	}
	pending := func() map[string]int { // batch id → records, from the outbox files
		files, err := filepath.Glob(filepath.Join(outbox, "pending", "*.json"))
		require.NoError(t, err)
		out := map[string]int{}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil { // delivered meanwhile
				continue
			}
			var b wire.Batch
			require.NoError(t, json.Unmarshal(raw, &b), f)
			out[b.ID] = len(b.Activities)
		}
		return out
	}
	quarantined := func() []string {
		files, err := filepath.Glob(filepath.Join(outbox, "quarantine", "*"))
		require.NoError(t, err)
		return files
	}
	// waitFor polls cond until it holds; the deadline only catches a hang.
	waitFor := func(what string, logs *lockedBuffer, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not reached; agent log:\n%s", what, logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// Phase 1: the hostile server, mode after mode. Each phase ends when
	// the agent has tried the batch twice more and it is still pending.
	mu.Lock()
	mode = modes[0]
	mu.Unlock()
	cmd, logs := start(hostile.URL)
	var held map[string]int
	for _, m := range modes {
		mu.Lock()
		mode, tries = m, 0
		mu.Unlock()
		waitFor(m.name+": two more tries", logs, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return tries >= 2
		})
		now := pending()
		for id := range held {
			require.Contains(t, now, id, "%s: a batch left the outbox", m.name)
		}
		held = now
		require.Empty(t, quarantined(), m.name)
		require.Contains(t, logs.String(), m.log, m.name)
	}
	// `check --ping` takes the same test.
	for _, m := range []hostileMode{modes[0], modes[10]} {
		mu.Lock()
		mode = m
		mu.Unlock()
		ping := exec.Command(agentBin, "check", "--ping", "--config", config)
		ping.Env = env(hostile.URL)
		out, err := ping.CombinedOutput()
		require.Error(t, err, string(out))
		assert.Contains(t, string(out), strings.ReplaceAll(m.log, `\"`, `"`), m.name)
	}
	stop(cmd, logs)
	all := pending()
	require.Len(t, all, 5, "86 records in batches of 20, all still in the outbox")
	records := 0
	for _, n := range all {
		records += n
	}
	var quantity float64 // of the records in the outbox
	files, err := filepath.Glob(filepath.Join(outbox, "pending", "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var b wire.Batch
		require.NoError(t, json.Unmarshal(raw, &b))
		for _, a := range b.Activities {
			quantity += a.Quantity
		}
	}
	state, err := os.ReadFile(filepath.Join(outbox, "state.json"))
	require.NoError(t, err)
	var st struct {
		Sent map[string]string `json:"sent"`
	}
	require.NoError(t, json.Unmarshal(state, &st))
	assert.Empty(t, st.Sent, "no record was counted as sent")
	mu.Lock()
	assert.Zero(t, followed, "no redirect was followed")
	mu.Unlock()
	// The 10 GB answers were cut off after the agent's bounded read, not
	// drained (what loopback buffers hold is sent).
	assert.Less(t, hugeWritten.Load(), int64(512<<20), "bytes sent of the 10 GB answers")

	// Phase 2: the real central behind a 1 byte/s uplink: its read
	// timeout (1 s here) answers 408, which the agent retries; then the
	// uplink recovers.
	link := startSlowLink(t, strings.TrimPrefix(s.url, "http://"))
	cmd, logs = start("http://" + link.l.Addr().String())
	waitFor("a 408 from the central", logs, func() bool { return link.seen(http.StatusRequestTimeout) >= 2 })
	assert.Len(t, pending(), len(all), "nothing delivered over the slow uplink")
	require.Empty(t, quarantined(), "a slow uplink sets nothing aside")
	assert.Zero(t, link.seen(http.StatusBadRequest))
	link.throttled.Store(false)
	waitFor("the outbox emptied", logs, func() bool { return len(pending()) == 0 })
	stop(cmd, logs)
	assert.Contains(t, logs.String(), "408 Request Timeout")
	require.Empty(t, quarantined())

	// Phase 3: the real central directly, same outbox: nothing is left to send.
	once := exec.Command(agentBin, "once", "--config", config)
	once.Env = env(s.url)
	out, err := once.CombinedOutput()
	require.NoError(t, err, string(out))

	// The store: each batch logged once, each record stored once with
	// the quantity the agent collected.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.data, store.DBFile)+"?mode=ro&_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	defer db.Close()
	logged := map[string]int{}
	rows, err := db.Query(`SELECT id, count FROM batches WHERE site = ?`, site)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		var n int
		require.NoError(t, rows.Scan(&id, &n))
		logged[id] = n
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Equal(t, all, logged, "every batch of the outbox logged once, with its records")
	var stored int
	var total float64
	require.NoError(t, db.QueryRow(`SELECT count(*), coalesce(sum(quantity), 0) FROM activities WHERE site = ?`, site).Scan(&stored, &total))
	assert.Equal(t, records, stored, "every record stored, once")
	assert.InDelta(t, quantity, total, 1e-6*quantity)
	assert.Zero(t, otherRequests.Load(), "another origin was never asked")
	assert.Zero(t, otherTokens.Load(), "nor given the token")
}
