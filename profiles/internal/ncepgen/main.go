// Command ncepgen builds profiles/ncep_air_ltm.bin.gz, the embedded form
// of the NCEP-NCAR Reanalysis 1 long-term monthly mean air temperature
// (sig995, 1981–2010) on its global 2.5° grid, from the CSV of the
// workplace's reference folder (columns lat,lon,t01…t12, °C):
//
//	go run ./profiles/internal/ncepgen -in ../shared/reference/ncep_air_ltm_1981_2010.csv
//
// The form: gzip of 73 × 144 × 12 little-endian int16, tenths of °C, in
// the order latitude 90 → −90, longitude −177.5 → 180 (step 2.5°), month
// January → December. "NCEP-NCAR Reanalysis 1 data provided by the NOAA
// PSL, Boulder, Colorado, USA" (air.mon.ltm.nc).
package main

import (
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"strconv"
)

const (
	nLat, nLon = 73, 144
)

func main() {
	in := flag.String("in", "../shared/reference/ncep_air_ltm_1981_2010.csv", "the reference CSV")
	out := flag.String("out", "profiles/ncep_air_ltm.bin.gz", "the embedded file")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	grid := make([]int16, nLat*nLon*12)
	seen := make([]bool, nLat*nLon)
	for n, r := range rows[1:] {
		lat, err1 := strconv.ParseFloat(r[0], 64)
		lon, err2 := strconv.ParseFloat(r[1], 64)
		if err1 != nil || err2 != nil {
			log.Fatalf("line %d: bad coordinates %q, %q", n+2, r[0], r[1])
		}
		i, j := int(math.Round((90-lat)/2.5)), int(math.Round((lon+177.5)/2.5))
		if i < 0 || i >= nLat || j < 0 || j >= nLon || math.Abs(90-2.5*float64(i)-lat) > 1e-6 || math.Abs(-177.5+2.5*float64(j)-lon) > 1e-6 {
			log.Fatalf("line %d: %v, %v is not a point of the 2.5° grid", n+2, lat, lon)
		}
		seen[i*nLon+j] = true
		for m := 0; m < 12; m++ {
			t, err := strconv.ParseFloat(r[2+m], 64)
			if err != nil || t < -90 || t > 60 {
				log.Fatalf("line %d: month %d: %q", n+2, m+1, r[2+m])
			}
			grid[(i*nLon+j)*12+m] = int16(math.Round(t * 10))
		}
	}
	for k, ok := range seen {
		if !ok {
			log.Fatalf("grid point %d (lat %v, lon %v) missing", k, 90-2.5*float64(k/nLon), -177.5+2.5*float64(k%nLon))
		}
	}
	o, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(o, gzip.BestCompression)
	if err := binary.Write(zw, binary.LittleEndian, grid); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := o.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d points × 12 months\n", *out, nLat*nLon)
}
