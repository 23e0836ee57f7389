package timefmt

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// culture is a .NET culture's default short date and long time patterns,
// in this package's tokens. PowerShell's Export-Csv writes a [datetime]
// with ToString() in the current culture, that is its general date/time
// pattern "G": the short date, a space, the long time.
type culture struct{ date, time string }

var cultures = map[string]culture{
	// en-US: ShortDatePattern M/d/yyyy, LongTimePattern h:mm:ss tt
	// (Microsoft Learn, DateTimeFormatInfo.ShortDatePattern and
	// .LongTimePattern, the examples' output for en-US; "G" gives
	// 6/15/2009 1:45:30 PM, "Standard date and time format strings").
	"en-US": {"M/D/YYYY", "h:mm:ss tt"},
	// en-GB: dd/MM/yyyy and HH:mm:ss (Unicode CLDR en_GB, the locale data
	// .NET reads through ICU: DateTimePatterns "dd/MM/y", "HH:mm:ss").
	"en-GB": {"DD/MM/YYYY", "HH:mm:ss"},
	// fr-FR: dd/MM/yyyy and HH:mm:ss (Microsoft Learn,
	// DateTimeFormatInfo.ShortDatePattern and .LongTimePattern, fr-FR).
	"fr-FR": {"DD/MM/YYYY", "HH:mm:ss"},
	// de-DE: dd.MM.yyyy (Microsoft Learn, "Standard DateTime Format
	// Strings Output Examples": "d", de-DE, 10.04.2001) and HH:mm:ss
	// (Unicode CLDR de: "HH:mm:ss").
	"de-DE": {"DD.MM.YYYY", "HH:mm:ss"},
	// The invariant culture (PowerShell's own casts and string
	// interpolation): MM/dd/yyyy HH:mm:ss ("G" with
	// DateTimeFormatInfo.InvariantInfo gives 01/03/2018 03:45:20).
	"invariant": {"MM/DD/YYYY", "HH:mm:ss"},
}

// Cultures is the culture names Culture knows, sorted.
func Cultures() []string { return slices.Sorted(maps.Keys(cultures)) }

// Culture returns the layout of a culture's general date/time ("G"),
// the timestamps PowerShell's Export-Csv writes in that culture: en-US
// is M/D/YYYY h:mm:ss tt. The name is matched without regard to case.
func Culture(name string) (Layout, error) {
	c, err := lookup(name)
	if err != nil {
		return Layout{}, err
	}
	return Parse(c.date + " " + c.time)
}

// CultureDate returns the layout of a culture's short date ("d"): en-US
// is M/D/YYYY.
func CultureDate(name string) (Layout, error) {
	c, err := lookup(name)
	if err != nil {
		return Layout{}, err
	}
	return Parse(c.date)
}

func lookup(name string) (culture, error) {
	for k, c := range cultures {
		if strings.EqualFold(k, strings.ReplaceAll(strings.TrimSpace(name), "_", "-")) {
			return c, nil
		}
	}
	return culture{}, fmt.Errorf("culture %q: want one of %s", name, strings.Join(Cultures(), ", "))
}

// IsCulture says name is a culture Culture knows.
func IsCulture(name string) bool {
	_, err := lookup(name)
	return err == nil
}
