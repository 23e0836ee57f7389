package profiles

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/weather"
)

// City is a row of the embedded climate table.
type City struct {
	City, Country string
	HDD, CDD      float64
	Source        string
}

var climateTable = sync.OnceValue(func() []City {
	r := csv.NewReader(bytes.NewReader(embeddedClimate))
	rows, err := r.ReadAll()
	if err != nil {
		panic(fmt.Sprintf("profiles: climate.csv: %v", err))
	}
	var out []City
	for i, rec := range rows[1:] {
		hdd, err1 := strconv.ParseFloat(rec[2], 64)
		cdd, err2 := strconv.ParseFloat(rec[3], 64)
		if err1 != nil || err2 != nil {
			panic(fmt.Sprintf("profiles: climate.csv:%d: bad degree days", i+2))
		}
		out = append(out, City{City: rec[0], Country: rec[1], HDD: hdd, CDD: cdd, Source: rec[4]})
	}
	return out
})

// countryCity names the city whose climate stands in for a country.
var countryCity = map[string]string{"FR": "Paris", "GB": "London", "PT": "Lisbon", "MA": "Casablanca", "SN": "Dakar",
	"MG": "Antananarivo", "ZA": "Johannesburg", "PH": "Manila", "DE": "Berlin", "TR": "Istanbul"}

func fold(s string) string {
	r := strings.NewReplacer("á", "a", "ã", "a", "é", "e", "ç", "c", "í", "i", "ó", "o", "ş", "s", "ü", "u")
	return r.Replace(strings.ToLower(strings.TrimSpace(s)))
}

// Climate returns the degree days for a site — declared in site.yaml, else
// the embedded city table, else the climate grid at the site's
// coordinates, else (no coordinates) the country's reference city in the
// table, else the grid at the country's capital or most populous place
// (capitals.csv) — and says which. ok is
// false when none is known.
func Climate(site declaration.Site) (hdd, cdd float64, source string, ok bool) {
	return ClimateWith(site, nil)
}

// ClimateWith is Climate with the site's measured climate (nil: none),
// which comes after a declared one and before the city table and the
// grid: declared → measured → city table → grid → country reference city.
func ClimateWith(site declaration.Site, measured *weather.MeasuredClimate) (hdd, cdd float64, source string, ok bool) {
	if c := site.Climate; c != nil {
		return c.HDD, c.CDD, "declared in site.yaml", true
	}
	if measured != nil && len(measured.Years) > 0 {
		return measured.HDD, measured.CDD, measured.Describe(), true
	}
	for _, c := range climateTable() {
		if c.Country == site.Country && fold(c.City) == fold(site.City) {
			return c.HDD, c.CDD, "city table: " + c.City + " — " + c.Source, true
		}
	}
	if site.Latitude != 0 || site.Longitude != 0 {
		if means, err := MonthlyMeans(site.Latitude, site.Longitude); err == nil {
			hdd, cdd := DegreeDays(means)
			return math.Round(hdd), math.Round(cdd), fmt.Sprintf("climate grid at %.2f, %.2f: NCEP-NCAR Reanalysis 1 monthly means 1981–2010 (NOAA PSL), 2.5° grid interpolated, monthly-mean method (coarse: a declared value beats it)", site.Latitude, site.Longitude), true
		}
	}
	if city, found := countryCity[site.Country]; found {
		for _, c := range climateTable() {
			if c.City == city {
				return c.HDD, c.CDD, fmt.Sprintf("country default (%s stands in for %s: the site gives no coordinates) — %s", c.City, site.Country, c.Source), true
			}
		}
	}
	if c, found := CapitalOf(site.Country); found {
		if means, err := MonthlyMeans(c.Lat, c.Lon); err == nil {
			hdd, cdd := DegreeDays(means)
			return math.Round(hdd), math.Round(cdd), fmt.Sprintf("country default: the site gives no coordinates, so %s, %s's %s (%.2f, %.2f; %s), stands in — climate grid there: NCEP-NCAR Reanalysis 1 monthly means 1981–2010 (NOAA PSL), monthly-mean method; declare site.latitude/longitude or site.climate",
				c.City, site.Country, c.Basis, c.Lat, c.Lon, c.Source), true
		}
	}
	return math.NaN(), math.NaN(), "unknown: no declared climate, no coordinates (site.latitude/longitude), city or country reference; declare site.climate.hdd/cdd or the coordinates", false
}

