// Package timefmt reads dates and times written the way people and
// office software write them: a layout such as DD/MM/YYYY, M/D/YYYY
// h:mm:ss tt or DD-MMM-YYYY, checked when the configuration is loaded
// (Parse) and then applied to each value (Layout.Parse). It imports
// nothing of the project.
//
// Tokens (a run of one letter; everything else is a literal):
//
//	YYYY yyyy   year, four digits        YY yy   year, two digits (00–29 → 20xx, 30–99 → 19xx)
//	MMMM MMM    month name, full or abbreviated, English, French, German or Spanish,
//	            any case, with or without the abbreviation's dot (Jan, janv., février, Mär)
//	MM          month, two digits        M       month, one or two digits
//	DD dd       day, two digits          D d     day, one or two digits
//	DDDD dddd   weekday name             DDD ddd weekday abbreviation (checked against the date)
//	HH H        hour 0–23, one or two digits (HH reads 8:02 as Go's layouts did)
//	hh          hour 01–12, two digits   h       hour 1–12, one or two digits (with tt)
//	mm          minute, two digits       m       minute, one or two digits
//	ss          second, two digits       s       second, one or two digits
//	tt TT AM/PM am/pm AM PM   AM or PM (also am, a.m., A.M.)
//	f … fffffffff            fraction of a second, that many digits
//
// A fraction after the seconds is read even when the layout does not
// name it (2025-01-05 08:00:00.250 with YYYY-MM-DD HH:mm:ss), a space
// matches a run of spaces, T and Z alone are literals (ISO 8601), and
// other text is quoted: 'at' or \h.
package timefmt

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// kind is what one item of a layout reads.
type kind uint8

const (
	kLiteral kind = iota
	kSpace
	kYear4
	kYear2
	kMonthName
	kMonth2
	kMonth1
	kDay2
	kDay1
	kWeekday
	kHour24x2
	kHour24x1
	kHour12x2
	kHour12x1
	kMinute2
	kMinute1
	kSecond2
	kSecond1
	kAMPM
	kFraction
)

// field is the part of a date or time an item sets (for repetition).
var field = map[kind]string{
	kYear4: "year", kYear2: "year", kMonthName: "month", kMonth2: "month", kMonth1: "month",
	kDay2: "day", kDay1: "day", kWeekday: "weekday", kHour24x2: "hour", kHour24x1: "hour",
	kHour12x2: "hour", kHour12x1: "hour", kMinute2: "minute", kMinute1: "minute",
	kSecond2: "second", kSecond1: "second", kAMPM: "AM/PM", kFraction: "fraction",
}

// item is one token or literal of a layout.
type item struct {
	kind  kind
	text  string // the token as written, or the literal
	width int    // digits of a fraction
}

// Layout is a checked date or time layout.
type Layout struct {
	pattern string
	items   []item
	has     map[string]bool
}

// String is the layout as written.
func (l Layout) String() string { return l.pattern }

// HasDate says the layout gives a whole date: year, month and day.
func (l Layout) HasDate() bool { return l.has["year"] && l.has["month"] && l.has["day"] }

// HasTime says the layout gives a time of day (at least the hour).
func (l Layout) HasTime() bool { return l.has["hour"] }

// tokens are the letter runs Parse knows, by letter and length.
var tokens = map[string]kind{
	"YYYY": kYear4, "yyyy": kYear4, "YY": kYear2, "yy": kYear2,
	"MMMM": kMonthName, "MMM": kMonthName, "MM": kMonth2, "M": kMonth1,
	"DD": kDay2, "dd": kDay2, "D": kDay1, "d": kDay1,
	"DDDD": kWeekday, "dddd": kWeekday, "DDD": kWeekday, "ddd": kWeekday,
	"HH": kHour24x2, "H": kHour24x1, "hh": kHour12x2, "h": kHour12x1,
	"mm": kMinute2, "m": kMinute1, "ss": kSecond2, "s": kSecond1,
	"tt": kAMPM, "TT": kAMPM, "AM": kAMPM, "PM": kAMPM, "am": kAMPM, "pm": kAMPM,
	"T": kLiteral, "Z": kLiteral,
}

// ErrLayout is the error of a layout Parse refuses.
var ErrLayout = errors.New("not a date/time layout")

