package ghg

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/weather"
)

// Assumptions are the defaults a caller (usually the site's profile)
// supplies for what a site does not declare. The zero value uses the
// factor library's defaults.
type Assumptions struct {
	// Profile is the id of the profile the assumptions come from.
	Profile string
	// HomeworkingKgPerHour replaces the library's home-working factor
	// (kgCO2e per person-hour worked from home) when > 0;
	// HomeworkingSource says where it comes from.
	HomeworkingKgPerHour float64
	HomeworkingSource    string
	// Commute is the commute split used when the site has no survey.
	Commute *declaration.CommuteSurvey
	// Fleet holds default watts per workstation class.
	Fleet []declaration.Workstation
	// Climate is the site's long-term degree days, which a year with
	// measured outdoor temperatures is normalised to (zero: unknown).
	Climate weather.NormalClimate
}

// Options tune the calculation.
type Options struct {
	// FlightsWithoutRF uses the DESNZ flight factors without the radiative
	// forcing uplift. The default includes it: DESNZ recommends the uplift
	// to account for the non-CO2 warming of aviation at altitude, and a
	// reduction policy should see flights at their full climate weight.
	FlightsWithoutRF bool
	// SetAsideInvalid leaves out, with a note, records that break the
	// activity contract (Activity.Validate) instead of computing with them:
	// the central reads what its store holds, and one absurd stored value
	// must never make a group output fail or go infinite.
	SetAsideInvalid bool
	// Trace lists in Inventory.Records every activity record's share of
	// every line it feeds (the audit trail below the summed lines).
	Trace bool
	// GWP is the set of global warming potentials for refrigerants:
	// GWPAR6 (the default, "") or GWPAR5.
	GWP string
}

// The GWP100 sets greenhelp knows. AR6 is the default: ESRS E1 asks for
// the latest IPCC assessment; AR5 is kept for comparison with DESNZ, whose
// tables are on AR5.
const (
	GWPAR6 = "AR6"
	GWPAR5 = "AR5"
)

// GWPSet returns the set the options select, with its name as printed.
func (o Options) GWPSet() string {
	if o.GWP == GWPAR5 {
		return GWPAR5
	}
	return GWPAR6
}

// ValidateGWP checks a GWP set name.
func ValidateGWP(set string) error {
	switch set {
	case "", GWPAR6, GWPAR5:
		return nil
	}
	return fmt.Errorf("gwp: %q: want %s (default) or %s", set, GWPAR6, GWPAR5)
}

// WorkingDaysPerFTE is the greenhelp convention for on-site person-days per
// FTE-year when a site records no attendance (365 − 104 weekend days − 25
// days leave − 16 public holidays ≈ 220).
const WorkingDaysPerFTE = 220.0

// Calculate computes site's inventory for calendar year from its activity
// records. Records straddling the year are prorated by days. It fails when
// a record has no emission factor or a workstation class has no power
// figure, rather than counting it as zero.
func Calculate(site declaration.Site, acts []footprint.Activity, year int, lib *factors.Library, as Assumptions, opt Options) (*Inventory, error) {
	from, to := footprint.YearBounds(year)
	return CalculatePeriod(site, acts, from, to, lib, as, opt)
}

