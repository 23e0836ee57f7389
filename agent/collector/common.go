package collector

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// Common are the keys of a `sources:` block every collector reads: which
// column holds each field, and how the export writes figures and dates.
type Common struct {
	// Columns maps the fields the collector reads to the export's columns.
	Columns Columns `mapstructure:"columns"`
	Decimal string  `mapstructure:"decimal"` // "." (default) or ","
	// DateFormat and TimeFormat use YYYY MM DD HH mm ss, e.g. DD/MM/YYYY.
	DateFormat string `mapstructure:"date_format"`
	TimeFormat string `mapstructure:"time_format"`
	Quality    string `mapstructure:"quality"` // measured (default), estimated
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
	if _, err := goLayout(c.DateFormat); err != nil {
		add("date_format", c.DateFormat, "%v", err)
	}
	if _, err := goLayout(c.TimeFormat); err != nil {
		add("time_format", c.TimeFormat, "%v", err)
	}
}

// Columns names the export's column for each field a collector reads
// (header name, or a 1-based number without a header). Only these columns
// are read: names and employee ids never leave the site.
type Columns struct {
	Date       string `mapstructure:"date"`
	Start      string `mapstructure:"start"`
	End        string `mapstructure:"end"`
	Month      string `mapstructure:"month"`
	Kind       string `mapstructure:"kind"`
	Item       string `mapstructure:"item"`
	Quantity   string `mapstructure:"quantity"`
	Unit       string `mapstructure:"unit"`
	Device     string `mapstructure:"device"`
	Class      string `mapstructure:"class"`
	Time       string `mapstructure:"time"`
	Event      string `mapstructure:"event"`
	Remote     string `mapstructure:"remote"`
	Onsite     string `mapstructure:"onsite"`
	Mode       string `mapstructure:"mode"`
	From       string `mapstructure:"from"`
	To         string `mapstructure:"to"`
	DistanceKm string `mapstructure:"distance_km"`
	Cabin      string `mapstructure:"cabin"`
	State      string `mapstructure:"state"`
	Hours      string `mapstructure:"hours"`
	Nights     string `mapstructure:"nights"`
	Country    string `mapstructure:"country"`
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

// Default sets the column of field when the block maps none (a source
// type that gives its own fields: source.Giving).
func (c *Columns) Default(field, col string) {
	if c.Mapped()[field] == "" {
		setColumn(c, field, col)
	}
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
	cols := env.Common.Columns.Mapped()
	for _, n := range need {
		ok := false
		for _, alt := range strings.Split(n, "|") {
			if cols[alt] != "" {
				ok = true
			}
		}
		if !ok {
			add("columns."+strings.Split(n, "|")[0], "", "missing: the %s collector needs a column for %s", env.Collector, strings.ReplaceAll(n, "|", " or "))
		}
	}
}

// goLayout converts YYYY MM DD HH mm ss to a Go time layout.
func goLayout(f string) (string, error) {
	r := strings.NewReplacer("YYYY", "2006", "MM", "01", "DD", "02", "HH", "15", "mm", "04", "ss", "05")
	l := r.Replace(f)
	if !strings.Contains(l, "2006") || !strings.Contains(l, "01") || !strings.Contains(l, "02") {
		return "", fmt.Errorf("want a format with YYYY, MM and DD (and HH, mm, ss for times), e.g. DD/MM/YYYY")
	}
	return l, nil
}
