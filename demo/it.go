package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"time"
)

// itExports are a site's IT exports: an own server room's PDU and
// facility meter (its energy inside the site's bills), or the group's
// colocation IT energy and cloud exports. Made up for the demo, from
// their own random stream so that the other exports do not move.
type itExports struct {
	s                Site
	rnd              *rand.Rand
	pdu, meter, colo *csvFile
	aws, gcp         *csvFile
}

// Demo figures (made up): the Lille room draws 8 kW of IT, its PUE falls
// with a cooling upgrade in mid-2023; the Paris colocation cage 15 kW;
// the cloud contact-centre platform (Amazon Connect) starts in 2022.
const (
	serverRoomKW = 8.0
	colocationKW = 15.0
)

var serverRoomPUE = map[int]float64{2019: 1.95, 2020: 1.93, 2021: 1.9, 2022: 1.86, 2023: 1.7, 2024: 1.52, 2025: 1.5}

func newITExports(s Site, opt Options) *itExports {
	e := &itExports{s: s, rnd: rand.New(rand.NewPCG(opt.Seed, 0x17))}
	switch s.IT {
	case "server-room":
		e.pdu, e.meter = &csvFile{delim: ","}, &csvFile{delim: ","}
		e.pdu.add("month", "kwh")
		e.meter.add("month", "kwh")
	case "hq-it":
		e.colo, e.aws, e.gcp = &csvFile{delim: ","}, &csvFile{delim: ","}, &csvFile{delim: ","}
		e.colo.add("month", "kwh")
		e.aws.add("last_refresh_timestamp", "location", "model_version", "payer_account_id", "product_code", "region_code",
			"total_lbm_emissions_unit", "total_lbm_emissions_value", "total_mbm_emissions_unit", "total_mbm_emissions_value",
			"usage_account_id", "usage_period_end", "usage_period_start")
		e.gcp.add("month", "item", "quantity", "unit", "region")
	}
	return e
}

// month writes the month's IT exports and returns the energy the site's
// own meter holds of them (the server room's facility energy).
func (e *itExports) month(start, end time.Time) float64 {
	hours := end.Sub(start).Hours()
	m := start.Format("2006-01")
	switch e.s.IT {
	case "server-room":
		it := serverRoomKW * hours * (0.97 + 0.06*e.rnd.Float64())
		pue := serverRoomPUE[start.Year()]
		if start.Year() == 2023 && start.Month() >= time.July {
			pue = 1.55 // the new cooling runs from July 2023
		}
		pue += 0.06 * math.Max(0, math.Cos(2*math.Pi*float64(start.Month()-7)/12)) // more cooling in summer
		facility := it * pue
		e.pdu.add(m, math.Round(it*10)/10)
		e.meter.add(m, math.Round(facility*10)/10)
		return math.Round(facility*10) / 10
	case "hq-it":
		e.colo.add(m, math.Round(colocationKW*hours*(0.97+0.06*e.rnd.Float64())*10)/10)
		if start.Year() >= 2022 {
			ts := func(t time.Time) string { return t.Format("2006-01-02 15:04:05Z") }
			growth := 1 + 0.25*float64(start.Year()-2022)
			for _, svc := range []struct {
				code, region, where string
				lbm, mbm            float64
			}{{"AmazonConnect", "eu-west-3", "EU (Paris)", 0.030, 0.012}, {"AmazonEC2", "eu-central-1", "EU (Frankfurt)", 0.21, 0.06}} {
				k := growth * (0.95 + 0.1*e.rnd.Float64())
				e.aws.add(ts(end.AddDate(0, 0, 19)), svc.where, "v3.0.0", "111122223333", svc.code, svc.region,
					"MTCO2e", fmt.Sprintf("%.4f", svc.lbm*k), "MTCO2e", fmt.Sprintf("%.4f", svc.mbm*k), "444455556666", ts(end), ts(start))
			}
			// Call recordings kept 18 months in an archive bucket.
			e.gcp.add(m, "storage_hdd", fmt.Sprintf("%.0f", 40000*growth), "GB-month", "europe-west1")
			e.gcp.add(m, "transfer", fmt.Sprintf("%.0f", 1500*growth), "GB", "europe-west1")
		}
	}
	return 0
}

func (e *itExports) write(dir string) error {
	for name, f := range map[string]*csvFile{"server-room-pdu.csv": e.pdu, "server-room-meter.csv": e.meter, "colocation-it-energy.csv": e.colo,
		"aws-carbon-emissions.csv": e.aws, "gcp-recordings-usage.csv": e.gcp} {
		if f == nil {
			continue
		}
		if err := f.write(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}
