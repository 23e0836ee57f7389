package source

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source/cmpower"
)

// configMgrSource reads Configuration Manager's power-management data —
// the hardware inventory's Power Management Daily, one row per computer,
// day and type of event with the minutes of each hour — as a site
// exports it from its database (cmpower.Query, saved as CSV: deploy/
// configmgr/), and gives the workstation collector each computer's and
// its monitor's spans by state, with no column to map.
type configMgrSource struct {
	Path string `mapstructure:"path"` // file or glob, relative to site.yaml
	// Types maps each TypeOfEvent0 value of the export to on, in_use,
	// sleep, off, monitor or ignore: Microsoft does not publish the values.
	Types map[string]string `mapstructure:"types"`
	// Rest is what a computer's minutes of an hour that no type gives
	// count as: off (default), sleep, or unknown (not counted).
	Rest          string `mapstructure:"rest"`
	MachineColumn string `mapstructure:"machine_column"` // default Name0
	// Culture is how Date0 is written when not yyyy-mm-dd (the export
	// query writes yyyy-mm-dd): agent/timefmt's cultures.
	Culture string `mapstructure:"culture"`
	// Timezone is the clock the PCs' hours are written in (default: the
	// site's time zone).
	Timezone string `mapstructure:"timezone"`
}

func init() { register("configmgr", func() Options { return &configMgrSource{} }) }

// configMgrFields are the fields the source gives: a span of a device's
// time in one state (collector workstation's spans), its class
// ("monitor" for a computer's monitor, else the block's).
var configMgrFields = []string{"device", "start", "end", "state", "class"}

func (s *configMgrSource) Gives() []string { return configMgrFields }

func (s *configMgrSource) Defaults() {
	if s.Rest == "" {
		s.Rest = string(cmpower.Off)
	}
	if s.MachineColumn == "" {
		s.MachineColumn = cmpower.DefaultMachine
	}
}

func (s *configMgrSource) Check(env Env, add AddFunc) {
	if s.Path == "" {
		add("path", "", `missing: the exported CSV, a file or a glob such as configmgr\power-daily.csv`)
	} else if _, err := filepath.Glob(Resolve(env.Base, s.Path)); err != nil {
		add("path", s.Path, "not a valid pattern: %v", err)
	}
	bad := cmpower.CheckTypes(s.Types)
	for _, v := range slices.Sorted(maps.Keys(bad)) {
		if v == "" {
			add("types", "", "%s", bad[v])
		} else {
			add("types."+v, s.Types[v], "%s", bad[v])
		}
	}
	if !slices.Contains(cmpower.Rests, cmpower.State(s.Rest)) {
		add("rest", s.Rest, "want off, sleep or unknown")
	}
	if err := cmpower.CheckCulture(s.Culture); err != nil {
		add("culture", s.Culture, "%v", err)
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			add("timezone", s.Timezone, "not a time zone: want an IANA name such as Europe/Paris")
		}
	}
}

