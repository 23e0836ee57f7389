package planning

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// regionArea groups the region table's countries by part of the world:
// a workload moves within its area (latency, data residency).
var regionArea = map[string]string{
	"US": "North America", "CA": "North America",
	"IE": "Europe", "GB": "Europe", "FR": "Europe", "DE": "Europe", "SE": "Europe", "IT": "Europe", "ES": "Europe",
	"BE": "Europe", "NL": "Europe", "FI": "Europe",
	"IN": "Asia-Pacific", "SG": "Asia-Pacific", "AU": "Asia-Pacific", "JP": "Asia-Pacific", "KR": "Asia-Pacific",
	"HK": "Asia-Pacific", "TW": "Asia-Pacific", "ID": "Asia-Pacific",
	"BR": "South America", "ZA": "Africa", "BH": "Middle East", "IL": "Middle East",
}

// itLevers sizes the IT levers of a site with data centres, colocation
// or cloud, from its own year.
func itLevers(site declaration.Site, inv *ghg.Inventory, lib *factors.Library, add func(id string, t float64, format string, args ...any)) {
	if inv.IT.Empty() || lib == nil {
		return
	}
	grid := func(cc string) (float64, bool) {
		m, err := lib.Lookup("electricity", "grid", cc, inv.Year)
		if err != nil || !strings.EqualFold(m.Region, cc) {
			return 0, false
		}
		return m.KgPerUnit, true
	}
	siteKg, _ := grid(site.Country)
	if len(inv.IT.DataCentres) > 0 {
		var t float64
		var parts []string
		for _, d := range inv.IT.DataCentres {
			best := math.Inf(1)
			for _, m := range d.Months {
				if m.PUE != nil && *m.PUE < best {
					best = *m.PUE
				}
			}
			if d.PUE == nil || math.IsInf(best, 1) {
				continue
			}
			kwh := d.FacilityKWh - d.ITKWh*best
			t += kwh * siteKg / 1000
			parts = append(parts, fmt.Sprintf("%s: PUE %.2f → %.2f (its best month) on %.0f kWh of IT = %.0f kWh", d.ID, *d.PUE, best, d.ITKWh, kwh))
		}
		if len(parts) > 0 {
			add(declaration.LeverPUE, t, "%s × %.3f kgCO2e/kWh (grid, location-based)", strings.Join(parts, "; "), siteKg)
		} else {
			add(declaration.LeverPUE, 0, "no month with both IT and facility energy: send the PDU/UPS and facility meter exports to size this lever")
		}
		var ct float64
		var cparts []string
		for _, d := range inv.IT.DataCentres {
			for _, decl := range site.DataCentres {
				if decl.ID != d.ID || decl.Servers == 0 || decl.Utilisation <= 0 || decl.Utilisation >= ghg.CloudCPUUtilisation || d.PUE == nil {
					continue
				}
				keep := decl.Utilisation / ghg.CloudCPUUtilisation
				kwh := d.ITKWh * (1 - keep) * *d.PUE
				ct += kwh * siteKg / 1000
				cparts = append(cparts, fmt.Sprintf("%s: %d servers at %.0f %% CPU → %.0f at %.0f %% (Cloud Carbon Footprint's reference utilisation) saves %.0f kWh of IT × PUE %.2f",
					d.ID, decl.Servers, decl.Utilisation*100, math.Ceil(float64(decl.Servers)*keep), ghg.CloudCPUUtilisation*100, d.ITKWh*(1-keep), *d.PUE))
			}
		}
		if len(cparts) > 0 {
			add(declaration.LeverConsolidation, ct, "%s × %.3f kgCO2e/kWh; energy taken as proportional to the number of servers", strings.Join(cparts, "; "), siteKg)
		} else {
			add(declaration.LeverConsolidation, 0, "declare the rooms' servers and mean CPU utilisation (site.data_centres) to size this lever")
		}
	}
	var rt float64
	var rparts []string
	for _, c := range inv.IT.Cloud {
		regions := make([]string, 0, len(c.Regions))
		for region := range c.Regions {
			regions = append(regions, region)
		}
		sort.Strings(regions) // the potential's sum the same on every run
		for _, region := range regions {
			kwh := c.Regions[region]
			cc, ok := ghg.CloudRegionCountry(c.Provider, region)
			if !ok {
				continue
			}
			cur, ok := grid(cc)
			if !ok {
				continue
			}
			bestR, bestKg := region, cur
			for r, rcc := range ghg.CloudRegions(c.Provider) {
				if regionArea[rcc] != regionArea[cc] {
					continue
				}
				if kg, ok := grid(rcc); ok && (kg < bestKg || (kg == bestKg && r < bestR)) {
					bestR, bestKg = r, kg
				}
			}
			if bestR != region {
				rt += kwh * (cur - bestKg) / 1000
				rparts = append(rparts, fmt.Sprintf("%s %s (%s, %.3f kg/kWh) → %s (%s, %.3f) for %.0f kWh", ghg.CloudProviderName(c.Provider), region, cc, cur, bestR, ghg.CloudRegions(c.Provider)[bestR], bestKg, kwh))
			}
		}
	}
	if len(rparts) > 0 {
		sort.Strings(rparts)
		add(declaration.LeverCloudRegion, rt, "%s; usage estimates only (a provider's own report does not say its energy per region)", strings.Join(rparts, "; "))
	}
}
