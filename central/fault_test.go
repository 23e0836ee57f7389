//go:build !windows

package central_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
)

// faultParams sizes the fault test: short in `make test`, long in
// `make bench` (GREENHELP_FAULT_LONG=1).
type faultParams struct {
	agents, records, rounds, centralKills, agentKills int
}

func faultSize() faultParams {
	if os.Getenv("GREENHELP_FAULT_LONG") != "" {
		return faultParams{agents: 200, records: 120, rounds: 6, centralKills: 12, agentKills: 12}
	}
	return faultParams{agents: 200, records: 24, rounds: 3, centralKills: 3, agentKills: 3}
}

// centralProc is a `greenhelp serve` process that the test kills and
// restarts on the same address and data.
type centralProc struct {
	bin, data, addr string
	env             []string // added to the test's environment
	cmd             *exec.Cmd
	logs            bytes.Buffer
}

func (c *centralProc) start(t *testing.T) {
	t.Helper()
	c.cmd = exec.Command(c.bin, "serve", "--addr", c.addr, "--data", c.data)
	c.cmd.Env = append(os.Environ(), c.env...)
	stdout, err := c.cmd.StdoutPipe()
	require.NoError(t, err)
	c.cmd.Stderr = &c.logs
	require.NoError(t, c.cmd.Start())
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready: ") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start")
	}
}

func (c *centralProc) kill9() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// simRecords are a simulated site's records in a round: daily grid
// electricity whose value alternates between two figures from round to
// round — every round is a correction, and every other round returns to
// an earlier value (the case a content-derived batch id lost).
func simRecords(n, round int) []footprint.Activity {
	out := make([]footprint.Activity, n)
	for i := range out {
		d := footprint.NewDate(2024, 1, 1).AddDays(i)
		out[i] = footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: d, End: d.AddDays(1),
			Quantity: float64(1000+i) + float64(round%2)*100, Unit: footprint.UnitKWh, Source: "meter", Quality: footprint.QualityMeasured}
	}
	return out
}

