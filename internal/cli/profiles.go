package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/weather"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/profiles"
)

func newProfilesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "The four climate/grid profiles and how sites are assigned to them",
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the profiles with their centre, features, defaults and lever order",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := bind(cmd)
			format := v.GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			set, err := profiles.Load(v.GetString("profiles"))
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), set.Profiles)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCENTRE\tGRID g/kWh\tHDD\tCDD\tCAR SHARE\tHOME kg/h\tLEVERS (in order)")
			for _, p := range set.Profiles {
				f := p.Features
				fmt.Fprintf(tw, "%s\t%s, %s\t%.0f\t%.0f\t%.0f\t%.0f %%\t%.3f\t%s\n", p.ID, p.Centre.City, p.Centre.Country,
					f.GridGPerKWh, f.HDD, f.CDD, f.CarShare*100, p.HomeworkingKgPerHour, strings.Join(p.Levers, ", "))
			}
			return tw.Flush()
		},
	}
	list.Flags().String("format", "table", "output format: table or json")
	list.Flags().String("profiles", "", "profiles.yaml replacing the embedded one (env GREENHELP_PROFILES)")

	assign := &cobra.Command{
		Use:     "assign",
		Short:   "Assign a site to its nearest profile and explain why",
		Example: "  greenhelp profiles assign --site examples/paris/site.yaml --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := bind(cmd)
			format := v.GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			if v.GetString("site") == "" {
				return fmt.Errorf("--site: missing: the site.yaml to assign")
			}
			site, err := config.LoadSite(v.GetString("site"))
			if err != nil {
				return err
			}
			lib, err := factors.LoadList(v.GetString("factors"))
			if err != nil {
				return err
			}
			a, _, _, err := assignSite(site, v.GetString("profiles"), lib, v.GetInt("year"), nil)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), a)
			}
			return printAssignment(cmd.OutOrStdout(), a)
		},
	}
	fl := assign.Flags()
	fl.String("site", "", "the site's site.yaml")
	fl.Int("year", 2024, "year of the grid factor used as the grid feature")
	fl.String("format", "table", "output format: table or json")
	fl.String("profiles", "", "profiles.yaml replacing the embedded one (env GREENHELP_PROFILES)")
	fl.String("factors", "", "factor override CSV(s), comma-separated (env GREENHELP_FACTORS)")
	cmd.AddCommand(list, assign)
	return cmd
}

// assignSite computes a site's profile with the configured sets, and the
// assumptions the calculation takes from it.
// acts are the site's records (nil: none), whose full years of outdoor
// temperature give its measured climate.
func assignSite(site declaration.Site, profilesPath string, lib *factors.Library, year int, acts []footprint.Activity) (profiles.Assignment, ghg.Assumptions, []string, error) {
	set, err := profiles.Load(profilesPath)
	if err != nil {
		return profiles.Assignment{}, ghg.Assumptions{}, nil, err
	}
	r, err := profiles.Resolve(set, site, site.Profile, weather.MeasuredYears(acts), year, lib)
	return r.Assignment, r.Assumptions, r.Levers, err
}

func printAssignment(w io.Writer, a profiles.Assignment) error {
	fmt.Fprintf(w, "site %s → profile %s\n", a.Site, a.Profile)
	if a.Override != nil {
		fmt.Fprintf(w, "  overridden (computed: %s): %s\n", a.Computed, a.Override.Reason)
	}
	fmt.Fprintf(w, "  %s\n\n", a.Explain)
	ids := make([]string, 0, len(a.Distances))
	for id := range a.Distances {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return a.Distances[ids[i]] < a.Distances[ids[j]] })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tDISTANCE")
	for _, id := range ids {
		fmt.Fprintf(tw, "%s\t%.2f\n", id, a.Distances[id])
	}
	fmt.Fprintln(tw, "\nFEATURE\tVALUE\tSOURCE")
	f := a.Features
	for _, r := range []struct {
		k string
		v string
	}{{"grid_g_per_kwh", fmt.Sprintf("%.0f", f.GridGPerKWh)}, {"hdd", fmt.Sprintf("%.0f", f.HDD)}, {"cdd", fmt.Sprintf("%.0f", f.CDD)},
		{"car_share", fmt.Sprintf("%.2f", f.CarShare)}, {"insulation", f.Insulation}} {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.k, r.v, a.Sources[r.k])
	}
	return tw.Flush()
}
