package server

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/influx"
	"github.com/greenhelp/greenhelp/central/store/postgres"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
)

// Open opens the stores the configuration names, for the one writer of
// the data directory: it migrates an older schema, applies the overrides
// file, upgrades an older InfluxDB point format and builds missing
// rollups. The one place that knows the backends (the API and the pages
// reach no database: docs/ARCHITECTURE.md, section 2).
func Open(ctx context.Context, cfg *central.Config, log *slog.Logger) (*central.Service, error) {
	return open(ctx, cfg, log, false)
}

// OpenReadOnly opens the stores to read them beside the central that
// serves them (their one writer, docs/ARCHITECTURE.md "One writer"): the
// catalog is opened read-only and nothing is migrated, applied, upgraded
// or built — a store that needs it is refused, with what to do.
func OpenReadOnly(ctx context.Context, cfg *central.Config, log *slog.Logger) (*central.Service, error) {
	return open(ctx, cfg, log, true)
}

func open(ctx context.Context, cfg *central.Config, log *slog.Logger, readOnly bool) (*central.Service, error) {
	st, err := openStore(ctx, cfg, readOnly, log)
	if err != nil {
		if advice := central.StoreAdvice(err); advice != "" {
			err = fmt.Errorf("%w: %s", err, advice)
		}
		return nil, err
	}
	return central.New(ctx, cfg, st, log, readOnly)
}

// openStore opens the store the configuration names: the one place that
// knows the backends (store/sqlite, store/influx, store/postgres) —
// everything else speaks store.Store. readOnly opens a SQLite store
// beside the central that serves it: nothing is migrated or upgraded. A
// PostgreSQL database has no one writer: every process opens it alike,
// its migrations under the database's own lock.
func openStore(ctx context.Context, cfg *central.Config, readOnly bool, log *slog.Logger) (store.Store, error) {
	if cfg.Store.Backend == "postgres" {
		return postgres.Open(ctx, cfg.Store.DSN, postgres.Options{})
	}
	o := sqlite.Options{ReadOnly: readOnly}
	if cfg.Store.Backend == "influxdb" {
		st, err := influx.Open(ctx, cfg.Data, o, cfg.Store.InfluxDB, log)
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	st, err := sqlite.OpenWith(cfg.Data, o)
	if err != nil {
		return nil, err
	}
	return st, nil
}
