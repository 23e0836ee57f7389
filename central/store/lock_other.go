//go:build !unix

package store

import (
	"errors"
	"os"
	"runtime"
)

var errWouldBlock = errors.New("would block")

// flock: the central runs on Unix-like systems; elsewhere a data directory
// cannot be locked, and a command that needs the lock says so.
func flock(*os.File) error {
	return errors.New("locking a data directory is not supported on " + runtime.GOOS + ": run the central on Linux")
}

func alive(int) bool { return true }
