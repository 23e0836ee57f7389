package timefmt

import "time"

// RFC3339In is time.Parse(time.RFC3339, s) then In(loc) — the same
// instant in loc — for the shape a power-event export writes — 2024-03-04T20:00:00+01:00
// or …Z, no fraction — without time.Parse's general path (a year of
// 3,000 PCs' events is 2 M timestamps). Any other shape, or a value out of
// range, is left to time.Parse itself: ok is false and the caller parses
// it so (FuzzRFC3339 holds both to the same answers).
func RFC3339In(s string, loc *time.Location) (t time.Time, ok bool) {
	if len(s) != 20 && len(s) != 25 {
		return time.Time{}, false
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := fixed(s, 0, 4)
	mo, ok2 := fixed(s, 5, 2)
	d, ok3 := fixed(s, 8, 2)
	h, ok4 := fixed(s, 11, 2)
	mi, ok5 := fixed(s, 14, 2)
	sec, ok6 := fixed(s, 17, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return time.Time{}, false
	}
	if mo < 1 || mo > 12 || d < 1 || d > monthDays(mo, y) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	off := 0
	if len(s) == 20 {
		if s[19] != 'Z' {
			return time.Time{}, false
		}
	} else {
		sign := s[19]
		oh, okh := fixed(s, 20, 2)
		om, okm := fixed(s, 23, 2)
		if (sign != '+' && sign != '-') || s[22] != ':' || !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off = oh*3600 + om*60
		if sign == '-' {
			off = -off
		}
	}
	unix := daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+sec-off)
	return time.Unix(unix, 0).In(loc), true
}

// monthDays is the number of days of month m (1–12) of year y, in the
// proleptic Gregorian calendar time.Date uses.
func monthDays(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the days from 1970-01-01 to y-m-d (proleptic
// Gregorian; H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
// days_from_civil), for years 0–9999.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// fixed reads the n ASCII digits of s at at (false: not all digits).
func fixed(s string, at, n int) (int, bool) {
	v, ok := 0, true
	for i := at; i < at+n; i++ {
		c := s[i] - '0'
		ok = ok && c <= 9
		v = v*10 + int(c)
	}
	return v, ok
}
