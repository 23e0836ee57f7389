package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/postgres"
)

func newMigrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate --to postgres --dsn DSN",
		Short: "Copy the store (SQLite, or SQLite + InfluxDB) into an empty PostgreSQL database, and check the copy",
		Long: `Copy the store the configuration names — the SQLite file of the data
directory and, on the InfluxDB backend, the records in InfluxDB — into an empty
PostgreSQL database: the catalog as it is (site tokens keep working, the batch
log keeps agents' retries duplicates), every record, the rollups as they are.
One transaction: a failure copies nothing. Then the inventory and the ESG
export of every year, and the trajectory, are computed on both stores and
compared byte for byte; their SHA-256 are printed. Stop the central first:
the data directory is held during the copy. Afterwards set
store: {backend: postgres, dsn: …} in central.yaml.`,
		Example: "  greenhelp migrate --data /srv/greenhelp-data --to postgres --dsn 'postgres://greenhelp@db:5432/greenhelp?sslmode=verify-full'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			to, _ := cmd.Flags().GetString("to")
			dsn, _ := cmd.Flags().GetString("dsn")
			if to != "postgres" {
				return fmt.Errorf("--to %q: want postgres (the one backend a store is copied to)", to)
			}
			if dsn == "" {
				return fmt.Errorf("--dsn: missing: the empty PostgreSQL database to copy into, e.g. postgres://greenhelp@db:5432/greenhelp?sslmode=verify-full (the password in PGPASSWORD or ~/.pgpass)")
			}
			cfg, err := loadCentral(cmd)
			if err != nil {
				return err
			}
			if cfg.Store.Backend == "postgres" {
				return fmt.Errorf("the configured store is already PostgreSQL: migrate copies a SQLite (or SQLite + InfluxDB) store — give its data directory with --data, and its store.backend (sqlite or influxdb)")
			}
			if err := storeIn(cmd, cfg); err != nil {
				return err
			}
			lock, err := store.LockDir(cfg.Data, store.Holder{Command: "migrate"})
			var le *store.LockedError
			if errors.As(err, &le) {
				return fmt.Errorf("%w: stop it first — the copy must see no batch arrive meanwhile", err)
			}
			if err != nil {
				return err
			}
			defer lock.Close()
			return migrateStore(cmd.Context(), cfg, dsn, cmd.OutOrStdout(), logger(cmd, io.Discard))
		},
	}
	cmd.Flags().String("to", "", "the backend to copy into: postgres")
	cmd.Flags().String("dsn", "", "the PostgreSQL database (empty; its schema is created)")
	storeFlags(cmd)
	_ = cmd.Flags().MarkHidden("init")
	return cmd
}

// migrateStore copies cfg's store into the PostgreSQL database dsn
// (postgres.Import), then compares every year's inventory and export and
// the trajectory on both; a difference is an error (the copy stays:
// drop the database before trying again).
func migrateStore(ctx context.Context, cfg *central.Config, dsn string, out io.Writer, log *slog.Logger) error {
	from, err := server.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer from.Close()
	src, ok := from.Store.(postgres.Source)
	if !ok {
		return fmt.Errorf("store %s (%s): cannot be read table by table", from.StorePath(), cfg.Store.Backend)
	}
	before, err := fingerprints(ctx, from)
	if err != nil {
		return fmt.Errorf("the store before the copy: %w", err)
	}
	dst, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return err
	}
	n, err := dst.Import(ctx, src)
	dst.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "copied into %s: %d site(s), %d record(s), %d batch log entries, %d declaration version(s), %d monthly rollup row(s), %d kept record(s)\n",
		dst.Path(), n["sites"], n["activities"], n["batches"], n["site_versions"], n["rollup_months"], n["rollup_spans"])
	pgCfg := *cfg
	pgCfg.Store = central.StoreConf{Backend: "postgres", DSN: dsn}
	to, err := server.Open(ctx, &pgCfg, log)
	if err != nil {
		return err
	}
	defer to.Close()
	after, err := fingerprints(ctx, to)
	if err != nil {
		return fmt.Errorf("the copy: %w", err)
	}
	return compare(out, before, after)
}

// fingerprint is the SHA-256 of a view's bytes (inventory JSON, the
// export's JSON data file, the trajectory JSON).
type fingerprint map[string]string

func digest(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:]), nil
}

// fingerprints computes, for every full year of data, the group
// inventory's and the ESG export's digests, and the trajectory's.
func fingerprints(ctx context.Context, svc *central.Service) (fingerprint, error) {
	fp := fingerprint{}
	page, err := svc.GroupPage(ctx, 0)
	if errors.Is(err, central.ErrNoData) {
		return fp, nil
	}
	if err != nil {
		return nil, err
	}
	for _, y := range page.Years {
		inv, err := svc.Inventory(ctx, y)
		if err != nil {
			return nil, fmt.Errorf("inventory %d: %w", y, err)
		}
		if fp[fmt.Sprintf("%d inventory", y)], err = digest(inv); err != nil {
			return nil, err
		}
		d, err := svc.ESGDataset(ctx, y, "", Version)
		if err != nil {
			return nil, fmt.Errorf("export %d: %w", y, err)
		}
		raw, err := d.JSON()
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(raw)
		fp[fmt.Sprintf("%d export", y)] = hex.EncodeToString(h[:])
	}
	tr, err := svc.Trajectory(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	fp["trajectory"], err = digest(tr)
	return fp, err
}

// compare prints every digest before and after and fails on a difference.
func compare(out io.Writer, before, after fingerprint) error {
	keys := make([]string, 0, len(before))
	for k := range before {
		keys = append(keys, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var differ []string
	for _, k := range keys {
		same := before[k] == after[k]
		mark := "identical"
		if !same {
			mark = "DIFFERS (after: " + after[k] + ")"
			differ = append(differ, k)
		}
		fmt.Fprintf(out, "  %-16s sha256 %s %s\n", k, before[k], mark)
	}
	if len(differ) > 0 {
		return fmt.Errorf("the copy does not give the same figures for %v: drop the PostgreSQL database, keep serving the old store, and report it", differ)
	}
	fmt.Fprintln(out, "every year's inventory and export, and the trajectory, are identical on the copy: set store: {backend: postgres, dsn: …} in central.yaml")
	return nil
}
