// Command greenhelp is the central side of greenhelp: the factor library,
// inventory calculation and (later) the central service.
package main

import (
	_ "time/tzdata" // site time zones must resolve on Windows and minimal images

	"github.com/greenhelp/greenhelp/internal/cli"
)

func main() { cli.Main() }
