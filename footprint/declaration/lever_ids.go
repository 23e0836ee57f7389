package declaration

import "sort"

// Lever ids: the reduction levers the CTO steers with.
const (
	LeverPowerOff         = "power_off"
	LeverTelework         = "telework"
	LeverGreenElectricity = "green_electricity"
	LeverCarpooling       = "carpooling"
	LeverLessTravel       = "less_travel"
	LeverEquipment        = "equipment"
	// The cooling levers (planning's levers_cooling.go): the air-conditioning's
	// electricity, sized from the site's climate, and its refrigerant
	// leaks, sized from the refrigerant log.
	LeverCooling    = "cooling_efficiency"
	LeverLeakRepair = "leak_repair"
	// The IT levers (it.go), sized only for a site with data centres,
	// colocation or cloud.
	LeverPUE           = "pue"
	LeverConsolidation = "consolidation"
	LeverCloudRegion   = "cloud_region"
)

var leverNames = map[string]string{
	LeverPowerOff:         "PC power-off (schedules, compliance)",
	LeverTelework:         "Telework (one more day a week at home)",
	LeverGreenElectricity: "Green electricity (certificates / PPA)",
	LeverCarpooling:       "Carpooling / commute shift",
	LeverLessTravel:       "Less business travel (video meetings)",
	LeverEquipment:        "Efficient equipment renewal (desktops → laptops)",
	LeverCooling:          "Cooling efficiency (setpoints up to 24 °C)",
	LeverLeakRepair:       "Refrigerant leak detection and repair",
	LeverPUE:              "Data-centre efficiency (PUE down to the room's best month)",
	LeverConsolidation:    "Server consolidation (fewer, busier servers)",
	LeverCloudRegion:      "Cloud workloads to the provider's lowest-carbon region nearby",
}

// leverCaveats is what each lever's tonnes do not say.
var leverCaveats = map[string]string{
	LeverPowerOff:         "electricity in the power-off windows only; sized from the site's own logs and device watts, the compliance already reached is not counted again",
	LeverTelework:         "moves emissions from commuting to homes: with a short, clean commute in a heating climate it can raise the total",
	LeverGreenElectricity: "changes market-based Scope 2 only: the location-based figure and the grid do not move; needs certificates or a PPA matched to the consumption",
	LeverCarpooling:       "rests on the commute survey's car share and distances; cars counted at one occupant today",
	LeverLessTravel:       "business travel (Scope 3 category 6) only, sized on the year's bookings",
	LeverEquipment:        "the new devices' embodied emissions count in the year they are bought (Scope 3 category 2); the saving is in use over their life",
	LeverCooling:          "the share of electricity that is cooling comes from the site's own degree-day fit, else from a published share for tropical offices scaled by the site's cooling degree days; assumes setpoints near 21 °C today: a site already at 24–26 °C has less to gain, a chiller or inverter upgrade more (not counted)",
	LeverLeakRepair:       "the refrigerant log's top-ups stand for the leaks; the cut is the US EPA GreenChill partners' (supermarket refrigeration) against their industry; declare the equipment's charge (site.refrigerants) to compare the site's leak rate with a typical one",
	LeverPUE:              "the room's own best month shows what its cooling can do; the IT load itself is unchanged",
	LeverConsolidation:    "needs the declared server count and utilisation; the retired servers' embodied emissions are already spent",
	LeverCloudRegion:      "moves location-based emissions only; check latency, data residency and the provider's market-based figures first",
}

// LeverCaveat is what a lever's potential does not say, in words.
func LeverCaveat(id string) string { return leverCaveats[id] }

// LeverIDs returns the lever catalogue's ids, sorted.
func LeverIDs() []string {
	ids := make([]string, 0, len(leverNames))
	for id := range leverNames {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// LeverName returns a lever's display name.
func LeverName(id string) string { return leverNames[id] }
