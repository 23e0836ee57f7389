package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/api"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint/esg"
)

func newExportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the annual ESG export (GHG Protocol scopes, ESRS E1-6) as xlsx, csv or json",
		Long: `Write the year's inventory for the ESG team: the ESRS E1-6 summary, by site,
by scope and category, every activity line with its factor, the factors used,
the trajectory, power-off and telework results, offsets, the methodology and a
manifest. xlsx and json write one file (plus FILE.manifest.json); csv writes a
folder with one file per section and manifest.json. A rerun on the same data
gives byte-identical data files; the generation time is in the manifest only.`,
		Example: "  greenhelp export --year 2024 --format xlsx --out ghg-2024.xlsx",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			year, _ := cmd.Flags().GetInt("year")
			format, _ := cmd.Flags().GetString("format")
			out, _ := cmd.Flags().GetString("out")
			site, _ := cmd.Flags().GetString("site")
			if err := checkFormat(format, esg.Formats...); err != nil {
				return err
			}
			if year < 1990 || year > 2100 {
				return fmt.Errorf("--year %d: want the reporting year, e.g. --year 2024", year)
			}
			if out == "" {
				return fmt.Errorf("--out: missing: the file (xlsx, json) or folder (csv) to write")
			}
			svc, _, err := openService(cmd, logger(cmd, io.Discard))
			if err != nil {
				return err
			}
			defer svc.Close()
			var opts []central.ESGOption
			if withRecords, _ := cmd.Flags().GetBool("records"); withRecords {
				opts = append(opts, central.WithRecords())
			}
			d, err := svc.ESGDataset(cmd.Context(), year, site, Version, opts...)
			if err != nil {
				return err
			}
			m, err := esg.Export(d, format, out, time.Now())
			if err != nil {
				return err
			}
			detail := fmt.Sprintf("year %d, %s to %s", year, format, out)
			if err := svc.Exported(central.WithActor(cmd.Context(), cliActor()), year, detail); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: the export is not in the audit log (%v): a store opened read-only beside the central that serves it takes no entry\n", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote the %d ESG export (%s, %d site(s)) to %s; input digest %s\n", year, format, len(d.Sites), out, m.InputDigest[:16])
			return nil
		},
	}
	cmd.Flags().Int("year", 0, "reporting year")
	cmd.Flags().String("format", "xlsx", "xlsx, csv or json")
	cmd.Flags().String("out", "", "output file (xlsx, json) or folder (csv)")
	cmd.Flags().String("site", "", "one site only")
	cmd.Flags().Bool("records", false, "add the activity records behind every line (section records; each line's records sum to it)")
	storeFlags(cmd)
	return cmd
}

func newCloseYearCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "close-year",
		Short: "Close a reporting year: keep its figures as published, so later changes show as restatements",
		Long: `Record the year's figures (group and sites, every scope) as published, with
the export's input digest. A year is closed once. From then on the export lists
every figure that differs from what was published — a late or corrected record,
a factor override, a GWP set changed — in its restatements section, with the
reason.`,
		Example: "  greenhelp close-year --year 2024 --data ./greenhelp-data",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			year, _ := cmd.Flags().GetInt("year")
			if year < 1990 || year > 2100 {
				return fmt.Errorf("--year %d: want the reporting year to close, e.g. --year 2024", year)
			}
			var cy store.ClosedYear
			err := changeStore(cmd, "close-year",
				func(op *operator) error {
					return op.call(cmd.Context(), fmt.Sprintf("/api/v1/admin/years/%d/close", year), nil, &cy)
				},
				func() error {
					return withService(cmd, func(svc *central.Service) (err error) {
						cy, err = svc.CloseYear(cmd.Context(), year, time.Now())
						return err
					})
				})
			if err != nil {
				return err
			}
			g := cy.Figures["group"]
			fmt.Fprintf(cmd.OutOrStdout(), "closed %d: %d site(s), group total %.1f tCO2e market-based, %.1f location-based; input digest %s\n",
				year, len(cy.Figures)-1, g["total_market_t"], g["total_location_t"], cy.InputDigest[:16])
			return nil
		},
	}
	cmd.Flags().Int("year", 0, "reporting year to close")
	storeFlags(cmd)
	return cmd
}

func newOffsetsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "offsets", Short: "Record compensation retired (shown beside, never netted from, gross emissions)"}
	add := &cobra.Command{
		Use:   "add",
		Short: "Record offsets retired in a year",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var o store.Offset
			o.Year, _ = cmd.Flags().GetInt("year")
			o.T, _ = cmd.Flags().GetFloat64("t")
			o.Registry, _ = cmd.Flags().GetString("registry")
			o.Project, _ = cmd.Flags().GetString("project")
			o.Vintage, _ = cmd.Flags().GetInt("vintage")
			if err := central.CheckOffset(o); err != nil {
				return err
			}
			var id int64
			err := changeStore(cmd, "offsets add",
				func(op *operator) error {
					var out api.AdminOffset
					err := op.call(cmd.Context(), "/api/v1/admin/offsets", api.AdminOffset{Year: o.Year, T: o.T, Registry: o.Registry, Project: o.Project, Vintage: o.Vintage}, &out)
					id = out.ID
					return err
				},
				func() error {
					return withService(cmd, func(svc *central.Service) (err error) {
						id, err = svc.AddOffset(cmd.Context(), o)
						return err
					})
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "offset %d recorded: %.1f tCO2e retired in %d (%s, %s, vintage %d)\n", id, o.T, o.Year, o.Registry, o.Project, o.Vintage)
			return nil
		},
	}
	add.Flags().Int("year", 0, "year retired")
	add.Flags().Float64("t", 0, "tCO2e retired")
	add.Flags().String("registry", "", "registry, e.g. Verra, Gold Standard")
	add.Flags().String("project", "", "project name or id")
	add.Flags().Int("vintage", 0, "vintage year")
	storeFlags(add)
	cmd.AddCommand(add)
	return cmd
}
