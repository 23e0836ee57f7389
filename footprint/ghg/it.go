package ghg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// The providers whose usage greenhelp estimates, with Cloud Carbon
// Footprint's (Thoughtworks, Apache-2.0) coefficients: the mean watts per
// vCPU at the minimum and maximum load of the provider's processors, and
// its PUE — github cloud-carbon-footprint/cloud-carbon-footprint
// packages/aws/src/domain/AwsFootprintEstimationConstants.ts (@3668d2e1),
// packages/gcp/src/domain/GcpFootprintEstimationConstants.ts (@8027bcb3:
// medians), packages/azure/src/domain/AzureFootprintEstimationConstants.ts
// (@7736c5d0); methodology at cloudcarbonfootprint.org/docs/methodology.
type cloudProvider struct {
	name                 string
	minW, maxW, pue      float64
	constants, reportsAs string
}

var cloudProviders = map[string]cloudProvider{
	"aws":   {"AWS", 0.74, 3.5, 1.135, "AwsFootprintEstimationConstants.ts @3668d2e1", "Customer Carbon Footprint Tool data export (Amazon Data Exports, carbon emissions columns): location- (LBM) and market-based (MBM) method, Scope 1 and 2"},
	"gcp":   {"Google Cloud", 0.71, 4.26, 1.1, "GcpFootprintEstimationConstants.ts @8027bcb3", "Carbon Footprint export (BigQuery): Scope 1, 2 (location- and market-based) and 3"},
	"azure": {"Microsoft Azure", 0.74, 3.54, 1.185, "AzureFootprintEstimationConstants.ts @7736c5d0", "Emissions Impact Dashboard / Cloud for Sustainability API (EnrollmentEmission): Scope 1, 2 and 3 as Microsoft reports them"},
	"other": {"other provider", 0, 0, 0, "", "the provider's own report"},
}

// Cloud Carbon Footprint's shared coefficients (packages/core and the
// provider constants above).
const (
	CloudCPUUtilisation = 0.50  // AVG_CPU_UTILIZATION_2020: 50 %
	CloudSSDWhPerTBh    = 1.2   // SSDCOEFFICIENT, Wh per TB-hour
	CloudHDDWhPerTBh    = 0.65  // HDDCOEFFICIENT, Wh per TB-hour
	CloudKWhPerGB       = 0.001 // NETWORKING_COEFFICIENT, kWh per GB transferred
)

// cloudRegions places each provider's regions in their country (the
// providers' published region lists), for the grid of a usage estimate.
var cloudRegions = map[string]map[string]string{
	"aws": {"us-east-1": "US", "us-east-2": "US", "us-west-1": "US", "us-west-2": "US", "ca-central-1": "CA",
		"eu-west-1": "IE", "eu-west-2": "GB", "eu-west-3": "FR", "eu-central-1": "DE", "eu-north-1": "SE",
		"eu-south-1": "IT", "eu-south-2": "ES", "ap-south-1": "IN", "ap-southeast-1": "SG", "ap-southeast-2": "AU",
		"ap-northeast-1": "JP", "ap-northeast-2": "KR", "sa-east-1": "BR", "af-south-1": "ZA", "me-south-1": "BH", "ap-east-1": "HK"},
	"gcp": {"us-central1": "US", "us-east1": "US", "us-east4": "US", "us-west1": "US", "northamerica-northeast1": "CA",
		"europe-west1": "BE", "europe-west2": "GB", "europe-west3": "DE", "europe-west4": "NL", "europe-west9": "FR",
		"europe-north1": "FI", "europe-southwest1": "ES", "asia-south1": "IN", "asia-southeast1": "SG", "asia-southeast2": "ID",
		"asia-east1": "TW", "asia-northeast1": "JP", "australia-southeast1": "AU", "southamerica-east1": "BR",
		"africa-south1": "ZA", "me-west1": "IL"},
	"azure": {"eastus": "US", "eastus2": "US", "westus": "US", "westus2": "US", "centralus": "US", "canadacentral": "CA",
		"northeurope": "IE", "westeurope": "NL", "francecentral": "FR", "germanywestcentral": "DE", "uksouth": "GB",
		"swedencentral": "SE", "spaincentral": "ES", "southafricanorth": "ZA", "centralindia": "IN", "southeastasia": "SG",
		"eastasia": "HK", "japaneast": "JP", "australiaeast": "AU", "brazilsouth": "BR"},
}

