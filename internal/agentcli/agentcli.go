// Package agentcli holds the greenhelp-agent command tree; cmd/greenhelp-agent
// only calls Main.
package agentcli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/agent/upload"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/internal/clirun"
	"github.com/greenhelp/greenhelp/internal/csvsafe"
)

// Version is set at build time.
var Version = "dev"

// NewRoot returns the greenhelp-agent command tree.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "greenhelp-agent",
		Short:         "greenhelp's site agent: collect the site's data and deliver it to the central service",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("config", "site.yaml", "the site's site.yaml")
	root.PersistentFlags().String("log-level", "info", "debug, info, warn or error")
	clirun.LogFormat(root, "GREENHELP_AGENT_LOG_FORMAT")
	root.AddCommand(checkCmd(), onceCmd(), runCmd(), statusCmd(), sampleCmd(), quarantineCmd(), serviceCmd(), initCmd())
	return root
}

// Execute runs the tree and returns the exit code.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return clirun.Execute(ctx, NewRoot(), args, stdout, stderr)
}

// Main is what cmd/greenhelp-agent runs: SIGTERM and Ctrl-C stop it cleanly.
func Main() { clirun.Main(Execute) }

func sampleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "sample [TYPE|COLLECTOR]...",
		Short: "Print commented site.yaml source blocks to start from",
		Long:  "Print the commented `sources:` block of each source type (csv, http, exec, manual, winevents, greenbutton, enedis) or collector (energy, interval, workstation, telework, travel, weather, cloud) named, or of every collector when none is: paste it under sources: in site.yaml and adapt the path and columns.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = agent.Collectors()
			}
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, "sources:")
			for i, name := range args {
				block, err := agent.Sample(name)
				if err != nil {
					return err
				}
				if i > 0 {
					fmt.Fprintln(out)
				}
				fmt.Fprint(out, block)
			}
			return nil
		},
	}
}

func logger(cmd *cobra.Command) *slog.Logger {
	lvl := new(slog.LevelVar)
	s, _ := cmd.Flags().GetString("log-level")
	_ = lvl.UnmarshalText([]byte(s))
	opts := &slog.HandlerOptions{Level: lvl}
	if f, _ := cmd.Flags().GetString("log-format"); f == "json" {
		return slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts))
	}
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts))
}

func open(cmd *cobra.Command, requireToken bool) (*agent.Agent, error) {
	path, _ := cmd.Flags().GetString("config")
	cfg, err := agent.Load(path, requireToken)
	if err != nil {
		return nil, err
	}
	return agent.New(cfg, logger(cmd))
}

// Summary is one line of check's dry run: what would be sent.
type Summary struct {
	Kind    string  `json:"kind"`
	Item    string  `json:"item"`
	Records int     `json:"records"`
	Days    int     `json:"days"`
	From    string  `json:"from"`
	To      string  `json:"to"`
	Total   float64 `json:"total"`
	Unit    string  `json:"unit"`
}

// CheckReport is check's JSON output.
type CheckReport struct {
	Config  string               `json:"config"`
	Sources []agent.SourceHealth `json:"sources"`
	Summary []Summary            `json:"would_send"`
	OK      bool                 `json:"ok"`
	Warning []string             `json:"warnings,omitempty"`
	// Implausible are figures off by an order of magnitude against the
	// declaration or the source's history.
	Implausible []declaration.PlausibilityWarning `json:"implausible,omitempty"`
	// Ping is the central's answer to --ping (PingError when it failed);
	// with several central addresses, the first that answered, and
	// Centrals is each one's answer (pingCentrals).
	Ping      *upload.PingResult `json:"ping,omitempty"`
	PingError string             `json:"ping_error,omitempty"`
	Centrals  []CentralPing      `json:"centrals,omitempty"`
}

func checkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate site.yaml, read every source and show what would be sent",
		Long:  "Validate site.yaml and read every source: print what would be sent (per kind/item: days, total, unit). Exits non-zero on any problem. Nothing is sent or queued.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, _ := cmd.Flags().GetString("format")
			if format != "table" && format != "json" && format != "csv" {
				return fmt.Errorf("--format %q: want table, json or csv", format)
			}
			path, _ := cmd.Flags().GetString("config")
			cfg, err := agent.Load(path, false)
			if err != nil {
				return err
			}
			a := &agent.Agent{Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			c := a.Collect(cmd.Context())
			rep := CheckReport{Config: cfg.String(), Sources: c.Health, Summary: summarise(c), OK: c.OK(), Implausible: c.Warnings}
			if ping, _ := cmd.Flags().GetBool("ping"); ping {
				pingCentrals(a.Ping(cmd.Context()), &rep)
			} else if cfg.Central.Token == "" {
				rep.Warning = append(rep.Warning, "no central token yet: set central.token_file or GREENHELP_AGENT_CENTRAL_TOKEN before `once` or `run`")
			}
			out := cmd.OutOrStdout()
			if format == "csv" {
				// The records themselves, in the wire CSV that greenhelp calc reads.
				if err := writeActivitiesCSV(out, c.Activities); err != nil {
					return err
				}
			} else if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printCheck(out, rep)
			}
			if !rep.OK {
				return fmt.Errorf("check found problems (see above)")
			}
			return nil
		},
	}
	cmd.Flags().String("format", "table", "output format: table, json, or csv (the records that would be sent, as greenhelp calc reads them)")
	cmd.Flags().Bool("ping", false, "also ask the central whether it is reachable, takes the token and knows the site id (nothing is sent)")
	return cmd
}

func quarantineCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "quarantine", Short: "The batches the central refused: list them, send them again, or drop them"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the quarantined batches with the central's reason",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := open(cmd, false)
			if err != nil {
				return err
			}
			qs, err := a.Outbox.Quarantined()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if len(qs) == 0 {
				fmt.Fprintln(w, "no quarantined batch")
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "BATCH FILE\tQUEUED\tBYTES\tREFUSED BECAUSE")
			for _, q := range qs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", q.Name, q.Written.Format(time.RFC3339), q.Size, q.Reason)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(w, "\nOnce the cause is fixed (the data, or the central): greenhelp-agent quarantine retry [BATCH FILE...]; to give them up: quarantine drop BATCH FILE... (or --all)")
			return nil
		},
	}
	retry := &cobra.Command{
		Use:   "retry [BATCH FILE...]",
		Short: "Send quarantined batches again (all without names): the central counts each batch once",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := open(cmd, true)
			if err != nil {
				return err
			}
			released, ackedN, refusedN, err := a.Retry(cmd.Context(), args)
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d batch(es) back in the outbox; delivered: %d acknowledged, %d refused again (quarantined)\n", len(released), ackedN, refusedN)
			if err != nil {
				return fmt.Errorf("not every batch was delivered (they stay in the outbox): %w", err)
			}
			if refusedN > 0 {
				return fmt.Errorf("%d batch(es) refused again: see `greenhelp-agent quarantine list`", refusedN)
			}
			return nil
		},
	}
	drop := &cobra.Command{
		Use:   "drop BATCH FILE... | --all",
		Short: "Delete quarantined batches: their records are not sent",
		RunE: func(cmd *cobra.Command, args []string) error {
			all, _ := cmd.Flags().GetBool("all")
			if len(args) == 0 && !all {
				return fmt.Errorf("name the batch files to drop (see `greenhelp-agent quarantine list`), or --all")
			}
			a, err := open(cmd, false)
			if err != nil {
				return err
			}
			dropped, err := a.Outbox.Drop(args)
			if err != nil {
				return err
			}
			for _, d := range dropped {
				fmt.Fprintf(cmd.OutOrStdout(), "dropped %s (%s)\n", d.Name, d.Reason)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d batch(es) dropped\n", len(dropped))
			return nil
		},
	}
	drop.Flags().Bool("all", false, "drop every quarantined batch")
	cmd.AddCommand(list, retry, drop)
	return cmd
}

// writeActivitiesCSV writes the records in the activity CSV; a source
// that a spreadsheet would read as a formula is written guarded (csvsafe),
// and footprint.ReadActivitiesCSV reads it back as it was.
func writeActivitiesCSV(w io.Writer, acts []footprint.Activity) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(footprint.CSVColumns)
	for _, a := range acts {
		_ = cw.Write([]string{string(a.Kind), a.Item, a.Start.String(), a.End.String(), strconv.FormatFloat(a.Quantity, 'f', -1, 64),
			string(a.Unit), csvsafe.Text(a.Source), string(a.Quality), csvsafe.Text(footprint.FormatAttrs(a.Attrs))})
	}
	cw.Flush()
	return cw.Error()
}

func summarise(c agent.Collected) []Summary {
	by := map[[2]string]*Summary{}
	days := map[[2]string]map[string]bool{}
	for _, a := range c.Activities {
		k := [2]string{string(a.Kind), a.Item}
		s := by[k]
		if s == nil {
			s = &Summary{Kind: string(a.Kind), Item: a.Item, Unit: string(a.Unit), From: a.Start.String(), To: a.End.String()}
			by[k] = s
			days[k] = map[string]bool{}
		}
		s.Records++
		s.Total += a.Quantity
		if a.Start.String() < s.From {
			s.From = a.Start.String()
		}
		if a.End.String() > s.To {
			s.To = a.End.String()
		}
		for d := a.Start; d.Before(a.End); d = d.AddDays(1) {
			days[k][d.String()] = true
		}
	}
	out := make([]Summary, 0, len(by))
	for k, s := range by {
		s.Days = len(days[k])
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind+out[i].Item < out[j].Kind+out[j].Item })
	return out
}