// CalculatePeriod is Calculate over [from, to) (a month, say), with the
// factors of from's year; the inventory's Year is from's year.
func CalculatePeriod(site declaration.Site, acts []footprint.Activity, from, to footprint.Date, lib *factors.Library, as Assumptions, opt Options) (*Inventory, error) {
	year := from.Year()
	c := &calc{site: site, year: year, lib: lib, as: as, opt: opt,
		lines: map[lineKey]*Line{}, notes: map[string]bool{},
		devH: map[string]map[string]float64{}, teleQ: map[string]footprint.Quality{},
		devDays: map[string][]bool{}, from: from, to: to,
		preH: map[string]map[string]float64{}, baseH: map[string]map[string]float64{}}
	yf, yt := footprint.YearBounds(year)
	c.periodShare = float64(from.DaysUntil(to)) / float64(yf.DaysUntil(yt))
	setAside, firstProblem := 0, ""
	for _, a := range acts { // providers reporting market-based figures in the period
		if a.Kind == footprint.KindCloud && a.Item == "reported" && a.Attrs["method"] == "market" && overlap(a, from, to) > 0 {
			c.itc().market[a.Attrs["provider"]] = true
		}
	}
	for i, a := range acts {
		if a.Kind == footprint.KindWorkstation && c.prePolicy(a) && a.Quantity >= 0 && !math.IsInf(a.Quantity, 1) {
			// Window hours before the roll-out, whatever the period: the
			// site's measured baseline.
			addHours(c.baseH, a.Item, a.Attrs["state"], a.Quantity)
		}
		frac := overlap(a, from, to)
		if frac == 0 {
			continue
		}
		if opt.SetAsideInvalid && a.Rolled == nil { // a rollup sums only valid records
			if errs := a.Validate(fmt.Sprintf("%s/%s %s–%s source %s", a.Kind, a.Item, a.Start, a.End, footprint.Clip(a.Source))); len(errs) > 0 {
				if setAside == 0 {
					firstProblem = errs[0].Error()
				}
				setAside++
				continue
			}
		}
		if a.Kind == footprint.KindWeather { // no emissions: read by Normalise
			continue
		}
		c.n = a.Count()
		c.records += c.n
		c.cur = &acts[i]
		if err := c.add(a, a.Quantity*frac); err != nil {
			return nil, fmt.Errorf("activity %d (%s/%s %s–%s, source %s): %w", i+1, a.Kind, a.Item, a.Start, a.End, a.Source, err)
		}
	}
	if err := c.homeworking(); err != nil {
		return nil, err
	}
	if err := c.commuting(); err != nil {
		return nil, err
	}
	inv := &Inventory{Year: year, Site: site.ID, SiteName: site.Name, Country: site.Country,
		Profile: as.Profile, FactorSet: factors.Version, GWPSet: opt.GWPSet(), UpstreamElectricity: UpstreamBoundary}
	po, err := c.powerOff()
	if err != nil {
		return nil, err
	}
	inv.PowerOff = po
	c.itResults(inv)
	inv.Telework = Telework{RemotePersonDays: c.remoteDays, OnsitePersonDays: c.onsiteDays}
	if d := c.remoteDays + c.onsiteDays; d > 0 {
		share := c.remoteDays / d
		inv.Telework.RemoteShare = &share
	}
	c.cur = nil
	for _, l := range c.lines {
		inv.Lines = append(inv.Lines, *l)
	}
	sortLines(inv.Lines)
	if opt.Trace {
		inv.Records = c.traced(inv.Lines)
	}
	inv.Totals()
	if yf.DaysUntil(from) == 0 && yt.DaysUntil(to) == 0 {
		normal := as.Climate
		if normal.Source == "" {
			normal = weather.NormalClimate{HDD: math.NaN(), CDD: math.NaN(), Source: "unknown"}
		}
		if w := weather.Normalise(acts, year, normal); w != nil {
			weatherEffect(w, inv.Lines)
			inv.Weather = w
		}
	}
	if setAside > 0 {
		c.notes[fmt.Sprintf("%d stored record(s) set aside as invalid, not counted (first: %s)", setAside, firstProblem)] = true
	}
	for n := range c.notes {
		inv.Notes = append(inv.Notes, n)
	}
	sort.Strings(inv.Notes)
	return inv, nil
}

// Totals recomputes every scope total, the two grand totals and the
// quality shares from the lines: each line adds to its scope's row of the
// table (scopes.go); the totals add the rows that count in them, then
// Scope 3.
func (inv *Inventory) Totals() {
	for _, s := range scopeTable {
		*s.total(inv) = 0
	}
	byQ := map[footprint.Quality]float64{}
	for _, l := range inv.Lines {
		if i, ok := scopeIndex[l.Scope]; ok {
			*scopeTable[i].total(inv) += l.T
		}
		if l.Scope != Scope2Market {
			byQ[l.Quality] += l.T
		}
	}
	s3 := inv.Scope3T()
	inv.TotalLocationT, inv.TotalMarketT = 0, 0
	for _, s := range scopeTable {
		if s.Category > 0 {
			continue
		}
		if s.Location {
			inv.TotalLocationT += s.Of(inv)
		}
		if s.Market {
			inv.TotalMarketT += s.Of(inv)
		}
	}
	inv.TotalLocationT += s3
	inv.TotalMarketT += s3
	inv.Quality = QualityShares{}
	if inv.TotalLocationT > 0 {
		inv.Quality = QualityShares{
			MeasuredShare:  byQ[footprint.QualityMeasured] / inv.TotalLocationT,
			EstimatedShare: byQ[footprint.QualityEstimated] / inv.TotalLocationT,
			DefaultShare:   byQ[footprint.QualityDefault] / inv.TotalLocationT,
		}
	}
}

// sortLines orders lines by scope (the table's order), kind, item,
// factor, quality, basis and unit: every field of their key, so that no
// two lines of one inventory tie and the order never depends on the
// order they came in.
func sortLines(ls []Line) {
	sort.Slice(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if c := CompareScopes(a.Scope, b.Scope); c != 0 {
			return c < 0
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Item != b.Item {
			return a.Item < b.Item
		}
		if a.FactorID != b.FactorID {
			return a.FactorID < b.FactorID
		}
		if a.Quality != b.Quality {
			return a.Quality < b.Quality
		}
		if a.Basis != b.Basis {
			return a.Basis < b.Basis
		}
		return a.Unit < b.Unit
	})
}

