package agentcli

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type reports struct {
	mu sync.Mutex
	s  []svcState
}

func (r *reports) add(s svcState) { r.mu.Lock(); r.s = append(r.s, s); r.mu.Unlock() }
func (r *reports) all() []svcState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]svcState(nil), r.s...)
}

// The service handler: start pending, running; an interrogation is
// answered with the state; a stop cancels the agent, which returns, and
// the service reports stopped with no error.
func TestTheServiceStopsTheAgentOnRequest(t *testing.T) {
	t.Parallel()
	var rep reports
	reqs := make(chan svcRequest, 3) // the manager does not wait for the handler to read
	started := make(chan struct{})
	run := func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}
	done := make(chan error, 1)
	go func() { done <- serviceLoop(context.Background(), run, reqs, rep.add) }()
	<-started
	reqs <- svcInterrogate
	reqs <- svcStop
	reqs <- svcShutdown // a second stop request changes nothing
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the service did not stop")
	}
	assert.Equal(t, []svcState{svcStartPending, svcRunning, svcRunning, svcStopPending, svcStopped}, rep.all())
}

// An agent that ends by itself (a configuration that cannot run) stops
// the service with its error.
func TestTheServiceReportsAnAgentThatFails(t *testing.T) {
	t.Parallel()
	var rep reports
	bad := errors.New("site.yaml: 2 problem(s)")
	err := serviceLoop(context.Background(), func(context.Context) error { return bad }, make(chan svcRequest), rep.add)
	assert.Same(t, bad, err)
	assert.Equal(t, svcStopped, rep.all()[len(rep.all())-1])
}
