package cli

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

func addMethodFlags(cmd *cobra.Command) {
	cmd.Flags().Float64("rate", planning.DefaultRate, "yearly reduction rate, a share (0.045 = 4.5 %)")
	cmd.Flags().String("mode", planning.ModeCompound, "trajectory: compound (base × (1−r)^n) or linear (base × (1 − r·n), SBTi style)")
}

func newTrajectoryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trajectory",
		Short: "Check sites and the group against the reduction trajectory",
		Long: `Check each site (from its own base year) and the group (from the group's
base-year emissions) against the reduction trajectory, from a CSV of historic
inventories with columns site,year,t. A site that joins later is the group's
organic growth: the group's base is not restated for it. A site whose figures
stop before the group's last year is a silent site, estimated at its last
figure (said so), never taken out of the base.`,
		Example: "  greenhelp trajectory --history history.csv --rate 0.045 --mode compound",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := bind(cmd)
			format := v.GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			m := planning.Method{Mode: v.GetString("mode"), Rate: v.GetFloat64("rate")}
			if err := m.Validate(); err != nil {
				return err
			}
			path := v.GetString("history")
			if path == "" {
				return fmt.Errorf("--history: missing: a CSV with columns site,year,t")
			}
			f, err := os.Open(path)
			if err != nil {
				return fmt.Errorf("--history: %w", err)
			}
			hist, err := planning.ReadHistoryCSV(f, path)
			f.Close()
			if err != nil {
				return err
			}
			if by := v.GetInt("base-year"); by != 0 {
				for i := range hist {
					hist[i].BaseYear = by
				}
			}
			g, siteYears := planning.SeriesOf(hist, planning.DefaultRecalculationThreshold)
			rep, err := planning.Trajectories(hist, g, m)
			if err != nil {
				return err
			}
			rep.SiteYears = siteYears
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printTrajectory(cmd.OutOrStdout(), rep)
		},
	}
	cmd.Flags().String("history", "", "CSV of historic inventories: site,year,t")
	cmd.Flags().Int("base-year", 0, "base year for every site (default: each site's first year)")
	cmd.Flags().String("format", "table", "output format: table or json")
	addMethodFlags(cmd)
	return cmd
}

func printTrajectory(w io.Writer, rep planning.TrajectoryReport) error {
	fmt.Fprintf(w, "Trajectory: %s\n", rep.Label)
	tracks := append(append([]planning.Track(nil), rep.Sites...), rep.Group)
	for i, t := range tracks {
		name := t.Site
		if i == len(tracks)-1 {
			name = "GROUP"
		}
		fmt.Fprintf(w, "\n%s — base %d: %.1f t\n", name, t.BaseYear, t.BaseT)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "YEAR\tACTUAL t\tALLOWED t\tGAP t\tGAP %\tCUMULATIVE t\tSTATUS\t")
		for _, y := range t.Years {
			st := y.Verdict()
			if y.Checked() && !*y.OnTrack {
				st = "OFF TRACK"
			}
			fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%+.1f\t%+.1f\t%+.1f\t%s\t\n", y.Year, y.ActualT, y.AllowedT, y.GapT, y.GapPct, y.CumulativeGapT, st)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		proj := "on track"
		if !t.ProjectedOn {
			proj = "off track"
		}
		fmt.Fprintf(w, "%d: allowed %.1f t, reduction needed %.1f t; trend projects %.1f t (%s)\n",
			t.NextYear, t.NextYearRequiredT, t.ReductionNeededT, t.ProjectedNextT, proj)
	}
	if r := rep.Recalculation; r != nil {
		fmt.Fprintf(w, "\nGROUP base: %s\n", r.Explanation)
	}
	for _, sy := range rep.SiteYears {
		if sy.Status != structure.Reported {
			fmt.Fprintf(w, "%s %d: %s, %.1f t (%s)\n", footprint.Printable(sy.Site), sy.Year, sy.Status, sy.T, sy.Basis)
		}
	}
	return nil
}
