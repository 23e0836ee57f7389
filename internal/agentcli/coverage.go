package agentcli

import (
	"fmt"
	"io"
	"strings"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/footprint/declaration"
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

// surveyLine says what a commute survey source read: the split the
// declaration will carry in place of the profile's.
func surveyLine(sv *declaration.CommuteSurvey) string {
	modes := make([]string, len(sv.Modes))
	for i, m := range sv.Modes {
		modes[i] = fmt.Sprintf("%s %.1f %% at %.1f km", m.Mode, m.Share*100, m.OneWayKm)
	}
	when := ""
	if !sv.Date.IsZero() {
		when = ", last answer " + sv.Date.String()
	}
	return fmt.Sprintf("commute survey of %d respondents%s: %s (one way; sent in the declaration, in place of the profile's assumed split)", sv.Respondents, when, strings.Join(modes, ", "))
}
