package source

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A Green Button feed gives its instants in UTC (Unix seconds) and its
// local time apart (LocalTimeParameters: the standard offset, the
// daylight-saving offset and the rules of its start and end). The days
// are cut in the site's zone (site.timezone), so the feed's local time is
// only checked against it: a feed of another zone — another site's, or a
// site.timezone mistyped — would cut every day at the wrong hour.

// check compares the feed's local time with loc over years: the same
// offsets, and daylight saving from and to the same days.
func (lt espiLocalTime) check(loc *time.Location, years map[int]bool) error {
	start, err1 := parseDSTRule(lt.DSTStartRule)
	end, err2 := parseDSTRule(lt.DSTEndRule)
	if err := errorsJoin(err1, err2); err != nil {
		return err
	}
	if lt.TZOffset < -14*3600 || lt.TZOffset > 14*3600 || lt.DSTOffset < -2*3600 || lt.DSTOffset > 2*3600 {
		return fmt.Errorf("tzOffset %d s, dstOffset %d s: out of range", lt.TZOffset, lt.DSTOffset)
	}
	dst := lt.DSTOffset != 0 && start != espiNoDST && end != espiNoDST
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	for _, y := range ys {
		offs, changes := zoneYear(loc, y)
		feedOffs := []int{int(lt.TZOffset)}
		var feedChanges []string
		if dst {
			feedOffs = append(feedOffs, int(lt.TZOffset+lt.DSTOffset))
			s, err1 := ruleDate(start, y)
			e, err2 := ruleDate(end, y)
			if err := errorsJoin(err1, err2); err != nil {
				return err
			}
			feedChanges = []string{s.Format("2006-01-02"), e.Format("2006-01-02")}
			sort.Strings(feedChanges)
		}
		sort.Ints(feedOffs)
		if fmt.Sprint(offs) != fmt.Sprint(feedOffs) || fmt.Sprint(changes) != fmt.Sprint(feedChanges) {
			return fmt.Errorf("the feed's local time in %d is %s, but site.timezone %s is %s: the days would be cut at the wrong hour; is this the site's feed, and its time zone right?",
				y, describeZone(feedOffs, feedChanges), loc, describeZone(offs, changes))
		}
	}
	return nil
}

// zoneYear is the offsets loc uses in year y (seconds, sorted) and the
// days they change (sorted).
func zoneYear(loc *time.Location, y int) ([]int, []string) {
	seen := map[int]bool{}
	var offs []int
	var changes []string
	prev := 0
	// Each local day at noon: a change (at night) shows on its day.
	for d := time.Date(y, 1, 1, 12, 0, 0, 0, loc); d.Year() == y; d = time.Date(y, d.Month(), d.Day()+1, 12, 0, 0, 0, loc) {
		_, off := d.Zone()
		if !seen[off] {
			seen[off] = true
			offs = append(offs, off)
		}
		if d.YearDay() > 1 && off != prev {
			changes = append(changes, d.Format("2006-01-02"))
		}
		prev = off
	}
	sort.Ints(offs)
	sort.Strings(changes)
	return offs, changes
}

func describeZone(offs []int, changes []string) string {
	var parts []string
	for _, o := range offs {
		parts = append(parts, utcOffset(o))
	}
	s := strings.Join(parts, " and ")
	if len(changes) > 0 {
		s += " (changing on " + strings.Join(changes, " and ") + ")"
	}
	return s
}

func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "−", -sec
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, sec/3600, sec%3600/60)
}

// parseDSTRule reads a DstRuleType, hexadecimal (0x optional).
func parseDSTRule(s string) (uint32, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	if s == "" {
		return espiNoDST, nil
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("DST rule %q: want 8 hexadecimal digits (e.g. 360E2000)", s)
	}
	return uint32(v), nil
}

// ruleDate is the day of year y a DST rule falls on.
func ruleDate(r uint32, y int) (time.Time, error) {
	month := time.Month(r >> 28)
	op := (r >> 25) & 7
	dom := int((r >> 20) & 31)
	dow := int((r >> 17) & 7)
	bad := fmt.Errorf("DST rule %08X: month %d, day %d, weekday %d, operator %d do not make a day", r, month, dom, dow, op)
	if month < 1 || month > 12 || op == 0 && dom == 0 || op != 0 && dow == 0 || op == 1 && dom == 0 {
		return time.Time{}, bad
	}
	first := time.Date(y, month, 1, 0, 0, 0, 0, time.UTC)
	wd := time.Weekday(dow % 7) // ESPI: Monday = 1 … Sunday = 7
	var d time.Time
	switch {
	case op == 0:
		d = first.AddDate(0, 0, dom-1)
	case op == 1:
		d = first.AddDate(0, 0, dom-1)
		d = d.AddDate(0, 0, (int(wd)-int(d.Weekday())+7)%7)
	case op <= 6:
		d = first.AddDate(0, 0, (int(wd)-int(first.Weekday())+7)%7+7*int(op-2))
	default:
		last := first.AddDate(0, 1, -1)
		d = last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	if d.Month() != month {
		return time.Time{}, bad
	}
	return d, nil
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
