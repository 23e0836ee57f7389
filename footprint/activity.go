package footprint

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Activity is one activity record: a quantity of something a site did over
// a period of site-local days [Start, End).
type Activity struct {
	Kind     Kind              `json:"kind"`
	Item     string            `json:"item"`
	Start    Date              `json:"start"`
	End      Date              `json:"end"`
	Quantity float64           `json:"quantity"`
	Unit     Unit              `json:"unit"`
	Source   string            `json:"source"`
	Quality  Quality           `json:"quality"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	// Rolled, when set, makes the activity a rollup: the sum of
	// Rolled.Records valid records contained in its period (never on the
	// wire; the central's monthly aggregates).
	Rolled *Rolled `json:"-"`
}

// Rolled is what a rollup keeps of the records it sums that the
// calculation needs besides their quantity: how many they are (a line's
// record count) and, for workstations, the days they were logged on (the
// power-off coverage): bit i is day i of the rollup's period.
type Rolled struct {
	Records int
	Days    uint32
}

// LastDay is the last day a covers: its end's day before, or, for a
// monthly rollup, the last day of the month one of its records covers.
func (a Activity) LastDay() Date {
	if a.Rolled != nil && a.Rolled.Days != 0 {
		last := 31
		for a.Rolled.Days&(1<<uint(last)) == 0 {
			last--
		}
		month := NewDate(a.Start.Year(), a.Start.Time().Month(), 1)
		return month.AddDays(last)
	}
	return a.End.AddDays(-1)
}

// Count is the number of records a stands for: 1, or a rollup's count.
func (a Activity) Count() int {
	if a.Rolled != nil {
		return a.Rolled.Records
	}
	return 1
}

// Key identifies an activity record: a record sent again with the same key
// replaces the earlier one instead of adding to it.
type Key struct {
	Site   string `json:"site"`
	Kind   Kind   `json:"kind"`
	Item   string `json:"item"`
	Start  string `json:"start"`
	End    string `json:"end"`
	Source string `json:"source"`
	Attrs  string `json:"attrs"`
}

// Key returns a's key for site.
func (a Activity) Key(site string) Key {
	return Key{Site: site, Kind: a.Kind, Item: a.Item, Start: a.Start.String(), End: a.End.String(),
		Source: a.Source, Attrs: FormatAttrs(a.Attrs)}
}

// FormatAttrs renders attributes canonically: k=v pairs sorted by key,
// joined by ';' (the CSV form).
func FormatAttrs(attrs map[string]string) string {
	switch len(attrs) {
	case 0:
		return ""
	case 1, 2: // the common cases, without the sort
		var k1, v1, k2, v2 string
		i := 0
		for k, v := range attrs {
			if i == 0 {
				k1, v1 = k, v
			} else {
				k2, v2 = k, v
			}
			i++
		}
		if len(attrs) == 1 {
			return k1 + "=" + v1
		}
		if k2 < k1 {
			k1, v1, k2, v2 = k2, v2, k1, v1
		}
		return k1 + "=" + v1 + ";" + k2 + "=" + v2
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + attrs[k]
	}
	return strings.Join(parts, ";")
}

// ParseAttrs parses "k=v;k=v" into a map. An empty string gives nil.
func ParseAttrs(s string) (map[string]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%q: want key=value pairs separated by ';' (e.g. state=off;location=home)", part)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%q: attribute %q given twice", s, k)
		}
		out[k] = v
	}
	return out, nil
}

// Days returns the length of a's period in days.
func (a Activity) Days() int { return a.Start.DaysUntil(a.End) }

// Validate returns every problem with a, each path prefixed with prefix
// (e.g. "activities[3]" or "input.csv:12").
func (a Activity) Validate(prefix string) []FieldError {
	var errs Problems
	p := func(field string) string { return prefix + "." + field }
	if strings.Contains(prefix, ":") { // file:line style
		p = func(field string) string { return prefix + ": " + field }
	}
	unit, itemOK := UnitOf(a.Kind, a.Item)
	if _, kindOK := itemSpec[a.Kind]; !kindOK {
		errs.Add(p("kind"), Clip(string(a.Kind)), "unknown kind: want one of %s%s", QuoteList(kindStrings()), Suggest(string(a.Kind), kindStrings()))
	} else if !itemOK {
		errs.Add(p("item"), Clip(a.Item), "unknown item for kind %s: want one of %s%s", a.Kind, QuoteList(Items(a.Kind)), Suggest(a.Item, Items(a.Kind)))
	} else if a.Unit != unit {
		errs.Add(p("unit"), Clip(string(a.Unit)), "%s/%s is measured in %s", a.Kind, a.Item, unit)
	}
	q := func() string { return strconv.FormatFloat(a.Quantity, 'g', -1, 64) } // only for messages
	switch {
	case math.IsNaN(a.Quantity) || math.IsInf(a.Quantity, 0):
		errs.Add(p("quantity"), q(), "must be a finite number")
	case a.Kind == KindWeather:
		if a.Quantity < MinOutdoorTemp || a.Quantity > MaxOutdoorTemp {
			errs.Add(p("quantity"), q(), "a daily mean outdoor temperature in °C lies between %g and %g (the WMO's recorded extremes): is it in °F or K?", MinOutdoorTemp, MaxOutdoorTemp)
		}
	case a.Quantity < 0:
		errs.Add(p("quantity"), q(), "must be ≥ 0 (a correction is sent as the corrected value under the same key)")
	}
	datesOK := false
	switch {
	case a.Start.IsZero():
		errs.Add(p("start"), "", "missing: want a date YYYY-MM-DD")
	case a.End.IsZero():
		errs.Add(p("end"), "", "missing: want a date YYYY-MM-DD after start (end is exclusive)")
	case a.Start.Before(earliestDate):
		errs.Add(p("start"), a.Start.String(), "before %s: greenhelp keeps records from 1990 to 2100", earliestDate)
	case latestDate.Before(a.End):
		errs.Add(p("end"), a.End.String(), "after %s: greenhelp keeps records from 1990 to 2100", latestDate)
	case !a.Start.Before(a.End):
		errs.Add(p("end"), a.End.String(), "must be after start %s (end is exclusive: one day is start + 1)", a.Start)
	case a.End.Time().After(a.Start.Time().AddDate(1, 0, 0)):
		errs.Add(p("end"), a.End.String(), "period from %s is %d days: a record covers at most one year", a.Start, a.Days())
	case a.Kind == KindWeather && a.Start.DaysUntil(a.End) != 1:
		errs.Add(p("end"), a.End.String(), "a temperature is a daily mean: the period is one day (end = start + 1 = %s)", a.Start.AddDays(1))
	default:
		datesOK = true
	}
	// A plausible ceiling per day of the period (bounds.go): a figure past
	// it is a unit or exponent typed wrong, and one such record would
	// otherwise dominate, or overflow, every group total.
	if ceiling, ok := maxPerDay[a.Unit]; ok && datesOK && a.Quantity > 0 && !math.IsInf(a.Quantity, 0) {
		if perDay := a.Quantity / float64(a.Days()); perDay > ceiling {
			errs.Add(p("quantity"), q(), "%s %s a day over %d day(s): above the plausible ceiling of %s %s a day for one site (check the unit and the decimal separator)",
				strconv.FormatFloat(perDay, 'g', 4, 64), a.Unit, a.Days(), strconv.FormatFloat(ceiling, 'g', -1, 64), a.Unit)
		}
	}
	if strings.TrimSpace(a.Source) == "" {
		errs.Add(p("source"), "", "missing: name the meter, export or system the figure comes from")
	} else if why := keyFieldProblem(a.Source); why != "" {
		errs.Add(p("source"), Clip(a.Source), "%s", why)
	}
	n := 0
	for k, v := range a.Attrs {
		n += len(k) + len(v) + 2
	}
	if n > 2*maxKeyField {
		errs.Add(p("attrs"), Clip(FormatAttrs(a.Attrs)), "longer than %d bytes", 2*maxKeyField)
	}
	if !a.Quality.Valid() {
		errs.Add(p("quality"), Clip(string(a.Quality)), "want one of \"measured\", \"estimated\", \"default\"")
	}
	errs = append(errs, a.validateAttrs(p)...)
	return errs
}

func (a Activity) validateAttrs(p func(string) string) Problems {
	var errs Problems
	spec := attrSpec[a.Kind]
	keys := make([]string, 0, len(a.Attrs))
	for k := range a.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := a.Attrs[k]
		allowed, ok := spec[k]
		if !ok {
			known := make([]string, 0, len(spec))
			for s := range spec {
				known = append(known, s)
			}
			sort.Strings(known)
			if len(known) == 0 {
				errs.Add(p("attrs."+Clip(k)), Clip(v), "kind %s takes no attributes", a.Kind)
			} else {
				errs.Add(p("attrs."+Clip(k)), Clip(v), "unknown attribute for kind %s: want %s%s", a.Kind, QuoteList(known), Suggest(k, known))
			}
			continue
		}
		if allowed != nil && !slices.Contains(allowed, v) {
			errs.Add(p("attrs."+Clip(k)), Clip(v), "want one of %s", QuoteList(allowed))
		}
	}
	errs = append(errs, a.validateITIDs(p)...) // rooms and contracts are ids (it.go)
	for _, k := range requiredAttrs[a.Kind] {
		if strings.TrimSpace(a.Attrs[k]) == "" {
			errs.Add(p("attrs."+k), "", "missing: a %s record names its %s (attrs %s=…)", a.Kind, k, k)
		}
	}
	if a.Kind == KindCloud {
		prov := a.Attrs["provider"]
		switch {
		case a.Item == "reported" && a.Attrs["method"] == "":
			errs.Add(p("attrs.method"), "", `missing: a reported figure says its Scope 2 method, "location" or "market"`)
		case a.Item != "reported" && prov == "other":
			errs.Add(p("attrs.provider"), prov, "a usage estimate needs the provider's coefficients: aws, gcp or azure (send the provider's own report as item reported)")
		case a.Item != "reported" && a.Attrs["region"] == "":
			errs.Add(p("attrs.region"), "", "missing: a usage estimate needs the region, for its grid (e.g. eu-west-3)")
		}
	}
	if a.Kind == KindTravel {
		if c, ok := a.Attrs["class"]; ok {
			classes, isFlight := flightClasses[a.Item]
			switch {
			case !isFlight:
				errs.Add(p("attrs.class"), c, "only short- and long-haul flights take a class")
			case !slices.Contains(classes, c) && slices.Contains(attrSpec[KindTravel]["class"], c):
				errs.Add(p("attrs.class"), c, "%s takes one of %s", a.Item, QuoteList(classes))
			}
		}
		if c, ok := a.Attrs["country"]; ok {
			if a.Item != "hotel" {
				errs.Add(p("attrs.country"), c, "only hotel nights take a country")
			} else if !ValidCountry(c) {
				errs.Add(p("attrs.country"), c, "not an ISO 3166-1 alpha-2 country code (e.g. FR, ZA)")
			}
		}
	}
	return errs
}

func kindStrings() []string {
	ks := Kinds()
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// Suggest returns ` (did you mean "x"?)` for the closest candidate within a
// small edit distance, else "".
func Suggest(got string, candidates []string) string {
	if s := Closest(got, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// Closest returns the candidate nearest to got by edit distance (case
// folded) when it is close enough to be a likely typo, else "".
func Closest(got string, candidates []string) string {
	if len(got) > 64 {
		return "" // no typo is that long
	}
	best, bestD := "", 1<<30
	g := strings.ToLower(got)
	for _, c := range candidates {
		if d := levenshtein(g, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(got) > 8 {
		limit = 3
	}
	if bestD <= limit && bestD < len(got) {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Dedupe keeps, for every key, the last record given (a corrected record
// replaces the earlier one) and returns how many were replaced. Order of
// first appearance is kept.
func Dedupe(acts []Activity) ([]Activity, int) {
	pos := map[Key]int{}
	out := make([]Activity, 0, len(acts))
	replaced := 0
	for _, a := range acts {
		k := a.Key("")
		if i, ok := pos[k]; ok {
			out[i] = a
			replaced++
			continue
		}
		pos[k] = len(out)
		out = append(out, a)
	}
	return out, replaced
}

// FullYears returns, sorted, the calendar years in which the records cover
// every month (at least one record overlapping each month): the years a
// trajectory may use as base or current year.
func FullYears(acts []Activity) []int {
	months := map[int]bool{}
	for _, a := range acts {
		last := a.End.AddDays(-1)
		for y, m := a.Start.Year(), int(a.Start.Time().Month()); y*12+m <= last.Year()*12+int(last.Time().Month()); m++ {
			if m > 12 {
				y, m = y+1, 1
			}
			months[y*12+m] = true
		}
	}
	count := map[int]int{}
	for k := range months {
		count[(k-1)/12]++
	}
	var out []int
	for y, n := range count {
		if n == 12 {
			out = append(out, y)
		}
	}
	sort.Ints(out)
	return out
}
