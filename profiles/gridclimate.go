package profiles

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sync"
)

// The long-term climate of any place: NCEP-NCAR Reanalysis 1, monthly
// long-term mean near-surface air temperature (sigma 0.995), 1981–2010,
// on a global 2.5° grid — "NCEP-NCAR Reanalysis 1 data provided by the
// NOAA PSL, Boulder, Colorado, USA" (air.mon.ltm.nc; free to use with
// that acknowledgement). ncep_air_ltm.bin.gz is its embedded form, built
// by profiles/internal/ncepgen from the CSV export (sha256 6d9bb428…a7c3):
// 73 × 144 points × 12 months, int16 tenths of °C, latitude 90 → −90,
// longitude −177.5 → 180.

//go:embed ncep_air_ltm.bin.gz
var ncepGz []byte

const (
	gridLat, gridLon = 73, 144
	gridStep         = 2.5
)

var ncepGrid = sync.OnceValue(func() []int16 {
	zr, err := gzip.NewReader(bytes.NewReader(ncepGz))
	if err != nil {
		panic(fmt.Sprintf("profiles: ncep_air_ltm.bin.gz: %v", err))
	}
	raw, err := io.ReadAll(zr)
	if err != nil || len(raw) != gridLat*gridLon*12*2 {
		panic(fmt.Sprintf("profiles: ncep_air_ltm.bin.gz: %d bytes, %v", len(raw), err))
	}
	g := make([]int16, gridLat*gridLon*12)
	if err := binary.Read(bytes.NewReader(raw), binary.LittleEndian, g); err != nil {
		panic(err)
	}
	return g
})

// MonthlyMeans returns the long-term monthly mean temperatures (°C,
// January first) at a latitude and longitude: the bilinear interpolation
// of the four surrounding grid points (longitudes wrap at ±180°).
func MonthlyMeans(lat, lon float64) ([12]float64, error) {
	var out [12]float64
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return out, fmt.Errorf("coordinates %v, %v: want a latitude in [-90, 90] and a longitude in [-180, 180]", lat, lon)
	}
	g := ncepGrid()
	fi := (90 - lat) / gridStep // 0 … 72
	i0 := min(int(math.Floor(fi)), gridLat-2)
	di := fi - float64(i0)
	fj := (lon + 177.5) / gridStep // −1 … 143
	j0 := int(math.Floor(fj))
	dj := fj - float64(j0)
	wrap := func(j int) int { return (j%gridLon + gridLon) % gridLon }
	jA, jB := wrap(j0), wrap(j0+1)
	at := func(i, j, m int) float64 { return float64(g[(i*gridLon+j)*12+m]) / 10 }
	for m := 0; m < 12; m++ {
		top := at(i0, jA, m)*(1-dj) + at(i0, jB, m)*dj
		bottom := at(i0+1, jA, m)*(1-dj) + at(i0+1, jB, m)*dj
		out[m] = top*(1-di) + bottom*di
	}
	return out, nil
}

// daysIn are the days of each month of a 365-day year.
var daysIn = [12]float64{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// DegreeDays is heating and cooling degree days (base 18 °C) from monthly
// mean temperatures by the monthly-mean method, HDD = Σ days_m × max(0,
// 18 − T_m) and CDD = Σ days_m × max(0, T_m − 18): the method of the
// profiles' city table, which the profiles' centres were set from. It
// understates the degree days of months whose mean is near the base
// (their warm and cold days cancel out).
func DegreeDays(means [12]float64) (hdd, cdd float64) {
	for m, t := range means {
		hdd += daysIn[m] * math.Max(0, 18-t)
		cdd += daysIn[m] * math.Max(0, t-18)
	}
	return hdd, cdd
}
