// Command greenhelp-agent is greenhelp's site agent.
package main

import (
	_ "time/tzdata" // site time zones must resolve on Windows

	"github.com/greenhelp/greenhelp/internal/agentcli"
)

func main() { agentcli.Main() }
