package collector

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/agent/timefmt"
	"github.com/greenhelp/greenhelp/footprint"
)

// Common are the keys of a `sources:` block every collector reads: which
// column holds each field, and how the export writes figures and dates.
type Common struct {
	// Columns maps the fields the collector reads to the export's columns.
	Columns Columns `mapstructure:"columns"`
	Decimal string  `mapstructure:"decimal"` // "." (default) or ","
	// DateFormat and TimeFormat are layouts as people write them
	// (package timefmt: DD/MM/YYYY, M/D/YYYY h:mm:ss tt, DD-MMM-YYYY), or
	// a culture whose default PowerShell and Excel write (en-US, en-GB,
	// fr-FR, de-DE, invariant).
	DateFormat string `mapstructure:"date_format"`
	TimeFormat string `mapstructure:"time_format"`
	Quality    string `mapstructure:"quality"` // measured (default), estimated
	// Constants give a field the same value on every row, for a column
	// the export lacks: {mode: flight} for a flights-only travel export.
	Constants map[string]string `mapstructure:"constants"`
}

// Defaults fills the keys left unset.
func (c *Common) Defaults() {
	if c.Decimal == "" {
		c.Decimal = "."
	}
	if c.DateFormat == "" {
		c.DateFormat = "YYYY-MM-DD"
	}
	if c.TimeFormat == "" {
		c.TimeFormat = "YYYY-MM-DD HH:mm:ss"
	}
	if c.Quality == "" {
		c.Quality = string(footprint.QualityMeasured)
	}
}

// Check reports what is wrong with the keys.
func (c Common) Check(add source.AddFunc) {
	if c.Decimal != "." && c.Decimal != "," {
		add("decimal", c.Decimal, `want "." or ","`)
	}
	if !footprint.Quality(c.Quality).Valid() {
		add("quality", c.Quality, `want "measured", "estimated" or "default"`)
	}
	if _, err := layoutOf(c.DateFormat, false); err != nil {
		add("date_format", c.DateFormat, "%v", err)
	}
	if _, err := layoutOf(c.TimeFormat, true); err != nil {
		add("time_format", c.TimeFormat, "%v", err)
	}
	fields := slices.Sorted(maps.Keys(columnFields()))
	mapped := c.Columns.Mapped()
	for _, k := range slices.Sorted(maps.Keys(c.Constants)) {
		switch {
		case !slices.Contains(fields, k):
			add("constants."+k, c.Constants[k], "no such field: want one of %s%s", strings.Join(fields, ", "), didYouMean(k, fields))
		case mapped[k] != "":
			add("constants."+k, c.Constants[k], "columns.%s reads it from the export already: give one or the other", k)
		case strings.TrimSpace(c.Constants[k]) == "":
			add("constants."+k, "", "empty: give the value every row takes")
		}
	}
}

// Given returns field → where its value comes from: the mapped columns
// and the constants.
func (c Common) Given() map[string]string {
	out := c.Columns.Mapped()
	for k, v := range c.Constants {
		if out[k] == "" {
			out[k] = v
		}
	}
	return out
}

// Apply gives a row the source's constants (a field the export lacks).
// It takes c by pointer: it runs for every row read, and Common is large.
func (c *Common) Apply(r source.Row) {
	if len(c.Constants) == 0 {
		return
	}
	for k, v := range c.Constants {
		if strings.TrimSpace(r.Get(k)) == "" {
			r.Set(k, v)
		}
	}
}

// layoutOf reads a date_format or time_format: a culture's name or a
// layout, which must give a whole date (the time's too for timestamps).
func layoutOf(f string, timestamp bool) (timefmt.Layout, error) {
	if timefmt.IsCulture(f) {
		if timestamp {
			return timefmt.Culture(f)
		}
		return timefmt.CultureDate(f)
	}
	l, err := timefmt.Parse(f)
	if err != nil {
		return l, fmt.Errorf("%w (or a culture: %s)", err, strings.Join(timefmt.Cultures(), ", "))
	}
	if !l.HasDate() {
		hint := ""
		if strings.Contains(f, "mm") && !strings.Contains(f, "M") {
			hint = " (mm is the minute: the month is MM, M or MMM)"
		}
		return l, fmt.Errorf("want a whole date: a year (YYYY), a month (MM, M, MMM) and a day (DD, D), e.g. DD/MM/YYYY%s", hint)
	}
	return l, nil
}

