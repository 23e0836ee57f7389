package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext is the root context: SIGTERM and Ctrl-C cancel it.
func signalContext() (context.Context, func()) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