// CloudRegionCountry returns the country of a provider's region.
func CloudRegionCountry(provider, region string) (string, bool) {
	cc, ok := cloudRegions[provider][strings.ToLower(strings.TrimSpace(region))]
	return cc, ok
}

// CloudProviderName returns a provider id's display name ("" unknown).
// CloudRegions returns the regions of a provider greenhelp knows, each with
// its country (its grid); a copy.
func CloudRegions(provider string) map[string]string {
	out := make(map[string]string, len(cloudRegions[provider]))
	for r, c := range cloudRegions[provider] {
		out[r] = c
	}
	return out
}

func CloudProviderName(id string) string { return cloudProviders[id].name }

// usageKWh is the electricity one unit of a cloud usage item draws at the
// provider's servers (before PUE), and how it is derived.
func usageKWh(item string, p cloudProvider) (float64, string) {
	switch item {
	case "compute":
		w := p.minW + CloudCPUUtilisation*(p.maxW-p.minW)
		return w / 1000, fmt.Sprintf("%.3g W per vCPU (%g W idle + %.0f %% × (%g − %g W))", w, p.minW, CloudCPUUtilisation*100, p.maxW, p.minW)
	case "storage_ssd":
		return CloudSSDWhPerTBh / 1000, fmt.Sprintf("%g Wh per TB-hour of SSD", CloudSSDWhPerTBh)
	case "storage_hdd":
		return CloudHDDWhPerTBh / 1000, fmt.Sprintf("%g Wh per TB-hour of HDD", CloudHDDWhPerTBh)
	case "transfer":
		return CloudKWhPerGB, fmt.Sprintf("%g kWh per GB transferred", CloudKWhPerGB)
	}
	return 0, ""
}

// PUEMonth is one month of a data centre's energy.
type PUEMonth struct {
	Month       int      `json:"month"`
	ITKWh       float64  `json:"it_kwh"`
	FacilityKWh float64  `json:"facility_kwh"`
	PUE         *float64 `json:"pue,omitempty"`
}

// DataCentreResult is a data centre's year.
type DataCentreResult struct {
	Site        string     `json:"site,omitempty"`
	ID          string     `json:"id"`
	Name        string     `json:"name,omitempty"`
	InSiteMeter bool       `json:"in_site_meter"`
	ITKWh       float64    `json:"it_kwh"`
	FacilityKWh float64    `json:"facility_kwh"`
	PUE         *float64   `json:"pue,omitempty"`
	Months      []PUEMonth `json:"months"`
	// LocationT is the facility energy at the site's location-based grid
	// factor: the part of the site's Scope 2 the room stands for (counted
	// once, in the site's electricity lines or, on its own supply, its
	// own).
	LocationT float64 `json:"location_t"`
	Counted   string  `json:"counted"`
}

// ColocationResult is a colocation contract's year.
type ColocationResult struct {
	Site        string  `json:"site,omitempty"`
	Contract    string  `json:"contract"`
	Provider    string  `json:"provider"`
	Country     string  `json:"country"`
	ITKWh       float64 `json:"it_kwh"`
	PUE         float64 `json:"pue"`
	PUESource   string  `json:"pue_source"`
	FacilityKWh float64 `json:"facility_kwh"`
	Scope       Scope   `json:"scope"`
	Rule        string  `json:"rule"`
	// T is what the contract adds to the location-based total: bought by
	// the provider, the facility energy at the full grid factor (3.1);
	// bought by the group, its Scope 2 (combustion) and its Scope 3.3
	// lines (upstream, T&D losses).
	T float64 `json:"t"`
}

// CloudResult is a provider's year.
type CloudResult struct {
	Site     string  `json:"site,omitempty"`
	Provider string  `json:"provider"`
	Method   string  `json:"method"`
	KWh      float64 `json:"kwh,omitempty"` // usage estimates: the energy estimated
	T        float64 `json:"t"`
	// Regions is a usage estimate's energy per region (kWh).
	Regions map[string]float64 `json:"regions,omitempty"`
}

