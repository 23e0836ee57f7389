package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/api"
	"github.com/greenhelp/greenhelp/footprint"
)

// cliActor is who runs a command, for the audit log: cli:<user>.
func cliActor() central.Actor {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown user"
	}
	return central.Actor{Name: "cli:" + name, Via: "cli"}
}

func newTokensCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tokens", Short: "Issue, list and revoke API tokens (each with a role: viewer, ambassador of sites, esg, admin)"}
	cmd.AddCommand(newTokensIssueCmd(), newTokensListCmd(), newTokensRevokeCmd())
	return cmd
}

func newTokensIssueCmd() *cobra.Command {
	issue := &cobra.Command{
		Use:   "issue",
		Short: "Issue an API token for a role; prints it once, alone on the last line (only its hash is kept)",
		Example: `  greenhelp tokens issue --role viewer --note "Grafana"
  greenhelp tokens issue --role ambassador --sites fr-lyon,ma-rab --note "Lyon's scripts"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			role, _ := cmd.Flags().GetString("role")
			sites, _ := cmd.Flags().GetStringSlice("sites")
			note, _ := cmd.Flags().GetString("note")
			if err := central.CheckTokenRole(role, sites); err != nil {
				return fmt.Errorf("--role, --sites: %w", err)
			}
			var out api.AdminToken
			err := changeStore(cmd, "tokens issue",
				func(op *operator) error {
					return op.call(cmd.Context(), "/api/v1/admin/tokens", api.AdminToken{Role: role, Sites: sites, Note: note}, &out)
				},
				func() error {
					return withService(cmd, func(svc *central.Service) error {
						t, secret, err := svc.IssueAPIToken(cmd.Context(), role, sites, note)
						out = api.AdminToken{ID: t.ID, Role: t.Role, Sites: t.Sites, Note: t.Note, Secret: secret}
						return err
					})
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %s (%s%s): send it as Authorization: Bearer …; it is shown only now:\n%s\n",
				out.ID, out.Role, sitesNote(out.Sites), out.Secret)
			return nil
		},
	}
	issue.Flags().String("role", "", "viewer, ambassador, esg or admin")
	issue.Flags().StringSlice("sites", nil, "an ambassador's sites (comma-separated ids)")
	issue.Flags().String("note", "", "what the token is for (shown in the list)")
	storeFlags(issue)
	return issue
}

func sitesNote(sites []string) string {
	if len(sites) == 0 {
		return ""
	}
	return " of " + strings.Join(sites, ", ")
}

func newTokensRevokeCmd() *cobra.Command {
	revoke := &cobra.Command{
		Use:   "revoke",
		Short: "Revoke an API token: it stops working at once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetString("id")
			if !strings.HasPrefix(id, "tok_") {
				return fmt.Errorf("--id %s: want a token's id, tok_… (greenhelp tokens list)", footprint.QuoteClip(id))
			}
			err := changeStore(cmd, "tokens revoke",
				func(op *operator) error {
					return op.call(cmd.Context(), "/api/v1/admin/tokens/"+url.PathEscape(id)+"/revoke", nil, nil)
				},
				func() error {
					return withService(cmd, func(svc *central.Service) error { return svc.RevokeAPIToken(cmd.Context(), id) })
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %s revoked\n", id)
			return nil
		},
	}
	revoke.Flags().String("id", "", "the token's id (tok_…)")
	storeFlags(revoke)
	return revoke
}

func newTokensListCmd() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List the API tokens (never their secrets), revoked ones too",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, _, err := openService(cmd, logger(cmd, io.Discard))
			if err != nil {
				return err
			}
			defer svc.Close()
			ts, err := svc.APITokens(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tROLE\tSITES\tCREATED\tBY\tREVOKED\tNOTE")
			for _, t := range ts {
				revoked := ""
				if !t.RevokedAt.IsZero() {
					revoked = t.RevokedAt.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, strings.Join(t.Sites, ","), t.CreatedAt.UTC().Format(time.RFC3339),
					footprint.Printable(t.CreatedBy), revoked, footprint.Printable(t.Note))
			}
			return tw.Flush()
		},
	}
	storeFlags(list)
	return list
}

func newAuditCmd() *cobra.Command {
	audit := &cobra.Command{
		Use:   "audit",
		Short: "Print the audit log: who signed in, exported, closed a year, changed sites, tokens and offsets, and when",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			since, _ := cmd.Flags().GetInt64("since")
			limit, _ := cmd.Flags().GetInt("limit")
			format, _ := cmd.Flags().GetString("format")
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			svc, _, err := openService(cmd, logger(cmd, io.Discard))
			if err != nil {
				return err
			}
			defer svc.Close()
			es, err := svc.AuditLog(cmd.Context(), since, limit)
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(es)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tAT (UTC)\tWHO\tVIA\tACTION\tTARGET\tDETAIL")
			for _, e := range es {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.At.UTC().Format(time.RFC3339), footprint.Printable(e.Actor), e.Via, e.Action,
					footprint.Printable(e.Target), footprint.Printable(e.Detail))
			}
			return tw.Flush()
		},
	}
	audit.Flags().Int64("since", 0, "print the entries after this id")
	audit.Flags().Int("limit", 1000, "at most this many entries (1 to 10000)")
	audit.Flags().String("format", "table", "table or json")
	storeFlags(audit)
	return audit
}
