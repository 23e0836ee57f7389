package declaration

import (
	"fmt"
	"github.com/greenhelp/greenhelp/footprint"
	"math"
	"strings"
)

// The IT behind the calls: the group's own server rooms and data centres,
// its racks in colocation facilities, and the cloud platforms it rents.
//
//   - An own data centre or server room is declared under the site that
//     holds it (site.data_centres). Its PDU/UPS exports give the IT energy
//     and its facility meter the total (kind datacentre, items it_energy
//     and facility_energy, attr room): PUE = facility ÷ IT, per month.
//     The facility energy is counted once: a room inside the site's meter
//     (in_site_meter, the default) is already in the site's electricity
//     records, so its datacentre records are sub-metering, never counted
//     again; a room on its own supply, outside the site's electricity
//     records (in_site_meter: false), has its facility energy counted as
//     the site's grid electricity (Scope 2, the site's contract).
//   - A colocation contract (site.colocation) is the group's IT energy in
//     a provider's facility (kind colocation, item it_energy, attr
//     contract) × the provider's PUE (declared, else DefaultColocationPUE)
//     × the grid of the facility's country. Who buys the electricity
//     decides the scope (GHG Protocol Scope 2 Guidance (2015) ch. 5 and
//     Scope 3 Standard (2011) ch. 5): electricity the group buys —
//     its own supply contract for the cage — is Scope 2; electricity the
//     provider buys and sells on as part of the service is Scope 3
//     category 1 (purchased goods and services).
//   - The cloud (kind cloud) is Scope 3 category 1: the provider's own
//     emissions report where it exports one (item reported, kgCO2e, attrs
//     provider, method, service, region), else an estimate from usage —
//     compute (vCPU-hours), storage (TB-hours, SSD or HDD) and data
//     transfer (GB) — with Cloud Carbon Footprint's coefficients, the
//     provider's PUE and the grid of the region's country.

// DataCentre is an own server room or data centre of the site.
type DataCentre struct {
	ID   string `mapstructure:"id" yaml:"id" json:"id"`
	Name string `mapstructure:"name" yaml:"name" json:"name,omitempty"`
	// InSiteMeter (default true) says the room's facility energy is in
	// the site's electricity records already.
	InSiteMeter *bool `mapstructure:"in_site_meter" yaml:"in_site_meter" json:"in_site_meter,omitempty"`
	// Servers and Utilisation (mean CPU utilisation, 0–1), when declared,
	// size the consolidation lever.
	Servers     int     `mapstructure:"servers" yaml:"servers" json:"servers,omitempty"`
	Utilisation float64 `mapstructure:"utilisation" yaml:"utilisation" json:"utilisation,omitempty"`
}

// Inside reports whether the room is inside the site's meter.
func (d DataCentre) Inside() bool { return d.InSiteMeter == nil || *d.InSiteMeter }

// Colocation is a contract for the group's IT in a provider's facility.
type Colocation struct {
	ID       string `mapstructure:"id" yaml:"id" json:"id"`
	Provider string `mapstructure:"provider" yaml:"provider" json:"provider"`
	// Country is the facility's country (ISO 3166-1 alpha-2): its grid.
	Country string `mapstructure:"country" yaml:"country" json:"country"`
	// PUE is the facility's power usage effectiveness as the provider
	// declares it, with its source; zero: DefaultColocationPUE.
	PUE       float64 `mapstructure:"pue" yaml:"pue" json:"pue,omitempty"`
	PUESource string  `mapstructure:"pue_source" yaml:"pue_source" json:"pue_source,omitempty"`
	// ElectricityBoughtBy is "group" (Scope 2) or "provider" (Scope 3
	// category 1).
	ElectricityBoughtBy string `mapstructure:"electricity_bought_by" yaml:"electricity_bought_by" json:"electricity_bought_by"`
}

// DefaultColocationPUE is the industry's average annual PUE: Uptime
// Institute, Global Data Center Survey 2023 (1.58, the survey's
// weighted average of its respondents' largest data centres). A
// provider's declared figure replaces it.
const (
	DefaultColocationPUE       = 1.58
	DefaultColocationPUESource = "Uptime Institute Global Data Center Survey 2023: industry average annual PUE 1.58 (no figure declared by the provider)"
)

// validateIT checks the site's data-centre and colocation declarations.
func validateIT(s Site, p func(string) string, e *footprint.Problems) {
	seen := map[string]string{}
	// id checks an id is given, is an id and is unique across rooms and
	// contracts.
	id := func(where, v, missing string) {
		switch {
		case strings.TrimSpace(v) == "":
			e.Add(p(where+".id"), "", "missing: %s", missing)
		case !footprint.ValidSiteID(v):
			e.Add(p(where+".id"), footprint.Clip(v), "%s", footprint.IDRule)
		case seen[v] != "":
			e.Add(p(where+".id"), v, "already used by %s", seen[v])
		default:
			seen[v] = where
		}
	}
	for i, d := range s.DataCentres {
		dp := fmt.Sprintf("data_centres[%d].", i)
		id(strings.TrimSuffix(dp, "."), d.ID, "the room's id, as the datacentre records' room attribute names it")
		if d.Utilisation < 0 || d.Utilisation > 1 || math.IsNaN(d.Utilisation) {
			e.Add(p(dp+"utilisation"), ftoa(d.Utilisation), "the servers' mean CPU utilisation is a share between 0 and 1")
		}
		if d.Servers < 0 {
			e.Add(p(dp+"servers"), fmt.Sprint(d.Servers), "must be ≥ 0")
		}
	}
	for i, k := range s.Colocation {
		cp := fmt.Sprintf("colocation[%d].", i)
		id(strings.TrimSuffix(cp, "."), k.ID, "the contract's id, as the colocation records' contract attribute names it")
		if strings.TrimSpace(k.Provider) == "" {
			e.Add(p(cp+"provider"), "", "missing: the colocation provider and facility, e.g. Equinix PA3")
		}
		if !footprint.ValidCountry(k.Country) {
			e.Add(p(cp+"country"), k.Country, "want the facility's ISO 3166-1 alpha-2 country code (its grid), e.g. FR")
		}
		switch {
		case k.PUE != 0 && (k.PUE < 1 || k.PUE > 3 || math.IsNaN(k.PUE)):
			e.Add(p(cp+"pue"), ftoa(k.PUE), "a PUE is facility energy ÷ IT energy: between 1 and 3 (omit it for the industry default %.2f)", DefaultColocationPUE)
		case k.PUE != 0 && strings.TrimSpace(k.PUESource) == "":
			e.Add(p(cp+"pue_source"), "", "missing: a declared PUE needs its source (the provider's report, year)")
		}
		if k.ElectricityBoughtBy != "group" && k.ElectricityBoughtBy != "provider" {
			e.Add(p(cp+"electricity_bought_by"), k.ElectricityBoughtBy, `want "group" (the group's own supply contract: Scope 2) or "provider" (in the service fee: Scope 3 category 1)`)
		}
	}
}
