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
	y1, ok1 := two(s, 0)
	y2, ok2 := two(s, 2)
	mo, ok3 := two(s, 5)
	d, ok4 := two(s, 8)
	h, ok5 := two(s, 11)
	mi, ok6 := two(s, 14)
	sec, ok7 := two(s, 17)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return time.Time{}, false
	}
	y := y1*100 + y2
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
		oh, okh := two(s, 20)
		om, okm := two(s, 23)
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

// two reads the two ASCII digits of s at i (false: not both digits).
func two(s string, i int) (int, bool) {
	a, b := s[i]-'0', s[i+1]-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}