// overlap returns the share of a's period inside [from, to).
// Relevant returns, in their order, the activities CalculatePeriod(site,
// acts, from, to, …) reads: those overlapping [from, to) and the
// workstation records before site's power-off roll-out (its baseline).
// Calculating from them gives the same inventory as from acts: a caller
// holding many years of a site computes each year from its own share.
func Relevant(site declaration.Site, acts []footprint.Activity, from, to footprint.Date) []footprint.Activity {
	since := site.PowerOff.Since
	read := func(a *footprint.Activity) bool {
		return (a.Start.Before(to) && from.Before(a.End)) ||
			(a.Kind == footprint.KindWorkstation && !since.IsZero() && !since.Before(a.End))
	}
	n := 0
	for i := range acts {
		if read(&acts[i]) {
			n++
		}
	}
	out := make([]footprint.Activity, 0, n) // counted first: a year is a tenth of ten
	for i := range acts {
		if read(&acts[i]) {
			out = append(out, acts[i])
		}
	}
	return out
}

func overlap(a footprint.Activity, from, to footprint.Date) float64 {
	s, e := a.Start, a.End
	if s.Before(from) {
		s = from
	}
	if to.Before(e) {
		e = to
	}
	if !s.Before(e) {
		return 0
	}
	return float64(s.DaysUntil(e)) / float64(a.Days())
}

type lineKey struct {
	scope          Scope
	kind, item     string
	factorID, unit string
	quality        footprint.Quality
	basis          string
}

type calc struct {
	site  declaration.Site
	year  int
	lib   *factors.Library
	as    Assumptions
	opt   Options
	lines map[lineKey]*Line
	notes map[string]bool

	remoteDays, onsiteDays float64
	teleQ                  map[string]footprint.Quality  // worst quality per telework item
	devH                   map[string]map[string]float64 // class → state → device-hours
	devDays                map[string][]bool             // class → days of the period with records (index: days from the start)
	preH, baseH            map[string]map[string]float64 // before the roll-out: in the period; at any time (baseline)
	from, to               footprint.Date                // the period
	devQ                   footprint.Quality
	cur                    *footprint.Activity // the record being added (Trace)
	trace                  []traceEntry        // Trace: record shares per line
	periodShare            float64             // share of the year the period covers
	records                int                 // activity records in the period
	it                     *itCalc             // data centres, colocation, cloud (it.go)
	n                      int                 // records the activity being added stands for (a rollup: many)
}

// factorRef is the factor applied to a line.
type factorRef struct {
	id       string
	kg       float64
	source   string
	fallback string
	year     int
	unit     string
}

func fromMatch(m factors.Match) factorRef {
	return factorRef{id: m.ID(), kg: m.KgPerUnit, source: m.Source, fallback: m.Fallback, year: m.Year, unit: m.Unit}
}

func (c *calc) addLine(scope Scope, kind, item string, qty float64, unit string, f factorRef, q footprint.Quality, basis string, records int) {
	k := lineKey{scope, kind, item, f.id, unit, q, basis}
	l, ok := c.lines[k]
	if !ok {
		fy := f.year
		if fy == 0 {
			fy = c.year // contract and profile factors apply to the reporting year
		}
		l = &Line{Kind: kind, Item: item, Unit: unit, Scope: scope, FactorID: f.id, FactorKgPerUnit: f.kg,
			FactorSource: f.source, FactorYear: fy, Quality: q, Basis: basis, Fallback: f.fallback}
		c.lines[k] = l
		if f.fallback != "" {
			c.notes[f.id+": "+f.fallback] = true
		}
	}
	l.Quantity += qty
	l.T = l.Quantity * l.FactorKgPerUnit / 1000
	l.Records += records
	if c.opt.Trace && c.cur != nil && records > 0 {
		c.trace = append(c.trace, traceEntry{key: k, act: c.cur, qty: qty})
	}
}

type traceEntry struct {
	key lineKey
	act *footprint.Activity
	qty float64
}

