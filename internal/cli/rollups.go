package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
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
InfluxDB), or to check them. A rebuild gives the rollups ingestion keeps.`,
		Example: "  greenhelp rollups rebuild --data ./greenhelp-data",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, _, err := openService(cmd, logger(cmd, io.Discard))
			if err != nil {
				return err
			}
			defer svc.Close()
			start := time.Now()
			n, err := svc.RebuildRollups(cmd.Context())
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
