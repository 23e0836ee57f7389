package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/internal/csvsafe"
)

// storeFlags are the flags every command that reads the store takes.
func storeFlags(cmd *cobra.Command) {
	cmd.Flags().String("config", "", "central.yaml (optional; env GREENHELP_* and flags override it)")
	cmd.Flags().String("data", "", "data directory (default ./greenhelp-data; env GREENHELP_DATA)")
	cmd.Flags().Bool("init", false, "create a new store when the data directory holds none (otherwise refused)")
}

// storeIn checks that cfg's data directory holds a store — or, with
// --init, lets one be created — and says on stderr which store the
// command opens: a command run from another folder, or without --data
// beside a running central, never creates an empty store silently.
func storeIn(cmd *cobra.Command, cfg *central.Config) error {
	if cfg.Store.Backend == "postgres" {
		// The database is created by its operator; the schema by whichever
		// greenhelp opens it first.
		fmt.Fprintf(cmd.ErrOrStderr(), "store: PostgreSQL (store.dsn)\n")
		return nil
	}
	dir, err := filepath.Abs(cfg.Data)
	if err != nil {
		dir = cfg.Data
	}
	_, statErr := os.Stat(filepath.Join(dir, store.DBFile))
	create, _ := cmd.Flags().GetBool("init")
	switch {
	case statErr == nil:
		fmt.Fprintf(cmd.ErrOrStderr(), "store: %s (%s)\n", dir, cfg.Store.Backend)
	case errors.Is(statErr, fs.ErrNotExist) && create:
		fmt.Fprintf(cmd.ErrOrStderr(), "store: %s (%s), created\n", dir, cfg.Store.Backend)
	case errors.Is(statErr, fs.ErrNotExist):
		return fmt.Errorf("no greenhelp store in %s (no %s there): give --data the central's data directory (or set GREENHELP_DATA; the default is ./greenhelp-data, relative to where you run the command), or add --init to create a new store there", dir, store.DBFile)
	default:
		return fmt.Errorf("store %s: %w", dir, statErr)
	}
	return nil
}

func loadCentral(cmd *cobra.Command) (*central.Config, error) {
	path, _ := cmd.Flags().GetString("config")
	return central.LoadConfig(path, cmd.Flags())
}

// openService loads the configuration (--config, --data, environment) and
// opens the stores; the caller closes the service.
func openService(cmd *cobra.Command, log *slog.Logger) (*central.Service, *central.Config, error) {
	cfg, err := loadCentral(cmd)
	if err != nil {
		return nil, nil, err
	}
	if err := storeIn(cmd, cfg); err != nil {
		return nil, nil, err
	}
	open := server.Open
	// Beside the central that serves it (or a command that changes it),
	// the store is read only: its one writer migrates, applies and builds.
	if _, held, err := store.Held(cfg.Data); err != nil {
		return nil, nil, err
	} else if held {
		open = server.OpenReadOnly
	}
	svc, err := open(cmd.Context(), cfg, log)
	if err != nil {
		return nil, nil, err
	}
	return svc, cfg, nil
}

// checkSiteID refuses an --id that cannot be a site's, before any store
// is opened or a central asked.
func checkSiteID(id string) error {
	if !footprint.ValidSiteID(id) {
		return fmt.Errorf("--id %q: %s", footprint.Clip(id), footprint.SiteIDRule)
	}
	return nil
}

// withService opens the service for the command that holds the data
// directory's lock (changeStore's local path), runs fn on it and closes
// it.
func withService(cmd *cobra.Command, fn func(*central.Service) error) error {
	cfg, err := loadCentral(cmd)
	if err != nil {
		return err
	}
	if err := storeIn(cmd, cfg); err != nil {
		return err
	}
	svc, err := server.Open(cmd.Context(), cfg, logger(cmd, io.Discard))
	if err != nil {
		return err
	}
	defer svc.Close()
	cmd.SetContext(central.WithActor(cmd.Context(), cliActor()))
	return fn(svc)
}

