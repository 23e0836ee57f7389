package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The local operator socket: while a central serves a data directory, it
// is the store's one writer (it holds the directory's lock, see
// store.LockDir); the commands that change the store — `greenhelp sites
// add/close/reopen/rotate-token`, `offsets add`, `close-year`, `rollups
// rebuild` — reach it through a Unix socket whose path the lock file
// gives, and are applied by the serving process, which then knows of them
// at once (docs/ARCHITECTURE.md, "One writer").

// operatorDirPrefix names the private folders that hold the socket.
const operatorDirPrefix = "operator-"

// maxSocketPath is the longest path a Unix socket address takes on Linux
// (sun_path is 108 bytes with its terminating NUL).
const maxSocketPath = 107

// ListenOperator listens on a new Unix socket for the central of dataDir,
// in a private folder (0700: only the central's user can connect) inside
// the data directory, or in the system's temporary directory when the
// data directory's path is too long for a socket address. Folders left
// by a central that was killed are removed first: the caller holds the
// data directory's lock, so none of them is in use. The returned function
// closes the listener and removes the folder.
func ListenOperator(dataDir string) (net.Listener, string, func(), error) {
	dataDir, err := filepath.Abs(dataDir) // the lock file gives the path to commands run from anywhere
	if err != nil {
		return nil, "", nil, fmt.Errorf("the local operator socket: %w", err)
	}
	stale, _ := filepath.Glob(filepath.Join(dataDir, operatorDirPrefix+"*"))
	for _, d := range stale {
		RemoveOperatorDir(d)
	}
	parent := dataDir
	if len(filepath.Join(dataDir, operatorDirPrefix+"0123456789", "sock")) > maxSocketPath {
		if parent, err = filepath.Abs(os.TempDir()); err != nil {
			return nil, "", nil, fmt.Errorf("the local operator socket: %w", err)
		}
	}
	dir, err := os.MkdirTemp(parent, operatorDirPrefix)
	if err != nil {
		return nil, "", nil, fmt.Errorf("the local operator socket: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", nil, fmt.Errorf("the local operator socket: %w", err)
	}
	path := filepath.Join(dir, "sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", nil, fmt.Errorf("the local operator socket %s: %w", path, err)
	}
	return ln, path, func() { _ = ln.Close(); _ = os.RemoveAll(dir) }, nil
}

// operatorDirName is the name os.MkdirTemp gives an operator folder.
var operatorDirName = regexp.MustCompile(`^` + operatorDirPrefix + `[0-9]+$`)

// RemoveOperatorDir removes the folder of a central's operator socket
// that no longer runs (it was killed): dir only if it is one of ours — its
// name operator-<digits>, holding nothing but a socket named sock. The
// caller holds the data directory's lock.
func RemoveOperatorDir(dir string) {
	if !operatorDirName.MatchString(filepath.Base(dir)) {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Name() != "sock" || e.Type()&fs.ModeSocket == 0 {
			return
		}
	}
	_ = os.RemoveAll(dir)
}

// ServeOperator serves h's local operator routes on ln until ctx ends.
func ServeOperator(ctx context.Context, ln net.Listener, h *Handler, log *slog.Logger) error {
	srv := &http.Server{Handler: h.LocalOperator(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// OperatorURL is the base URL of requests sent over the operator socket
// (the host is a placeholder: the connection is the socket).
const OperatorURL = "http://greenhelp-operator"

// OperatorClient is an HTTP client whose every connection is the local
// operator socket at path.
func OperatorClient(path string) *http.Client {
	return &http.Client{
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// LoopbackURL is the URL a process on the central's host reaches it at:
// a wildcard listen address (0.0.0.0, ::) is reached on loopback.
func LoopbackURL(scheme, addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return scheme + "://" + addr
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}
