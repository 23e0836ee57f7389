//go:build windows

package agentcli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

const serviceName = "greenhelp-agent"

// handler adapts the service control manager to serviceLoop.
type handler struct {
	run func(context.Context) error
}

func (h handler) Execute(_ []string, changes <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	reqs := make(chan svcRequest, 4)
	go func() {
		for c := range changes {
			switch c.Cmd {
			case svc.Interrogate:
				reqs <- svcInterrogate
			case svc.Stop:
				reqs <- svcStop
			case svc.Shutdown:
				reqs <- svcShutdown
			}
		}
		close(reqs)
	}()
	report := func(s svcState) {
		switch s {
		case svcStartPending:
			status <- svc.Status{State: svc.StartPending}
		case svcRunning:
			status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
		case svcStopPending:
			status <- svc.Status{State: svc.StopPending, WaitHint: uint32(stopGrace / time.Millisecond)}
		case svcStopped:
			status <- svc.Status{State: svc.Stopped}
		}
	}
	if err := serviceLoop(context.Background(), h.run, reqs, report); err != nil {
		return true, 1
	}
	return false, 0
}

func serviceCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "service", Short: "Run greenhelp-agent as a Windows service: install, uninstall, start, stop"}
	install := &cobra.Command{
		Use:   "install",
		Short: "Install the service (automatic start) running `run` on this site.yaml",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := cmd.Flags().GetString("config")
			cfgPath, err := filepath.Abs(path)
			if err != nil {
				return err
			}
			if _, err := open(cmd, true); err != nil { // a config that cannot run is refused now, not at boot
				return err
			}
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			m, err := mgr.Connect()
			if err != nil {
				return fmt.Errorf("service manager: %w (run as an administrator)", err)
			}
			defer m.Disconnect()
			if s, err := m.OpenService(serviceName); err == nil {
				s.Close()
				return fmt.Errorf("service %s exists: greenhelp-agent service uninstall first", serviceName)
			}
			s, err := m.CreateService(serviceName, exe, mgr.Config{DisplayName: "greenhelp site agent", StartType: mgr.StartAutomatic,
				Description: "Collects the site's activity data for the greenhelp central"}, "service", "run", "--config", cfgPath, "--log-format", "json")
			if err != nil {
				return fmt.Errorf("create service: %w", err)
			}
			defer s.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "service %s installed (%s service run --config %s); start it: greenhelp-agent service start\n", serviceName, exe, cfgPath)
			return nil
		},
	}
	uninstall := &cobra.Command{
		Use: "uninstall", Short: "Remove the service", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(func(s *mgr.Service) error {
				_, _ = s.Control(svc.Stop)
				if err := s.Delete(); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "service %s removed\n", serviceName)
				return nil
			})
		},
	}
	start := &cobra.Command{
		Use: "start", Short: "Start the service", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(func(s *mgr.Service) error { return s.Start() })
		},
	}
	stop := &cobra.Command{
		Use: "stop", Short: "Stop the service (a batch in flight stays in the outbox)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(func(s *mgr.Service) error { _, err := s.Control(svc.Stop); return err })
		},
	}
	run := &cobra.Command{
		Use: "run", Short: "What the service manager starts (not for a console)", Args: cobra.NoArgs, Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Logs go beside site.yaml: a service has no console.
			path, _ := cmd.Flags().GetString("config")
			logPath := filepath.Join(filepath.Dir(path), "greenhelp-agent.log")
			f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
			if err != nil {
				return err
			}
			defer f.Close()
			cmd.SetErr(f)
			a, err := open(cmd, true)
			if err != nil {
				fmt.Fprintln(f, err)
				return err
			}
			return svc.Run(serviceName, handler{run: a.Run})
		},
	}
	cmd.AddCommand(install, uninstall, start, stop, run)
	return cmd
}

func withService(fn func(*mgr.Service) error) error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("service manager: %w (run as an administrator)", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		return fmt.Errorf("service %s: %w (greenhelp-agent service install first)", serviceName, err)
	}
	defer s.Close()
	return fn(s)
}
