package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/internal/config"
)

func newCalcCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "calc",
		Short: "Compute one site's GHG inventory for a year from files",
		Long: `Compute one site's annual GHG inventory offline, from its site.yaml and
activity CSV files (columns kind,item,start,end,quantity,unit,source,quality,attrs).
Records straddling the year are prorated by days; a record repeated with the
same key (kind, item, start, end, source, attrs) replaces the earlier one.`,
		Example: "  greenhelp calc --site examples/johannesburg/site.yaml --activities examples/johannesburg/activities.csv --year 2024",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := bind(cmd)
			format := v.GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			sitePath, files, year := v.GetString("site"), v.GetStringSlice("activities"), v.GetInt("year")
			switch {
			case sitePath == "":
				return fmt.Errorf("--site: missing: the site.yaml to compute")
			case len(files) == 0:
				return fmt.Errorf("--activities: missing: one or more activity CSV files")
			case year < 1990 || year > 2100:
				return fmt.Errorf("--year %d: want the reporting year, e.g. --year 2024", year)
			}
			lib, err := factors.LoadList(v.GetString("factors"))
			if err != nil {
				return err
			}
			site, err := config.LoadSite(sitePath)
			if err != nil {
				return err
			}
			acts, err := readActivities(files)
			if err != nil {
				return err
			}
			_, as, _, err := assignSite(site, v.GetString("profiles"), lib, year, acts)
			if err != nil {
				return err
			}
			if err := ghg.ValidateGWP(v.GetString("gwp")); err != nil {
				return fmt.Errorf("--%w", err)
			}
			inv, err := ghg.Calculate(site, acts, year, lib, as,
				ghg.Options{FlightsWithoutRF: v.GetBool("flights-without-rf"), GWP: v.GetString("gwp")})
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), inv)
			}
			return printInventory(cmd.OutOrStdout(), inv)
		},
	}
	fl := cmd.Flags()
	fl.String("site", "", "the site's site.yaml")
	fl.StringSlice("activities", nil, "activity CSV file(s), repeatable or comma-separated")
	fl.Int("year", 0, "reporting year (calendar year)")
	fl.String("format", "table", "output format: table or json")
	fl.String("factors", "", "factor override CSV(s), comma-separated (env GREENHELP_FACTORS)")
	fl.String("profiles", "", "profiles.yaml replacing the embedded one (env GREENHELP_PROFILES)")
	fl.Bool("flights-without-rf", false, "use flight factors without the radiative-forcing uplift (default: with)")
	fl.String("gwp", ghg.GWPAR6, "GWP100 set for refrigerants: AR6 or AR5")
	return cmd
}

// readActivities reads every file; a record whose key repeats an earlier
// one replaces it, as the central does with a corrected re-send.
func readActivities(files []string) ([]footprint.Activity, error) {
	var all []footprint.Activity
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--activities: %w", err)
		}
		acts, err := footprint.ReadActivitiesCSV(f, path)
		f.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, acts...)
	}
	out, replaced := footprint.Dedupe(all)
	if replaced > 0 {
		slog.Warn("records with a repeated key replaced earlier ones", "replaced", replaced)
	}
	return out, nil
}

// scopeLabel is one figure of `greenhelp calc`'s table.
type scopeLabel struct {
	label string
	get   func(*ghg.Inventory) float64
}

// scopeLabels are each scope of the table (ghg.Scopes), then the
// two totals.
func scopeLabels() []scopeLabel {
	var out []scopeLabel
	for _, s := range ghg.Scopes() {
		out = append(out, scopeLabel{s.Text, s.Of})
	}
	return append(out, scopeLabel{"Total location-based", ghg.LocationFigure.Of}, scopeLabel{"Total market-based", ghg.MarketFigure.Of})
}

func printInventory(w io.Writer, inv *ghg.Inventory) error {
	fmt.Fprintf(w, "%s (%s, %s) — GHG inventory %d\n", inv.SiteName, inv.Site, inv.Country, inv.Year)
	prof := inv.Profile
	if prof == "" {
		prof = "none"
	}
	fmt.Fprintf(w, "factor set %s; profile %s\n\n", inv.FactorSet, prof)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\ttCO2e\t")
	for _, s := range scopeLabels() {
		fmt.Fprintf(tw, "%s\t%.3f\t\n", s.label, s.get(inv))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	q := inv.Quality
	fmt.Fprintf(w, "\nData quality (share of location-based total): measured %.1f %%, estimated %.1f %%, default %.1f %%\n",
		q.MeasuredShare*100, q.EstimatedShare*100, q.DefaultShare*100)
	if d := inv.OnDefaults; d != nil {
		fmt.Fprintf(w, "Resting on defaults: %.1f %% of the location-based total (%.3f tCO2e)\n", d.Share*100, d.T)
		for _, p := range d.Parts {
			fmt.Fprintf(w, "  %.3f t  %s\n", p.T, p.What)
		}
		for _, o := range d.Outside {
			fmt.Fprintf(w, "  beside the footprint: %s\n", o)
		}
	}
	po := inv.PowerOff
	if po.DeviceHours != nil {
		comp := "n/a"
		if po.Compliance != nil {
			comp = fmt.Sprintf("%.1f %%", *po.Compliance*100)
		}
		fmt.Fprintf(w, "PC power-off: workstations used %.0f kWh; power-off avoided %.0f kWh = %.3f tCO2e (not subtracted); compliance %s\n",
			po.UsedKWh, po.AvoidedKWh, po.AvoidedT, comp)
		for _, cw := range po.Watts {
			fmt.Fprintf(w, "  %s: %.3g W in use, %.3g W left on, %.3g W asleep, %.3g W off (%s); without the policy %.3g W on average: %.0f %% off already, %.0f %% of the others asleep, the rest left on (%s); avoided %.0f kWh\n",
				cw.Class, cw.WattsOn, cw.WattsIdle, cw.WattsSleep, cw.WattsOff, cw.Origin, cw.CounterfactualWatts, cw.BaselineOffShare*100, cw.LowPowerShare*100, cw.BaselineOrigin, cw.AvoidedKWh)
		}
		if cv := po.Coverage; cv != nil {
			fmt.Fprintf(w, "  coverage: %s", cv.Note)
			if cv.DeclaredDevices > 0 {
				fmt.Fprintf(w, "; scaled to the declared fleet and the year: %.0f kWh = %.3f tCO2e", cv.ScaledAvoidedKWh, cv.ScaledAvoidedT)
			}
			fmt.Fprintln(w)
		}
	}
	if t := inv.Telework; t.RemoteShare != nil {
		fmt.Fprintf(w, "Telework: %.0f remote and %.0f on-site person-days (%.1f %% remote)\n", t.RemotePersonDays, t.OnsitePersonDays, *t.RemoteShare*100)
	}
	fmt.Fprintln(w, "\nLines (quantity × factor = tCO2e):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCOPE\tKIND\tITEM\tQUANTITY\tUNIT\tkgCO2e/UNIT\ttCO2e\tQUALITY\tFACTOR")
	for _, l := range inv.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%.5g\t%.3f\t%s\t%s\n", l.Scope, l.Kind, l.Item, l.Quantity, l.Unit, l.FactorKgPerUnit, l.T, l.Quality, l.FactorID)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(inv.Notes) > 0 {
		fmt.Fprintln(w, "\nNotes:")
		for _, n := range inv.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	return nil
}
