package agentcli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/agent"
)

// printSourceNotes prints, source by source, what check has to say below
// the table: rows rejected, warnings, the survey read, lines skipped, the
// collector's notes, what the source read as a whole (agent.SourceHealth.Read)
// and the records it ignored.
func printSourceNotes(w io.Writer, sources []agent.SourceHealth) {
	for _, h := range sources {
		for _, r := range h.Rejections {
			fmt.Fprintf(w, "  %s: %s: %s\n", h.ID, r.Where, r.Reason)
		}
		for _, warn := range h.Warnings {
			fmt.Fprintf(w, "  warning: %s: %s\n", h.ID, warn)
		}
		if sv := h.Survey; sv != nil {
			fmt.Fprintf(w, "  %s: %s\n", h.ID, surveyLine(sv))
		}
		if h.RowsSkipped > 0 {
			fmt.Fprintf(w, "  %s: %d line(s) skipped, not data (not rejected):", h.ID, h.RowsSkipped)
			for _, r := range h.Skipped {
				fmt.Fprintf(w, " %s: %s;", r.Where, r.Reason)
			}
			fmt.Fprintln(w)
		}
		for _, r := range h.Notes {
			fmt.Fprintf(w, "  %s: note: %s: %s\n", h.ID, r.Where, r.Reason)
		}
		for _, line := range h.Read {
			fmt.Fprintf(w, "  %s: %s\n", h.ID, line)
		}
		if n := h.IgnoredTotal(); n > 0 && h.Type == "winevents" {
			fmt.Fprintf(w, "  %s: %d events ignored (not power events): ids %s\n", h.ID, n, ignoredIDs(h.Ignored, 10))
		} else if n > 0 {
			fmt.Fprintf(w, "  %s: %d rows ignored: %s\n", h.ID, n, ignoredIDs(h.Ignored, 10))
		}
	}
}

// ignoredIDs lists the ignored events by what they were, the most
// frequent first: "Kernel-General 1 (900), Service Control Manager 7036
// (300), … and 12 more".
func ignoredIDs(ignored map[string]int, most int) string {
	ids := make([]string, 0, len(ignored))
	for id := range ignored {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if ignored[ids[i]] != ignored[ids[j]] {
			return ignored[ids[i]] > ignored[ids[j]]
		}
		return ids[i] < ids[j]
	})
	parts := make([]string, 0, most+1)
	for i, id := range ids {
		if i == most {
			parts = append(parts, fmt.Sprintf("… and %d more", len(ids)-most))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", id, ignored[id]))
	}
	return strings.Join(parts, ", ")
}
