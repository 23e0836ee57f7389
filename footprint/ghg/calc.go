package ghg

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"

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
	c.marketBased()
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
	if c.bookingDated > 0 {
		c.notes[fmt.Sprintf("business travel: %d record(s) dated by their booking, the export having no travel date: a trip booked in one year and made in the next counts in the year booked", c.bookingDated)] = true
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
	inv.OnDefaults = inv.onDefaults()
}

// sortLines orders lines by scope (the table's order), kind, item,
// factor, quality, basis and unit: every field of their key, so that no
// two lines of one inventory tie and the order never depends on the
// order they came in.
func sortLines(ls []Line) {
	if len(ls) < 2 {
		return
	}
	sorted := make([]Line, len(ls))
	for i, p := range lineOrder(ls) {
		sorted[i] = ls[p]
	}
	copy(ls, sorted)
}

// lineOrder is the places of ls in sortLines' order (lines that tie, in
// their own order). Each line's scope is ranked once and the places
// sorted, the lines moved once after: sorting the lines themselves
// looked both scopes up in a map at every comparison and moved whole
// lines (23 fields) at every swap — half of ghg.Merge's time for 1,000
// sites (BenchmarkMerge).
func lineOrder(ls []Line) []int {
	type place struct {
		rank int // the scope's place in the table (len(scopeTable): not in it)
		i    int
		l    *Line
	}
	ps := make([]place, len(ls))
	for i := range ls {
		r, ok := scopeIndex[ls[i].Scope]
		if !ok {
			r = len(scopeTable)
		}
		ps[i] = place{r, i, &ls[i]}
	}
	slices.SortFunc(ps, func(a, b place) int {
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		x, y := a.l, b.l
		if a.rank == len(scopeTable) { // neither in the table: by id (CompareScopes)
			if c := cmp.Compare(x.Scope, y.Scope); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(x.Kind, y.Kind); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Item, y.Item); c != 0 {
			return c
		}
		if c := cmp.Compare(x.FactorID, y.FactorID); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Quality, y.Quality); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Basis, y.Basis); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Unit, y.Unit); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = p.i
	}
	return out
}

// overlap returns the share of a's period inside [from, to).
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
	bookingDated           int                 // travel records dated by their booking (attrs dated=booking)
	it                     *itCalc             // data centres, colocation, cloud (it.go)
	n                      int                 // records the activity being added stands for (a rollup: many)
	gridUses               []gridUse           // grid kWh awaiting their market-based lines (market.go)
}

// factorRef is the factor applied to a line.
type factorRef struct {
	id       string
	kg       float64
	source   string
	fallback string
	year     int
	unit     string
	restated *factors.Restatement
	gases    *LineGases
}

func fromMatch(m factors.Match) factorRef {
	return factorRef{id: m.ID(), kg: m.KgPerUnit, source: m.Source, fallback: m.Fallback, year: m.Year, unit: m.Unit, restated: m.Restated, gases: gasesOf(m)}
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
			FactorSource: f.source, FactorYear: fy, Quality: q, Basis: basis, Fallback: f.fallback, Restated: f.restated, Gases: f.gases}
		c.lines[k] = l
		if f.fallback != "" {
			c.notes[f.id+": "+f.fallback] = true
		}
		if f.restated != nil {
			c.notes[f.id+": restated, "+f.restated.Reason()] = true
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
