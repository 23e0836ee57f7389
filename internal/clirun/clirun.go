// Package clirun is what the two command trees (internal/cli for
// greenhelp, internal/agentcli for greenhelp-agent) do alike at the edge:
// a flag's default from the environment, the --log-format flag, running a
// cobra root with a context and its output, the exit code, and the
// process's signals. Each rule is written here once.
package clirun

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// EnvOr returns the environment variable name, or def when it is unset or
// empty.
func EnvOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// LogFormat adds the persistent --log-format flag to root, text or json,
// its default from the environment variable env, and checks it before any
// command runs.
func LogFormat(root *cobra.Command, env string) {
	root.PersistentFlags().String("log-format", EnvOr(env, "text"), "log lines as text or json (env "+env+")")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if f, _ := cmd.Flags().GetString("log-format"); f != "text" && f != "json" {
			return fmt.Errorf("--log-format %q: want text or json", f)
		}
		return nil
	}
}

// Execute runs root with args, its output to stdout and stderr, and
// returns the process exit code: 0, or 1 with the error printed to stderr
// after the command's name ("greenhelp: …").
func Execute(ctx context.Context, root *cobra.Command, args []string, stdout, stderr io.Writer) int {
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", root.Name(), err)
		return 1
	}
	return 0
}

// Main is what a command's main runs: execute (a package's Execute) on
// the process's arguments and standard output, under a context that
// SIGTERM and Ctrl-C cancel, then exit with its code.
func Main(execute func(ctx context.Context, args []string, stdout, stderr io.Writer) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
