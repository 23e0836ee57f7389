package central

import (
	"context"
	"log/slog"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/influx"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
)

// openStore opens the store the configuration names: the one place of
// central that knows the backends (store/sqlite, store/influx) — every
// other file speaks store.Store. readOnly opens it beside the central
// that serves it: nothing is migrated or upgraded.
func openStore(ctx context.Context, cfg *Config, readOnly bool, log *slog.Logger) (store.Store, error) {
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
