package demo

import (
	"fmt"
	"os"
	"path/filepath"
)

// Declaration returns the site.yaml declaration block; green selects the
// version with the guarantee-of-origin contract.
func (s Site) Declaration(green bool) string {
	eff := "2019-01-01"
	contract := "    green_share: 0\n"
	if green {
		eff = s.GreenFrom.Format("2006-01-02")
		contract = "    green_share: 1\n    instrument: GO\n"
	}
	return fmt.Sprintf(`site:
  id: %s
  name: %s
  country: %s
  city: %s
  latitude: %g
  longitude: %g
  timezone: %s
  effective_from: %s
  seats: %d
  fte: %d
  hours_per_day: 8
  insulation_class: %s
  electricity:
%s  commute:
    date: 2019-03-01
    respondents: %d
    modes:
%s  workstations:
    - {class: desktop, count: %d, watts_on: %g, watts_off: %g}
    - {class: monitor, count: %d, watts_on: %g, watts_off: %g}
  power_off:
    windows:
      - {days: [mon, tue, wed, thu, fri, sat, sun], from: "23:00", to: "06:00"}
`, s.ID, s.Name, s.Country, s.City, s.Lat, s.Lon, s.Timezone, eff, s.Seats, int(float64(s.Seats)*1.15), s.Insulation,
		contract, s.Seats/4, s.Commute, s.Seats, desktopOn, desktopOff, s.Seats, monitorOn, monitorOff) + s.itDeclaration()
}

func (s Site) agentBlock() string {
	dec := `"."`
	bills := `    columns: {start: period_start, end: period_end, quantity: kwh}`
	extra := ""
	if s.Delimiter == ";" {
		dec = `","`
		bills = `    columns: {start: "Début période", end: "Fin période", quantity: "Consommation kWh"}`
		extra = "    date_format: DD/MM/YYYY\n"
	}
	return fmt.Sprintf(`
central:
  url: http://127.0.0.1:8080   # overridden by GREENHELP_AGENT_CENTRAL_URL
  token_file: token
outbox:
  dir: outbox
upload:
  backoff_initial: 200ms
  backoff_max: 5s
sources:
  - id: electricity-bills
    type: csv
    collector: energy
    path: exports/electricity-bills.csv
    delimiter: %q
    decimal: %s
%s    kind: electricity
    item: grid
    unit: kWh
%s
  - id: fuel-log
    type: csv
    collector: energy
    path: exports/fuel.csv
    kind: fuel
    columns: {month: month, item: fuel, quantity: quantity, unit: unit}
  - id: hvac-maintenance
    type: csv
    collector: energy
    path: exports/refrigerant.csv
    kind: refrigerant
    unit: kg
    columns: {date: date, item: gas, quantity: kg}
  - id: pc-power-report
    type: csv
    collector: workstation
    path: exports/pc-power-report.csv
    columns: {date: date, class: device_class, state: state, hours: device_hours}
  - id: wfm-presence
    type: csv
    collector: telework
    path: exports/wfm-presence.csv
    columns: {date: date, remote: remote, onsite: onsite}
  - id: travel-agency
    type: csv
    collector: travel
    path: exports/travel-bookings.csv
    columns: {date: travel_date, mode: mode, from: origin, to: destination, distance_km: distance_km, cabin: cabin, nights: nights, country: country}
`, s.Delimiter, dec, extra, bills) + s.weatherBlock() + s.itBlock()
}

func (s Site) weatherBlock() string {
	if s.Climate != "heating" {
		return ""
	}
	return `  - id: bms-outdoor-temperature
    type: csv
    collector: weather
    path: exports/outdoor-temperature.csv
    columns: {date: date, temperature: outdoor_temp_c}
`
}

func (s Site) itBlock() string {
	switch s.IT {
	case "server-room":
		return `  - id: server-room-pdu
    type: csv
    collector: energy
    path: exports/server-room-pdu.csv
    kind: datacentre
    item: it_energy
    attrs: {room: lil-sr1}
    columns: {month: month, quantity: kwh}
  - id: server-room-meter
    type: csv
    collector: energy
    path: exports/server-room-meter.csv
    kind: datacentre
    item: facility_energy
    attrs: {room: lil-sr1}
    columns: {month: month, quantity: kwh}
`
	case "hq-it":
		return `  - id: colocation-portal
    type: csv
    collector: energy
    path: exports/colocation-it-energy.csv
    kind: colocation
    item: it_energy
    attrs: {contract: colo-paris}
    columns: {month: month, quantity: kwh}
  - id: aws-carbon
    type: csv
    collector: cloud
    report: aws
    path: exports/aws-carbon-emissions.csv
  - id: recordings-archive
    type: csv
    collector: cloud
    report: usage
    provider: gcp
    path: exports/gcp-recordings-usage.csv
`
	}
	return ""
}

// itDeclaration is the site.yaml block of the site's IT.
func (s Site) itDeclaration() string {
	switch s.IT {
	case "server-room":
		return "  data_centres:\n    - {id: lil-sr1, name: Lille server room (telephony and call recording), servers: 24, utilisation: 0.18}\n"
	case "hq-it":
		return "  colocation:\n    - {id: colo-paris, provider: \"colocation provider, Paris region (demo)\", country: FR, electricity_bought_by: provider}\n"
	}
	return ""
}

func (s Site) writeConfig(dir string, opt Options) error {
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(s.Declaration(false)+s.agentBlock()), 0o644); err != nil {
		return err
	}
	if !s.GreenFrom.IsZero() {
		return os.WriteFile(filepath.Join(dir, "site.green.yaml"), []byte(s.Declaration(true)+s.agentBlock()), 0o644)
	}
	return nil
}
