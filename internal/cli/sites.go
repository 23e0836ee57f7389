package cli

import (
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/api"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

func newSitesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "sites", Short: "Manage sites and their tokens"}
	cmd.AddCommand(newSitesAddCmd(), newSitesListCmd(), newSitesRotateCmd(), newSitesCloseCmd(), newSitesReopenCmd(), newSitesEventCmd())
	return cmd
}

func newSitesAddCmd() *cobra.Command {
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a site; prints its token once, alone on the last line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetString("id")
			name, _ := cmd.Flags().GetString("name")
			country, _ := cmd.Flags().GetString("country")
			if err := central.CheckNewSite("sites add", id, name, country); err != nil {
				return err
			}
			var tok string
			err := changeStore(cmd, "sites add",
				func(op *operator) error {
					var out api.AdminSite
					err := op.call(cmd.Context(), "/api/v1/admin/sites", api.AdminSite{ID: id, Name: name, Country: country}, &out)
					tok = out.Token
					return err
				},
				func() error {
					return withService(cmd, func(svc *central.Service) (err error) {
						tok, err = svc.AddSite(cmd.Context(), id, name, country)
						return err
					})
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "site %s (%s, %s) added. Its token, shown only now (give it to the site's ambassador):\n%s\n", id, name, country, tok)
			return nil
		},
	}
	add.Flags().String("id", "", "site id (a-z, 0-9, - and _)")
	add.Flags().String("name", "", "site name")
	add.Flags().String("country", "", "ISO 3166-1 alpha-2 country code")
	storeFlags(add)
	return add
}

func newSitesListCmd() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List the sites: status (open, closed, silent, no data), last batch, newest record, records received",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, _ := cmd.Flags().GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			svc, _, err := openService(cmd, logger(cmd, io.Discard))
			if err != nil {
				return err
			}
			defer svc.Close()
			sites, err := svc.SiteStatuses(cmd.Context())
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), sites)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCOUNTRY\tSTATUS\tLAST BATCH\tNEWEST RECORD\tRECORDS RECEIVED\tWHY")
			for _, s := range sites {
				last, newest := "-", "-"
				if !s.LastReceived.IsZero() {
					last = s.LastReceived.UTC().Format("2006-01-02 15:04")
				}
				if !s.NewestDay.IsZero() {
					newest = s.NewestDay.String()
				}
				// Names stored before they were checked may hold control
				// characters: escaped, so that they cannot drive the terminal.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", footprint.Printable(s.ID), footprint.Printable(s.Name), footprint.Printable(s.Country), s.Status, last, newest, s.Records, footprint.Printable(s.Why))
			}
			return tw.Flush()
		},
	}
	list.Flags().String("format", "table", "table or json")
	storeFlags(list)
	return list
}

func newSitesCloseCmd() *cobra.Command {
	closeCmd := &cobra.Command{
		Use:   "close",
		Short: "Close a site on a date: it stays in the years it was open, its records from that day on are not counted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetString("id")
			if err := checkSiteID(id); err != nil {
				return err
			}
			onS, _ := cmd.Flags().GetString("on")
			on, err := footprint.ParseDate(onS)
			if err != nil {
				return fmt.Errorf("--on %q: want the closing day YYYY-MM-DD (its records from that day on are not counted)", onS)
			}
			err = changeStore(cmd, "sites close",
				func(op *operator) error {
					return op.call(cmd.Context(), "/api/v1/admin/sites/"+url.PathEscape(id)+"/close", map[string]string{"on": on.String()}, nil)
				},
				func() error {
					return withService(cmd, func(svc *central.Service) error { return svc.CloseSite(cmd.Context(), id, on) })
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "site %s closed on %s: counted until %s; an organic closure, the group's base is not restated (reopen: greenhelp sites reopen --id %s)\n", id, on, on.AddDays(-1), id)
			return nil
		},
	}
	closeCmd.Flags().String("id", "", "site id")
	closeCmd.Flags().String("on", "", "closing day YYYY-MM-DD: the first day not counted")
	storeFlags(closeCmd)
	return closeCmd
}

