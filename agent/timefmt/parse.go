package timefmt

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ParseError is a value a layout cannot read: the value, the layout and
// what went wrong where.
type ParseError struct {
	Value  string
	Layout string
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%q does not match %s: %s", e.Value, e.Layout, e.Reason)
}

// value is what Parse has read so far.
type value struct {
	year, month, day         int
	hour, minute, second, ns int
	weekday                  time.Weekday
	hasWeekday               bool
	am, pm                   bool
	hour12                   bool
}

// Parse reads s with the layout, in loc (UTC when nil): the time it
// names, or a *ParseError saying the value, the layout and why.
func (l Layout) Parse(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	fail := func(format string, args ...any) (time.Time, error) {
		return time.Time{}, &ParseError{Value: s, Layout: l.pattern, Reason: fmt.Sprintf(format, args...)}
	}
	v := value{month: 1, day: 1}
	rest := s
	at := func() string {
		if rest == "" {
			return "at the end"
		}
		return fmt.Sprintf("at %q", clip(rest))
	}
	for i, it := range l.items {
		var next *item
		if i+1 < len(l.items) {
			next = &l.items[i+1]
		}
		switch it.kind {
		case kLiteral:
			if !strings.HasPrefix(rest, it.text) {
				return fail("want %q %s", it.text, at())
			}
			rest = rest[len(it.text):]
			continue
		case kSpace:
			t := strings.TrimLeft(rest, " \t")
			if len(t) == len(rest) && rest != "" { // as Go's time.Parse: a space may end the value
				return fail("want a space %s", at())
			}
			rest = t
			continue
		case kMonthName, kWeekday:
			word, n := letters(rest)
			if n == 0 {
				return fail("%s wants a %s name %s", it.text, field[it.kind], at())
			}
			dot := wordDot(rest[n:], next)
			key := fold(word)
			if it.kind == kMonthName {
				m, ok := monthNames[key]
				if !ok {
					return fail("%s: %q is not a month name (English, French, German or Spanish, e.g. Jan, janv., Januar)", it.text, word)
				}
				v.month = int(m)
			} else {
				d, ok := weekdayNames[key]
				if !ok {
					return fail("%s: %q is not a weekday name (English, French, German or Spanish, e.g. Mon, lun.)", it.text, word)
				}
				v.weekday, v.hasWeekday = d, true
			}
			rest = rest[n:]
			if dot {
				rest = rest[1:]
			}
			continue
		case kAMPM:
			pm, n, ok := ampm(rest, next)
			if !ok {
				return fail("%s wants AM or PM %s", it.text, at())
			}
			v.am, v.pm = !pm, pm
			rest = rest[n:]
			continue
		}
		min, max := width(it)
		d, n := digits(rest, max)
		if n < min {
			hint := ""
			if min == 2 && n == 1 {
				hint = fmt.Sprintf(" (for values without a leading zero write %s)", it.text[:1])
			}
			return fail("%s wants %s %s%s", it.text, digitsWord(min, max), at(), hint)
		}
		num := rest[:n]
		rest = rest[n:]
		switch it.kind {
		case kYear4:
			v.year = d
		case kYear2:
			v.year = century(d)
		case kMonth2, kMonth1:
			v.month = d
		case kDay2, kDay1:
			v.day = d
		case kHour24x2, kHour24x1:
			v.hour = d
		case kHour12x2, kHour12x1:
			v.hour, v.hour12 = d, true
		case kMinute2, kMinute1:
			v.minute = d
		case kSecond2, kSecond1:
			v.second = d
			// A fraction the layout does not name is read, as Go's
			// time.Parse does (the layouts before this package were Go's).
			if len(rest) >= 2 && (rest[0] == '.' || rest[0] == ',') && isDigit(rest[1]) && !literalStarts(next, rest[0]) {
				f, k := fraction(rest[1:])
				v.ns, rest = f, rest[1+k:]
			}
		case kFraction:
			f, _ := fraction(num)
			v.ns = f
		}
	}
	if rest != "" {
		return fail("extra text %q after the layout", clip(rest))
	}
	return v.time(loc, fail)
}

