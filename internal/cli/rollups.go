package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/api"
)

func newRollupsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "rollups", Short: "The monthly aggregates every view reads (maintained at ingestion)"}
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Recompute every site's rollups from the raw records",
		Long: `The central keeps, per site and month, the sums every view reads (inventory,
trajectory, pages, export), maintained with every accepted batch. The raw
records stay the source of truth: rebuild the rollups after writing records
into the store other than through the API (an import straight into SQLite or
InfluxDB), or to check them. A rebuild gives the rollups ingestion keeps.
While a central serves the data directory, the rebuild is done by it,
between two batches (nothing accepted meanwhile is left out).`,
		Example: "  greenhelp rollups rebuild --data ./greenhelp-data",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			var n int
			err := changeStore(cmd, "rollups rebuild",
				func(op *operator) error {
					// The central rebuilds them between two batches: none is
					// half in the raw records and half out of the rollups.
					var out api.AdminRollups
					err := op.call(cmd.Context(), "/api/v1/admin/rollups/rebuild", nil, &out)
					n = out.Sites
					return err
				},
				func() error {
					return withService(cmd, func(svc *central.Service) (err error) {
						n, err = svc.RebuildRollups(cmd.Context())
						return err
					})
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rollups rebuilt from the raw records: %d site(s) in %s\n", n, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	storeFlags(rebuild)
	cmd.AddCommand(rebuild)
	return cmd
}
