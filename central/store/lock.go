package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the file of a data directory that its one writer holds
// locked (flock) for as long as it runs: `greenhelp serve` (or demo) for
// its lifetime, a command that changes the store while it runs. The file
// says who holds it, so that another process can say so or reach the
// central that serves the directory (docs/ARCHITECTURE.md, "One writer").
const LockFile = "greenhelp.lock"

// Holder is what the lock file says of the process that holds it.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
	// URL is where a serving central answers (empty for a command).
	URL string `json:"url,omitempty"`
	// Socket is the serving central's local operator socket (empty for a
	// command): the commands that change the store go through it.
	Socket string `json:"socket,omitempty"`
}

// String says who holds a data directory, in words.
func (h Holder) String() string {
	s := fmt.Sprintf("`greenhelp %s` (pid %d", h.Command, h.PID)
	if h.URL != "" {
		s += ", serving " + h.URL
	}
	if !h.Since.IsZero() {
		s += ", since " + h.Since.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	return s + ")"
}

// ErrLocked is a data directory another process holds.
var ErrLocked = errors.New("data directory in use")

// LockedError says which process holds a data directory.
type LockedError struct {
	Dir    string
	Holder Holder
}

func (e *LockedError) Error() string {
	if e.Holder.PID == 0 {
		return fmt.Sprintf("%s: %v by another greenhelp process", e.Dir, ErrLocked)
	}
	return fmt.Sprintf("%s: %v by %s", e.Dir, ErrLocked, e.Holder)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// DirLock is a held data-directory lock.
type DirLock struct {
	f      *os.File
	holder Holder
}

// LockDir takes dir's lock for the calling process, which h describes
// (PID and Since are filled in), without waiting for a live holder (only,
// up to 5 s, for a process that merely looks at the lock): a *LockedError (Is
// ErrLocked) names the process that holds it. The lock ends with Close or
// with the process, however it ends.
func LockDir(dir string, h Holder) (*DirLock, error) {
	return LockDirWait(dir, h, nil)
}

// lockPoll is how often LockDirWait tries again.
const lockPoll = 25 * time.Millisecond

// LockDirWait is LockDir, trying again while wait says so of the holder
// (nil: never): a command waits for another command to end, or for a
// central that starts to listen, instead of being refused. A holder is
// read only after a failed try, so a process that merely looked at the
// lock (Held) is waited for, never taken for the holder the file names.
func LockDirWait(dir string, h Holder, wait func(Holder) bool) (*DirLock, error) {
	looks := 0
	for {
		l, err := lockDir(dir, h)
		var le *LockedError
		if !errors.As(err, &le) {
			return l, err
		}
		switch {
		case le.Holder.PID == 0 || !alive(le.Holder.PID):
			// No live holder named: a process is only looking at the lock
			// (Held: microseconds), or a holder is starting or ending.
			if looks++; looks > 200 { // 5 s
				le.Holder = Holder{}
				return nil, le
			}
		case wait == nil || !wait(le.Holder):
			return nil, le
		}
		time.Sleep(lockPoll)
	}
}

func lockDir(dir string, h Holder) (*DirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking the data directory: %w", err)
	}
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			held, _ := ReadHolder(dir)
			return nil, &LockedError{Dir: dir, Holder: held}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	h.PID = os.Getpid()
	if h.Since.IsZero() {
		h.Since = time.Now()
	}
	l := &DirLock{f: f}
	if err := l.Update(h); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Update rewrites what the lock file says of its holder (a central once it
// listens: its URL and socket).
func (l *DirLock) Update(h Holder) error {
	if h.PID == 0 {
		h.PID = l.holder.PID
	}
	if h.Since.IsZero() {
		h.Since = l.holder.Since
	}
	raw, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("writing %s: %w", l.f.Name(), err)
	}
	if _, err := l.f.WriteAt(append(raw, '\n'), 0); err != nil {
		return fmt.Errorf("writing %s: %w", l.f.Name(), err)
	}
	l.holder = h
	return nil
}

// Holder is what this lock says of its holder.
func (l *DirLock) Holder() Holder { return l.holder }

// Close releases the lock. The file stays: its content is no longer true,
// but only a held lock is read as a holder.
func (l *DirLock) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := l.f.Close() // closing the file releases the flock
	l.f = nil
	return err
}

// ReadHolder reads what dir's lock file says of its holder (the zero
// Holder when it says nothing).
func ReadHolder(dir string) (Holder, error) {
	var h Holder
	raw, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil || len(raw) == 0 {
		return h, err
	}
	return h, json.Unmarshal(raw, &h)
}

// Held says whether a process holds dir's lock (this one included,
// through another LockDir), and who, without taking it for longer than
// the look and without writing anything (a read-only copy of a store can
// be read).
func Held(dir string) (Holder, bool, error) {
	f, err := os.Open(filepath.Join(dir, LockFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Holder{}, false, nil // never locked
	}
	if err != nil {
		return Holder{}, false, fmt.Errorf("the data directory's lock: %w", err)
	}
	defer f.Close() // releases the look's lock, if it took it
	switch err := flock(f); {
	case errors.Is(err, errWouldBlock):
		h, _ := ReadHolder(dir)
		return h, true, nil
	case err != nil:
		return Holder{}, false, fmt.Errorf("the data directory's lock: %w", err)
	}
	return Holder{}, false, nil
}
