package winlog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// change is what a power event says happened to the machine.
type change uint8

const (
	chStartup   change = iota + 1 // the machine booted
	chShutdown                    // it shut down (or stopped uncleanly, from the time 6008 gives)
	chSleep                       // it entered sleep (S1–S3, modern standby)
	chWake                        // it resumed from sleep or hibernation
	chHibernate                   // it hibernated (S4: off, its memory on disk)
	// chSleepIfOn is Power-Troubleshooter's SleepTime: the machine went
	// to a low-power state — asleep, unless the log already has it off
	// (a hibernation or a fast-startup shutdown, which Power-Troubleshooter
	// reports alike on its return).
	chSleepIfOn
)

// Event names the workstation collector reads (collector.powerEvents).
var changeNames = [...]string{chStartup: "startup", chShutdown: "shutdown", chSleep: "sleep", chWake: "wake", chHibernate: "hibernate", chSleepIfOn: "sleep"}

// timed is a change at an instant. fromCreated: the instant is the
// event's TimeCreated (alt its other reading across a DST fall-back),
// not a time read from its data.
type timed struct {
	c           change
	at, alt     time.Time
	fromCreated bool
}

// reading is what one event means for the power states.
type reading struct {
	changes []timed
	// rename is (old, new) short names from EventLog 6011.
	rename [2]string
	power  bool // the event is one of the power events
}

// SYSTEM_POWER_STATE values (Microsoft, winnt.h, "SYSTEM_POWER_STATE
// enumeration"): 2–4 are S1–S3 (sleep), 5 is S4 (hibernate), 6 is S5
// (off). Kernel-Power 42 carries the state entered as TargetState;
// a fast-startup shutdown logs TargetState 6 with EffectiveState 5
// (Microsoft, "Distinguishing Fast Startup from Wake-from-Hibernation").
const (
	powerSystemHibernate = 5
	powerSystemShutdown  = 6
)

// read says what e means for the machine's power state. Events that are
// not power events return power false; a power event whose data cannot be
// read returns an error naming what is missing.
func (p *parser) read(e Event) (reading, error) {
	at := timed{at: e.Time, alt: e.Alt, fromCreated: true}
	one := func(c change) (reading, error) {
		at.c = c
		return reading{changes: []timed{at}, power: true}, nil
	}
	switch prov := provider(e.Provider); {
	case prov == "eventlog":
		switch e.ID {
		case 6005: // "The Event log service was started": the boot
			return one(chStartup)
		case 6006: // "The Event log service was stopped": a clean shutdown
			return one(chShutdown)
		case 6008: // at boot: "The previous system shutdown at <time> on <date> was unexpected"
			t, err := p.unexpected(e)
			if err != nil {
				return reading{power: true}, err
			}
			return reading{changes: []timed{{c: chShutdown, at: t}}, power: true}, nil
		case 6011: // "The NetBIOS name and DNS host name of this machine have been changed from <old> to <new>"
			old, nw, ok := renamed(e)
			if !ok {
				return reading{power: true}, fmt.Errorf("EventLog 6011 (a rename): the old and new names are not in its data or message %q", clip(e.text()))
			}
			return reading{rename: [2]string{old, nw}, power: true}, nil
		}
	case prov == "kernel-general":
		// Id 1 is "the system time has changed": not a power event (and
		// no relation to Power-Troubleshooter's Id 1).
		switch e.ID {
		case 12: // "The operating system started at system time …"
			return one(chStartup)
		case 13: // "The operating system is shutting down at system time …"
			return one(chShutdown)
		}
	case prov == "user32" && e.ID == 1074: // a process initiated the power off or restart
		return one(chShutdown)
	case prov == "kernel-power":
		switch e.ID {
		case 41: // at boot: "The system has rebooted without cleanly shutting down first"
			// The stop's time is 6008's, logged at the same boot; without
			// it the machine stays in its last logged state until now.
			return one(chStartup)
		case 42: // "The system is entering sleep"
			return one(sleepState(e))
		case 107: // "The system has resumed from sleep"
			return one(chWake)
		case 506: // "The system is entering Modern Standby"
			return one(chSleep)
		case 507: // "The system is exiting Modern Standby"
			return one(chWake)
		}
	case prov == "power-troubleshooter" && e.ID == 1: // "The system has returned from a low power state"
		return p.returned(e), nil
	}
	return reading{}, nil
}