// carModes are the commute modes counted as car use.
var carModes = map[string]bool{"car_petrol": true, "car_diesel": true, "car_hybrid": true, "car_electric": true, "carpool": true, "taxi": true}

// SiteFeatures computes a site's features for year and where each came
// from. Unknown features are NaN (left out of distances).
func SiteFeatures(site declaration.Site, lib *factors.Library, year int) (Features, map[string]string) {
	return SiteFeaturesWith(site, lib, year, nil)
}

// Normal is a site's long-term climate, which a measured year is
// normalised to: declared → city table → grid → country reference city
// (never its own measurements: a mild year would be normalised to mild
// years).
func Normal(site declaration.Site) weather.NormalClimate {
	hdd, cdd, how, ok := Climate(site)
	if !ok {
		return weather.NormalClimate{HDD: math.NaN(), CDD: math.NaN(), Source: how}
	}
	return weather.NormalClimate{HDD: hdd, CDD: cdd, Source: how}
}

// SiteFeaturesWith is SiteFeatures with the site's measured climate (nil:
// none).
func SiteFeaturesWith(site declaration.Site, lib *factors.Library, year int, measured *weather.MeasuredClimate) (Features, map[string]string) {
	src := map[string]string{}
	f := Features{GridGPerKWh: math.NaN(), HDD: math.NaN(), CDD: math.NaN(), CarShare: math.NaN(), Insulation: site.InsulationClass}
	if m, err := lib.Lookup("electricity", "grid", site.Country, year); err == nil {
		f.InventoryGridGPerKWh = m.KgPerUnit * 1000
	}
	// One basis for every country: Ember's lifecycle intensity, kept as
	// grid.ember where the inventory's grid factor is a national one
	// (ZA, IN, US, GB), else the grid row, which is Ember's.
	item := "grid"
	if lib.Has("electricity", "grid.ember") {
		if m, err := lib.Lookup("electricity", "grid.ember", site.Country, year); err == nil && m.Region == site.Country {
			item = "grid.ember"
		}
	}
	if m, err := lib.Lookup("electricity", item, site.Country, year); err == nil {
		f.GridGPerKWh = m.KgPerUnit * 1000
		src["grid_g_per_kwh"] = m.ID()
		if m.Fallback != "" {
			src["grid_g_per_kwh"] += " (" + m.Fallback + ")"
		}
	} else {
		src["grid_g_per_kwh"] = "unknown: " + err.Error()
	}
	hdd, cdd, how, _ := ClimateWith(site, measured)
	f.HDD, f.CDD = hdd, cdd
	src["hdd"], src["cdd"] = how, how
	if c := site.Commute; c != nil && len(c.Modes) > 0 {
		share := 0.0
		for _, m := range c.Modes {
			if carModes[m.Mode] {
				share += m.Share
			}
		}
		f.CarShare = share
		src["car_share"] = "commute survey"
		if !c.Date.IsZero() {
			src["car_share"] += " of " + c.Date.String()
		}
	} else {
		src["car_share"] = "unknown: no commute survey (left out of the distance)"
	}
	if f.Insulation != "" {
		src["insulation"] = "declared in site.yaml"
	} else {
		src["insulation"] = "unknown: not declared (left out of the distance)"
	}
	return f, src
}

func insulationRank(c string) (float64, bool) {
	if len(c) != 1 || c[0] < 'A' || c[0] > 'G' {
		return 0, false
	}
	return float64(c[0] - 'A'), true
}

// MarshalJSON writes unknown (NaN) features as null.
func (f Features) MarshalJSON() ([]byte, error) {
	num := func(v float64) any {
		if math.IsNaN(v) {
			return nil
		}
		return v
	}
	return json.Marshal(map[string]any{"grid_g_per_kwh": num(f.GridGPerKWh), "hdd": num(f.HDD), "cdd": num(f.CDD),
		"car_share": num(f.CarShare), "insulation": f.Insulation})
}