func printCheck(w io.Writer, rep CheckReport) {
	fmt.Fprintln(w, rep.Config)
	for _, warn := range rep.Warning {
		fmt.Fprintln(w, "warning:", warn)
	}
	printPings(w, rep)
	fmt.Fprintln(w, "\nSources:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tTYPE\tCOLLECTOR\tROWS\tREJECTED\tRECORDS\tSTATUS")
	for _, h := range rep.Sources {
		st := "ok"
		if h.Error != "" {
			st = "FAILED: " + h.Error
		} else if h.Warning != "" {
			st = "warning: " + h.Warning
		} else if h.RowsRejected > 0 {
			st = "rows rejected"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", h.ID, h.Type, h.Collector, h.RowsRead, h.RowsRejected, h.Records, st)
	}
	_ = tw.Flush()
	printSourceNotes(w, rep.Sources)
	printCoverage(w, rep.Sources)
	fmt.Fprintln(w, "\nWould send:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tITEM\tRECORDS\tDAYS\tFROM\tTO\tTOTAL\tUNIT")
	for _, s := range rep.Summary {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%.1f\t%s\n", s.Kind, s.Item, s.Records, s.Days, s.From, s.To, s.Total, s.Unit)
	}
	_ = tw.Flush()
	if len(rep.Implausible) > 0 {
		fmt.Fprintf(w, "\nIMPLAUSIBLE FIGURES — %d warning(s): read them before anything is sent\n", len(rep.Implausible))
		for _, x := range rep.Implausible {
			fmt.Fprintf(w, "  warning: %s\n", x)
		}
	}
	switch {
	case rep.OK && len(rep.Implausible) > 0:
		fmt.Fprintf(w, "\ncheck: readable, but %d figure(s) look off by an order of magnitude (above)\n", len(rep.Implausible))
	case rep.OK && coverageWarnings(rep.Sources) > 0:
		fmt.Fprintf(w, "\ncheck: ok, with %d warning(s) (above): days no record covers or covers twice, dates or figures to read before they are trusted\n", coverageWarnings(rep.Sources))
	case rep.OK:
		fmt.Fprintln(w, "\ncheck: ok")
	}
}

func onceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "once",
		Short: "Collect and upload now; exit 0 only when everything collected was acknowledged",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := open(cmd, true)
			if err != nil {
				return err
			}
			wait, _ := cmd.Flags().GetDuration("wait")
			ctx, cancel := context.WithTimeout(cmd.Context(), wait)
			defer cancel()
			sum, err := a.OnceSummary(ctx)
			fmt.Fprintln(cmd.OutOrStdout(), sum)
			return err
		},
	}
	cmd.Flags().Duration("wait", 10*time.Minute, "how long to keep retrying an unavailable central before giving up (batches stay queued)")
	return cmd
}

func runCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run as a daemon: daily collection, continuous upload, clean stop on SIGTERM/Ctrl-C",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := open(cmd, true)
			if err != nil {
				return err
			}
			a.Log.Info("greenhelp-agent running", "config", a.Cfg.String())
			return a.Run(cmd.Context())
		},
	}
}

func statusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the outbox depth, last upload, quarantined batches and per-source health",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := open(cmd, false)
			if err != nil {
				return err
			}
			st, err := a.Status()
			if err != nil {
				return err
			}
			if f, _ := cmd.Flags().GetString("format"); f == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "site %s\noutbox: %d batch(es) pending, %d bytes (max %s)\n", st.Site, st.Pending, st.PendingBytes, st.OutboxMaxSize)
			if st.Oldest != nil {
				fmt.Fprintf(w, "oldest pending: %s\n", st.Oldest.Format(time.RFC3339))
			}
			fmt.Fprintf(w, "last collection: %s\nlast upload: %s\n", fmtTime(st.LastCollect), fmtTime(st.LastUpload))
			fmt.Fprintf(w, "quarantined: %d\n", len(st.Quarantined))
			for _, q := range st.Quarantined {
				fmt.Fprintf(w, "  %s: %s\n", q.Name, q.Reason)
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tLAST SUCCESS\tROWS\tREJECTED\tRECORDS\tERROR")
			for _, h := range st.Sources {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", h.ID, fmtTime(h.LastSuccess), h.RowsRead, h.RowsRejected, h.Records, h.Error)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().String("format", "table", "output format: table or json")
	return cmd
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.RFC3339)
}