// IT is the year's data centres, colocation and cloud.
type IT struct {
	DataCentres []DataCentreResult `json:"data_centres,omitempty"`
	Colocation  []ColocationResult `json:"colocation,omitempty"`
	Cloud       []CloudResult      `json:"cloud,omitempty"`
}

// Tonnes returns the location-based tonnes of each part: own data
// centres (their facility energy), colocation and cloud.
func (it *IT) Tonnes() (dc, colo, cloud float64) {
	if it == nil {
		return
	}
	for _, d := range it.DataCentres {
		dc += d.LocationT
	}
	for _, c := range it.Colocation {
		colo += c.T
	}
	for _, c := range it.Cloud {
		cloud += c.T
	}
	return
}

// Empty reports whether the inventory has no IT at all.
func (it *IT) Empty() bool {
	return it == nil || len(it.DataCentres)+len(it.Colocation)+len(it.Cloud) == 0
}

// itCalc accumulates the IT records of a calculation.
type itCalc struct {
	dc     map[string]*dcAcc
	colo   map[string]*ColocationResult
	cloud  map[[2]string]*CloudResult // provider, method
	market map[string]bool            // providers with market-based reported records in the period
}

type dcAcc struct {
	it, fac [12]float64
}

func (c *calc) itc() *itCalc {
	if c.it == nil {
		c.it = &itCalc{dc: map[string]*dcAcc{}, colo: map[string]*ColocationResult{}, cloud: map[[2]string]*CloudResult{}, market: map[string]bool{}}
	}
	return c.it
}

// byMonth spreads qty (the record's share in the period) over the months
// of the period it covers, by days.
func (c *calc) byMonth(a footprint.Activity, qty float64, fn func(m int, q float64)) {
	s, e := a.Start.Later(c.from), a.End
	if c.to.Before(e) {
		e = c.to
	}
	days := s.DaysUntil(e)
	if days <= 0 {
		return
	}
	for d := s; d.Before(e); {
		next := footprint.NewDate(d.Year(), d.Time().Month()+1, 1)
		if e.Before(next) {
			next = e
		}
		fn(int(d.Time().Month())-1, qty*float64(d.DaysUntil(next))/float64(days))
		d = next
	}
}

func (c *calc) dataCentre(a footprint.Activity, qty float64) error {
	room := a.Attrs["room"]
	decl, declared := declaration.DataCentre{ID: room}, false
	for _, d := range c.site.DataCentres {
		if d.ID == room {
			decl, declared = d, true
		}
	}
	if !declared {
		c.notes[fmt.Sprintf("data centre %q is not declared in site.data_centres: taken as inside the site's meter (its energy not counted again); declare it to say otherwise", room)] = true
	}
	acc := c.itc().dc[room]
	if acc == nil {
		acc = &dcAcc{}
		c.itc().dc[room] = acc
	}
	c.byMonth(a, qty, func(m int, q float64) {
		if a.Item == "it_energy" {
			acc.it[m] += q
		} else {
			acc.fac[m] += q
		}
	})
	if a.Item == "facility_energy" && declared && !decl.Inside() {
		// On its own supply: the facility energy is the room's grid
		// electricity, under the site's contract.
		g := a
		g.Kind, g.Item = footprint.KindElectricity, "grid"
		return c.electricity(g, qty)
	}
	return nil
}

