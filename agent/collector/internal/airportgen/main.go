// Command airportgen builds agent/collector/airports.csv, the embedded
// table of airports the travel collector turns IATA pairs into distances
// with, from OurAirports' airports.csv (public domain: "The Unlicense",
// github davidmegginson/ourairports-data, LICENSE at commit
// 1fb3eea05228ec98d700f4bcfa68e8fc364ca0e5):
//
//	go run ./agent/collector/internal/airportgen -in airports.csv
//
// It keeps what the collector needs — IATA code, name, country (ISO 3166
// alpha-2), latitude and longitude to 4 decimals (about 11 m) — of the
// airports that have an IATA code and scheduled service (an airline
// sells tickets to them), heliports and closed airports left out. When
// two such airports share a code, the larger type wins (large, medium,
// small airport, seaplane base); the tie is reported.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"sort"
	"strconv"
)

// rank orders the OurAirports types kept: a code shared by two airports
// goes to the larger.
var rank = map[string]int{"large_airport": 4, "medium_airport": 3, "small_airport": 2, "seaplane_base": 1}

var iata = regexp.MustCompile(`^[A-Z]{3}$`)

type airport struct {
	code, name, country, typ string
	lat, lon                 float64
}

func main() {
	in := flag.String("in", "airports.csv", "OurAirports' airports.csv")
	out := flag.String("out", "agent/collector/airports.csv", "the embedded table")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	aps, err := read(f)
	if err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	w, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := write(w, aps); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d airports", *out, len(aps))
}

// read returns the airports kept, sorted by code.
func read(r io.Reader) ([]airport, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"type", "name", "latitude_deg", "longitude_deg", "iso_country", "scheduled_service", "iata_code"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("no column %q: want OurAirports' airports.csv", need)
		}
	}
	by := map[string]airport{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		a := airport{code: rec[col["iata_code"]], name: rec[col["name"]], country: rec[col["iso_country"]], typ: rec[col["type"]]}
		if !iata.MatchString(a.code) || rec[col["scheduled_service"]] != "yes" || rank[a.typ] == 0 {
			continue
		}
		if a.lat, err = strconv.ParseFloat(rec[col["latitude_deg"]], 64); err != nil {
			return nil, fmt.Errorf("line %d: latitude_deg: %w", line, err)
		}
		if a.lon, err = strconv.ParseFloat(rec[col["longitude_deg"]], 64); err != nil {
			return nil, fmt.Errorf("line %d: longitude_deg: %w", line, err)
		}
		if prev, dup := by[a.code]; dup {
			log.Printf("line %d: %s is also %s (%s): the %s kept", line, a.code, prev.name, prev.typ, larger(prev, a).typ)
			a = larger(prev, a)
		}
		by[a.code] = a
	}
	out := make([]airport, 0, len(by))
	for _, a := range by {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	return out, nil
}

func larger(a, b airport) airport {
	if rank[b.typ] > rank[a.typ] {
		return b
	}
	return a
}

func write(w io.Writer, aps []airport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"iata", "name", "country", "lat", "lon"}); err != nil {
		return err
	}
	for _, a := range aps {
		if err := cw.Write([]string{a.code, a.name, a.country, strconv.FormatFloat(a.lat, 'f', 4, 64), strconv.FormatFloat(a.lon, 'f', 4, 64)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
