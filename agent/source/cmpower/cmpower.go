// Package cmpower reads Configuration Manager's power-management data as a
// site can export it: the hardware inventory class "Power Management
// Daily" — one row per computer, day and type of event, the minutes of
// each hour of the day — from the site database's view
// v_GS_POWER_MANAGEMENT_DAY joined to v_R_System for the computer's name,
// saved as CSV (Query; deploy/configmgr/). It turns each computer's day
// into spans of time on, in use, asleep or off (and its monitor's on or
// off), for the workstation collector.
//
// What Microsoft documents, and where:
//   - The class: "Power Management Daily", CCM_PwrMgmtActualDay in
//     root\CCM\powermanagementagent, with Date, TypeOfEvent, hr0_1 …
//     hr23_0 and minutesTotal (Microsoft, "Resource Explorer default
//     inventory classes", MicrosoftDocs/memdocs
//     memdocs/configmgr/core/clients/manage/inventory/resource-explorer-classes.md
//     at 061704598f2dc9e9349b24ef6ca8929756b8e842). Its monthly sibling
//     CCM_PwrMgmtMonth names what the minutes count: minutesComputerActive,
//     minutesComputerOn, minutesComputerShutdown, minutesComputerSleep,
//     minutesMonitorOn (same page).
//   - The view: v_GS_POWER_MANAGEMENT_DAY "lists information about power
//     activity on computers for each hour of the day", joined to other
//     views by ResourceID (memdocs
//     memdocs/configmgr/develop/core/understand/sqlviews/power-management-views-configuration-manager.md
//     at 075f609c53bf1acd5d10006972fc86e3e3564ec9).
//   - A view's columns are the class's properties with 0 appended: the
//     sample query selects v_GS_POWER_MANAGEMENT_CLIENTOPTOUT_SETTINGS.IsClientOptOut0
//     and v_R_System.Name0 (memdocs .../sqlviews/sample-queries-power-management-configuration-manager.md
//     at 136d19f92f70b885b08587dad20acfbcd6bc406b); v_GroupAttributeMap
//     lists a site's own column names (.../sqlviews/hardware-inventory-views-configuration-manager.md
//     at 0f5ec4090a9400fb4f146b336f168b02993342dd). The day view's columns
//     as a site database has them — Date0, hr0_10 … hr23_00, minutesTotal0,
//     TypeOfEvent0 — are those of an Entity Framework model generated from
//     one (Eph-It/MEM.CommunityCenter,
//     CommunityCenter/CommunityCenter.CM.DB/Models/fn_rbac_GS_POWER_MANAGEMENT_DAY.cs
//     at b96c868df8fdd13a7ae9a1563faf43a383e32ae1; third-party). Both
//     namings are read.
//   - The reports draw Computer On, Monitor On and User Active ("activity
//     has been detected from the computer mouse, computer keyboard, or
//     from a Remote Desktop connection") per hour, count a computer not on
//     as "turned off, in sleep, or in hibernate", and keep the daily data
//     31 days (memdocs
//     memdocs/configmgr/core/clients/manage/power/monitor-and-plan-for-power-management.md
//     at 1dc05a9529b82abd4ae3c7e2dfaecbe2b587431a).
//
// What it does not document, and how it is read here: the values
// TypeOfEvent takes are not published, so none is assumed: the source's
// types: maps each value the export holds to a state (check names the
// values it met unmapped). That an hour's figure is minutes is read from
// the class's minutesTotal and the monthly class's minutes…: a value
// outside 0–60 (or longer than its hour on a day the clocks change) is
// refused, naming it. minutesTotal is compared with the sum of the hours,
// and a difference is said, not acted on.
package cmpower

import (
	"fmt"
	"slices"
	"strings"

	"github.com/greenhelp/greenhelp/agent/timefmt"
)

// State is what a TypeOfEvent's minutes say of a computer in an hour.
type State string

const (
	On State = "on" // the computer on (the reports' Computer On)
	// InUse is someone at it — the reports' User Active: mouse, keyboard
	// or a Remote Desktop session —, within its on minutes.
	InUse   State = "in_use"
	Sleep   State = "sleep"
	Off     State = "off"
	Monitor State = "monitor" // its monitor on (Monitor On)
	Ignore  State = "ignore"  // minutes that say nothing read here
	// Unknown, as the rest of an hour (Config.Rest): the minutes no type
	// gives are not counted at all.
	Unknown State = "unknown"
)

// Mapped are the states a TypeOfEvent value may be mapped to.
var Mapped = []State{On, InUse, Sleep, Off, Monitor, Ignore}

// Rests are what the minutes of an hour no type gives may count as.
var Rests = []State{Off, Sleep, Unknown}

// slots are the states a machine-day keeps a row of, in the order an
// hour's minutes are laid out (InUse within On first): sInUse … sMonitor
// are their indices.
var slots = []State{InUse, On, Sleep, Off, Monitor}

const (
	sInUse = iota
	sOn
	sSleep
	sOff
	sMonitor
)

