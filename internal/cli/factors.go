package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/footprint/factors"
)

func newFactorsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "factors",
		Short: "List emission factors with their sources",
		Long: `List rows of the emission-factor library (embedded, plus --factors overrides).

With --year, each (kind, item) shows the row a calculation for that year
would use, falling back to the nearest earlier year and then to WORLD, and
says when it did.`,
		Example: "  greenhelp factors --kind electricity --region ZA --year 2024 --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := bind(cmd)
			format := v.GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			lib, err := factors.LoadList(v.GetString("factors"))
			if err != nil {
				return err
			}
			f := factors.Filter{Kind: v.GetString("kind"), Item: v.GetString("item"),
				Region: strings.ToUpper(v.GetString("region")), Year: v.GetInt("year")}
			rows, err := selectFactors(lib, f)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				return fmt.Errorf("no factor matches %s", describe(f))
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), rows)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tkgCO2e/UNIT\tUNIT\tYEAR\tSOURCE\tFALLBACK")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%.6g\t%s\t%d\t%s\t%s\n", r.ID, r.KgPerUnit, r.Unit, r.Year, r.Source, r.Fallback)
			}
			return tw.Flush()
		},
	}
	fl := cmd.Flags()
	fl.String("kind", "", "factor kind: electricity, fuel, refrigerant, travel, homeworking")
	fl.String("item", "", "item, e.g. grid, diesel, flight_long_haul.business")
	fl.String("region", "", "ISO 3166-1 alpha-2 country code or WORLD")
	fl.Int("year", 0, "reporting year: show the row a calculation for that year uses")
	fl.String("format", "table", "output format: table or json")
	fl.String("factors", "", "factor override CSV(s), comma-separated (env GREENHELP_FACTORS)")
	return cmd
}

// factorRow is a library row as `factors` prints it.
type factorRow struct {
	ID string `json:"id"`
	factors.Match
}

func selectFactors(lib *factors.Library, f factors.Filter) ([]factorRow, error) {
	var out []factorRow
	if f.Year == 0 || f.Region == "" {
		for _, r := range lib.Select(f) {
			out = append(out, factorRow{ID: r.ID(), Match: factors.Match{Row: r}})
		}
		return out, nil
	}
	// A region and a year: resolve each (kind, item) as a calculation would.
	pairs := map[[2]string]bool{}
	for _, r := range lib.Select(factors.Filter{Kind: f.Kind, Item: f.Item}) {
		pairs[[2]string{r.Kind, r.Item}] = true
	}
	keys := make([][2]string, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"/"+keys[i][1] < keys[j][0]+"/"+keys[j][1] })
	for _, k := range keys {
		m, err := lib.Lookup(k[0], k[1], f.Region, f.Year)
		if errors.Is(err, factors.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, factorRow{ID: m.ID(), Match: m})
	}
	return out, nil
}

func describe(f factors.Filter) string {
	var parts []string
	for _, p := range []struct{ k, v string }{{"kind", f.Kind}, {"item", f.Item}, {"region", f.Region}} {
		if p.v != "" {
			parts = append(parts, fmt.Sprintf("--%s %s", p.k, p.v))
		}
	}
	if f.Year != 0 {
		parts = append(parts, fmt.Sprintf("--year %d", f.Year))
	}
	if len(parts) == 0 {
		return "(no filter)"
	}
	return strings.Join(parts, " ") + " (see `greenhelp factors` for every row)"
}