// time checks the fields read and assembles them.
func (v value) time(loc *time.Location, fail func(string, ...any) (time.Time, error)) (time.Time, error) {
	switch {
	case v.month < 1 || v.month > 12:
		return fail("month %d: want 1 to 12", v.month)
	case v.hour12 && (v.hour < 1 || v.hour > 12):
		return fail("hour %d: want 1 to 12 on a 12-hour clock", v.hour)
	case v.hour > 23:
		return fail("hour %d: want 0 to 23", v.hour)
	case v.minute > 59:
		return fail("minute %d: want 0 to 59", v.minute)
	case v.second > 59:
		return fail("second %d: want 0 to 59", v.second)
	}
	if days := daysIn(time.Month(v.month), v.year); v.day < 1 || v.day > days {
		return fail("day %d: %s %d has %d days", v.day, time.Month(v.month), v.year, days)
	}
	h := v.hour
	if v.pm && h < 12 {
		h += 12
	} else if v.am && h == 12 {
		h = 0
	}
	t := time.Date(v.year, time.Month(v.month), v.day, h, v.minute, v.second, v.ns, loc)
	if v.hasWeekday && t.Weekday() != v.weekday {
		return fail("%s %s is a %s, not a %s: are the day and the month the right way round?",
			time.Month(v.month), fmt.Sprint(v.day), t.Weekday(), v.weekday)
	}
	return t, nil
}

// width is the fewest and most digits a numeric token reads.
func width(it item) (int, int) {
	switch it.kind {
	case kYear4:
		return 4, 4
	// HH reads one digit too, as Go's "15" did for the layouts before
	// this package: 8:02:11 has always read with HH:mm:ss.
	case kMonth1, kDay1, kHour24x1, kHour24x2, kHour12x1, kMinute1, kSecond1:
		return 1, 2
	case kFraction:
		return it.width, it.width
	}
	return 2, 2
}

func digitsWord(min, max int) string {
	words := map[int]string{1: "one", 2: "two", 3: "three", 4: "four"}
	w := func(n int) string {
		if s, ok := words[n]; ok {
			return s
		}
		return fmt.Sprint(n)
	}
	if min == max {
		return w(min) + " digits"
	}
	return w(min) + " or " + w(max) + " digits"
}

// century places a two-digit year as Excel does by default: 00–29 are
// 2000–2029, 30–99 are 1930–1999 (Microsoft, "How Microsoft Excel works
// with two-digit year numbers", KB 214391, "the 2029 rule").
func century(yy int) int {
	if yy < 30 {
		return 2000 + yy
	}
	return 1900 + yy
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// digits reads at most max ASCII digits: their value and how many.
func digits(s string, max int) (int, int) {
	v, n := 0, 0
	for n < max && n < len(s) && isDigit(s[n]) {
		v = v*10 + int(s[n]-'0')
		n++
	}
	return v, n
}

// fraction reads a run of digits as the fraction of a second
// (nanoseconds, digits past the ninth ignored) and its length.
func fraction(s string) (int, int) {
	ns, n := 0, 0
	for n < len(s) && isDigit(s[n]) {
		if n < 9 {
			ns = ns*10 + int(s[n]-'0')
		}
		n++
	}
	for k := n; k < 9; k++ {
		ns *= 10
	}
	return ns, n
}

// letters is the run of letters s starts with, and its length in bytes.
func letters(s string) (string, int) {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsLetter(r) {
			break
		}
		n += size
	}
	return s[:n], n
}

// literalStarts says the next item is a literal beginning with c: a dot
// the value holds belongs to it, not to the word before.
func literalStarts(next *item, c byte) bool {
	return next != nil && next.kind == kLiteral && next.text != "" && next.text[0] == c
}

// wordDot says the dot s starts with ends the word before it (janv.,
// p.m.) rather than being the layout's next literal: it is the word's
// when the next literal is no dot, or is still there after it.
func wordDot(s string, next *item) bool {
	if !strings.HasPrefix(s, ".") {
		return false
	}
	return !literalStarts(next, '.') || strings.HasPrefix(s[1:], next.text)
}

// ampm reads AM or PM (any case, with or without dots: a.m., P.M.).
func ampm(s string, next *item) (pm bool, n int, ok bool) {
	if s == "" {
		return false, 0, false
	}
	switch s[0] {
	case 'a', 'A':
	case 'p', 'P':
		pm = true
	default:
		return false, 0, false
	}
	n = 1
	if n < len(s) && s[n] == '.' {
		n++
	}
	if n >= len(s) || (s[n] != 'm' && s[n] != 'M') {
		return false, 0, false
	}
	n++
	if wordDot(s[n:], next) {
		n++
	}
	if n < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsLetter(r) {
			return false, 0, false
		}
	}
	return pm, n, true
}

// clip shortens what a message quotes of a value to 40 characters.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
