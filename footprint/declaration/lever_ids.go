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
