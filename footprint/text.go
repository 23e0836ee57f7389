package footprint

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the names and free texts people type into declarations and
// commands (characters, not bytes: a name in Japanese or Greek is as long
// as one in English). A name names a site, a room, a provider or an owner;
// a free text says why or where from (a pin's reason, a factor's source).
const (
	MaxNameLength = 128
	MaxTextLength = 1000
)

// oddRune reports whether r may not appear in a name or a free text:
// control characters (C0, DEL, C1: they move a terminal's cursor, clear
// its screen, break lines of logs and CSVs), the bidirectional overrides
// and isolates U+202A–U+202E and U+2066–U+2069 (they reorder what a
// terminal, a page or a spreadsheet shows, so that "gnp.exe" reads as
// "exe.png"), and the line and paragraph separators U+2028 and U+2029.
func oddRune(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029
}

// TextProblem says what is wrong with a name or free text of at most max
// characters, or "" when it is usable: valid UTF-8, at most max
// characters, no control characters, bidirectional overrides or line
// separators. It does not check that s is given.
func TextProblem(s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("%d characters: at most %d", utf8.RuneCountInString(s), max)
	}
	if i := strings.IndexFunc(s, oddRune); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("contains %s at byte %d: use printable characters only (no tab, newline, escape or direction override)", runeName(r), i)
	}
	return ""
}

func runeName(r rune) string {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return fmt.Sprintf("the direction override U+%04X", r)
	case r == 0x2028 || r == 0x2029:
		return fmt.Sprintf("the line separator U+%04X", r)
	}
	return "the control character " + strings.Trim(strconv.QuoteRune(r), "'")
}

// QuoteClip quotes s for an error message, as %q does (control
// characters escaped), cut to 64 bytes with its length after.
func QuoteClip(s string) string {
	if len(s) <= 64 {
		return strconv.Quote(s)
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// Printable returns s for a terminal's table: as it is when it holds no
// control character, direction override, line separator or invalid
// UTF-8, else with each of those escaped as Go writes it in a string
// (\x1b, \t, \u202e): a name stored before names were checked cannot move
// the cursor, clear the screen or reorder the line it is printed on.
func Printable(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, oddRune) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case oddRune(r):
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
