package footprint

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The range of dates a record may cover: the years the API and the
// exports serve (1990, the Kyoto base year, to 2100).
var (
	earliestDate = NewDate(1990, 1, 1)
	latestDate   = NewDate(2101, 1, 1) // exclusive, like an end
)

// maxKeyField is the longest source or attribute string a record may carry
// (bytes): a key part names a meter or an export, never a document.
const maxKeyField = 128

// maxPerDay is the plausibility ceiling of each canonical unit, per day of
// a record's period. They are not emission figures but guards against
// absurd input (a unit or exponent typed wrong): each is at least a
// hundred times what the largest contact-centre site could report, so no
// real figure meets them, while a record past one is refused with the
// ceiling named. A 3,000-seat site draws about 1 MW (≈ 24 MWh a day);
// 10 GWh a day is a 400 MW power station running flat out.
var maxPerDay = map[Unit]float64{
	UnitKWh:       1e7, // 10 GWh a day
	UnitLitre:     1e6, // a million litres of fuel a day
	UnitKg:        1e4, // 10 t of refrigerant leaked a day (a large chiller holds ~0.5 t)
	UnitDeviceH:   2.4e7,
	UnitPersonDay: 1e6,   // a million people a day
	UnitPKm:       1e8,   // a hundred million passenger-km a day
	UnitRoomNight: 1e6,   // a million hotel nights a day
	UnitDevice:    1e5,   // a hundred thousand devices bought in a day
	UnitKgCO2e:    1e7,   // 10,000 t reported by one provider for a day
	UnitVCPUHour:  2.4e7, // a million vCPUs running all day
	UnitTBHour:    2.4e7, // a million TB stored all day
	UnitGB:        1e9,   // a petabyte transferred a day
}

// Clip shortens a value quoted in an error message or a log line: at most
// 64 bytes (on a rune boundary) and its length.
func Clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// keyFieldProblem says what is wrong with a key part (source, attribute
// key or value), or "" when it is usable: bounded, valid UTF-8 and free
// of control characters (which would break logs, CSVs and tags).
func keyFieldProblem(s string) string {
	switch {
	case len(s) > maxKeyField:
		return "longer than " + strconv.Itoa(maxKeyField) + " bytes: name the meter or export in a few words"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "contains a control character (tab, newline, NUL …): use printable characters only"
	}
	return ""
}

// The plausible range of a daily mean outdoor temperature (°C): the WMO's
// recorded extremes of any single reading are −89.2 °C (Vostok, 1983)
// and 56.7 °C (Death Valley, 1913) — WMO World Weather and Climate
// Extremes Archive — so a daily mean outside [−90, 60] is a unit or a
// typing error (a Fahrenheit or Kelvin figure, say).
const (
	MinOutdoorTemp = -90.0
	MaxOutdoorTemp = 60.0
)
