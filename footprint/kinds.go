// Package footprint is greenhelp's domain: the site declaration, activity
// records and their keys, and the GHG inventory computed from them with the
// emission-factor library (GHG Protocol scopes 1, 2 location- and
// market-based, and scope 3 categories 2, 6 and 7), plus PC power-off results.
package footprint

import (
	"sort"
	"strings"
)

// Kind is the kind of an activity record (docs/ARCHITECTURE.md, "The wire contract": kinds, items, units).
type Kind string

// The activity kinds the wire carries.
const (
	KindElectricity Kind = "electricity"
	KindFuel        Kind = "fuel"
	KindRefrigerant Kind = "refrigerant"
	KindWorkstation Kind = "workstation"
	KindTelework    Kind = "telework"
	KindTravel      Kind = "travel"
	// KindPurchase is IT equipment bought (GHG Protocol Scope 3 category 2,
	// capital goods, counted in the year of purchase).
	KindPurchase Kind = "purchase"
	// KindWeather is the site's daily mean outdoor temperature: no
	// emissions, the actual degree days of weather normalisation.
	KindWeather Kind = "weather"
	// KindDataCentre is an own data centre's IT and facility energy
	// (sub-metering for PUE: it.go); KindColocation the group's IT energy
	// in a provider's facility; KindCloud a cloud provider's reported
	// emissions or the usage they are estimated from.
	KindDataCentre Kind = "datacentre"
	KindColocation Kind = "colocation"
	KindCloud      Kind = "cloud"
)

// Unit is a canonical unit of activity.
type Unit string

// Canonical units.
const (
	UnitKWh       Unit = "kWh"
	UnitLitre     Unit = "L"
	UnitKg        Unit = "kg"
	UnitDeviceH   Unit = "device_h"
	UnitPersonDay Unit = "person_day"
	UnitPKm       Unit = "pkm"
	UnitRoomNight Unit = "room_night"
	UnitDevice    Unit = "device"
	UnitCelsius   Unit = "°C"
	UnitKgCO2e    Unit = "kgCO2e"
	UnitVCPUHour  Unit = "vCPU_h"
	UnitTBHour    Unit = "TB_h"
	UnitGB        Unit = "GB"
)

// Quality says how a figure was obtained.
type Quality string

// Data-quality levels, best first.
const (
	QualityMeasured  Quality = "measured"
	QualityEstimated Quality = "estimated"
	QualityDefault   Quality = "default"
)

// Valid reports whether q is one of the three levels.
func (q Quality) Valid() bool {
	return q == QualityMeasured || q == QualityEstimated || q == QualityDefault
}

// itemSpec lists the items a kind accepts, each with its unit.
var itemSpec = map[Kind]map[string]Unit{
	KindElectricity: {"grid": UnitKWh, "onsite_solar": UnitKWh},
	KindFuel: {"natural_gas": UnitKWh, "diesel": UnitLitre, "gas_oil": UnitLitre,
		"petrol": UnitLitre, "lpg": UnitLitre, "heating_oil": UnitLitre},
	KindRefrigerant: {"R410A": UnitKg, "R32": UnitKg, "R134a": UnitKg, "R407C": UnitKg,
		"R22": UnitKg, "R404A": UnitKg, "R290": UnitKg},
	KindWorkstation: {"desktop": UnitDeviceH, "laptop": UnitDeviceH, "thin_client": UnitDeviceH, "monitor": UnitDeviceH},
	KindTelework:    {"remote": UnitPersonDay, "onsite": UnitPersonDay},
	KindTravel: {"flight_domestic": UnitPKm, "flight_short_haul": UnitPKm, "flight_long_haul": UnitPKm,
		"rail": UnitPKm, "car_petrol": UnitPKm, "car_diesel": UnitPKm, "car_hybrid": UnitPKm,
		"car_electric": UnitPKm, "taxi": UnitPKm, "bus": UnitPKm, "coach": UnitPKm, "hotel": UnitRoomNight},
	KindWeather:    {"outdoor_temp": UnitCelsius},
	KindDataCentre: {"it_energy": UnitKWh, "facility_energy": UnitKWh},
	KindColocation: {"it_energy": UnitKWh},
	KindCloud: {"reported": UnitKgCO2e, "compute": UnitVCPUHour, "storage_ssd": UnitTBHour, "storage_hdd": UnitTBHour,
		"transfer": UnitGB},
	KindPurchase: {"desktop": UnitDevice, "laptop": UnitDevice, "thin_client": UnitDevice, "monitor": UnitDevice, "server": UnitDevice},
}

// Kinds returns every activity kind, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(itemSpec))
	for k := range itemSpec {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Items returns the items kind accepts, sorted.
func Items(kind Kind) []string {
	out := make([]string, 0, len(itemSpec[kind]))
	for it := range itemSpec[kind] {
		out = append(out, it)
	}
	sort.Strings(out)
	return out
}

// UnitOf returns the canonical unit of (kind, item) and whether the pair exists.
func UnitOf(kind Kind, item string) (Unit, bool) {
	u, ok := itemSpec[kind][item]
	return u, ok
}

// flight classes by haul (DESNZ publishes classes for short and long haul).
var flightClasses = map[string][]string{
	"flight_short_haul": {"economy", "business"},
	"flight_long_haul":  {"economy", "premium_economy", "business", "first"},
}

// attrSpec lists the attributes each kind accepts and their allowed values
// (nil: any non-empty value).
var attrSpec = map[Kind]map[string][]string{
	KindWorkstation: {"state": {"on", "off", "sleep", "missed"}, "location": {"site", "home"}},
	// A travel record's dated=booking says its date is the booking's, the
	// export having no travel date.
	KindTravel:     {"class": {"economy", "premium_economy", "business", "first"}, "country": nil, "dated": {"booking"}},
	KindDataCentre: {"room": nil},
	KindColocation: {"contract": nil},
	KindCloud:      {"provider": {"aws", "gcp", "azure", "other"}, "method": {"location", "market"}, "region": nil, "service": nil},
}

// requiredAttrs are the attributes a kind's records must carry.
var requiredAttrs = map[Kind][]string{
	KindDataCentre: {"room"},
	KindColocation: {"contract"},
	KindCloud:      {"provider"},
}

// QuoteList writes xs quoted, comma-separated.
func QuoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = `"` + x + `"`
	}
	return strings.Join(q, ", ")
}
