//go:build !windows

package agentcli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func serviceCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "service",
		Short: "Windows only: run greenhelp-agent as a Windows service (under systemd, use deploy/greenhelp-agent.service)",
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("the service command is for Windows; under systemd, install deploy/greenhelp-agent.service (see the README)")
		},
	}
}
