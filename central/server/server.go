// Package server is the central's wiring: the public listener's handler
// (the API and the pages behind the security headers), the server that
// runs it and the local operator socket (docs/ARCHITECTURE.md, "One
// writer").
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/api"
	"github.com/greenhelp/greenhelp/central/auth"
	"github.com/greenhelp/greenhelp/central/web"
)

// Handler serves the public listener — the API, /healthz, /metrics and
// the pages, every answer with the security headers — and, through
// LocalOperator, the local operator socket.
type Handler struct {
	api    *api.Handler
	public http.Handler
}

// NewHandler builds the central's routes from the route table
// (RouteTable), each behind its access (central/auth).
func NewHandler(svc *central.Service) (*Handler, error) {
	a := api.New(svc)
	au, err := auth.New(svc)
	if err != nil {
		return nil, err
	}
	handlers, err := merge(a.Routes(), web.Routes(a, svc), au.Routes())
	if err != nil {
		return nil, err
	}
	mux, err := buildRouter(RouteTable(svc.Cfg), handlers, au)
	if err != nil {
		return nil, err
	}
	return &Handler{api: a, public: web.SecurityHeaders(mux)}, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.public.ServeHTTP(w, r) }

// LocalOperator is the handler of the local operator socket: the admin
// routes, without a token (api.Handler.LocalOperator).
func (h *Handler) LocalOperator() http.Handler { return h.api.LocalOperator() }

// Serve runs the HTTP server until ctx ends, then shuts down gracefully:
// in-flight batches finish (committed and acknowledged) or are not
// acknowledged at all.
func Serve(ctx context.Context, svc *central.Service, h http.Handler, ready func(addr string)) error {
	l := svc.Cfg.Limits
	srv := &http.Server{Addr: svc.Cfg.Addr, Handler: h, ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout,
		WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout, MaxHeaderBytes: int(l.MaxHeaderBytes),
		ErrorLog: slog.NewLogLogger(svc.Log.Handler(), slog.LevelWarn)}
	ln, err := listen(svc.Cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		if svc.Cfg.TLS.Cert != "" {
			errc <- srv.ServeTLS(ln, svc.Cfg.TLS.Cert, svc.Cfg.TLS.Key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	// The calculated results kept current in the background (at start,
	// then after each quiet period following batches), stopped before
	// Serve returns and the caller closes the store.
	rctx, stopRefresh := context.WithCancel(ctx)
	refreshed := make(chan struct{})
	go func() {
		defer close(refreshed)
		svc.RunRefresher(rctx, central.Refresher{})
	}()
	defer func() { stopRefresh(); <-refreshed }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	svc.Log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}