func (c *calc) colocation(a footprint.Activity, qty float64) error {
	id := a.Attrs["contract"]
	var con declaration.Colocation
	found := false
	for _, k := range c.site.Colocation {
		if k.ID == id {
			con, found = k, true
		}
	}
	q := a.Quality
	if !found {
		con = declaration.Colocation{ID: id, Provider: id, Country: c.site.Country, ElectricityBoughtBy: "provider"}
		q = worse(q, footprint.QualityEstimated)
		c.notes[fmt.Sprintf("colocation contract %q is not declared in site.colocation: counted in %s's grid, at the default PUE, as the provider's electricity (Scope 3.1); declare it", id, c.site.Country)] = true
	}
	pue, pueSrc := con.PUE, con.PUESource
	if pue == 0 {
		pue, pueSrc = declaration.DefaultColocationPUE, declaration.DefaultColocationPUESource
	}
	g, err := c.grid(con.Country)
	if err != nil {
		return err
	}
	kwh := qty * pue
	scope, rule := Scope3PurchasedGoods, "the provider buys the electricity and sells it on with the service: Scope 3 category 1, purchased goods and services (GHG Protocol Scope 3 Standard, ch. 5)"
	if con.ElectricityBoughtBy == "group" {
		scope, rule = Scope2Location, "the group buys the cage's electricity: Scope 2 (GHG Protocol Scope 2 Guidance, ch. 5), its upstream and T&D losses in Scope 3.3 as for the sites' grid electricity"
	}
	basis := fmt.Sprintf("contract %s (%s, %s): IT kWh × PUE %.2f (%s); %s", con.ID, con.Provider, con.Country, pue, pueSrc, rule)
	var t float64
	if scope == Scope2Location {
		// Bought by the group: the cage's kWh are grid electricity of
		// the facility's country, split as a site's are.
		c.addLine(scope, "colocation", a.Item, kwh, string(footprint.UnitKWh), g.comb, q, basis, c.n)
		// Market-based: no instrument is declared for the cage's supply,
		// so the facility country's residual mix (market.go).
		mkt, inst := c.residual(con.Country, g.comb)
		c.addLine(Scope2Market, "colocation", a.Item, kwh, string(footprint.UnitKWh), mkt, q, basis, c.n)
		c.lines[lineKey{Scope2Market, "colocation", a.Item, mkt.id, string(footprint.UnitKWh), q, basis}].Instrument = inst
		t = kwh*g.comb.kg/1000 + c.gridScope3("colocation", con.Country, kwh, g, q, "contract "+con.ID)
	} else {
		// Bought by the provider: its whole (lifecycle) grid factor is
		// part of what the group buys.
		c.addLine(scope, "colocation", a.Item, kwh, string(footprint.UnitKWh), g.full, q, basis, c.n)
		t = kwh * g.full.kg / 1000
	}
	r := c.itc().colo[con.ID]
	if r == nil {
		r = &ColocationResult{Contract: con.ID, Provider: con.Provider, Country: con.Country, PUE: pue, PUESource: pueSrc, Scope: scope, Rule: rule}
		c.itc().colo[con.ID] = r
	}
	r.ITKWh += qty
	r.FacilityKWh += kwh
	r.T += t
	return nil
}

func (c *calc) cloud(a footprint.Activity, qty float64) error {
	prov := a.Attrs["provider"]
	p := cloudProviders[prov]
	if a.Item == "reported" {
		method := a.Attrs["method"]
		if method == "location" && c.itc().market[prov] {
			c.notes[fmt.Sprintf("cloud %s: both location- and market-based reports for the period; the market-based ones are counted (a provider's own figure), the location-based ones left out", p.name)] = true
			return nil
		}
		f := factorRef{id: "cloud/" + prov + "/report", kg: 1, source: p.name + " " + p.reportsAs, year: c.year}
		c.addLine(Scope3PurchasedGoods, "cloud", "reported", qty, string(footprint.UnitKgCO2e), f, a.Quality,
			fmt.Sprintf("%s's own report, %s-based method", p.name, method), c.n)
		r := c.cloudResult(prov, method+"-based, as reported")
		r.T += qty / 1000
		return nil
	}
	per, how := usageKWh(a.Item, p)
	region := a.Attrs["region"]
	cc, known := CloudRegionCountry(prov, region)
	if !known {
		cc = "WORLD"
		c.notes[fmt.Sprintf("cloud region %q is not in greenhelp's %s region table: the world grid stands in", region, p.name)] = true
	}
	grid, err := c.lookup("electricity", "grid", cc, true)
	if err != nil {
		return err
	}
	kwh := qty * per * p.pue
	basis := fmt.Sprintf("usage estimate (Cloud Carbon Footprint, %s): %s × PUE %g; region %s in %s", p.constants, how, p.pue, region, cc)
	c.addLine(Scope3PurchasedGoods, "cloud", a.Item, kwh, string(footprint.UnitKWh), grid, worse(a.Quality, footprint.QualityEstimated), basis, c.n)
	r := c.cloudResult(prov, "usage estimate")
	if r.Regions == nil {
		r.Regions = map[string]float64{}
	}
	r.Regions[strings.ToLower(region)] += kwh
	r.KWh += kwh
	r.T += kwh * grid.kg / 1000
	return nil
}

