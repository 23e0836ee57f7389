package footprint

import (
	"testing"

	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/stretchr/testify/require"
)

func d(s string) Date {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func act(kind Kind, item, start, end string, q float64, unit Unit, attrs map[string]string) Activity {
	return Activity{Kind: kind, Item: item, Start: d(start), End: d(end), Quantity: q, Unit: unit,
		Source: "test", Quality: QualityMeasured, Attrs: attrs}
}

// kg returns the library's factor for a lookup, failing the test if absent.
func kg(t *testing.T, kind, item, region string, year int) float64 {
	t.Helper()
	m, err := factors.Default().Lookup(kind, item, region, year)
	require.NoError(t, err)
	return m.KgPerUnit
}

func testSite() Site {
	supplier := 0.05
	return Site{ID: "za-test", Name: "Test", Country: "ZA", Timezone: "Africa/Johannesburg", Seats: 100, FTE: 100, HoursPerDay: 8,
		Electricity: ElectricityContract{GreenShare: 0.25, Instrument: "I-REC", SupplierKgPerKWh: &supplier, SupplierSource: "supplier disclosure 2024"},
		Commute: &CommuteSurvey{Modes: []CommuteMode{
			{Mode: "car_petrol", Share: 0.5, OneWayKm: 20},
			{Mode: "carpool", Share: 0.2, OneWayKm: 30, Occupancy: 3},
			{Mode: "bus", Share: 0.3, OneWayKm: 10}}},
		Workstations: []Workstation{{Class: "desktop", Count: 10, WattsOn: 60, WattsOff: 2}},
	}
}

func defaultLib(t *testing.T) *factors.Library {
	t.Helper()
	return factors.Default()
}

func itSite() Site {
	out := false
	return Site{ID: "fr-dc", Name: "Paris DC", Country: "FR", Timezone: "Europe/Paris", Seats: 100,
		DataCentres: []DataCentre{{ID: "room-a", Name: "Server room A"}, {ID: "hall-b", Name: "Hall B", InSiteMeter: &out}},
		Colocation: []Colocation{
			{ID: "fra1", Provider: "Colo FRA1", Country: "DE", PUE: 1.4, PUESource: "provider's 2024 report", ElectricityBoughtBy: "provider"},
			{ID: "par2", Provider: "Colo PAR2", Country: "FR", ElectricityBoughtBy: "group"},
		}}
}
