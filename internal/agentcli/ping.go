package agentcli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/upload"
)

// CentralPing is one central address's answer to `check --ping`.
type CentralPing struct {
	URL   string             `json:"url"`
	Ping  *upload.PingResult `json:"ping,omitempty"`
	Error string             `json:"error,omitempty"`
}

// pingCentrals puts the centrals' answers in rep. One address: its
// answer, or its failure (not OK). Several: each one's answer; some
// down is a warning (the agent fails over to the others), all down is a
// failure, and so is a refused token anywhere (every central reads the
// same database: one refusing the token is a configuration to fix, and
// delivery stops on it).
func pingCentrals(pings []upload.Pinged, rep *CheckReport) {
	if len(pings) == 1 {
		if err := pings[0].Err; err != nil {
			rep.PingError, rep.OK = err.Error(), false
		} else {
			rep.Ping = &pings[0].Result
		}
		return
	}
	var down []string
	for _, p := range pings {
		c := CentralPing{URL: p.URL}
		switch {
		case p.Err == nil:
			c.Ping = &p.Result
			if rep.Ping == nil {
				rep.Ping = c.Ping
			}
		case errors.Is(p.Err, upload.ErrToken):
			c.Error = p.Err.Error()
			if rep.PingError == "" {
				rep.PingError = fmt.Sprintf("central %s refused the site token (above): delivery stops on it; fix the token, or the address if it is not one of the group's centrals (they all share one database)", p.URL)
			}
			rep.OK = false
		default:
			c.Error = p.Err.Error()
			down = append(down, p.URL)
		}
		rep.Centrals = append(rep.Centrals, c)
	}
	switch {
	case len(down) == len(pings):
		rep.PingError, rep.OK = fmt.Sprintf("none of the %d centrals answered (central.urls): nothing can be delivered until one does", len(pings)), false
	case len(down) > 0:
		rep.Warning = append(rep.Warning, fmt.Sprintf("%d of the %d centrals did not answer (%s): the agent delivers to the others meanwhile", len(down), len(pings), strings.Join(down, ", ")))
	}
}

// printPings writes the centrals' answers to --ping, one line each.
func printPings(w io.Writer, rep CheckReport) {
	if len(rep.Centrals) == 0 {
		if rep.Ping != nil {
			printPing(w, *rep.Ping)
		}
		if rep.PingError != "" {
			fmt.Fprintln(w, "central: FAILED:", rep.PingError)
		}
		return
	}
	for _, c := range rep.Centrals {
		if c.Ping != nil {
			printPing(w, *c.Ping)
		} else {
			fmt.Fprintf(w, "central %s: FAILED: %s\n", c.URL, c.Error)
		}
	}
	if rep.PingError != "" {
		fmt.Fprintln(w, "centrals: FAILED:", rep.PingError)
	}
}

func printPing(w io.Writer, p upload.PingResult) {
	last := "none yet"
	if !p.LastReceived.IsZero() {
		last = p.LastReceived.Format(time.RFC3339)
	}
	fmt.Fprintf(w, "central %s: reachable, token accepted for site %s (%s, %s); its clock %s; last batch received: %s\n",
		p.URL, p.Site, p.Name, p.Status, p.ServerTime.Format(time.RFC3339), last)
}
