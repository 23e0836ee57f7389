package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central/web"
	"github.com/greenhelp/greenhelp/charts"
)

func newChartsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "charts",
		Short: "Write the dashboard pages as standalone HTML with their assets (for a board pack)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, _ := cmd.Flags().GetString("out")
			if out == "" {
				return fmt.Errorf("--out: missing: the folder to write the pages to")
			}
			year, _ := cmd.Flags().GetInt("year")
			log := logger(cmd, cmd.ErrOrStderr())
			svc, _, err := openService(cmd, log)
			if err != nil {
				return err
			}
			defer svc.Close()
			if err := os.MkdirAll(filepath.Join(out, "sites"), 0o755); err != nil {
				return err
			}
			assets := ""
			if js, err := charts.EChartsSource(); err == nil {
				if err := os.MkdirAll(filepath.Join(out, "assets"), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(out, "assets", charts.EChartsJS), js, 0o644); err != nil {
					return err
				}
				if w, err := charts.WorldSource(); err == nil {
					if err := os.WriteFile(filepath.Join(out, "assets", charts.WorldJS), w, 0o644); err != nil {
						return err
					}
				}
			} else {
				assets = charts.AssetsBase("", log) // public host, with a warning
			}
			write := func(path string, fn func(io.Writer) error) error {
				f, err := os.Create(filepath.Join(out, path))
				if err != nil {
					return err
				}
				if err := fn(f); err != nil {
					f.Close()
					return fmt.Errorf("%s: %w", path, err)
				}
				return f.Close()
			}
			g, err := svc.GroupPage(cmd.Context(), year)
			if err != nil {
				return err
			}
			if err := write("index.html", func(w io.Writer) error {
				return charts.RenderGroup(w, web.GroupData(g, true), charts.StaticLinks(0, assets))
			}); err != nil {
				return err
			}
			p, err := svc.ProfilesPage(cmd.Context(), g.Year)
			if err != nil {
				return err
			}
			if err := write("profiles.html", func(w io.Writer) error {
				return charts.RenderProfiles(w, web.ProfilesData(p, true), charts.StaticLinks(0, assets))
			}); err != nil {
				return err
			}
			for _, s := range g.Sites {
				d, err := svc.SitePage(cmd.Context(), s.ID, g.Year)
				if err != nil {
					return err
				}
				if err := write(filepath.Join("sites", s.ID+".html"), func(w io.Writer) error {
					return charts.RenderSite(w, web.SiteData(d, true), charts.StaticLinks(1, assets))
				}); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d page(s) for %d to %s (open %s)\n", 2+len(g.Sites), g.Year, out, filepath.Join(out, "index.html"))
			return nil
		},
	}
	cmd.Flags().Int("year", 0, "year (default: the latest full year of data)")
	cmd.Flags().String("out", "", "folder to write the pages to")
	storeFlags(cmd)
	return cmd
}
