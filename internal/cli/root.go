// Package cli holds the greenhelp command tree (cobra), so that every
// command can be run and tested in-process; cmd/greenhelp only calls
// Execute.
package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/greenhelp/greenhelp/internal/clirun"
)

// Version is set at build time with -ldflags "-X ...cli.Version=…".
var Version = "dev"

// NewRoot returns the greenhelp command tree.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "greenhelp",
		Short:         "Carbon-footprint tracker for contact centres",
		Long:          "greenhelp computes contact-centre sites' GHG inventories (Scope 1, 2 location- and market-based, 3 business travel, commuting and home-working) from the activity data sites already have.",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	clirun.LogFormat(root, "GREENHELP_LOG_FORMAT")
	root.AddCommand(newFactorsCmd(), newCalcCmd(), newProfilesCmd(), newTrajectoryCmd(), newPlanCmd(),
		newServeCmd(), newSitesCmd(), newReportCmd(), newChartsCmd(), newExportCmd(), newCloseYearCmd(), newOffsetsCmd(), newRollupsCmd(), newDemoCmd(), newBackupCmd(), newRestoreCmd(), newMigrateCmd(), newTokensCmd(), newAuditCmd())
	return root
}

// Execute runs the command tree with args and returns the process exit
// code, printing errors to stderr.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return clirun.Execute(ctx, NewRoot(), args, stdout, stderr)
}

// bind returns a viper instance over cmd's flags with the GREENHELP_
// environment prefix: GREENHELP_FACTORS sets --factors, and so on. Flags
// given on the command line win over the environment.
func bind(cmd *cobra.Command) *viper.Viper {
	v := viper.New()
	v.SetEnvPrefix("GREENHELP")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	cmd.Flags().VisitAll(func(f *pflag.Flag) { _ = v.BindPFlag(f.Name, f) })
	return v
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return fmt.Errorf("--format %q: want one of %s", format, strings.Join(allowed, ", "))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Main is what cmd/greenhelp runs: SIGTERM and Ctrl-C stop it cleanly.
func Main() { clirun.Main(Execute) }
