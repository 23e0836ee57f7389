package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/internal/config"
)

func newPlanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Rank a site's levers and find the year compensation becomes necessary",
		Long: `Size every lever from the site's own data and profile, apply them in the
profile's order against the reduction the trajectory requires each year to the
horizon, and report the first year the remaining potential no longer covers it
(compensation), with the tonnes missing each year; then set the site's own
action plan (site.yaml actions) against the same line and against what the
data shows since each action started.`,
		Example: "  greenhelp plan --site examples/johannesburg/site.yaml --activities examples/johannesburg/activities.csv --base-year 2024",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := bind(cmd)
			format := v.GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			basis := v.GetString("basis")
			if basis != "market" && basis != "location" {
				return fmt.Errorf("--basis %q: want market or location", basis)
			}
			m := planning.Method{Mode: v.GetString("mode"), Rate: v.GetFloat64("rate")}
			if err := m.Validate(); err != nil {
				return err
			}
			if v.GetString("site") == "" || len(v.GetStringSlice("activities")) == 0 {
				return fmt.Errorf("--site and --activities: both needed")
			}
			site, err := config.LoadSite(v.GetString("site"))
			if err != nil {
				return err
			}
			acts, err := readActivities(v.GetStringSlice("activities"))
			if err != nil {
				return err
			}
			full := footprint.FullYears(acts)
			if len(full) == 0 {
				return fmt.Errorf("--activities: no full calendar year of data (every month covered): a trajectory needs at least one")
			}
			base, current := v.GetInt("base-year"), v.GetInt("year")
			if base == 0 {
				base = site.BaseYear
			}
			if base == 0 {
				base = full[0]
			}
			if current == 0 {
				current = full[len(full)-1]
			}
			lib, err := factors.LoadList(v.GetString("factors"))
			if err != nil {
				return err
			}
			a, as, order, err := assignSite(site, v.GetString("profiles"), lib, current, acts)
			if err != nil {
				return err
			}
			plan, err := planning.ForSite(planning.SiteInput{
				Site: site, Profile: a.Profile, Order: order, Assumptions: as, Factors: lib,
				Method: m, Basis: basis, BaseYear: base, CurrentYear: current, Years: full,
				Inventory: func(y int) (*ghg.Inventory, error) { return ghg.Calculate(site, acts, y, lib, as, ghg.Options{}) },
				Horizon:   v.GetInt("horizon"),
			})
			if err != nil {
				return fmt.Errorf("--base-year / --year: %w", err)
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), plan)
			}
			return printPlan(cmd.OutOrStdout(), plan)
		},
	}
	fl := cmd.Flags()
	fl.String("site", "", "the site's site.yaml")
	fl.StringSlice("activities", nil, "activity CSV file(s)")
	fl.Int("base-year", 0, "trajectory base year (default: site.yaml base_year, else the first year of data)")
	fl.Int("year", 0, "current year whose data sizes the levers (default: the last year of data)")
	fl.Int("horizon", 2050, "last year planned")
	fl.String("basis", "market", "emissions the trajectory applies to: market or location (Scope 2 method)")
	fl.String("format", "table", "output format: table or json")
	fl.String("profiles", "", "profiles.yaml replacing the embedded one (env GREENHELP_PROFILES)")
	fl.String("factors", "", "factor override CSV(s), comma-separated (env GREENHELP_FACTORS)")
	addMethodFlags(cmd)
	return cmd
}

func printPlan(w io.Writer, p planning.Plan) error {
	fmt.Fprintf(w, "Plan for %s (profile %s), trajectory %s on %s-based totals\n", p.Site, p.Profile, p.Method, p.Basis)
	fmt.Fprintf(w, "base %d: %.1f t; current %d: %.1f t\n\nLevers in the profile's order (potential tCO2e/yr):\n", p.BaseYear, p.BaseT, p.CurrentYear, p.CurrentT)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, l := range p.Levers {
		fmt.Fprintf(tw, "%d.\t%s\t%+.1f\t%s\n", i+1, l.Name, l.PotentialT, l.Assumptions)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if p.CompensationYear != nil {
		fmt.Fprintf(w, "\nKnown levers (%.1f t/yr in all) stop covering the trajectory in %d: compensation needed from then on.\n", p.TotalPotentialT, *p.CompensationYear)
	} else {
		fmt.Fprintf(w, "\nKnown levers (%.1f t/yr in all) cover the trajectory through %d.\n", p.TotalPotentialT, p.Horizon)
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "YEAR\tALLOWED t\tNEEDED t\tCOVERED t\tMISSING t\tLEVERS USED")
	for _, y := range p.Years {
		if y.Year > p.CurrentYear+10 && y.Year%5 != 0 {
			continue
		}
		fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%.1f\t%.1f\t%s\n", y.Year, y.AllowedT, y.NeededT, y.CoveredT, y.MissingT, strings.Join(y.Levers, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(p.Actions) > 0 {
		fmt.Fprintln(w, "\nThe site's action plan:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ACTION\tLEVER\tSTART\tEXPECTED t/yr\tOBSERVED t\tBASIS")
		for _, a := range p.Actions {
			obs := "—"
			if a.ObservedT != nil {
				obs = fmt.Sprintf("%.1f", *a.ObservedT)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%s\n", a.ID, a.Lever, a.Start, a.ExpectedTPerYear, obs, a.ObservedBasis)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if p.PlanCompensationYear != nil {
			fmt.Fprintf(w, "The plan leaves the trajectory uncovered from %d: that part needs compensation.\n", *p.PlanCompensationYear)
		}
	}
	return nil
}
