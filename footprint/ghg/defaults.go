package ghg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
)

// OnDefaults is how much of a footprint rests on defaults rather than on
// the site's own data: the lines whose quantity or method is an
// assumption greenhelp made for the site — the profile's commute split
// and distances where there is no survey, on-site days estimated from the
// FTE, records sent as defaults, and home-working (a draw per hour at
// home, assumed: the profile's or DESNZ's UK factor). Factor stand-ins
// (a WORLD or earlier-year row, DESNZ's international flights) are factor
// choices, said in the notes, not counted here. Computed once, from the
// lines (Inventory.Totals), for the API, the pages and calc.
type OnDefaults struct {
	// T is the tonnes of the lines resting on defaults (location-based);
	// Share their part of the location-based total.
	T     float64 `json:"t"`
	Share float64 `json:"share"`
	// Parts are those tonnes by what they rest on, largest first.
	Parts []DefaultPart `json:"parts,omitempty"`
	// Outside are defaults that weigh on figures beside the footprint,
	// not in it: the power-off results' watts (the footprint's
	// electricity is the metered kWh).
	Outside []string `json:"outside,omitempty"`
}

// DefaultPart is one assumption and the tonnes resting on it.
type DefaultPart struct {
	Scope Scope   `json:"scope"`
	What  string  `json:"what"`
	T     float64 `json:"t"`
}

// restsOn says what assumption a line rests on ("" for none).
func restsOn(l Line) string {
	switch {
	case l.Scope == Scope2Market: // the location-based line counts in the total
		return ""
	case l.Scope == Scope3Homeworking:
		what := "home-working: DESNZ's UK home-working factor per hour (UK homes, heating) assumed for every hour at home"
		if p, ok := strings.CutPrefix(l.FactorID, "profile/"); ok {
			what = fmt.Sprintf("home-working: profile %s's assumed draw per hour at home, for every hour at home (the line's factor source says how)", strings.TrimSuffix(p, "/homeworking"))
		}
		if strings.Contains(l.Basis, "(default") {
			what += ", and the default working hours a day"
		}
		return what
	case l.Quality != footprint.QualityDefault:
		return ""
	case l.Scope == Scope3Commuting && strings.Contains(l.Basis, "default split"):
		return "commuting: the profile's assumed modal split and distances (no commute survey)"
	case l.Scope == Scope3Commuting:
		return "commuting: on-site days estimated from the FTE (no attendance recorded)"
	default:
		return fmt.Sprintf("%s %s: records sent as defaults", l.Kind, l.Item)
	}
}

// onDefaults sums the lines that rest on defaults (Totals).
func (inv *Inventory) onDefaults() *OnDefaults {
	out := &OnDefaults{}
	at := map[string]int{}
	for _, l := range inv.Lines {
		what := restsOn(l)
		if what == "" || l.T == 0 {
			continue
		}
		i, ok := at[what]
		if !ok {
			i = len(out.Parts)
			at[what] = i
			out.Parts = append(out.Parts, DefaultPart{Scope: l.Scope, What: what})
		}
		out.Parts[i].T += l.T
		out.T += l.T
	}
	var classes []string
	for _, w := range inv.PowerOff.Watts {
		if !strings.Contains(w.Origin, "site declaration") || strings.Contains(w.Origin, ";") {
			classes = append(classes, w.Class)
		}
	}
	if len(classes) > 0 {
		out.Outside = append(out.Outside, fmt.Sprintf("power-off results: the watts of %s are defaults, some or all (power_off.watts says which, with their sources)", strings.Join(classes, ", ")))
	}
	if len(out.Parts) == 0 && len(out.Outside) == 0 {
		return nil
	}
	if inv.TotalLocationT > 0 {
		out.Share = out.T / inv.TotalLocationT
	}
	sort.SliceStable(out.Parts, func(i, j int) bool {
		if out.Parts[i].T != out.Parts[j].T {
			return out.Parts[i].T > out.Parts[j].T
		}
		return out.Parts[i].What < out.Parts[j].What
	})
	return out
}