func slotOf(s State) int { return slices.Index(slots, s) }

// Config is how an export is read.
type Config struct {
	// Types maps each TypeOfEvent value (matched without regard to case
	// or surrounding spaces) to a state; every state but ignore is given
	// by one value at most, and on by one.
	Types map[string]State
	// Rest is what a computer's minutes of an hour that no type gives
	// count as: off (the reports count a computer not on as off, asleep
	// or hibernating), sleep, or unknown (not counted).
	Rest State
	// Machine is the column of the computer's name (default Name0,
	// v_R_System's).
	Machine string
	// Culture is the Windows culture Date0 is written in when it is not
	// ISO 8601 (agent/timefmt's: en-US, en-GB, fr-FR, de-DE, invariant).
	Culture string
}

// DefaultMachine is the column of the computer's name the export query
// selects (v_R_System.Name0).
const DefaultMachine = "Name0"

// CheckTypes reports what is wrong with a types: map, each problem with
// the value it concerns ("" for the map as a whole).
func CheckTypes(types map[string]string) map[string]string {
	bad := map[string]string{}
	if len(types) == 0 {
		bad[""] = fmt.Sprintf("missing: map each TypeOfEvent0 value of the export to %s (the values are not documented: list them with %s)", joinStates(Mapped), DistinctTypes)
		return bad
	}
	by := map[State]string{}
	for _, v := range slices.Sorted(mapKeys(types)) {
		st := State(strings.ToLower(strings.TrimSpace(types[v])))
		switch {
		case strings.TrimSpace(v) == "":
			bad[v] = "an empty TypeOfEvent0 value: give the value the export writes"
		case !slices.Contains(Mapped, st):
			bad[v] = fmt.Sprintf("want %s", joinStates(Mapped))
		case st != Ignore && by[st] != "":
			bad[v] = fmt.Sprintf("%q gives %s already: one TypeOfEvent0 value a state (two would count its minutes twice)", by[st], st)
		case st != Ignore:
			by[st] = v
		}
	}
	if len(bad) == 0 && by[On] == "" {
		bad[""] = "no value is mapped to on: the computer's on minutes are what its hours are counted from"
	}
	return bad
}

// CheckCulture reports what is wrong with a culture's name ("" is
// allowed: Date0 is then read only as ISO 8601, as the export query
// writes it).
func CheckCulture(name string) error {
	if name == "" || timefmt.IsCulture(name) {
		return nil
	}
	return fmt.Errorf("unknown culture: want one of %s (the Windows culture of the machine that exported the file)", strings.Join(timefmt.Cultures(), ", "))
}

func joinStates(s []State) string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// hourNames are the day's hour columns as the class names them
// (CCM_PwrMgmtActualDay: hr0_1 … hr23_0); the view appends 0 (hr0_10 …
// hr23_00).
func hourName(h int) string { return fmt.Sprintf("hr%d_%d", h, (h+1)%24) }

// hourOf reads a header as an hour column: hrA_B with B the next hour
// (the class's name) or the next hour and a 0 (the view's).
func hourOf(name string) (int, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	for h := 0; h < 24; h++ {
		if base := hourName(h); n == base || n == base+"0" {
			return h, true
		}
	}
	return 0, false
}

// Query is the export: the day view joined to v_R_System for the
// computer's name, its date written as ISO 8601 (CONVERT style 23,
// yyyy-mm-dd: no culture to set), ordered by computer and day. Its
// column names are the view's own (see the package comment). It takes
// the last ExportDays days: the site keeps the daily data 31 days
// (Microsoft, "How to monitor and plan for power management"), so no day
// it is deleting is read half; a day older than that was sent before and
// stays as it was.
const Query = `SELECT s.Name0, CONVERT(char(10), d.Date0, 23) AS Date0, d.TypeOfEvent0,
  d.hr0_10, d.hr1_20, d.hr2_30, d.hr3_40, d.hr4_50, d.hr5_60, d.hr6_70, d.hr7_80,
  d.hr8_90, d.hr9_100, d.hr10_110, d.hr11_120, d.hr12_130, d.hr13_140, d.hr14_150, d.hr15_160,
  d.hr16_170, d.hr17_180, d.hr18_190, d.hr19_200, d.hr20_210, d.hr21_220, d.hr22_230, d.hr23_00,
  d.minutesTotal0
FROM v_GS_POWER_MANAGEMENT_DAY d
JOIN v_R_System s ON s.ResourceID = d.ResourceID
WHERE d.Date0 >= DATEADD(day, -28, CAST(GETDATE() AS date))
ORDER BY s.Name0, d.Date0, d.TypeOfEvent0`

// ExportDays is how many days back Query reaches: fewer than the 31 the
// site keeps.
const ExportDays = 28

// DistinctTypes is the query listing the TypeOfEvent0 values a site's
// view holds, to map under types:.
const DistinctTypes = `SELECT TypeOfEvent0, COUNT(*) AS n FROM v_GS_POWER_MANAGEMENT_DAY GROUP BY TypeOfEvent0`
