package declaration

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

func itSite() Site {
	out := false
	return Site{ID: "fr-dc", Name: "Paris DC", Country: "FR", Timezone: "Europe/Paris", Seats: 100,
		DataCentres: []DataCentre{{ID: "room-a", Name: "Server room A"}, {ID: "hall-b", Name: "Hall B", InSiteMeter: &out}},
		Colocation: []Colocation{
			{ID: "fra1", Provider: "Colo FRA1", Country: "DE", PUE: 1.4, PUESource: "provider's 2024 report", ElectricityBoughtBy: "provider"},
			{ID: "par2", Provider: "Colo PAR2", Country: "FR", ElectricityBoughtBy: "group"},
		}}
}
