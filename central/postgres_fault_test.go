//go:build !windows

package central_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
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

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/postgres"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
	"github.com/greenhelp/greenhelp/footprint"
)

// pgCluster runs scripts/postgres.sh on a server of the test's own (it
// is restarted, crashed and failed over: never the suite's shared one).
func pgCluster(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("../scripts/postgres.sh", args...).Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "postgres.sh %v: %s", args, stderr)
	return strings.TrimSpace(string(out))
}

// TestTwoCentralsOnPostgresLoseNothingUnderKillsARestartAndAFailover runs
// two real `greenhelp serve` on one PostgreSQL primary with a synchronous
// streaming standby, 200 simulated agents each given both centrals'
// addresses (half list one first, half the other: central.urls), failing
// over between them, and meanwhile: SIGKILLs a central at random several times
// (restarting it), restarts PostgreSQL, then crashes the primary and
// promotes the standby — the centrals' DSN lists both hosts with
// target_session_attrs=read-write, so they follow by themselves. Every
// stored record is then compared with the last value sent: 0 lost, 0
// duplicated, 0 stale.
func TestTwoCentralsOnPostgresLoseNothingUnderKillsARestartAndAFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes; run without -short")
	}
	if os.Getenv(pgtest.EnvDSN) == "" {
		t.Skip("no PostgreSQL: `make test` installs it and sets " + pgtest.EnvDSN)
	}
	p := faultSize()
	bin, err := buildGreenhelp()
	require.NoError(t, err)
	dir := t.TempDir()
	primaryDir, standbyDir := filepath.Join(dir, "primary"), filepath.Join(dir, "standby")
	primary := pgCluster(t, "start", primaryDir)
	t.Cleanup(func() { _ = exec.Command("../scripts/postgres.sh", "stop", primaryDir).Run() })
	standby := pgCluster(t, "standby", standbyDir, primaryDir)
	t.Cleanup(func() { _ = exec.Command("../scripts/postgres.sh", "stop", standbyDir).Run() })
	addr := regexp.MustCompile(`^postgres://greenhelp:([^@]*)@127\.0\.0\.1:(\d+)/`)
	pm, sm := addr.FindStringSubmatch(primary), addr.FindStringSubmatch(standby)
	require.NotNil(t, pm, "primary DSN")
	require.NotNil(t, sm, "standby DSN")
	dsn := fmt.Sprintf("host=127.0.0.1,127.0.0.1 port=%s,%s user=greenhelp password=%s dbname=greenhelp sslmode=disable target_session_attrs=read-write connect_timeout=5",
		pm[2], sm[2], pm[1])

	example, err := agent.Load("../examples/agent/site.yaml", false)
	require.NoError(t, err)
	ctx := context.Background()
	cat, err := postgres.Open(ctx, dsn, postgres.Options{})
	require.NoError(t, err)
	tokens := make([]string, p.agents)
	for i := range tokens {
		tokens[i], err = cat.AddSite(ctx, fmt.Sprintf("sim-%03d", i), "Simulated", "FR")
		require.NoError(t, err)
	}
	cat.Close()
	env := []string{"GREENHELP_STORE_BACKEND=postgres", "GREENHELP_STORE_DSN=" + dsn}
	centrals := []*centralProc{
		{bin: bin, data: filepath.Join(dir, "a"), addr: freeAddr(t), env: env},
		{bin: bin, data: filepath.Join(dir, "b"), addr: freeAddr(t), env: env},
	}
	for _, c := range centrals {
		c.start(t)
		t.Cleanup(c.kill9)
	}

	seed := rand.Uint64()
	t.Logf("fault schedule seed %d", seed)
	faultRng := rand.New(rand.NewPCG(seed, 1))
	var killed atomic.Int64
	var restarted, failedOver atomic.Bool
	faults := make(chan struct{})
	go func() { // kills, then a restart, then the failover
		defer close(faults)
		pause := func() { time.Sleep(time.Duration(200+faultRng.IntN(600)) * time.Millisecond) }
		for k := 0; k < p.centralKills; k++ {
			pause()
			c := centrals[faultRng.IntN(len(centrals))]
			c.kill9()
			killed.Add(1)
			c.start(t)
		}
		pause()
		pgCluster(t, "restart", primaryDir)
		restarted.Store(true)
		pause()
		pgCluster(t, "crash", primaryDir)
		pgCluster(t, "promote", standbyDir)
		failedOver.Store(true)
	}()

	// The simulated agents, each with both centrals, half starting on
	// each: p.rounds rounds while the faults happen, and one more after
	// the failover. Their uploaders' logs count the failovers and which
	// central acknowledged each batch.
	deliveries := &deliveryLog{acked: map[string]int{}}
	log := slog.New(deliveries)
	sim := func(i, rounds, from int, r *rand.Rand) {
		decl := example.Site // a valid declaration, sent with the first batch
		decl.ID = fmt.Sprintf("sim-%03d", i)
		cfg := &agent.Config{Site: decl,
			Central: agent.Central{URLs: []string{"http://" + centrals[i%2].addr, "http://" + centrals[(i+1)%2].addr}, Token: tokens[i], Timeout: 30 * time.Second},
			Outbox:  agent.OutboxConfig{Dir: filepath.Join(dir, "sim", strconv.Itoa(i)), MaxSize: 64 << 20},
			Upload:  agent.UploadConfig{BatchSize: 10, BackoffInitial: 100 * time.Millisecond, BackoffMax: time.Second}}
		for round := from; round < from+rounds; round++ {
			a, err := agent.New(cfg, log)
			if !assert.NoError(t, err) {
				return
			}
			if _, err := a.Enqueue(simRecords(p.records, round)); !assert.NoError(t, err) {
				return
			}
			if r.IntN(3) == 0 { // a crash mid-delivery: the outbox and state survive
				cctx, cancel := context.WithTimeout(ctx, time.Duration(r.IntN(300))*time.Millisecond)
				_, _, _ = a.Drain(cctx)
				cancel()
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
	}
	run := func(rounds, from int) {
		var wg sync.WaitGroup
		for i := 0; i < p.agents; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				sim(i, rounds, from, rand.New(rand.NewPCG(seed, uint64(100+i+1000*from))))
			}(i)
		}
		wg.Wait()
	}
	run(p.rounds, 0)
	during := failedOver.Load()
	<-faults
	run(1, p.rounds)

	want := map[footprint.Key]float64{}
	for i := 0; i < p.agents; i++ {
		for _, a := range simRecords(p.records, p.rounds) {
			want[a.Key(fmt.Sprintf("sim-%03d", i))] = a.Quantity
		}
	}
	st, err := postgres.Open(ctx, dsn, postgres.Options{})
	require.NoError(t, err)
	defer st.Close()
	recs, err := st.Read(ctx, store.Query{})
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
	acked := deliveries.ackedBy()
	t.Logf("two centrals on PostgreSQL: %d simulated agents, %d+1 rounds, %d records expected, %d stored; centrals SIGKILLed %d times, PostgreSQL restarted %v, primary crashed and standby promoted %v (before the agents' rounds ended: %v): lost %d, duplicated %d, stale %d, unexpected %d; batches acknowledged by central a %d, b %d; failovers to the other central %d",
		p.agents, p.rounds, len(want), len(recs), killed.Load(), restarted.Load(), failedOver.Load(), during, lost, dup, stale, extra,
		acked["http://"+centrals[0].addr], acked["http://"+centrals[1].addr], deliveries.failovers.Load())
	assert.Zero(t, lost, "records lost")
	assert.Zero(t, dup, "records duplicated")
	assert.Zero(t, stale, "stale corrections")
	assert.Zero(t, extra, "records nobody sent")
	assert.Equal(t, len(want), len(recs))
	assert.Positive(t, acked["http://"+centrals[0].addr], "central a acknowledged batches")
	assert.Positive(t, acked["http://"+centrals[1].addr], "central b acknowledged batches")
}

// deliveryLog is the simulated agents' log (upload.Uploader's messages),
// counted: each failover to the next central, and the batches each
// central acknowledged.
type deliveryLog struct {
	failovers atomic.Int64
	mu        sync.Mutex
	acked     map[string]int // central's address → batches
}

func (d *deliveryLog) Enabled(context.Context, slog.Level) bool { return true }

func (d *deliveryLog) Handle(_ context.Context, r slog.Record) error {
	switch r.Message {
	case "central failed: the batch goes to the next one":
		d.failovers.Add(1)
	case "batch acknowledged":
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "central" {
				d.mu.Lock()
				d.acked[a.Value.String()]++
				d.mu.Unlock()
			}
			return true
		})
	}
	return nil
}

func (d *deliveryLog) WithAttrs([]slog.Attr) slog.Handler { return d }
func (d *deliveryLog) WithGroup(string) slog.Handler      { return d }

func (d *deliveryLog) ackedBy() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.acked)
}
