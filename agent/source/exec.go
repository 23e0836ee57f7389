package source

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// execSource runs a command (from the folder of site.yaml) and reads
// what it prints: CSV, or a JSON array of objects.
type execSource struct {
	Command []string      `mapstructure:"command"`
	Timeout time.Duration `mapstructure:"timeout"`
	Text    `mapstructure:",squash"`
}

func init() { register("exec", func() Options { return &execSource{} }) }

func (s *execSource) Defaults() {
	s.Text.defaults()
	if s.Timeout == 0 {
		s.Timeout = 30 * time.Second
	}
}

func (s *execSource) Check(_ Env, add AddFunc) {
	if len(s.Command) == 0 || s.Command[0] == "" {
		add("command", "", "missing: the program and its arguments, as a list")
	}
	s.Text.check(add)
}

func (s *execSource) Stream(ctx context.Context, env Env, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	if len(s.Command) == 0 {
		return nil, fmt.Errorf("command: missing")
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.Command[0], s.Command[1:]...)
	cmd.Dir = env.Base
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("command %v: timed out after %s", s.Command, s.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("command %v: %w: %s", s.Command, err, strings.TrimSpace(stderr.String()))
	}
	return s.parseStream(bytes.NewReader(out), s.Command[0], cols, emit)
}

func (*execSource) Sample() string {
	return `  # Any command printing CSV (or, with format: json, an array of objects).
  - id: export-script
    type: exec
    collector: telework
    command: [powershell, -File, 'C:\greenhelp\wfm-export.ps1']
    timeout: 2m                     # default 30s
    columns: {date: Date, remote: Remote, onsite: Onsite}
`
}
