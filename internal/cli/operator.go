package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/api"
	"github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
)

// One writer per data directory (docs/ARCHITECTURE.md, "One writer"): a
// central holds the directory's lock while it serves; a command that
// changes the store goes through the serving central's local operator
// socket, or, when none serves, holds the lock itself while it works.

// holdData takes cfg's data directory for a central (serve, demo): a
// second central, or a central started while a command changes the store,
// is refused with the process that holds it.
func holdData(cfg *central.Config, command string) (*store.DirLock, error) {
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", cfg.Data, err)
	}
	prev, _ := store.ReadHolder(cfg.Data)
	// A command that changes the store is waited for (a little); another
	// central is not.
	lock, err := store.LockDirWait(cfg.Data, store.Holder{Command: command}, waitFor(commandWait, func(h store.Holder) bool { return h.URL == "" }))
	var le *store.LockedError
	if errors.As(err, &le) {
		if le.Holder.URL != "" {
			return nil, fmt.Errorf("%w: one central per data directory — use that one, or stop it first", err)
		}
		return nil, fmt.Errorf("%w: start the central once it has finished", err)
	}
	if err == nil && prev.Socket != "" {
		// The folder of a central that was killed (a clean stop removes
		// it): one in the system's temporary directory is not in the
		// data directory ListenOperator cleans.
		server.RemoveOperatorDir(filepath.Dir(prev.Socket))
	}
	return lock, err
}

// commandWait is how long a command or a central waits for another
// command that holds the data directory, or for a central that starts.
const commandWait = 30 * time.Second

// waitFor is a LockDirWait condition: while holding says so of the
// holder, for at most d.
func waitFor(d time.Duration, holding func(store.Holder) bool) func(store.Holder) bool {
	deadline := time.Now().Add(d)
	return func(h store.Holder) bool { return holding(h) && time.Now().Before(deadline) }
}

// serveHeld serves svc as the holder of lock: the HTTP server, and the
// local operator socket, whose path and the central's URL the lock file
// then gives; ready is called with the listen address.
func serveHeld(ctx context.Context, lock *store.DirLock, svc *central.Service, h *server.Handler, log *slog.Logger, ready func(addr string)) error {
	ln, socket, closeSocket, err := server.ListenOperator(svc.Cfg.Data)
	if err != nil {
		return err
	}
	defer closeSocket()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opErr := make(chan error, 1)
	go func() { opErr <- server.ServeOperator(ctx, ln, h, log) }()
	scheme := "http"
	if svc.Cfg.TLS.Cert != "" {
		scheme = "https"
	}
	err = server.Serve(ctx, svc, h, func(addr string) {
		held := lock.Holder()
		held.URL, held.Socket = server.LoopbackURL(scheme, addr), socket
		if err := lock.Update(held); err != nil {
			log.Warn("the lock file could not say where the central answers: the commands that change the store will be refused until it stops", "err", err)
		}
		ready(addr)
	})
	cancel()
	return errors.Join(err, <-opErr)
}

// servePostgres serves a store in PostgreSQL: no data directory is held
// and no operator socket listens — several centrals share the database,
// and the commands that change it write to it themselves (changeStore).
func servePostgres(cmd *cobra.Command, cfg *central.Config, log *slog.Logger) error {
	svc, err := server.Open(cmd.Context(), cfg, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.CheckWritable(cmd.Context()); err != nil {
		return err
	}
	log.Info("greenhelp serve", "config", cfg.String())
	scheme := "http"
	if cfg.TLS.Cert != "" {
		scheme = "https"
	}
	h, err := server.NewHandler(svc)
	if err != nil {
		return err
	}
	return server.Serve(cmd.Context(), svc, h, func(addr string) {
		fmt.Fprintf(cmd.OutOrStdout(), "ready: %s://%s/\n", scheme, addr)
	})
}

// operator reaches the central that serves a data directory through its
// local operator socket.
type operator struct {
	holder store.Holder
	client *http.Client
}

// call sends in (JSON; nil: none) to path of the admin routes and decodes
// the answer into out; the central's refusal is the error, in its words.
// It waits for the answer at most operatorWait (a rollups rebuild,
// rebuildWait).
func (o *operator) call(ctx context.Context, path string, in, out any) error {
	wait := operatorWait
	if strings.HasSuffix(path, "/rollups/rebuild") {
		wait = rebuildWait
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var body io.Reader = http.NoBody
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, server.OperatorURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.OperatorActorHeader, cliActor().Name)
	resp, err := o.client.Do(req)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the central that serves the data directory, %s, did not answer within %s on its operator socket %s: the change may have been applied all the same — look before running the command again (greenhelp sites list; a site's token not seen: sites rotate-token)", o.holder, wait, o.holder.Socket)
	}
	if err != nil {
		return fmt.Errorf("the central that serves the data directory, %s, did not answer on its operator socket %s: %w", o.holder, o.holder.Socket, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return fmt.Errorf("the central refused: %s", e.Error)
		}
		return fmt.Errorf("the central answered %s", resp.Status)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("the central's answer: %w", err)
	}
	return nil
}

// operatorWait and rebuildWait bound the wait for the central's answer.
const (
	operatorWait = time.Minute
	rebuildWait  = 30 * time.Minute
)

// changeStore runs a command that changes the store: through the central
// that serves the data directory when one does (remote), otherwise here
// (local) with the directory locked, so that no central starts meanwhile.
// Another command holding the lock is waited for, up to commandWait;
// after that the command is refused, saying which.
func changeStore(cmd *cobra.Command, what string, remote func(*operator) error, local func() error) error {
	cfg, err := loadCentral(cmd)
	if err != nil {
		return err
	}
	if cfg.Store.Backend == "postgres" {
		// No one writer: the database orders the changes of every process.
		return local()
	}
	dir, err := filepath.Abs(cfg.Data)
	if err != nil {
		dir = cfg.Data
	}
	if _, err := os.Stat(filepath.Join(dir, store.DBFile)); errors.Is(err, fs.ErrNotExist) {
		if err := storeIn(cmd, cfg); err != nil { // says how to name the store, or --init
			return err
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
	}
	// Another command is waited for, and a central that starts until it
	// listens; a serving central takes the command.
	lock, err := store.LockDirWait(dir, store.Holder{Command: what}, waitFor(commandWait, func(h store.Holder) bool { return h.Socket == "" }))
	var le *store.LockedError
	switch {
	case errors.As(err, &le) && le.Holder.Socket != "":
		fmt.Fprintf(cmd.ErrOrStderr(), "store: %s, through the central that serves it: %s\n", dir, le.Holder)
		return remote(&operator{holder: le.Holder, client: server.OperatorClient(le.Holder.Socket)})
	case errors.As(err, &le):
		return fmt.Errorf("%w, for more than %s: run the command again once it has finished", err, commandWait)
	case err != nil:
		return err
	}
	defer lock.Close()
	return local()
}
