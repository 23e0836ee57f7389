// Package csvsafe keeps the text greenhelp writes into CSV files from being
// read as a formula when the file is opened in a spreadsheet.
//
// Excel, LibreOffice Calc and Google Sheets treat a cell that starts with
// '=', '+', '-' or '@' (and, after trimming, a tab or a carriage return)
// as a formula: a site name such as =HYPERLINK("http://x","y") would turn
// into a link, and worse formulas can run commands or leak the sheet. The
// rule is OWASP's ("CSV injection"): a text cell starting with one of
// those characters gets a leading apostrophe, which every spreadsheet
// shows as text. Numbers the program formats itself (-3.2) are not text
// and are written as they are: apply Text to text fields only.
package csvsafe

import "strings"

// Text returns s ready for a CSV cell holding text: s itself, or s after
// an apostrophe when it starts with '=', '+', '-', '@', a tab or a
// carriage return. Text that already starts with apostrophes before such
// a character gets one more, so that Untext gives back exactly s.
func Text(s string) string {
	if guarded(s) {
		return "'" + s
	}
	return s
}

func guarded(s string) bool { return Risky(strings.TrimLeft(s, "'")) }

// Risky reports whether a spreadsheet would read s as a formula.
func Risky(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Untext undoes Text, for a program reading back a CSV written with it:
// the first apostrophe is dropped when apostrophes stand before a
// character Text guards against, kept otherwise.
func Untext(s string) string {
	if len(s) > 1 && s[0] == '\'' && guarded(s[1:]) {
		return s[1:]
	}
	return s
}
