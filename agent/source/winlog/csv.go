package winlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source/internal/pscsv"
)

// csvColumns are the columns a CSV of events is read from, each under the
// names the tools write: Get-WinEvent's (EventLogRecord), the older
// Get-EventLog's (EventLogEntry), the deploy script's.
var csvColumns = []struct {
	field   string
	names   []string
	require bool
}{
	{"time", []string{"TimeCreated", "TimeGenerated"}, true},
	{"id", []string{"Id", "EventID"}, true},
	{"provider", []string{"ProviderName", "Source"}, true},
	{"machine", []string{"MachineName"}, true},
	{"record", []string{"RecordId", "Index", "EventRecordID"}, false},
	{"message", []string{"Message"}, false},
	{"xml", []string{"Xml", "EventXml"}, false},
}

// checkRows is how many rows of a file the culture and the time zone are
// checked on: a timestamp there that does not read stops the source with
// what is wrong; past them, it is that row's problem.
const checkRows = 20

// readCSV reads a CSV of events: Windows PowerShell 5.1's Export-Csv
// (a "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord" first
// line, every column, messages on several lines, newest first) or
// PowerShell 7's (no #TYPE line), or the deploy script's (its Xml column
// gives the event's data).
func (l *Log) readCSV(ctx context.Context, r io.Reader, name string) error {
	f, err := pscsv.Open(r, name)
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s:1: read header: %w", name, err)
	}
	if err != nil {
		return err
	}
	head := f.Head
	col := map[string]int{}
	pos := map[string]int{}
	for i, h := range head {
		pos[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []string
	for _, c := range csvColumns {
		found := false
		for _, n := range c.names {
			if i, ok := pos[strings.ToLower(n)]; ok && !found {
				col[c.field], found = i, true
			}
		}
		if !found && c.require {
			missing = append(missing, strings.Join(c.names, " or "))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: header has no column %s: it has %s — want the CSV of Get-WinEvent | Export-Csv (or the deploy script's)", f.HeaderAt(), strings.Join(missing, ", "), clip(strings.Join(head, ",")))
	}
	get := func(rec []string, field string) string {
		if i, ok := col[field]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	return f.Each(ctx, l.problem, func(rows int, where string, rec []string) error {
		e, err := l.csvEvent(where, get(rec, "xml"), get(rec, "machine"), get(rec, "provider"), get(rec, "id"), get(rec, "record"), get(rec, "message"))
		if raw := get(rec, "time"); err == nil && (raw != "" || e.Time.IsZero()) {
			e.Time, e.Alt, err = l.p.readTime(raw)
			if err != nil {
				err = fmt.Errorf("%s: %w", head[col["time"]], err)
			}
		}
		if err != nil {
			if rows < checkRows {
				return fmt.Errorf("%s: %w", where, err)
			}
			l.problem(where, err.Error())
			return nil
		}
		l.add(e)
		return nil
	})
}

// csvEvent is a CSV row's event but its time: from its Xml column when
// the row has one (the deploy script's), else from its columns.
func (l *Log) csvEvent(where, xmlText, machine, prov, id, rec, msg string) (Event, error) {
	var e Event
	if strings.TrimSpace(xmlText) != "" {
		x, err := parseEventXML([]byte(xmlText))
		if err != nil {
			return e, fmt.Errorf("Xml: %w", err)
		}
		e = x
	}
	e.Where, e.Message = where, msg
	if m := strings.TrimSpace(machine); m != "" {
		e.Machine = m
	}
	if p := strings.TrimSpace(prov); p != "" {
		e.Provider = p
	}
	if id = strings.TrimSpace(id); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n < 0 {
			return e, fmt.Errorf("Id: %q: want the event's number", clip(id))
		}
		e.ID = int(n & 0xFFFF) // Get-EventLog's EventID may carry the qualifiers
	}
	if rec = strings.TrimSpace(rec); rec != "" {
		n, err := strconv.ParseUint(rec, 10, 64)
		if err != nil {
			return e, fmt.Errorf("RecordId: %q: want the record's number", clip(rec))
		}
		e.Record = n
	}
	return e, nil
}
