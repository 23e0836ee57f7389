package agentcli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// starterHead is the top of the site.yaml `init` writes; %s are the
// site's country and the central's address.
const starterHead = `# greenhelp-agent configuration for one site: the green ambassador's file,
# written by greenhelp-agent init. Fill in what says FILL IN, point each
# source at its export, then:
#
#   greenhelp-agent check --ping --config site.yaml   # validate, read every source, try the central
#   greenhelp-agent once  --config site.yaml          # collect and deliver now
#   greenhelp-agent run   --config site.yaml          # the daemon (or: service install on Windows)
#
# Every key can be overridden from the environment: GREENHELP_AGENT_ + the
# key's path in upper case with _ for . (GREENHELP_AGENT_CENTRAL_TOKEN …).
# Relative paths start at this file's folder. README: "The site agent".

site:
  id: %s                      # the id the central registered (greenhelp sites add --id …)
  name: FILL IN                     # e.g. Lyon Gerland
  country: %s
  city: FILL IN                     # the climate and the profile start from it
  timezone: FILL IN                 # IANA name, e.g. Europe/Paris: power-off windows are in it, DST included
  seats: 0                          # FILL IN: workstations
  fte: 0                            # FILL IN: staff in full-time equivalents
  workstations:                     # FILL IN: the fleet, class and count (desktop, laptop, thin_client, monitor)
    - {class: desktop, count: 0}    # watts left out: the documented defaults, printed with their sources by
                                    # greenhelp calc; add watts_on, watts_idle, watts_sleep, watts_off if measured
  power_off:
    windows:                        # when PCs should be off
      - {days: [mon, tue, wed, thu, fri], from: "20:00", to: "07:00"}
      - {days: [sat, sun], all_day: true}

central:
  url: %s
  # Several centrals on one database (PostgreSQL): list them instead of url,
  # and the agent fails over between them, keeping to the one that answered:
  # urls: [https://central-a.example.org, https://central-b.example.org]
  token_file: token                 # the token greenhelp sites add printed, alone in this file

outbox:
  dir: greenhelp-outbox             # batches wait here until the central acknowledges them

schedule:
  collect_at: "02:00"               # daily collection, site time

sources:
`

func initCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init --site ID --country CC [--sources energy,workstation,telework,travel] [--central URL] [--out site.yaml]",
		Short: "Write a commented starter site.yaml for a site and the sources chosen",
		Long:  "Write a commented site.yaml to start from: the site block for the country given, the central, and one sample block per source type or collector named (the blocks `greenhelp-agent sample` prints). It never overwrites a file.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetString("site")
			country, _ := cmd.Flags().GetString("country")
			sources, _ := cmd.Flags().GetStringSlice("sources")
			url, _ := cmd.Flags().GetString("central")
			out, _ := cmd.Flags().GetString("out")
			country = strings.ToUpper(strings.TrimSpace(country))
			probe := declaration.Site{ID: id, Name: "x", Country: country, Timezone: "UTC", Seats: 1}
			if err := probe.Validate("init"); err != nil {
				return fmt.Errorf("%w (--site is the id the central registered, --country an ISO 3166-1 alpha-2 code such as FR)", err)
			}
			var blocks []string
			for _, name := range sources {
				b, err := agent.Sample(strings.TrimSpace(name))
				if err != nil {
					return fmt.Errorf("--sources: %w", err)
				}
				blocks = append(blocks, b)
			}
			if _, err := os.Stat(out); err == nil {
				return fmt.Errorf("%s exists: init never overwrites (give --out another name)", out)
			}
			body := fmt.Sprintf(starterHead, id, country, url) + strings.Join(blocks, "\n")
			if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
				return err
			}
			if err := os.WriteFile(out, []byte(body), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d source(s)): fill in what says FILL IN, then greenhelp-agent check --ping --config %s\n", out, len(blocks), out)
			return nil
		},
	}
	cmd.Flags().String("site", "", "the site id the central registered")
	cmd.Flags().String("country", "", "ISO 3166-1 alpha-2 country code")
	cmd.Flags().StringSlice("sources", []string{"energy", "workstation", "telework", "travel"}, "source types or collectors to include (greenhelp-agent sample lists them)")
	cmd.Flags().String("central", "https://greenhelp.example.org", "the central's address")
	cmd.Flags().String("out", "site.yaml", "the file to write")
	return cmd
}
