//go:build unix

package store

import (
	"os"
	"syscall"
)

var errWouldBlock = syscall.EWOULDBLOCK

// flock takes an exclusive advisory lock on f without waiting. It is
// per open file: a second open of the same file, even in this process, is
// refused while the first holds it.
func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}

// alive says whether a process with pid runs (signal 0: no signal sent,
// only the check; EPERM is a process of another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