// traced resolves the trace to the sorted lines.
func (c *calc) traced(lines []Line) []LineRecord {
	idx := make(map[lineKey]int, len(lines))
	for i, l := range lines {
		idx[lineKey{l.Scope, l.Kind, l.Item, l.FactorID, l.Unit, l.Quality, l.Basis}] = i
	}
	out := make([]LineRecord, 0, len(c.trace))
	for _, e := range c.trace {
		i := idx[e.key]
		out = append(out, LineRecord{Line: i, Kind: string(e.act.Kind), Item: e.act.Item, Start: e.act.Start, End: e.act.End,
			Source: e.act.Source, Attrs: e.act.Attrs, RecordQuantity: e.act.Quantity, RecordUnit: string(e.act.Unit),
			Quantity: e.qty, T: e.qty * lines[i].FactorKgPerUnit / 1000})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// lookup finds a factor, using the site's country where the library has
// rows for it and WORLD otherwise; regionMatters says whether falling back
// to WORLD is worth a note (grid, hotels), else only year fallbacks are.
func (c *calc) lookup(kind, item, region string, regionMatters bool) (factorRef, error) {
	if !regionMatters && !c.lib.HasRegion(kind, item, region) {
		region = factors.World
	}
	m, err := c.lib.Lookup(kind, item, region, c.year)
	if err != nil {
		return factorRef{}, err
	}
	return fromMatch(m), nil
}

func (c *calc) add(a footprint.Activity, qty float64) error {
	switch a.Kind {
	case footprint.KindElectricity:
		return c.electricity(a, qty)
	case footprint.KindFuel:
		f, err := c.lookup("fuel", a.Item, c.site.Country, false)
		if err != nil {
			return err
		}
		c.addLine(Scope1, "fuel", a.Item, qty, string(a.Unit), f, a.Quality, "", c.n)
		c.wellToTank(a, qty)
	case footprint.KindRefrigerant:
		item := a.Item
		if c.opt.GWPSet() == GWPAR5 {
			item += ".ar5"
		}
		// A GWP set is not yearly: it applies to every year reported
		// (a set change restates them all), so the row is taken whatever
		// the year of the assessment.
		m, err := c.lib.Lookup("refrigerant", item, factors.World, 2100)
		if err != nil {
			return err
		}
		f := fromMatch(m)
		c.addLine(Scope1, "refrigerant", a.Item, qty, string(a.Unit), f, a.Quality, "GWP100 "+c.opt.GWPSet(), c.n)
	case footprint.KindTravel:
		item, region, regionMatters := c.travelItem(a), c.site.Country, false
		if a.Item == "hotel" {
			regionMatters = true
			if cc := a.Attrs["country"]; cc != "" {
				region = cc
			}
		}
		f, err := c.lookup("travel", item, region, regionMatters)
		if err != nil {
			return err
		}
		unit, basis := c.perVehicle(a, f), attrBasis(a)
		if unit != string(a.Unit) {
			basis = strings.TrimPrefix(basis+", 1 occupant: pkm = vehicle-km", ", ")
		}
		c.addLine(Scope3BusinessTravel, "travel", a.Item, qty, unit, f, a.Quality, basis, c.n)
	case footprint.KindPurchase:
		// Capital goods: the devices' cradle-to-gate emissions, in the
		// year they were bought (GHG Protocol Scope 3 category 2).
		f, err := c.lookup("purchase", a.Item, c.site.Country, false)
		if err != nil {
			return err
		}
		c.addLine(Scope3CapitalGoods, "purchase", a.Item, qty, string(a.Unit), f, a.Quality, "", c.n)
	case footprint.KindTelework:
		if a.Item == "remote" {
			c.remoteDays += qty
		} else {
			c.onsiteDays += qty
		}
		c.teleQ[a.Item] = worse(c.teleQ[a.Item], a.Quality)
	case footprint.KindWorkstation:
		state := a.Attrs["state"]
		if state == "" {
			state = "on"
		}
		if c.prePolicy(a) {
			// Before the roll-out: energy used, but nothing avoided and
			// no compliance to measure.
			addHours(c.preH, a.Item, state, qty)
			break
		}
		addHours(c.devH, a.Item, state, qty)
		c.devQ = worse(c.devQ, a.Quality)
		days := c.devDays[a.Item]
		if days == nil {
			days = make([]bool, c.from.DaysUntil(c.to))
			c.devDays[a.Item] = days
		}
		off := c.from.DaysUntil(a.Start)
		if a.Rolled != nil && a.Rolled.Days != 0 { // a rollup: the days its records were logged on
			for b := 0; b < 32; b++ {
				if i := off + b; a.Rolled.Days&(1<<b) != 0 && i >= 0 && i < len(days) {
					days[i] = true
				}
			}
			break
		}
		for i, end := max(0, off), min(len(days), c.from.DaysUntil(a.End)); i < end; i++ {
			days[i] = true
		}
	case footprint.KindWeather:
		// No emissions: the year's degree days (Normalise).
	case footprint.KindDataCentre:
		return c.dataCentre(a, qty)
	case footprint.KindColocation:
		return c.colocation(a, qty)
	case footprint.KindCloud:
		return c.cloud(a, qty)
	default:
		return fmt.Errorf("kind %q has no calculation", a.Kind)
	}
	return nil
}

// travelItem is the factor item of a business-travel record: the class
// and radiative-forcing variants, and for flights of a site outside the UK
// DESNZ's international (to/from non-UK) factors — its short- and
// long-haul factors are for flights to or from the UK.
func (c *calc) travelItem(a footprint.Activity) string {
	item := a.Item
	cl := a.Attrs["class"]
	if strings.HasPrefix(a.Item, "flight_") && !strings.EqualFold(c.site.Country, "GB") {
		intl := "flight_international"
		if cl == "economy" || cl == "business" {
			intl += "." + cl
		}
		if cl == "" || cl == "economy" || cl == "business" {
			item, cl = intl, ""
		} else {
			c.notes[fmt.Sprintf("flights in %s class: DESNZ's international (non-UK) factor for the class is not in the library; the to/from-UK %s factor stands in", cl, a.Item)] = true
		}
	}
	if cl != "" {
		item += "." + cl
	}
	if strings.HasPrefix(a.Item, "flight_") && c.opt.FlightsWithoutRF {
		item += ".no_rf"
	}
	return item
}

// perVehicle returns the unit of the line: a car factor is per vehicle-km
// (DESNZ), so passenger-km of one traveller count as vehicle-km.
func (c *calc) perVehicle(a footprint.Activity, f factorRef) string {
	if f.unit == "vkm" && a.Unit == footprint.UnitPKm {
		return "vkm"
	}
	return string(a.Unit)
}

// wellToTank adds the Scope 3.3 line of a fuel burnt: its extraction,
// refining and transport (DESNZ well-to-tank factors). A fuel without a
// WTT row is left out of 3.3 with a note, never counted at zero silently.
func (c *calc) wellToTank(a footprint.Activity, qty float64) {
	if !c.lib.Has("wtt", a.Item) {
		c.notes[fmt.Sprintf("scope 3.3: no well-to-tank factor for fuel %q in the library; its upstream emissions are not counted", a.Item)] = true
		return
	}
	f, err := c.lookup("wtt", a.Item, c.site.Country, false)
	if err != nil {
		return
	}
	c.addLine(Scope3FuelEnergy, "fuel", a.Item, qty, string(a.Unit), f, a.Quality, "well-to-tank", c.n)
}

func attrBasis(a footprint.Activity) string {
	var parts []string
	if cl := a.Attrs["class"]; cl != "" {
		parts = append(parts, "class "+cl)
	}
	if cc := a.Attrs["country"]; cc != "" {
		parts = append(parts, "in "+cc)
	}
	return strings.Join(parts, ", ")
}

func (c *calc) electricity(a footprint.Activity, kwh float64) error {
	loc, err := c.lookup("electricity", a.Item, c.site.Country, a.Item == "grid")
	if err != nil {
		return err
	}
	c.addLine(Scope2Location, "electricity", a.Item, kwh, string(a.Unit), loc, a.Quality, "", c.n)
	if a.Item == "grid" {
		c.tdLosses(a, kwh, loc)
	}
	if a.Item != "grid" {
		// Self-generated renewables: zero under both methods.
		c.addLine(Scope2Market, "electricity", a.Item, kwh, string(a.Unit), loc, a.Quality, "", c.n)
		return nil
	}
	con := c.site.Electricity
	if s := con.GreenShare; s > 0 {
		cert := factorRef{id: "contract/" + c.site.ID + "/certificates", kg: 0,
			source: fmt.Sprintf("site declaration: %s covering %.0f%% of grid consumption; GHG Protocol Scope 2 Guidance (2015), market-based method: contractual instruments at their attribute (0 kgCO2e/kWh for renewables)", con.Instrument, s*100)}
		c.addLine(Scope2Market, "electricity", a.Item, kwh*s, string(a.Unit), cert, a.Quality, fmt.Sprintf("%.0f%% covered by %s", s*100, con.Instrument), c.n)
	}
	rest := kwh * (1 - con.GreenShare)
	if rest == 0 && con.GreenShare == 1 {
		return nil
	}
	if f := con.SupplierKgPerKWh; f != nil {
		sup := factorRef{id: "contract/" + c.site.ID + "/supplier", kg: *f, source: "site declaration: supplier-specific factor, " + con.SupplierSource}
		c.addLine(Scope2Market, "electricity", a.Item, rest, string(a.Unit), sup, a.Quality, "supplier factor", c.n)
		return nil
	}
	mkt := loc
	mkt.fallback = strings.TrimPrefix(strings.Join([]string{loc.fallback, "no residual-mix factor in the library: the location-based grid factor stands in (GHG Protocol Scope 2 Guidance, hierarchy last resort)"}, "; "), "; ")
	c.addLine(Scope2Market, "electricity", a.Item, rest, string(a.Unit), mkt, a.Quality, "uncovered consumption", c.n)
	return nil
}

// tdLosses adds the Scope 3.3 line of the grid's transmission and
// distribution losses: the kWh lost delivering kwh (the country's loss
// share) at the same lifecycle grid factor as Scope 2 — the upstream of
// the lost kWh is in that factor, as it is for Scope 2 (UpstreamBoundary).
// A country without a published loss share is left out with a note.
func (c *calc) tdLosses(a footprint.Activity, kwh float64, grid factorRef) {
	m, err := c.lib.Lookup("td_loss", "grid", c.site.Country, c.year)
	if err != nil || !strings.EqualFold(m.Region, c.site.Country) {
		c.notes[fmt.Sprintf("scope 3.3: no published T&D loss share for %s in the library; the grid's T&D losses are not counted (add a td_loss row to the factor overrides)", c.site.Country)] = true
		return
	}
	f := grid
	if m.Fallback != "" {
		f.fallback = strings.TrimPrefix(grid.fallback+"; T&D loss share: "+m.Fallback, "; ")
	}
	basis := fmt.Sprintf("T&D losses: %.6g kWh lost per kWh delivered (%s: %s)", m.KgPerUnit, m.ID(), m.Source)
	c.addLine(Scope3FuelEnergy, "electricity", "td_losses", kwh*m.KgPerUnit, "kWh", f, a.Quality, basis, c.n)
}

func (c *calc) homeworking() error {
	if c.remoteDays == 0 {
		return nil
	}
	hours := c.site.HoursPerDay
	basisHours := fmt.Sprintf("%g h per person-day", hours)
	if hours == 0 {
		hours = declaration.DefaultHoursPerDay
		basisHours = fmt.Sprintf("%g h per person-day (default: site declares no hours_per_day)", hours)
	}
	q := c.teleQ["remote"]
	var f factorRef
	if c.as.HomeworkingKgPerHour > 0 {
		f = factorRef{id: "profile/" + c.as.Profile + "/homeworking", kg: c.as.HomeworkingKgPerHour, source: c.as.HomeworkingSource}
	} else {
		m, err := c.lib.Lookup("homeworking", "total", factors.World, c.year)
		if err != nil {
			return fmt.Errorf("home-working: %w", err)
		}
		f = fromMatch(m)
		c.notes["home-working uses the UK DESNZ factor (UK homes, heating-dominated): assign a profile for a climate-adapted factor"] = true
	}
	c.addLine(Scope3Homeworking, "telework", "remote", c.remoteDays*hours, "person_hour", f, q,
		fmt.Sprintf("%.1f remote person-days × %s", c.remoteDays, basisHours), 0)
	return nil
}

func (c *calc) commuting() error {
	days, q := c.onsiteDays, c.teleQ["onsite"]
	daysBasis := fmt.Sprintf("%.1f on-site person-days", days)
	if _, recorded := c.teleQ["onsite"]; !recorded {
		if _, remote := c.teleQ["remote"]; remote || c.site.FTE == 0 || c.records == 0 {
			return nil // attendance recorded as remote only, no one, or no data at all for the period
		}
		days = c.site.FTE * WorkingDaysPerFTE * c.periodShare
		q = footprint.QualityDefault
		daysBasis = fmt.Sprintf("%.1f person-days estimated (%g FTE × %g working days a year: no attendance recorded)", days, c.site.FTE, WorkingDaysPerFTE)
		c.notes["commuting: no on-site person-days recorded; estimated from FTE × 220 working days"] = true
	}
	if days == 0 {
		return nil
	}
	survey, surveyQ, origin := c.site.Commute, footprint.QualityEstimated, "site survey"
	if survey == nil {
		if c.as.Commute == nil {
			c.notes["commuting: no commute survey and no profile default; commuting not computed"] = true
			return nil
		}
		survey, surveyQ, origin = c.as.Commute, footprint.QualityDefault, "profile "+c.as.Profile+" default split"
	}
	if !survey.Date.IsZero() {
		origin += " of " + survey.Date.String()
	}
	for _, m := range survey.Modes {
		pkm := days * m.Share * 2 * m.OneWayKm
		item, unit, qty := m.Mode, "pkm", pkm
		basis := fmt.Sprintf("%s × %.0f%% × 2 × %g km (%s)", daysBasis, m.Share*100, m.OneWayKm, origin)
		switch m.Mode {
		case "carpool":
			occ := m.Occupancy
			if occ == 0 {
				occ = 2
			}
			item, unit, qty = "car", "vkm", pkm/occ
			basis += fmt.Sprintf(", %g people per car", occ)
		case "rail":
			// Commuting by train is suburban or regional rail, not
			// high-speed (rail_high_speed): ADEME's RER/Transilien
			// factor is about 3× its TGV factor.
			item = "rail_suburban"
		case "rail_high_speed":
			item = "rail"
		}
		f, err := c.lookup("travel", item, c.site.Country, false)
		if err != nil {
			return fmt.Errorf("commuting mode %s: %w", m.Mode, err)
		}
		if f.unit == "vkm" && unit == "pkm" {
			unit = "vkm"
			basis += ", 1 occupant: pkm = vehicle-km"
		}
		c.addLine(Scope3Commuting, "commute", m.Mode, qty, unit, f, worse(q, surveyQ), basis, 0)
	}
	return nil
}

func (c *calc) powerOff() (PowerOff, error) {
	var po PowerOff
	if len(c.devH) == 0 && len(c.preH) == 0 {
		return po, nil
	}
	grid, err := c.lookup("electricity", "grid", c.site.Country, true)
	if err != nil {
		return po, fmt.Errorf("power-off: %w", err)
	}
	po.DeviceHours = map[string]float64{}
	seen := map[string]bool{}
	var classes []string
	for _, m := range []map[string]map[string]float64{c.devH, c.preH} {
		for cl := range m {
			if !seen[cl] {
				seen[cl] = true
				classes = append(classes, cl)
			}
		}
	}
	sort.Strings(classes)
	var off, sleep, missed float64
	for _, cl := range classes {
		w, err := c.watts(cl)
		if err != nil {
			return po, err
		}
		h, pre := c.devH[cl], c.preH[cl]
		// A device asleep in a window draws its sleep power: it saves
		// less than one switched off.
		used := func(h map[string]float64) float64 {
			return ((h["on"]+h["missed"])*w.WattsOn + h["off"]*w.WattsOff + h["sleep"]*w.WattsSleep) / 1000
		}
		w.UsedKWh = used(h) + used(pre)
		cf := c.counterfactual(cl, &w)
		w.CounterfactualWatts = cf.Draw(w)
		w.AvoidedKWh = (h["off"]*math.Max(0, w.CounterfactualWatts-w.WattsOff) + h["sleep"]*math.Max(0, w.CounterfactualWatts-w.WattsSleep)) / 1000
		po.Watts = append(po.Watts, w)
		po.UsedKWh += w.UsedKWh
		po.AvoidedKWh += w.AvoidedKWh
		for st, v := range h {
			po.DeviceHours[st] += v
		}
		off += h["off"]
		sleep += h["sleep"]
		missed += h["missed"]
	}
	po.GridKgPerKWh = grid.kg
	po.AvoidedT = po.AvoidedKWh * grid.kg / 1000
	// Compliance is the share of window hours switched off, as the
	// policy asks: asleep is not off.
	if off+sleep+missed > 0 {
		comp := off / (off + sleep + missed)
		po.Compliance = &comp
	}
	po.Coverage = c.coverage(po)
	return po, nil
}

// prePolicy reports whether a workstation record ends on or before the
// power-off policy's roll-out date.
func (c *calc) prePolicy(a footprint.Activity) bool {
	since := c.site.PowerOff.Since
	return !since.IsZero() && !since.Before(a.End)
}

func addHours(m map[string]map[string]float64, class, state string, h float64) {
	if state == "" {
		state = "on"
	}
	if m[class] == nil {
		m[class] = map[string]float64{}
	}
	m[class][state] += h
}

// counterfactual is what the class would have done in the windows without
// the policy: measured from the site's window hours logged before the
// roll-out when it has them, else the published after-hours default. It
// records the shares and their origin in w.
func (c *calc) counterfactual(class string, w *ClassWatts) Counterfactual {
	b := c.baseH[class]
	var cf Counterfactual
	if win := b["off"] + b["sleep"] + b["missed"]; win > 0 {
		cf = Counterfactual{BaselineOff: b["off"] / win,
			Source: fmt.Sprintf("measured: %.0f window device-hours logged before the roll-out on %s", win, c.site.PowerOff.Since)}
		if b["sleep"]+b["missed"] > 0 {
			cf.LowPower = b["sleep"] / (b["sleep"] + b["missed"])
		}
	} else if d, ok := DefaultCounterfactual(class); ok {
		cf = d
	} else {
		cf = Counterfactual{Source: "no published after-hours default for this class: every off hour is counted against watts_on (an upper bound); log the weeks before the roll-out (power_off.since) to measure it"}
	}
	w.BaselineOffShare, w.LowPowerShare, w.BaselineOrigin = cf.BaselineOff, cf.LowPower, cf.Source
	return cf
}

// coverage compares the window device-hours recorded for each declared
// class with what the declared fleet's schedule holds over the period,
// and scales the avoided energy class by class at its observed rate.
func (c *calc) coverage(po PowerOff) *PowerOffCoverage {
	if len(c.site.PowerOff.Windows) == 0 {
		return nil
	}
	cv := &PowerOffCoverage{DaysInYear: c.from.DaysUntil(c.to)}
	days := make([]bool, cv.DaysInYear)
	var undeclared []string
	byClass := map[string]ClassWatts{}
	for _, w := range po.Watts {
		byClass[w.Class] = w
	}
	periodHours := windowHours(c.site.PowerOff, c.site.Timezone, maxDate(c.from, c.site.PowerOff.Since), c.to)
	classes := make([]string, 0, len(c.devH))
	for cl := range c.devH {
		classes = append(classes, cl)
	}
	sort.Strings(classes)
	for _, cl := range classes {
		fleet, _ := c.site.Fleet(cl)
		if fleet.Count == 0 {
			undeclared = append(undeclared, cl)
			continue
		}
		h := c.devH[cl]
		logged := h["off"] + h["sleep"] + h["missed"]
		fleetHours := float64(fleet.Count) * periodHours
		cv.DeclaredDevices += fleet.Count
		cv.LoggedWindowHours += logged
		cv.FleetWindowHours += fleetHours
		for i, logged := range c.devDays[cl] {
			days[i] = days[i] || logged
		}
		if logged > 0 {
			cv.ScaledAvoidedKWh += byClass[cl].AvoidedKWh * fleetHours / logged
		}
	}
	for _, logged := range days {
		if logged {
			cv.DaysCovered++
		}
	}
	cv.ScaledAvoidedT = cv.ScaledAvoidedKWh * po.GridKgPerKWh / 1000
	if cv.FleetWindowHours > 0 {
		cv.Share = cv.LoggedWindowHours / cv.FleetWindowHours
	}
	switch {
	case cv.DeclaredDevices == 0:
		cv.Note = fmt.Sprintf("coverage unknown: declare the fleet (site.workstations count) for %s to scale the log to the site", strings.Join(undeclared, ", "))
	case cv.Share < 0.5:
		cv.Note = fmt.Sprintf("the records cover %.1f %% of the declared fleet's window hours (%d devices, %d of %d days): the scaled figure extrapolates a sample", cv.Share*100, cv.DeclaredDevices, cv.DaysCovered, cv.DaysInYear)
	default:
		cv.Note = fmt.Sprintf("the records cover %.1f %% of the declared fleet's window hours (%d devices, %d of %d days)", cv.Share*100, cv.DeclaredDevices, cv.DaysCovered, cv.DaysInYear)
	}
	if len(undeclared) > 0 && cv.DeclaredDevices > 0 {
		cv.Note += fmt.Sprintf("; %s not declared in the fleet: not scaled", strings.Join(undeclared, ", "))
	}
	return cv
}

// windowHoursCache memoises windowHours: the central computes the same
// site-years and months again and again.
var windowHoursCache sync.Map

// windowHours is one device's power-off window hours over [from, to) in
// the site's time zone (UTC when unknown).
func windowHours(sched declaration.PowerOffSchedule, tz string, from, to footprint.Date) float64 {
	key := fmt.Sprintf("%v|%s|%s|%s", sched.Windows, tz, from, to)
	if h, ok := windowHoursCache.Load(key); ok {
		return h.(float64)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	var h float64
	for d := from; d.Before(to); d = d.AddDays(1) {
		h += sched.Hours(time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 0, 0, 0, 0, loc), loc)
	}
	windowHoursCache.Store(key, h)
	return h
}

func maxDate(a, b footprint.Date) footprint.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// watts returns the power figures of a workstation class: the site's
// declaration, else the profile's fleet, else the documented default —
// figure by figure, so that a site declaring only class and count (or
// watts_on alone) gets the defaults for the rest, said in the origin.
func (c *calc) watts(class string) (ClassWatts, error) {
	w := ClassWatts{Class: class}
	var origins []string
	fill := func(on, off, sleep float64, origin string) {
		used := false
		if w.WattsOn == 0 && on > 0 {
			w.WattsOn, used = on, true
		}
		if w.WattsOff == 0 && off > 0 {
			w.WattsOff, used = off, true
		}
		if w.WattsSleep == 0 && sleep > 0 {
			w.WattsSleep, used = sleep, true
		}
		if used {
			origins = append(origins, origin)
		}
	}
	if d, ok := c.site.Fleet(class); ok {
		fill(d.WattsOn, d.WattsOff, d.WattsSleep, "site declaration")
	}
	for _, f := range c.as.Fleet {
		if f.Class == class {
			fill(f.WattsOn, f.WattsOff, f.WattsSleep, "profile "+c.as.Profile)
		}
	}
	if d, ok := declaration.DefaultDeviceWatts(class); ok {
		fill(d.WattsOn, d.WattsOff, d.WattsSleep, d.Source)
	}
	if w.WattsOn == 0 {
		return ClassWatts{}, fmt.Errorf("power-off: workstation class %q has device-hours but no power figure: declare it under site.workstations (class, count, watts_on, watts_off)", class)
	}
	if w.WattsSleep == 0 {
		w.WattsSleep = w.WattsOff // no sleep figure anywhere: asleep counts as off
	}
	w.Origin = strings.Join(origins, "; ")
	return w, nil
}

var qualityRank = map[footprint.Quality]int{"": -1, footprint.QualityMeasured: 0, footprint.QualityEstimated: 1, footprint.QualityDefault: 2}

// worse returns the lower of two data qualities.
func worse(a, b footprint.Quality) footprint.Quality {
	if qualityRank[b] > qualityRank[a] {
		return b
	}
	return a
}

// weatherEffect sets each normalised carrier's WeatherT from the inventory's
// lines: the fuel's Scope 1 line, the grid's Scope 2 location-based line
// (the degree-day-driven kWh come from the grid, not the panels).
func weatherEffect(w *weather.Weather, lines []Line) {
	for i := range w.Carriers {
		ne := &w.Carriers[i]
		if ne.Normalised == nil {
			continue
		}
		kind, item, scope := ne.Kind, ne.Item, Scope1
		if kind == string(footprint.KindElectricity) {
			item, scope = "grid", Scope2Location
		}
		for _, l := range lines {
			if l.Kind == kind && l.Item == item && l.Scope == scope {
				t := (ne.Actual - *ne.Normalised) * l.FactorKgPerUnit / 1000
				ne.WeatherT, ne.FactorID = &t, l.FactorID
				break
			}
		}
	}
}