func (s *configMgrSource) Stream(ctx context.Context, env Env, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	for field, col := range cols {
		if !slices.Contains(configMgrFields, col) {
			return nil, fmt.Errorf("columns.%s: %q: a configmgr source gives %s, not an export's columns", field, col, strings.Join(configMgrFields, ", "))
		}
	}
	files, err := filepath.Glob(Resolve(env.Base, s.Path))
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", s.Path, err)
	}
	if len(files) == 0 {
		return nil, noFiles(s.Path, env.Base)
	}
	sort.Strings(files) // a later export's days replace an earlier's
	tz := first(s.Timezone, env.Timezone)
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w", tz, err)
	}
	types := map[string]cmpower.State{}
	for v, st := range s.Types {
		types[v] = cmpower.State(strings.ToLower(strings.TrimSpace(st)))
	}
	rd, err := cmpower.New(cmpower.Config{Types: types, Rest: cmpower.State(s.Rest), Machine: s.MachineColumn, Culture: s.Culture})
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := rd.ReadFile(ctx, f); err != nil {
			return nil, err
		}
	}
	// The fields by name, in the order a row's slots keep them: filled
	// in place span after span (no map, no allocation), or, when the
	// block maps some of them to other names, through a map.
	names := slices.Sorted(slices.Values(configMgrFields))
	slots := fieldSlots{names: names, vals: make([]string, len(names))}
	iClass, iDevice, iStart, iEnd, iState := slices.Index(names, "class"), slices.Index(names, "device"), slices.Index(names, "start"), slices.Index(names, "end"), slices.Index(names, "state")
	got := map[string]string{}
	fields := make(map[string]string, len(configMgrFields)+len(cols))
	sum := rd.Spans(loc, func(sp cmpower.Span) {
		class := ""
		if sp.Monitor {
			class = "monitor"
		}
		if len(cols) == 0 {
			// A constant the block sets (Row.Set) may have added a slot:
			// back to the source's own.
			slots.names, slots.vals = slots.names[:len(names)], slots.vals[:len(names)]
			v := slots.vals
			v[iClass], v[iDevice], v[iStart], v[iEnd], v[iState] = class, sp.Machine, sp.From.Format(time.RFC3339), sp.To.Format(time.RFC3339), string(sp.State)
			emit(Row{place: sp.Where, f: &slots})
			return
		}
		got["device"], got["start"], got["end"], got["state"], got["class"] = sp.Machine, sp.From.Format(time.RFC3339), sp.To.Format(time.RFC3339), string(sp.State), class
		clear(fields)
		for _, f := range configMgrFields {
			fields[f] = got[f]
		}
		for field, col := range cols {
			fields[field] = got[col]
		}
		emit(rowOf(&slots, sp.Where, fields))
	})
	if env.Skip != nil {
		for what, n := range rd.Ignored() {
			env.Skip(what, n)
		}
	}
	if env.Say != nil {
		for _, line := range summaryLines(sum, len(files)) {
			env.Say(line)
		}
	}
	var bad []Rejection
	for _, p := range rd.Problems() {
		bad = append(bad, Rejection{Where: p.Where, Reason: p.Reason})
	}
	return bad, nil
}

// summaryLines is what check says of an export read.
func summaryLines(s cmpower.Summary, files int) []string {
	if s.Days == 0 {
		return []string{fmt.Sprintf("%d file(s): no computer-day to count", files)}
	}
	out := []string{fmt.Sprintf("%d computer-days of %d computers (%d with their monitor), %s to %s, from %d file(s)", s.Days, s.Machines, s.Monitors, s.From, s.To, files)}
	if s.Left > 0 {
		out = append(out, fmt.Sprintf("%d computer-days left out whole (their rows rejected, above)", s.Left))
	}
	if s.Unreported > 0 {
		out = append(out, fmt.Sprintf("%d computer-hours not reported (an empty cell): counted in no state", s.Unreported))
	}
	if s.Capped > 0 {
		out = append(out, fmt.Sprintf("%d hours with more minutes in use than on: in use counted as the on minutes", s.Capped))
	}
	if s.Mismatch > 0 {
		out = append(out, fmt.Sprintf("%d rows whose minutesTotal0 is not the sum of their hours (the hours are read), the first at %s", s.Mismatch, s.FirstMismatch))
	}
	return out
}

func (*configMgrSource) Sample() string {
	sql := "  #   " + strings.ReplaceAll(cmpower.Query, "\n", "\n  #   ")
	return `  # Configuration Manager's power-management data: the hardware inventory's
  # Power Management Daily (per computer, day and TypeOfEvent0, the minutes of
  # each hour), exported from the site database as CSV — deploy/configmgr/
  # has the daily scheduled task. The query (Invoke-Sqlcmd -InputFile):
` + sql + `
  # saved by
  #   Invoke-Sqlcmd -ServerInstance CMSQL01 -Database CM_P01 -InputFile power-daily.sql | Select-Object * -ExcludeProperty ItemArray, Table, RowError, RowState, HasErrors | Export-Csv -Path configmgr\power-daily.csv -NoTypeInformation -Encoding UTF8
  # The TypeOfEvent0 values are not published: list the site's with
  #   ` + cmpower.DistinctTypes + `
  # and map each under types: (check names a value met unmapped).
  - id: cm-power
    type: configmgr
    collector: workstation
    path: configmgr/power-daily*.csv   # files or a glob, read in name order: a later file's days replace an earlier's
    types:                          # each TypeOfEvent0 value: on, in_use (User Active), sleep, off, monitor, ignore
      "<the on type>": on
      "<the user-active type>": in_use
      "<the monitor-on type>": monitor
    rest: off                       # a computer's minutes no type gives: off (default), sleep, unknown (not counted)
    timezone: Europe/Paris          # the PCs' clock (default: the site's time zone)
    class: desktop                  # the workstation collector's: the computers' class (their monitors: monitor)
`
}