// logger writes to w as --log-format says (text, or json for a log
// collector; env GREENHELP_LOG_FORMAT).
func logger(cmd *cobra.Command, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if f, _ := cmd.Flags().GetString("log-format"); f == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the central service: batch ingestion, API, pages, /metrics",
		Long: `Run the central service. With no configuration it serves on 127.0.0.1:8080
with the embedded SQLite store in ./greenhelp-data. Flags override GREENHELP_*
environment variables, which override the --config file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadCentral(cmd)
			if err != nil {
				return err
			}
			log := logger(cmd, cmd.ErrOrStderr())
			if cfg.Store.Backend == "postgres" {
				return servePostgres(cmd, cfg, log)
			}
			lock, err := holdData(cfg, "serve")
			if err != nil {
				return err
			}
			defer lock.Close()
			svc, err := server.Open(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer svc.Close()
			if err := svc.CheckWritable(cmd.Context()); err != nil {
				return err
			}
			h, err := server.NewHandler(svc)
			if err != nil {
				return err
			}
			log.Info("greenhelp serve", "config", cfg.String())
			return serveHeld(cmd.Context(), lock, svc, h, log, func(addr string) {
				scheme := "http"
				if cfg.TLS.Cert != "" {
					scheme = "https"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "ready: %s://%s/\n", scheme, addr)
			})
		},
	}
	storeFlags(cmd)
	_ = cmd.Flags().MarkHidden("init") // serve creates its store
	cmd.Flags().String("addr", "", "listen address HOST:PORT (default 127.0.0.1:8080; env GREENHELP_ADDR)")
	return cmd
}

func openCatalog(cmd *cobra.Command) (*sqlite.Store, error) {
	cfg, err := loadCentral(cmd)
	if err != nil {
		return nil, err
	}
	if err := notOnPostgres(cfg, "backup"); err != nil {
		return nil, err
	}
	if err := storeIn(cmd, cfg); err != nil {
		return nil, err
	}
	return sqlite.Open(cfg.Data)
}

// notOnPostgres refuses a command that works on the SQLite file when the
// store is a PostgreSQL database.
func notOnPostgres(cfg *central.Config, command string) error {
	if cfg.Store.Backend == "postgres" {
		return fmt.Errorf("greenhelp %s copies the SQLite file of the data directory; the store is a PostgreSQL database (store.backend postgres): back it up and restore it with PostgreSQL's own tools — pg_dump / pg_restore, or pg_basebackup and its write-ahead log (README, \"PostgreSQL\")", command)
	}
	return nil
}

func newReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print the inventory of a year from the configured store",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, _ := cmd.Flags().GetString("format")
			if err := checkFormat(format, "table", "json", "csv"); err != nil {
				return err
			}
			year, _ := cmd.Flags().GetInt("year")
			if year < 1990 || year > 2100 {
				return fmt.Errorf("--year %d: want the reporting year, e.g. --year 2024", year)
			}
			svc, cfg, err := openService(cmd, logger(cmd, io.Discard))
			if err != nil {
				return err
			}
			defer svc.Close()
			out := cmd.OutOrStdout()
			if site, _ := cmd.Flags().GetString("site"); site != "" {
				inv, err := svc.SiteInventory(cmd.Context(), site, year)
				if err != nil {
					return err
				}
				if len(inv.Lines) == 0 && inv.PowerOff.DeviceHours == nil {
					// Not a row of zeros: say why there is nothing.
					why := ""
					if sts, err := svc.SiteStatuses(cmd.Context()); err == nil {
						for _, st := range sts {
							if st.ID == site {
								why = fmt.Sprintf(" (%s: %s)", st.Status, st.Why)
							}
						}
					}
					return fmt.Errorf("%w: site %s has no records counted in %d%s", central.ErrNoData, site, year, why)
				}
				switch format {
				case "json":
					return writeJSON(out, inv)
				case "csv":
					return inventoryCSV(out, []*ghg.Inventory{inv})
				}
				return printInventory(out, inv)
			}
			g, err := svc.Inventory(cmd.Context(), year)
			if errors.Is(err, central.ErrNoData) {
				return fmt.Errorf("%w: nothing stored for %d in %s", err, year, cfg.Data)
			}
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return writeJSON(out, g)
			case "csv":
				return inventoryCSV(out, append(g.Sites, g.Group))
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(out, "GHG inventory %d — %d site(s)\n\n", year, len(g.Sites))
			// One column per scope of the table (ghg.Scopes), then
			// the two totals.
			scopes := ghg.Scopes()
			head := "SITE\t"
			for _, s := range scopes {
				head += s.Head + "\t"
			}
			fmt.Fprintln(tw, head+"TOTAL LOC\tTOTAL MKT\t")
			for _, inv := range append(g.Sites, g.Group) {
				row := inv.Site + "\t"
				for _, s := range scopes {
					row += fmt.Sprintf("%.1f\t", s.Of(inv))
				}
				fmt.Fprintf(tw, "%s%.1f\t%.1f\t\n", row, inv.TotalLocationT, inv.TotalMarketT)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().Int("year", 0, "reporting year")
	cmd.Flags().String("site", "", "one site only")
	cmd.Flags().String("format", "table", "table, json or csv")
	storeFlags(cmd)
	return cmd
}

func inventoryCSV(w io.Writer, invs []*ghg.Inventory) error {
	cw := csv.NewWriter(w)
	// One column per scope of the table (ghg.Scopes), by its JSON name.
	scopes := ghg.Scopes()
	head := []string{"year", "site", "profile"}
	for _, s := range scopes {
		head = append(head, s.Field)
	}
	_ = cw.Write(append(head, "total_location_t", "total_market_t", "power_off_avoided_kwh", "power_off_avoided_t"))
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
	for _, inv := range invs {
		row := []string{strconv.Itoa(inv.Year), csvsafe.Text(inv.Site), csvsafe.Text(inv.Profile)}
		for _, s := range scopes {
			row = append(row, f(s.Of(inv)))
		}
		_ = cw.Write(append(row, f(inv.TotalLocationT), f(inv.TotalMarketT), f(inv.PowerOff.AvoidedKWh), f(inv.PowerOff.AvoidedT)))
	}
	cw.Flush()
	return cw.Error()
}
