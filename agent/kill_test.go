//go:build !windows

package agent

import (
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/internal/testbin"
)

// buildAgent compiles cmd/greenhelp-agent once per test binary.
func buildAgent() (string, error) { return testbin.Build("../cmd/greenhelp-agent") }

// TestKill9BetweenWriteAndAckLosesNothingAndCountsNothingTwice runs the
// real binary, kills it with SIGKILL while its batch is in flight, runs it
// again, and checks that every record arrived exactly once.
func TestKill9BetweenWriteAndAckLosesNothingAndCountsNothingTwice(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills the agent binary; run without -short")
	}
	bin, err := buildAgent()
	require.NoError(t, err)
	tests := []struct {
		name string
		// killAfterApply: the central stored the batch but the agent never
		// saw the acknowledgement; otherwise it is killed before the store.
		killAfterApply bool
	}{
		{"killed after the central stored the batch, before the ack", true},
		{"killed before the central stored the batch", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			central := newFakeCentral("fr-lyo-gerland", "tok-123")
			inFlight := make(chan struct{})
			release := make(chan struct{})
			var once sync.Once
			hold := func() {
				once.Do(func() {
					close(inFlight)
					<-release
				})
			}
			if tt.killAfterApply {
				central.afterApply = hold
			} else {
				central.beforeApply = hold
			}
			url := central.start(t, "")
			a := exampleAgent(t, url)
			want := expectedRecords(t, a)

			cmd := exec.Command(bin, "once", "--config", a.Cfg.path)
			cmd.Env = agentEnv(a)
			require.NoError(t, cmd.Start())
			select {
			case <-inFlight:
			case <-time.After(60 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the agent never reached the central")
			}
			require.NoError(t, cmd.Process.Kill()) // SIGKILL: no cleanup runs
			_ = cmd.Wait()
			close(release)

			pending, err := a.Outbox.Pending()
			require.NoError(t, err)
			require.Len(t, pending, 1, "the unacknowledged batch survived the kill on disk")

			again := exec.Command(bin, "once", "--config", a.Cfg.path)
			again.Env = agentEnv(a)
			out, err := again.CombinedOutput()
			require.NoError(t, err, string(out))

			records, batches, dups, _ := central.stats()
			assert.Equal(t, want, records, "every record arrived")
			assert.Equal(t, 1, batches, "and was applied once")
			if tt.killAfterApply {
				assert.Equal(t, 1, dups, "the re-sent batch id was acknowledged and changed nothing")
			} else {
				// The held request may still complete on the central after
				// the agent died (as a real server may): then the re-send is
				// a duplicate. Either way the batch is applied once.
				assert.LessOrEqual(t, dups, 1)
			}
			pending, _ = a.Outbox.Pending()
			assert.Empty(t, pending)
		})
	}
}

// TestRunStopsCleanlyOnSIGTERM runs the daemon, waits for its first
// delivery, sends SIGTERM and expects a prompt, clean exit.
func TestRunStopsCleanlyOnSIGTERM(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the agent binary; run without -short")
	}
	bin, err := buildAgent()
	require.NoError(t, err)
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	delivered := make(chan struct{})
	var once sync.Once
	central.afterApply = func() { once.Do(func() { close(delivered) }) }
	a := exampleAgent(t, central.start(t, ""))
	cmd := exec.Command(bin, "run", "--config", a.Cfg.path)
	cmd.Env = agentEnv(a)
	require.NoError(t, cmd.Start())
	select {
	case <-delivered:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the daemon delivered nothing")
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		assert.NoError(t, err, "exit status 0 after SIGTERM")
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the daemon did not stop on SIGTERM")
	}
	records, _, _, _ := central.stats()
	assert.Equal(t, expectedRecords(t, a), records)
}
