package source

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source/winlog"
)

// winEventsSource reads the Windows System event log of PCs as IT
// exports it — Get-WinEvent | Export-Csv (or deploy/windows's script),
// wevtutil's Event XML, .evtx files — and gives the workstation
// collector each machine's power events (device, time, event) with no
// columns to map: package winlog says which events count and how.
type winEventsSource struct {
	Path   string `mapstructure:"path"`   // file or glob, relative to site.yaml
	Format string `mapstructure:"format"` // auto (default: by the file's first bytes), csv, xml, evtx
	// Culture is the Windows culture a CSV's TimeCreated (and EventLog
	// 6008's stop time) is written in: en-US, en-GB, fr-FR, de-DE, invariant. ISO
	// 8601 times (the deploy script's, Event XML's) read without it.
	// The cultures and their patterns are agent/timefmt's.
	Culture string `mapstructure:"culture"`
	// Timezone is the exporting machines' clock for local timestamps
	// (default: the site's time zone).
	Timezone string `mapstructure:"timezone"`
}

func init() { register("winevents", func() Options { return &winEventsSource{} }) }

// winEventsFields are the fields the source gives.
var winEventsFields = []string{"device", "time", "event"}

func (s *winEventsSource) Gives() []string { return winEventsFields }

func (s *winEventsSource) Defaults() {
	if s.Format == "" {
		s.Format = "auto"
	}
}

func (s *winEventsSource) Check(env Env, add AddFunc) {
	if s.Path == "" {
		add("path", "", `missing: the exported events, a file or a glob such as power-events\*.csv`)
	} else if _, err := filepath.Glob(Resolve(env.Base, s.Path)); err != nil {
		add("path", s.Path, "not a valid pattern: %v", err)
	}
	if s.Format != "auto" && !contains(winlog.Formats, s.Format) {
		add("format", s.Format, "want auto, %s", strings.Join(winlog.Formats, ", "))
	}
	if err := winlog.CheckCulture(s.Culture); err != nil {
		add("culture", s.Culture, "%v", err)
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			add("timezone", s.Timezone, "not a time zone: want an IANA name such as Europe/Paris")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *winEventsSource) Stream(ctx context.Context, env Env, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	for field, col := range cols {
		if !contains(winEventsFields, col) {
			return nil, fmt.Errorf("columns.%s: %q: a winevents source gives %s, not an export's columns", field, col, strings.Join(winEventsFields, ", "))
		}
	}
	files, err := filepath.Glob(Resolve(env.Base, s.Path))
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", s.Path, err)
	}
	if len(files) == 0 {
		return nil, noFiles(s.Path, env.Base)
	}
	sort.Strings(files)
	tz := s.Timezone
	if tz == "" {
		tz = env.Timezone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w", tz, err)
	}
	log, err := winlog.NewLog(s.Culture, loc)
	if err != nil {
		return nil, fmt.Errorf("culture: %w", err)
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := log.ReadFile(ctx, f, s.Format); err != nil {
			return nil, err
		}
	}
	if env.Skip != nil {
		for what, n := range log.Ignored() {
			env.Skip(what, n)
		}
	}
	got := map[string]string{}
	fields := make(map[string]string, len(winEventsFields)+len(cols))
	var slots fieldSlots
	log.Emit(func(device string, at time.Time, event string) {
		got["device"], got["time"], got["event"] = device, at.Format(time.RFC3339Nano), event
		clear(fields)
		for _, f := range winEventsFields { // the fields it gives, by their names
			fields[f] = got[f]
		}
		for field, col := range cols { // and as the block maps them, if it does

			fields[field] = got[col]
		}
		emit(rowOf(&slots, device+" "+got["time"], fields))
	})
	var bad []Rejection
	for _, p := range log.Problems() {
		bad = append(bad, Rejection{Where: p.Where, Reason: p.Reason})
	}
	return bad, nil
}

func (*winEventsSource) Sample() string {
	return `  # The Windows System event log of the site's PCs, as IT exports it:
  # boot, shutdown, sleep, wake, hibernation and unclean stops, one machine
  # per MachineName; every other event is counted by check, not read.
  # Collect it every night onto this server with deploy/windows/
  # Collect-PowerEvents.ps1 (its README has the scheduled task):
  #   powershell -ExecutionPolicy Bypass -File Collect-PowerEvents.ps1 -ComputerList pcs.txt -OutDir D:\greenhelp\power-events
  # or export one PC's log by hand (Windows PowerShell 5.1):
  #   Get-WinEvent -FilterHashtable @{LogName='System'; StartTime=(Get-Date).AddDays(-30)} | Export-Csv -Path power-events\PC-0042.csv -NoTypeInformation
  # or as Event XML:
  #   wevtutil qe System /f:xml > power-events\PC-0042.xml
  # or copy the .evtx files (C:\Windows\System32\winevt\Logs\System.evtx).
  - id: pc-events
    type: winevents
    collector: workstation
    path: power-events/*           # files or a glob, read in name order
    format: auto                    # default: csv, xml or evtx by the file's first bytes
    culture: en-US                  # how a CSV writes TimeCreated: en-US, en-GB, fr-FR, de-DE, invariant (ISO 8601 reads without)
    timezone: Europe/Paris          # the PCs' clock (default: the site's time zone)
    class: desktop                  # the workstation collector's: desktop, laptop, thin_client
`
}
