// Package winlog reads the Windows System event log as IT exports it —
// PowerShell's Get-WinEvent | Export-Csv, wevtutil's Event XML, the .evtx
// files themselves — and turns the events that mean a power state (boot,
// shutdown, sleep, wake, hibernation, unclean stops) into the (device,
// time, event) rows the workstation collector reads. Every other event is
// counted, never guessed at.
package winlog

import (
	"strings"
	"time"
)

// Event is one record of a Windows event log: as much of it as the power
// states need.
type Event struct {
	Where    string    // file:line, or file#record for .evtx
	Machine  string    // MachineName (CSV), Computer (XML)
	Provider string    // ProviderName (CSV), Provider@Name (XML)
	ID       int       // Id: the event id's low 16 bits (EventID without Qualifiers)
	Time     time.Time // TimeCreated
	// Alt is the other instant a local TimeCreated can mean when the
	// clocks went through that hour twice (zero: none); Log picks the one
	// that keeps the machine's records in order.
	Alt    time.Time
	Record uint64  // RecordId, EventRecordID (0: unknown)
	Data   []Field // EventData/Data (unnamed ones have no Name), UserData's leaves
	// Message is the rendered message, the only data a Get-WinEvent CSV
	// has.
	Message string
}

// Field is one value of an event's data.
type Field struct {
	Name  string
	Value string
}

// data returns the value of the field name (case-insensitive).
func (e Event) data(name string) (string, bool) {
	for _, f := range e.Data {
		if strings.EqualFold(f.Name, name) {
			return strings.TrimSpace(f.Value), true
		}
	}
	return "", false
}

// strings is every data value in order, joined by spaces (for the
// classic events whose data are unnamed strings), or else the message.
func (e Event) text() string {
	if len(e.Data) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Data))
	for i, f := range e.Data {
		parts[i] = f.Value
	}
	return strings.Join(parts, " ")
}

// provider is the provider's name as matched: lower case, without the
// "Microsoft-Windows-" that manifest providers carry.
func provider(name string) string {
	p := strings.ToLower(strings.TrimSpace(name))
	return strings.TrimPrefix(p, "microsoft-windows-")
}

// ShortProvider is the provider's name as `check` prints it.
func ShortProvider(name string) string {
	p := strings.TrimSpace(name)
	if len(p) > len("Microsoft-Windows-") && strings.EqualFold(p[:len("Microsoft-Windows-")], "Microsoft-Windows-") {
		return p[len("Microsoft-Windows-"):]
	}
	return p
}

// device is the machine's short name, upper case: MachineName and Computer
// are the DNS name (PC-0042.corp.example.com), a rename names the NetBIOS
// name (PC-0042).
func device(machine string) string {
	m := strings.TrimSpace(machine)
	if i := strings.IndexByte(m, '.'); i > 0 {
		m = m[:i]
	}
	return strings.ToUpper(m)
}