// sleepState is the state Kernel-Power 42 enters: its TargetState
// (EffectiveState without it) when its data has one, else sleep (a CSV's
// message does not say).
func sleepState(e Event) change {
	v, ok := e.data("TargetState")
	if !ok {
		v, ok = e.data("EffectiveState")
	}
	n, err := strconv.Atoi(v)
	switch {
	case !ok || err != nil:
		return chSleep
	case n == powerSystemHibernate:
		return chHibernate
	case n == powerSystemShutdown:
		return chShutdown
	}
	return chSleep
}

// isoTime finds an ISO 8601 UTC time in a message, as Windows renders a
// FILETIME (2025-03-14T19:02:11.529644800Z), with or without the
// left-to-right marks it puts between the parts (turned into "?" by an
// ASCII export).
var isoTime = regexp.MustCompile(`(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z`)

// marks are the characters Windows puts around date parts in messages
// and data (U+200E, U+200F), and "?", what an ASCII export makes of them.
var marks = strings.NewReplacer("\u200e", "", "\u200f", "", "?", "")

// returned reads Power-Troubleshooter 1: its SleepTime and WakeTime (in
// its data, or the two times its message shows). Without a readable
// WakeTime the wake is the event's own time.
func (p *parser) returned(e Event) reading {
	var sleep, wake time.Time
	if v, ok := e.data("SleepTime"); ok {
		sleep = parseISO(v)
	}
	if v, ok := e.data("WakeTime"); ok {
		wake = parseISO(v)
	}
	if sleep.IsZero() && wake.IsZero() && e.Message != "" {
		found := isoTime.FindAllString(marks.Replace(e.Message), 2)
		if len(found) == 2 {
			sleep, wake = parseISO(found[0]), parseISO(found[1])
		}
	}
	r := reading{power: true}
	if !sleep.IsZero() && (wake.IsZero() || !sleep.After(wake)) {
		r.changes = append(r.changes, timed{c: chSleepIfOn, at: sleep})
	}
	if wake.IsZero() {
		r.changes = append(r.changes, timed{c: chWake, at: e.Time, alt: e.Alt, fromCreated: true})
	} else {
		r.changes = append(r.changes, timed{c: chWake, at: wake})
	}
	return r
}

func parseISO(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, marks.Replace(strings.TrimSpace(s)))
	if err != nil || t.Year() < 1990 {
		return time.Time{}
	}
	return t
}

// clockTime and calendarDate find a time and a date as a culture writes
// them (8:18:03 PM, 20:18:03; 3/14/2025, 14.03.2025, 2025-03-14).
var (
	clockTime    = regexp.MustCompile(`\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp]\.?\s?[Mm]\.?)?`)
	calendarDate = regexp.MustCompile(`\d{1,4}[./-]\d{1,2}[./-]\d{1,4}`)
)

// unexpected reads the time EventLog 6008 gives for the unexpected stop:
// its first two data strings (time, then date) or its message, written in
// the logging machine's culture and local time.
func (p *parser) unexpected(e Event) (time.Time, error) {
	text := marks.Replace(e.text())
	tm, dt := clockTime.FindString(text), calendarDate.FindString(text)
	if tm == "" || dt == "" {
		return time.Time{}, fmt.Errorf("EventLog 6008 (an unexpected shutdown): no time and date of the stop in %q", clip(text))
	}
	if p.culture == nil {
		return time.Time{}, fmt.Errorf("EventLog 6008 (an unexpected shutdown): %q at %q is in the machine's culture: set culture: (one of %s)", dt, tm, strings.Join(CultureNames(), ", "))
	}
	raw := dt + " " + strings.ToUpper(strings.ReplaceAll(tm, ".", ""))
	t, _, err := p.culture.parse(raw, p.loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("EventLog 6008 (an unexpected shutdown): %q: %w", raw, err)
	}
	return t, nil
}

// renamed reads EventLog 6011's old and new names: its two data strings,
// or the last three words of its message, "<old> <to> <new>.", one of
// which must be the machine's own name.
func renamed(e Event) (old, nw string, ok bool) {
	if len(e.Data) >= 2 {
		old, nw = device(e.Data[0].Value), device(e.Data[1].Value)
		return old, nw, old != "" && nw != ""
	}
	words := strings.Fields(e.Message)
	if len(words) < 3 {
		return "", "", false
	}
	trim := func(w string) string { return device(strings.Trim(w, ".,;:!\"'«»“”‘’")) }
	old, nw = trim(words[len(words)-3]), trim(words[len(words)-1])
	self := device(e.Machine)
	return old, nw, old != "" && nw != "" && old != nw && (old == self || nw == self)
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}