func (c *calc) cloudResult(prov, method string) *CloudResult {
	k := [2]string{prov, method}
	r := c.itc().cloud[k]
	if r == nil {
		r = &CloudResult{Provider: prov, Method: method}
		c.itc().cloud[k] = r
	}
	return r
}

// itResults closes the IT records of the calculation into inv.IT.
func (c *calc) itResults(inv *Inventory) {
	if c.it == nil {
		return
	}
	it := &IT{}
	gridKg := 0.0
	if g, err := c.grid(c.site.Country); err == nil {
		gridKg = g.comb.kg // the site's Scope 2 factor
	}
	rooms := make([]string, 0, len(c.it.dc))
	for r := range c.it.dc {
		rooms = append(rooms, r)
	}
	sort.Strings(rooms)
	for _, room := range rooms {
		acc := c.it.dc[room]
		d := DataCentreResult{ID: room, InSiteMeter: true}
		for _, decl := range c.site.DataCentres {
			if decl.ID == room {
				d.Name, d.InSiteMeter = decl.Name, decl.Inside()
			}
		}
		for m := 0; m < 12; m++ {
			pm := PUEMonth{Month: m + 1, ITKWh: acc.it[m], FacilityKWh: acc.fac[m]}
			if acc.it[m] > 0 && acc.fac[m] > 0 {
				p := acc.fac[m] / acc.it[m]
				pm.PUE = &p
			}
			if acc.it[m] > 0 || acc.fac[m] > 0 {
				d.Months = append(d.Months, pm)
			}
			d.ITKWh += acc.it[m]
			d.FacilityKWh += acc.fac[m]
		}
		if d.ITKWh > 0 && d.FacilityKWh > 0 {
			p := d.FacilityKWh / d.ITKWh
			d.PUE = &p
		}
		d.LocationT = d.FacilityKWh * gridKg / 1000
		if d.InSiteMeter {
			d.Counted = "inside the site's meter: in the site's electricity lines already, not counted again"
		} else {
			d.Counted = "on its own supply: its facility energy counted as the site's grid electricity (Scope 2)"
		}
		it.DataCentres = append(it.DataCentres, d)
	}
	for _, r := range c.it.colo {
		it.Colocation = append(it.Colocation, *r)
	}
	sort.Slice(it.Colocation, func(i, j int) bool { return it.Colocation[i].Contract < it.Colocation[j].Contract })
	for _, r := range c.it.cloud {
		it.Cloud = append(it.Cloud, *r)
	}
	sort.Slice(it.Cloud, func(i, j int) bool {
		if it.Cloud[i].Provider != it.Cloud[j].Provider {
			return it.Cloud[i].Provider < it.Cloud[j].Provider
		}
		return it.Cloud[i].Method < it.Cloud[j].Method
	})
	if !it.Empty() {
		inv.IT = it
	}
}

// mergeIT appends a site's IT results to the group's, each named by site.
func mergeIT(out *Inventory, inv *Inventory) {
	if inv.IT.Empty() {
		return
	}
	if out.IT == nil {
		out.IT = &IT{}
	}
	for _, d := range inv.IT.DataCentres {
		d.Site = inv.Site
		out.IT.DataCentres = append(out.IT.DataCentres, d)
	}
	for _, c := range inv.IT.Colocation {
		c.Site = inv.Site
		out.IT.Colocation = append(out.IT.Colocation, c)
	}
	for _, c := range inv.IT.Cloud {
		c.Site = inv.Site
		out.IT.Cloud = append(out.IT.Cloud, c)
	}
}
