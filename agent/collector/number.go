package collector

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// number parses a figure with the source's decimal separator.
func (c *state) number(r source.Row, field string) (float64, bool) {
	s := strings.TrimSpace(r.Get(field))
	if s == "" {
		c.reject(r, "%s: empty: want a number", field)
		return 0, false
	}
	v, err := parseNumber(s, c.env.Common.Decimal)
	if err != nil {
		c.reject(r, "%s: %q: %v", field, s, err)
		return 0, false
	}
	return v, true
}

// parseNumber reads a figure written with decimal as its decimal
// separator. Thousands separators — spaces, and the other of '.' and ','
// — are accepted only between groups of three digits, so that a figure
// written with the other decimal separator ("12345,6" read with decimal
// ".") is refused with a hint instead of silently becoming ten times
// larger.
func parseNumber(s, decimal string) (float64, error) {
	thousands := ","
	if decimal == "," {
		thousands = "."
	}
	clean := strings.NewReplacer(" ", thousands, "\u00a0", thousands, "\u202f", thousands).Replace(strings.TrimSpace(s))
	mant, exp := clean, ""
	if i := strings.IndexAny(clean, "eE"); i >= 0 {
		mant, exp = clean[:i], clean[i:]
	}
	intPart, frac, hasFrac := strings.Cut(mant, decimal)
	if hasFrac && strings.Contains(frac, thousands) || strings.Contains(frac, decimal) {
		return 0, fmt.Errorf("want a number with %q as decimal separator", decimal)
	}
	sign := ""
	if strings.HasPrefix(intPart, "-") || strings.HasPrefix(intPart, "+") {
		sign, intPart = intPart[:1], intPart[1:]
	}
	if strings.Contains(intPart, thousands) {
		groups := strings.Split(intPart, thousands)
		ok := len(groups[0]) >= 1 && len(groups[0]) <= 3
		for _, g := range groups[1:] {
			ok = ok && len(g) == 3
		}
		if !ok {
			other := map[string]string{".": ",", ",": "."}[decimal]
			return 0, fmt.Errorf("%q is not between groups of three digits: if it is the decimal separator, set decimal: %q for this source", thousands, other)
		}
		intPart = strings.ReplaceAll(intPart, thousands, "")
	}
	num := sign + intPart
	if hasFrac {
		num += "." + frac
	}
	v, err := strconv.ParseFloat(num+exp, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("want a number with %q as decimal separator", decimal)
	}
	return v, nil
}

func (c *state) date(r source.Row, field string) (footprint.Date, bool) {
	s := strings.TrimSpace(r.Get(field))
	t, err := c.dateLayout.Parse(s, time.UTC)
	if err != nil {
		// Accept a timestamp whose date part matches.
		if t2, err2 := c.timeLayout.Parse(s, time.UTC); err2 == nil {
			t, err = t2, nil
		}
	}
	if err != nil {
		c.rejectLayout(r, "date_format", s, err, "%s: %q: want a date as %s", field, s, c.env.Common.DateFormat)
		return footprint.Date{}, false
	}
	return footprint.NewDate(t.Year(), t.Month(), t.Day()), true
}

func first(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
