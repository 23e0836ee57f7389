package declaration

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// PowerOffGroup is a group of machines with power-off windows of their
// own: the seats of a shift. A 24/7 contact centre runs day and night
// shifts, and a PC in use at 02:00 on a night seat is not "left on".
// A machine belongs to the first group that names it (Devices) or its
// directory unit (OU); a machine no group names keeps the site's windows.
type PowerOffGroup struct {
	ID string `mapstructure:"id" yaml:"id" json:"id"`
	// Devices are machine names or patterns (* and ?, case-insensitive):
	// "MNL-N-*", "MNL-0201". A list of names is a list of patterns
	// without a wildcard.
	Devices []string `mapstructure:"devices" yaml:"devices" json:"devices,omitempty"`
	// OU is a directory unit as the log's ou column writes it
	// ("OU=Night,OU=Manila,DC=corp"): a machine in it or in a unit under
	// it belongs to the group.
	OU string `mapstructure:"ou" yaml:"ou" json:"ou,omitempty"`
	// Windows are the group's own; without them, the site's.
	Windows []PowerOffWindow `mapstructure:"windows" yaml:"windows" json:"windows,omitempty"`
	// Staffed are the weekly hours a shift roster staffs the group's
	// seats: never window hours, whatever the windows say.
	Staffed []PowerOffWindow `mapstructure:"staffed" yaml:"staffed" json:"staffed,omitempty"`
	// NeverOff is a group staffed around the clock (24/7): no window.
	NeverOff bool `mapstructure:"never_off" yaml:"never_off" json:"never_off,omitempty"`
	// Seats is how many machines the group has, for the fleet's window
	// hours (coverage, estimates): the share of site.seats it holds.
	Seats int `mapstructure:"seats" yaml:"seats" json:"seats,omitempty"`
}

// GroupOf returns the index of the first group that names the device or
// its OU, or −1 for a machine that keeps the site's windows.
func (sched PowerOffSchedule) GroupOf(device, ou string) int {
	name := strings.ToLower(strings.TrimSpace(device))
	unit := normaliseOU(ou)
	for i, g := range sched.Groups {
		for _, p := range g.Devices {
			if ok, err := path.Match(strings.ToLower(strings.TrimSpace(p)), name); ok && err == nil {
				return i
			}
		}
		if want := normaliseOU(g.OU); want != "" && (unit == want || strings.HasSuffix(unit, ","+want)) {
			return i
		}
	}
	return -1
}

// normaliseOU writes a distinguished name one way: lower case, no spaces
// around its commas and equal signs.
func normaliseOU(ou string) string {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(ou)), ",")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if ok {
			p = strings.TrimSpace(k) + "=" + strings.TrimSpace(v)
		}
		parts[i] = strings.TrimSpace(p)
	}
	return strings.Join(parts, ",")
}

// GroupIntervals are the power-off intervals of the local day starting
// at day for the machines of group g (−1: the site's windows): the
// group's windows (or the site's) less its staffed hours; none for a
// group that is never off.
func (sched PowerOffSchedule) GroupIntervals(g int, day time.Time, loc *time.Location) []Interval {
	if g < 0 || g >= len(sched.Groups) {
		return sched.Intervals(day, loc)
	}
	grp := sched.Groups[g]
	if grp.NeverOff {
		return nil
	}
	win := sched.Windows
	if len(grp.Windows) > 0 {
		win = grp.Windows
	}
	out := PowerOffSchedule{Windows: win}.Intervals(day, loc)
	if len(grp.Staffed) == 0 {
		return out
	}
	return subtract(out, PowerOffSchedule{Windows: grp.Staffed}.Intervals(day, loc))
}

// subtract returns a less b, both sorted and disjoint.
func subtract(a, b []Interval) []Interval {
	var out []Interval
	for _, x := range a {
		rest := []Interval{x}
		for _, y := range b {
			var next []Interval
			for _, r := range rest {
				if !y.From.Before(r.To) || !r.From.Before(y.To) {
					next = append(next, r)
					continue
				}
				if r.From.Before(y.From) {
					next = append(next, Interval{r.From, y.From})
				}
				if y.To.Before(r.To) {
					next = append(next, Interval{y.To, r.To})
				}
			}
			rest = next
		}
		out = append(out, rest...)
	}
	return out
}

// MeanHours is one machine's power-off window hours in the local day
// starting at day, averaged over the site's seats: each group's hours
// for its seats, the site's for the seats no group holds. Without groups
// (or seats) it is Hours.
func (sched PowerOffSchedule) MeanHours(day time.Time, loc *time.Location, seats int) float64 {
	grouped := 0
	for _, g := range sched.Groups {
		grouped += g.Seats
	}
	if grouped == 0 {
		return sched.Hours(day, loc)
	}
	total := max(seats, grouped)
	var h float64
	for i, g := range sched.Groups {
		h += float64(g.Seats) * length(sched.GroupIntervals(i, day, loc)).Hours()
	}
	h += float64(total-grouped) * sched.Hours(day, loc)
	return h / float64(total)
}

func length(iv []Interval) time.Duration {
	var d time.Duration
	for _, x := range iv {
		d += x.To.Sub(x.From)
	}
	return d
}

// validateGroups checks the power-off groups: a unique id, what names
// its machines, its windows or never_off, and seats within the site's.
func validateGroups(s Site, e *footprint.Problems) {
	ids := map[string]int{}
	seats := 0
	for i, g := range s.PowerOff.Groups {
		gp := fmt.Sprintf("site.power_off.groups[%d].", i)
		switch j, dup := ids[g.ID]; {
		case strings.TrimSpace(g.ID) == "":
			e.Add(gp+"id", "", "missing: a short name for the group, e.g. night-shift")
		case dup:
			e.Add(gp+"id", g.ID, "already used by groups[%d]", j)
		}
		ids[g.ID] = i
		if len(g.Devices) == 0 && strings.TrimSpace(g.OU) == "" {
			e.Add(gp+"devices", "", "missing: name the group's machines by devices (names or patterns such as MNL-N-*) or ou (as the log's ou column writes it)")
		}
		for j, p := range g.Devices {
			if _, err := path.Match(p, ""); err != nil || strings.TrimSpace(p) == "" {
				e.Add(fmt.Sprintf("%sdevices[%d]", gp, j), p, "want a machine name or a pattern with * and ? (e.g. MNL-N-*)")
			}
		}
		switch {
		case g.NeverOff && (len(g.Windows) > 0 || len(g.Staffed) > 0):
			e.Add(gp+"never_off", "true", "give either never_off or windows/staffed, not both")
		case !g.NeverOff && len(g.Windows) == 0 && len(s.PowerOff.Windows) == 0:
			e.Add(gp+"windows", "", "missing: the site has no power_off.windows to inherit: give the group's windows, or never_off: true for seats staffed around the clock")
		}
		validateWindows(gp+"windows", g.Windows, e)
		validateWindows(gp+"staffed", g.Staffed, e)
		if g.Seats < 0 {
			e.Add(gp+"seats", strconv.Itoa(g.Seats), "must be ≥ 0")
		}
		seats += max(g.Seats, 0)
	}
	if s.Seats > 0 && seats > s.Seats {
		e.Add("site.power_off.groups", strconv.Itoa(seats)+" seats", "more than site.seats (%d): a group's seats are a part of the site's", s.Seats)
	}
}