func didYouMean(got string, candidates []string) string {
	if s := footprint.Closest(got, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// columnFields is the set of fields a column (or a constant) can give.
func columnFields() map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeOf(Columns{})
	for i := 0; i < t.NumField(); i++ {
		out[t.Field(i).Tag.Get("mapstructure")] = true
	}
	return out
}

// Columns names the export's column for each field a collector reads
// (header name, or a 1-based number without a header). Only these columns
// are read: names and employee ids never leave the site.
type Columns struct {
	Date     string `mapstructure:"date"`
	Start    string `mapstructure:"start"`
	End      string `mapstructure:"end"`
	Month    string `mapstructure:"month"`
	Kind     string `mapstructure:"kind"`
	Item     string `mapstructure:"item"`
	Quantity string `mapstructure:"quantity"`
	Unit     string `mapstructure:"unit"`
	Device   string `mapstructure:"device"`
	Class    string `mapstructure:"class"`
	Time     string `mapstructure:"time"`
	Event    string `mapstructure:"event"`
	// OU is a machine's directory unit (collector workstation), for the
	// power-off groups that name an OU.
	OU         string `mapstructure:"ou"`
	Remote     string `mapstructure:"remote"`
	Onsite     string `mapstructure:"onsite"`
	Mode       string `mapstructure:"mode"`
	From       string `mapstructure:"from"`
	To         string `mapstructure:"to"`
	DistanceKm string `mapstructure:"distance_km"`
	// DistanceMi is a distance in miles ("Segment Miles"), read as
	// international miles (1.609344 km).
	DistanceMi string `mapstructure:"distance_mi"`
	// BookingDate is when a trip was booked (collector travel): the
	// record's date when the row has no travel date (columns.date).
	BookingDate string `mapstructure:"booking_date"`
	Cabin       string `mapstructure:"cabin"`
	State       string `mapstructure:"state"`
	Hours       string `mapstructure:"hours"`
	Nights      string `mapstructure:"nights"`
	Country     string `mapstructure:"country"`
	// Period is a bill's period in one column ("Jan 5 - Feb 4, 2025"),
	// read into its start and end (collector energy).
	Period string `mapstructure:"period"`
	// Person and WorkLocation are a roster's (collector roster): who, and
	// where they worked that day.
	Person       string `mapstructure:"person"`
	WorkLocation string `mapstructure:"work_location"`
	// Home and DaysOnSite are a commute survey's (collector
	// commute_survey): the respondent's home city or postcode, and the
	// days a week on site.
	Home       string `mapstructure:"home"`
	DaysOnSite string `mapstructure:"days_on_site"`
	// Temperature is the outdoor temperature (collector weather).
	Temperature string `mapstructure:"temperature"`
	// The cloud collector's fields: set from the provider's documented
	// columns by `report:`, or mapped by hand.
	Provider     string `mapstructure:"provider"`
	Service      string `mapstructure:"service"`
	Region       string `mapstructure:"region"`
	Market       string `mapstructure:"market"`
	MarketUnit   string `mapstructure:"market_unit"`
	LocationBase string `mapstructure:"location"`
	LocationUnit string `mapstructure:"location_unit"`
}

// Mapped returns field → column for the columns set.
func (c Columns) Mapped() map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(c)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if s := v.Field(i).String(); s != "" {
			out[t.Field(i).Tag.Get("mapstructure")] = s
		}
	}
	return out
}

// setColumn sets the Columns field whose key is field.
func setColumn(c *Columns, field, col string) {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("mapstructure") == field {
			v.Field(i).SetString(col)
			return
		}
	}
}

// requireColumns reports each of need (alternatives separated by "|")
// that the source does not map: the columns a collector cannot do
// without.
func requireColumns(env Env, add source.AddFunc, need ...string) {
	if env.Type == "manual" { // a manual source's values carry the fields
		return
	}
	cols := env.Common.Given()
	for _, n := range need {
		ok := false
		for _, alt := range strings.Split(n, "|") {
			if cols[alt] != "" || slices.Contains(env.Gives, alt) {
				ok = true
			}
		}
		if !ok {
			add("columns."+strings.Split(n, "|")[0], "", "missing: the %s collector needs a column for %s", env.Collector, strings.ReplaceAll(n, "|", " or "))
		}
	}
}
