package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/demo"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

// DefaultDemoData is where the demo keeps its store unless --data says otherwise.
const DefaultDemoData = "./greenhelp-demo"

func newDemoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Load a realistic demo group through the agents and the API, then serve the dashboard",
		Long: `Generate a contact-centre group (17 sites, 11 countries, the four profiles,
2019 to last year; deterministic for a seed), write each site's exports and
agent configuration, start the central service, run the site agent on each
site's exports so that every record reaches the store through the API with the
site's token, then serve the dashboard. A data directory that already holds
the demo is served as it is.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("data") && os.Getenv("GREENHELP_DATA") == "" {
				_ = cmd.Flags().Set("data", DefaultDemoData)
			}
			cfg, err := loadCentral(cmd)
			if err != nil {
				return err
			}
			seed, _ := cmd.Flags().GetUint64("seed")
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			// Warnings only: per-batch lines would bury the progress bar.
			log := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
			lock, err := holdData(cfg, "demo")
			if err != nil {
				return err
			}
			defer lock.Close()
			svc, err := server.Open(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer svc.Close()
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			ready := make(chan string, 1)
			served := make(chan error, 1)
			h, err := server.NewHandler(svc)
			if err != nil {
				return err
			}
			go func() {
				served <- serveHeld(ctx, lock, svc, h, log, func(a string) { ready <- a })
			}()
			var addr string
			select {
			case addr = <-ready:
			case err := <-served:
				return err
			}
			url := "http://" + addr
			last := time.Now().Year() - 1
			marker := filepath.Join(cfg.Data, "demo-loaded")
			if _, err := os.Stat(marker); err == nil {
				fmt.Fprintf(out, "greenhelp demo: serving the demo group already loaded in %s\n", cfg.Data)
			} else {
				if err := loadDemo(ctx, svc, cfg.Data, url, seed, last, errOut); err != nil {
					return err
				}
				if err := os.WriteFile(marker, []byte(fmt.Sprintf("seed %d\n", seed)), 0o644); err != nil {
					return err
				}
			}
			// Warm the pages' cache so that the first view is immediate.
			if _, err := svc.GroupPage(ctx, 0); err != nil {
				log.Warn("dashboard warm-up", "err", err)
			}
			fmt.Fprintf(out, "data directory: %s\n", cfg.Data)
			fmt.Fprintf(out, "pages:\n  group dashboard   %s/\n  profiles          %s/profiles\n", url, url)
			for _, s := range demo.Sites() {
				fmt.Fprintf(out, "  site page         %s/sites/%s\n", url, s.ID)
			}
			fmt.Fprintf(out, "API:\n  inventory         %s/api/v1/inventory?year=%d\n  trajectory        %s/api/v1/trajectory\n  metrics           %s/metrics\n", url, last, url, url)
			fmt.Fprintf(out, "ready: %s/\n", url)
			err = <-served
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		},
	}
	storeFlags(cmd)
	_ = cmd.Flags().MarkHidden("init") // demo makes its own store
	cmd.Flags().String("addr", "", "listen address HOST:PORT (default 127.0.0.1:8080; env GREENHELP_ADDR)")
	cmd.Flags().Uint64("seed", 42, "seed of the generated group")
	return cmd
}

// loadDemo generates the group and delivers every site's data with the
// site agent, over HTTP, to the central at url.
func loadDemo(ctx context.Context, svc *central.Service, data, url string, seed uint64, last int, progress io.Writer) error {
	exports := filepath.Join(data, "demo-exports")
	fmt.Fprintf(progress, "generating the demo group (seed %d, 2019–%d) in %s…\n", seed, last, exports)
	sites, err := demo.Generate(exports, demo.Options{Seed: seed, From: 2019, To: last})
	if err != nil {
		return err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	total := 0
	for i, s := range sites {
		bar(progress, i, len(sites), s.ID, total)
		tok, err := svc.Store.AddSite(ctx, s.ID, s.Name, s.Country)
		if err != nil && !errors.Is(err, store.ErrExists) {
			return err
		}
		if errors.Is(err, store.ErrExists) {
			if tok, err = svc.Store.RotateToken(ctx, s.ID); err != nil {
				return err
			}
		}
		if err := declareOpening(ctx, svc, s); err != nil {
			return err
		}
		dir := filepath.Join(exports, s.ID)
		if err := os.WriteFile(filepath.Join(dir, "token"), []byte(tok+"\n"), 0o600); err != nil {
			return err
		}
		configs := []string{"site.yaml"}
		if !s.GreenFrom.IsZero() {
			configs = append(configs, "site.green.yaml") // the contract is a new declaration version
		}
		for _, c := range configs {
			cfg, err := agent.Load(filepath.Join(dir, c), true)
			if err != nil {
				return err
			}
			cfg.Central.URL = url
			a, err := agent.New(cfg, quiet)
			if err != nil {
				return err
			}
			col := a.Collect(ctx)
			if err := a.RecordCollection(col); err != nil {
				return err
			}
			if _, err := a.Enqueue(col.Activities); err != nil {
				return err
			}
			if _, refused, err := a.Drain(ctx); err != nil || refused > 0 {
				return fmt.Errorf("demo site %s: delivery failed (refused %d): %v", s.ID, refused, err)
			}
			if c == "site.yaml" {
				total += len(col.Activities)
			}
		}
	}
	bar(progress, len(sites), len(sites), "done", total)
	fmt.Fprintf(progress, "\n%d records from %d sites delivered through the agent and the API in %s\n", total, len(sites), time.Since(start).Round(time.Second))
	_, err = svc.AddOffset(ctx, store.Offset{Year: 2023, T: 800, Registry: "Gold Standard", Project: "GS-11231 improved cookstoves, Senegal", Vintage: 2022})
	return err
}

func bar(w io.Writer, done, total int, label string, records int) {
	const width = 30
	n := done * width / total
	fmt.Fprintf(w, "\r[%s%s] %2d/%d sites  %-26s %8d records", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, label, records)
}

// declareOpening declares a demo site's opening (organic: the base is not
// restated), once. The demo's Athens stops sending after 2022 and declares
// nothing: a silent site, estimated from its last full year.
func declareOpening(ctx context.Context, svc *central.Service, s demo.Site) error {
	if s.Opened.IsZero() {
		return nil
	}
	st, err := svc.Store.Site(ctx, s.ID)
	if err != nil || len(st.Events) > 0 {
		return err
	}
	on := footprint.NewDate(s.Opened.Year(), s.Opened.Month(), s.Opened.Day())
	return svc.AddSiteEvent(ctx, s.ID, structure.Opened, on, "opened (demo)")
}