// Parse checks a layout and returns it. Unknown letters are refused,
// naming them; so is a field given twice, or a 12-hour clock without
// its AM/PM.
func Parse(pattern string) (Layout, error) {
	l := Layout{pattern: pattern, has: map[string]bool{}}
	if strings.TrimSpace(pattern) == "" {
		return Layout{}, fmt.Errorf("%w: empty: want a layout such as YYYY-MM-DD or M/D/YYYY h:mm:ss tt", ErrLayout)
	}
	var unknown, twice []string
	rs := []rune(pattern)
	lit := func(s string) {
		if n := len(l.items); n > 0 && l.items[n-1].kind == kLiteral {
			l.items[n-1].text += s
			return
		}
		l.items = append(l.items, item{kind: kLiteral, text: s})
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == ' ':
			for i < len(rs) && rs[i] == ' ' {
				i++
			}
			l.items = append(l.items, item{kind: kSpace, text: " "})
			continue
		case r == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j == len(rs) {
				return Layout{}, fmt.Errorf("%w: %q: a quote opened at character %d is not closed", ErrLayout, pattern, i+1)
			}
			lit(string(rs[i+1 : j]))
			i = j + 1
			continue
		case r == '\\':
			if i+1 == len(rs) {
				return Layout{}, fmt.Errorf("%w: %q: a backslash at the end escapes nothing", ErrLayout, pattern)
			}
			lit(string(rs[i+1]))
			i += 2
			continue
		case !unicode.IsLetter(r):
			lit(string(r))
			i++
			continue
		}
		j := i
		for j < len(rs) && rs[j] == r {
			j++
		}
		// AM/PM (any case) is one token across its slash; AM and PM alone too.
		if j+4 <= len(rs) && j == i+1 && strings.EqualFold(string(rs[i:i+5]), "am/pm") {
			j = i + 5
		} else if j == i+1 && strings.ContainsRune("AaPp", r) && j < len(rs) && (rs[j] == 'M' || rs[j] == 'm') &&
			(j+1 == len(rs) || !unicode.IsLetter(rs[j+1])) {
			j++
		}
		run := string(rs[i:j])
		i = j
		k, known := tokens[run]
		if strings.EqualFold(run, "am/pm") || strings.EqualFold(run, "am") || strings.EqualFold(run, "pm") {
			k, known = kAMPM, true
		}
		if !known && r == 'f' && len(run) <= 9 {
			k, known = kFraction, true
		}
		if !known {
			unknown = append(unknown, run)
			continue
		}
		if k == kLiteral {
			lit(run)
			continue
		}
		f := field[k]
		if l.has[f] {
			twice = append(twice, run)
		}
		l.has[f] = true
		l.items = append(l.items, item{kind: k, text: run, width: len(run)})
	}
	var problems []string
	if len(unknown) > 0 {
		problems = append(problems, fmt.Sprintf("unknown %s %s: want YYYY YY MMMM MMM MM M DD D HH H hh h mm ss tt (quote other text: 'at')",
			plural(len(unknown), "token", "tokens"), quoteAll(unknown)))
	}
	if len(twice) > 0 {
		problems = append(problems, fmt.Sprintf("%s again: each field once", quoteAll(twice)))
	}
	if l.twelveHour() && !l.has["AM/PM"] {
		problems = append(problems, "a 12-hour clock (h, hh) needs tt for AM/PM; a 24-hour clock is H or HH")
	}
	if len(problems) > 0 {
		return Layout{}, fmt.Errorf("%w: %q: %s", ErrLayout, pattern, strings.Join(problems, "; "))
	}
	return l, nil
}

// MustParse is Parse for layouts written in code; it panics on error.
func MustParse(pattern string) Layout {
	l, err := Parse(pattern)
	if err != nil {
		panic(err)
	}
	return l
}

func (l Layout) twelveHour() bool {
	return slices.ContainsFunc(l.items, func(it item) bool { return it.kind == kHour12x1 || it.kind == kHour12x2 })
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// WithoutYear returns the layout with its year and the separators that
// join it taken out: MMM D, YYYY gives MMM D. It is how the start of a
// period whose year is printed once, at its end, is read ("Jan 5 - Feb
// 4, 2025"). False when the layout has no year.
func (l Layout) WithoutYear() (Layout, bool) {
	at := slices.IndexFunc(l.items, func(it item) bool { return it.kind == kYear4 || it.kind == kYear2 })
	if at < 0 {
		return Layout{}, false
	}
	sep := func(it item) bool { return it.kind == kLiteral || it.kind == kSpace }
	lo, hi := at, at+1
	if at == len(l.items)-1 || !sep(l.items[at+1]) {
		for lo > 0 && sep(l.items[lo-1]) {
			lo--
		}
	} else {
		for hi < len(l.items) && sep(l.items[hi]) {
			hi++
		}
	}
	out := Layout{has: map[string]bool{}}
	out.items = append(append([]item(nil), l.items[:lo]...), l.items[hi:]...)
	var b strings.Builder
	for _, it := range out.items {
		b.WriteString(it.text)
		if f, ok := field[it.kind]; ok {
			out.has[f] = true
		}
	}
	out.pattern = b.String()
	return out, len(out.items) > 0
}

// suggestions are the layouts Suggest tries, the common ones first.
var suggestions = []string{
	"YYYY-MM-DD", "DD/MM/YYYY", "M/D/YYYY", "MM/DD/YYYY", "D/M/YYYY", "DD.MM.YYYY", "DD-MM-YYYY",
	"DD-MMM-YYYY", "D-MMM-YYYY", "D MMM YYYY", "D MMMM YYYY", "MMM D, YYYY", "MMMM D, YYYY", "YYYYMMDD",
	"YYYY-MM-DD HH:mm:ss", "YYYY-MM-DDTHH:mm:ss", "YYYY-MM-DD HH:mm", "DD/MM/YYYY HH:mm:ss", "DD/MM/YYYY HH:mm",
	"M/D/YYYY h:mm:ss tt", "M/D/YYYY h:mm tt", "M/D/YYYY H:mm", "MM/DD/YYYY HH:mm:ss", "DD.MM.YYYY HH:mm:ss",
	"DD-MMM-YYYY HH:mm:ss", "D/M/YYYY H:mm:ss", "DD/MM/YY", "M/D/YY",
}

// Suggest returns the common layouts that read s, for a message that
// says what would be right ("05/01/2025" reads as DD/MM/YYYY and as
// MM/DD/YYYY: both are said, the file knows which).
func Suggest(s string) []string {
	var out []string
	for _, p := range suggestions {
		if _, err := MustParse(p).Parse(s, nil); err == nil {
			out = append(out, p)
		}
	}
	return out
}