// TestNoRecordIsLostDuplicatedOrStaleUnderKills runs 200 simulated agents
// (the agent package's outbox, state and delivery, each reopened from its
// folder after a simulated crash) and one real greenhelp-agent binary
// against a real greenhelp serve on SQLite, kills the central and the
// real agent with SIGKILL at random moments, and then compares what was
// sent with what is stored: every key present once, with its last value.
func TestNoRecordIsLostDuplicatedOrStaleUnderKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes; run without -short")
	}
	p := faultSize()
	bin, err := buildGreenhelp()
	require.NoError(t, err)
	agentBin, err := buildAgentBin()
	require.NoError(t, err)
	dir := t.TempDir()
	c := &centralProc{bin: bin, data: filepath.Join(dir, "data"), addr: freeAddr(t)}
	url := "http://" + c.addr

	// Sites, registered in the catalog before the central starts.
	cat, err := sqlite.Open(c.data)
	require.NoError(t, err)
	ctx := context.Background()
	tokens := make([]string, p.agents)
	for i := range tokens {
		tokens[i], err = cat.AddSite(ctx, fmt.Sprintf("sim-%03d", i), "Simulated", "FR")
		require.NoError(t, err)
	}
	realDir := filepath.Join(dir, "real")
	require.NoError(t, os.CopyFS(realDir, os.DirFS("../examples/agent")))
	realCfg, err := agent.Load(filepath.Join(realDir, "site.yaml"), false)
	require.NoError(t, err)
	realTok, err := cat.AddSite(ctx, realCfg.Site.ID, realCfg.Site.Name, realCfg.Site.Country)
	require.NoError(t, err)
	require.NoError(t, cat.Close())
	c.start(t)
	t.Cleanup(c.kill9)

	var stopKills atomic.Bool
	var kills sync.WaitGroup
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	seed := rng.Uint64()
	t.Logf("kill schedule seed %d", seed)
	killRng := rand.New(rand.NewPCG(seed, 1))
	centralKilled := 0
	kills.Add(1)
	go func() { // the central: SIGKILL, restart at once on the same data
		defer kills.Done()
		for k := 0; k < p.centralKills && !stopKills.Load(); k++ {
			time.Sleep(time.Duration(200+killRng.IntN(800)) * time.Millisecond)
			c.kill9()
			centralKilled++
			c.start(t)
		}
	}()

	// The real agent: `once` runs killed with SIGKILL after a random delay,
	// then one run to completion.
	agentEnv := append(os.Environ(), "GREENHELP_AGENT_CENTRAL_URL="+url, "GREENHELP_AGENT_CENTRAL_TOKEN="+realTok,
		"GREENHELP_AGENT_OUTBOX_DIR="+filepath.Join(realDir, "outbox"), "GREENHELP_AGENT_UPLOAD_BACKOFF_INITIAL=100ms",
		"GREENHELP_AGENT_UPLOAD_BACKOFF_MAX=1s", "GREENHELP_AGENT_UPLOAD_BATCH_SIZE=7")
	agentKilled := 0
	var realDone sync.WaitGroup
	realDone.Add(1)
	go func() {
		defer realDone.Done()
		agentRng := rand.New(rand.NewPCG(seed, 2))
		for k := 0; k < p.agentKills; k++ {
			cmd := exec.Command(agentBin, "once", "--config", filepath.Join(realDir, "site.yaml"))
			cmd.Env = agentEnv
			require.NoError(t, cmd.Start())
			time.Sleep(time.Duration(20+agentRng.IntN(400)) * time.Millisecond)
			if cmd.Process.Signal(syscall.SIGKILL) == nil {
				agentKilled++
			}
			_ = cmd.Wait()
		}
	}()

	// 200 simulated agents, each crashing (reopened from disk) at random.
	var sims sync.WaitGroup
	simCrashes := atomic.Int64{}
	for i := 0; i < p.agents; i++ {
		sims.Add(1)
		go func(i int) {
			defer sims.Done()
			decl := realCfg.Site // a valid declaration, sent with the first batch
			decl.ID = fmt.Sprintf("sim-%03d", i)
			cfg := &agent.Config{Site: decl,
				Central: agent.Central{URL: url, Token: tokens[i], Timeout: 30 * time.Second},
				Outbox:  agent.OutboxConfig{Dir: filepath.Join(dir, "sim", strconv.Itoa(i)), MaxSize: 64 << 20},
				Upload:  agent.UploadConfig{BatchSize: 10, BackoffInitial: 100 * time.Millisecond, BackoffMax: time.Second}}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			r := rand.New(rand.NewPCG(seed, uint64(100+i)))
			for round := 0; round < p.rounds; round++ {
				a, err := agent.New(cfg, log)
				if !assert.NoError(t, err) {
					return
				}
				if _, err := a.Enqueue(simRecords(p.records, round)); !assert.NoError(t, err) {
					return
				}
				if r.IntN(3) == 0 { // crash mid-delivery: the outbox and state are all that survive
					cctx, cancel := context.WithTimeout(ctx, time.Duration(r.IntN(300))*time.Millisecond)
					_, _, _ = a.Drain(cctx)
					cancel()
					simCrashes.Add(1)
					if a, err = agent.New(cfg, log); !assert.NoError(t, err) {
						return
					}
				}
				dctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
				_, refused, err := a.Drain(dctx)
				cancel()
				assert.NoError(t, err)
				assert.Zero(t, refused, "site %d round %d: a batch was refused", i, round)
			}
		}(i)
	}
	sims.Wait()
	realDone.Wait()
	stopKills.Store(true)
	kills.Wait()

	// The real agent's last run, to completion.
	cmd := exec.Command(agentBin, "once", "--config", filepath.Join(realDir, "site.yaml"))
	cmd.Env = agentEnv
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	check := exec.Command(agentBin, "check", "--format", "csv", "--config", filepath.Join(realDir, "site.yaml"))
	check.Env = agentEnv
	raw, err := check.Output()
	require.NoError(t, err)
	realWant, err := footprint.ReadActivitiesCSV(bytes.NewReader(raw), "check.csv")
	require.NoError(t, err)
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	_ = c.cmd.Wait()

	// What was sent, last value per key, against what is stored.
	want := map[footprint.Key]float64{}
	for i := 0; i < p.agents; i++ {
		for _, a := range simRecords(p.records, p.rounds-1) {
			want[a.Key(fmt.Sprintf("sim-%03d", i))] = a.Quantity
		}
	}
	for _, a := range realWant {
		want[a.Key(realCfg.Site.ID)] = a.Quantity
	}
	cat, err = sqlite.Open(c.data)
	require.NoError(t, err)
	defer cat.Close()
	recs, err := cat.Read(ctx, store.Query{})
	require.NoError(t, err)
	lost, stale, extra, dup := 0, 0, 0, 0
	seen := map[footprint.Key]bool{}
	for _, r := range recs {
		k := r.Key(r.Site)
		if seen[k] {
			dup++
		}
		seen[k] = true
		v, ok := want[k]
		switch {
		case !ok:
			extra++
		case v != r.Quantity:
			stale++
		}
	}
	for k := range want {
		if !seen[k] {
			lost++
		}
	}
	t.Logf("fault test: %d simulated agents + 1 real agent, %d rounds, %d records expected; central SIGKILLed %d times, real agent SIGKILLed %d times, simulated agents crashed %d times: lost %d, duplicated %d, stale %d, unexpected %d",
		p.agents, p.rounds, len(want), centralKilled, agentKilled, simCrashes.Load(), lost, dup, stale, extra)
	assert.Zero(t, lost, "records lost")
	assert.Zero(t, dup, "records duplicated")
	assert.Zero(t, stale, "stale corrections")
	assert.Zero(t, extra, "records nobody sent")
	assert.Equal(t, len(want), len(recs))
}
