package agentcli

import (
	"fmt"
	"io"
	"strings"

	"github.com/greenhelp/greenhelp/agent"
)

// printCoverage writes, per source, the days of each reporting year its
// records cover, and what they leave out as warnings.
func printCoverage(w io.Writer, sources []agent.SourceHealth) {
	head := false
	for _, h := range sources {
		if len(h.Coverage) == 0 {
			continue
		}
		if !head {
			fmt.Fprintln(w, "\nCoverage (days of each year the records cover):")
			head = true
		}
		years := make([]string, len(h.Coverage))
		for i, y := range h.Coverage {
			years[i] = fmt.Sprintf("%d: %d of %d days", y.Year, y.Covered, y.Days)
		}
		fmt.Fprintf(w, "  %s: %s\n", h.ID, strings.Join(years, "; "))
		for _, warn := range h.CoverageWarnings {
			fmt.Fprintf(w, "  warning: %s: %s\n", h.ID, warn)
		}
	}
}

// coverageWarnings counts the warnings check prints per source: its
// coverage's and its collector's (Warnings).
func coverageWarnings(sources []agent.SourceHealth) int {
	n := 0
	for _, h := range sources {
		n += len(h.CoverageWarnings) + len(h.Warnings)
	}
	return n
}
