package clirun

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
)

func tree() *cobra.Command {
	root := &cobra.Command{Use: "greenhelp-test", SilenceUsage: true, SilenceErrors: true}
	LogFormat(root, "GREENHELP_TEST_LOG_FORMAT")
	root.AddCommand(&cobra.Command{Use: "ok", RunE: func(cmd *cobra.Command, _ []string) error {
		f, _ := cmd.Flags().GetString("log-format")
		cmd.Println("log format", f)
		return nil
	}}, &cobra.Command{Use: "fail", RunE: func(*cobra.Command, []string) error { return errors.New("no such site") }})
	return root
}

// A command's error is printed after the tree's name, exit code 1; its
// output goes where it was asked to.
func TestExecuteReturnsTheExitCodeAndNamesTheCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, Execute(context.Background(), tree(), []string{"ok"}, &out, &errOut))
	assert.Equal(t, "log format text\n", out.String()+errOut.String())

	out.Reset()
	errOut.Reset()
	assert.Equal(t, 1, Execute(context.Background(), tree(), []string{"fail"}, &out, &errOut))
	assert.Equal(t, "greenhelp-test: no such site\n", errOut.String())
	assert.Empty(t, out.String())

	errOut.Reset()
	assert.Equal(t, 1, Execute(context.Background(), tree(), []string{"ok", "--log-format", "xml"}, &out, &errOut))
	assert.Equal(t, "greenhelp-test: --log-format \"xml\": want text or json\n", errOut.String())
}

// The environment sets a default; the command line wins over it; an empty
// variable is no value.
func TestTheEnvironmentGivesTheDefault(t *testing.T) {
	t.Setenv("GREENHELP_TEST_LOG_FORMAT", "json")
	var out bytes.Buffer
	assert.Equal(t, 0, Execute(context.Background(), tree(), []string{"ok"}, &out, &out))
	assert.Equal(t, "log format json\n", out.String())
	out.Reset()
	assert.Equal(t, 0, Execute(context.Background(), tree(), []string{"ok", "--log-format", "text"}, &out, &out))
	assert.Equal(t, "log format text\n", out.String())

	t.Setenv("GREENHELP_TEST_LOG_FORMAT", "")
	assert.Equal(t, "fallback", EnvOr("GREENHELP_TEST_LOG_FORMAT", "fallback"))
}
