package planning

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
)

// ReadHistoryCSV reads historic inventories, columns site,year,t (tCO2e),
// e.g. from before greenhelp. A year given twice for a site, a negative or
// non-numeric tonnage and a missing column are errors naming the line.
func ReadHistoryCSV(r io.Reader, name string) ([]History, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: want a header row site,year,t: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range []string{"site", "year", "t"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s:1: header: missing column %q: want site,year,t", name, c)
		}
	}
	bySite := map[string]*History{}
	firstLine := map[string]int{}
	var errs []footprint.FieldError
	add := func(path, value, format string, args ...any) {
		errs = append(errs, footprint.FieldError{Path: path, Value: value, Message: fmt.Sprintf(format, args...)})
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("%s:%d", name, line)
		site, ys, ts := strings.TrimSpace(rec[col["site"]]), strings.TrimSpace(rec[col["year"]]), strings.TrimSpace(rec[col["t"]])
		if site == "" {
			add(where+": site", "", "missing")
			continue
		}
		y, err := strconv.Atoi(ys)
		if err != nil || y < 1990 || y > 2100 {
			add(where+": year", ys, "want a year such as 2022")
			continue
		}
		t, err := strconv.ParseFloat(ts, 64)
		if err != nil || math.IsNaN(t) || math.IsInf(t, 0) {
			add(where+": t", ts, "want tonnes CO2e as a number with a decimal point")
			continue
		}
		if t < 0 {
			add(where+": t", ts, "must be ≥ 0 tCO2e")
			continue
		}
		h := bySite[site]
		if h == nil {
			h = &History{Site: site, Actual: map[int]float64{}}
			bySite[site] = h
		}
		key := fmt.Sprintf("%s/%d", site, y)
		if prev, dup := firstLine[key]; dup {
			add(where+": year", ys, "site %s has %d already (line %d): one figure per site and year", site, y, prev)
			continue
		}
		firstLine[key] = line
		h.Actual[y] = t
	}
	if len(errs) > 0 {
		return nil, &footprint.ValidationError{Source: name, Errors: errs}
	}
	if len(bySite) == 0 {
		return nil, fmt.Errorf("%s: %w: no rows after the header", name, ErrNoHistory)
	}
	out := make([]History, 0, len(bySite))
	for _, h := range bySite {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Site < out[j].Site })
	return out, nil
}
