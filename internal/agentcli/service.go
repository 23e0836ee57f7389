package agentcli

import (
	"context"
	"errors"
	"time"
)

// The agent as a service: the part of the Windows service handler that
// does not depend on Windows (service_windows.go adapts the service
// control manager's requests to it), so that it is tested everywhere.

// svcState is what the handler reports to the service manager.
type svcState int

const (
	svcStartPending svcState = iota
	svcRunning
	svcStopPending
	svcStopped
)

// svcRequest is a control request from the service manager.
type svcRequest int

const (
	svcInterrogate svcRequest = iota
	svcStop
	svcShutdown
)

// stopGrace bounds how long the agent has to stop after a stop request
// (a batch in flight stays in the outbox either way).
const stopGrace = 30 * time.Second

// serviceLoop runs the agent (run) until the service manager asks it to
// stop or it ends by itself, reporting each state through report; it
// answers interrogations with the current state. It returns run's error
// (nil after a requested stop).
func serviceLoop(parent context.Context, run func(context.Context) error, requests <-chan svcRequest, report func(svcState)) error {
	report(svcStartPending)
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	state := svcRunning
	report(state)
	stopping := false
	var grace <-chan time.Time
	for {
		select {
		case err := <-done:
			report(svcStopped)
			if stopping && errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		case req, ok := <-requests:
			if !ok {
				requests = nil
				continue
			}
			switch req {
			case svcInterrogate:
				report(state)
			case svcStop, svcShutdown:
				if !stopping {
					stopping, state = true, svcStopPending
					report(state)
					cancel()
					grace = time.After(stopGrace)
				}
			}
		case <-grace:
			report(svcStopped)
			return errors.New("the agent did not stop within 30s of the stop request")
		}
	}
}