func newSitesReopenCmd() *cobra.Command {
	reopen := &cobra.Command{
		Use:   "reopen",
		Short: "Reopen a closed site: all its records count again",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetString("id")
			if err := checkSiteID(id); err != nil {
				return err
			}
			err := changeStore(cmd, "sites reopen",
				func(op *operator) error {
					return op.call(cmd.Context(), "/api/v1/admin/sites/"+url.PathEscape(id)+"/reopen", nil, nil)
				},
				func() error {
					return withService(cmd, func(svc *central.Service) error { return svc.ReopenSite(cmd.Context(), id) })
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "site %s reopened: all its records count\n", id)
			return nil
		},
	}
	reopen.Flags().String("id", "", "site id")
	storeFlags(reopen)
	return reopen
}

func newSitesRotateCmd() *cobra.Command {
	rotate := &cobra.Command{
		Use:   "rotate-token",
		Short: "Replace a site's token; the old one stops working at once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetString("id")
			if err := checkSiteID(id); err != nil {
				return err
			}
			var tok string
			err := changeStore(cmd, "sites rotate-token",
				func(op *operator) error {
					var out api.AdminSite
					err := op.call(cmd.Context(), "/api/v1/admin/sites/"+url.PathEscape(id)+"/rotate", nil, &out)
					tok = out.Token
					return err
				},
				func() error {
					return withService(cmd, func(svc *central.Service) (err error) {
						tok, err = svc.RotateToken(cmd.Context(), id)
						return err
					})
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "site %s: new token (the old one no longer works):\n%s\n", id, tok)
			return nil
		},
	}
	rotate.Flags().String("id", "", "site id")
	storeFlags(rotate)
	return rotate
}

func newSitesEventCmd() *cobra.Command {
	ev := &cobra.Command{
		Use:   "event",
		Short: "Declare a site acquired, divested, opened, closed, outsourced or insourced on a day (--remove takes it back)",
		Long: `Declare an event of a site's life: what the group's boundary and its base-year
recalculation read (never whether data arrived; a site that stops sending is
estimated, not taken out).

  acquired, insourced   it counts from that day; the base year and the years
                        between are restated with its own records from before
                        (send them), when the structural changes reach the
                        recalculation threshold
  divested, outsourced  it counts until the day before; the base and the years
                        between are restated without it, above the threshold
  opened, closed        organic growth or decline: nothing is restated
                        (closed is greenhelp sites close)

One entry and one exit a site, the exit after the entry.`,
		Example: "  greenhelp sites event --id ma-rab-technopolis --kind acquired --on 2024-07-01 --note \"bought from Acme\"",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetString("id")
			if err := checkSiteID(id); err != nil {
				return err
			}
			kindS, _ := cmd.Flags().GetString("kind")
			kind, err := structure.ParseKind(kindS)
			if err != nil {
				return fmt.Errorf("--kind: %w", err)
			}
			onS, _ := cmd.Flags().GetString("on")
			on, err := footprint.ParseDate(onS)
			if err != nil {
				return fmt.Errorf("--on %q: want the event's day YYYY-MM-DD (an entry's first day counted, an exit's first day not counted)", onS)
			}
			note, _ := cmd.Flags().GetString("note")
			remove, _ := cmd.Flags().GetBool("remove")
			path, verb := "/events", "declared"
			if remove {
				path, verb = "/events/remove", "taken back"
				if note != "" {
					return fmt.Errorf("--note: only when declaring an event, not with --remove")
				}
			}
			err = changeStore(cmd, "sites event",
				func(op *operator) error {
					return op.call(cmd.Context(), "/api/v1/admin/sites/"+url.PathEscape(id)+path, api.AdminEvent{Kind: string(kind), On: on.String(), Note: note}, nil)
				},
				func() error {
					return withService(cmd, func(svc *central.Service) error {
						if remove {
							return svc.RemoveSiteEvent(cmd.Context(), id, kind, on)
						}
						return svc.AddSiteEvent(cmd.Context(), id, kind, on, note)
					})
				})
			if err != nil {
				return err
			}
			what := "organic: the group's base is not restated"
			if kind.Structural() {
				what = "structural: the base year and the years between are restated above the recalculation threshold (the export's restatements list it)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "site %s: %s on %s %s (%s)\n", id, kind, on, verb, what)
			return nil
		},
	}
	ev.Flags().String("id", "", "site id")
	ev.Flags().String("kind", "", "acquired, divested, opened, closed, outsourced or insourced")
	ev.Flags().String("on", "", "the day YYYY-MM-DD: an entry's first day counted, an exit's first day not counted")
	ev.Flags().String("note", "", "what happened, in words (the buyer, the contract…)")
	ev.Flags().Bool("remove", false, "take the event back")
	storeFlags(ev)
	return ev
}
