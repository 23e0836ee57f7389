// Package esg writes the annual ESG export: the group's GHG inventory as
// the ESRS E1-6 datapoints, by site, by scope and category, every activity
// line with the factor behind it, the factors used, the trajectory, the
// lever results, offsets, the methodology and a manifest. The data files
// are deterministic for the same input; only the manifest carries the
// generation time.
package esg

import (
	"math"
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

// Site is one site's entry in the export.
type Site struct {
	Inventory *ghg.Inventory
	Name      string
	Country   string
	Profile   string
	Seats     int
	FTE       float64
}

// Offset is compensation retired, reported beside gross emissions.
type Offset struct {
	Year     int
	T        float64
	Registry string
	Project  string
	Vintage  int
}

// Revenue is the group's net revenue for the year (for the intensity).
type Revenue struct {
	Amount   float64
	Currency string
}

// Dataset is everything the export is built from.
type Dataset struct {
	Year  int
	Sites []Site
	// Coverage names the registered sites the year lacks in whole or in
	// part (closed, stopped sending, never sent), in words.
	Coverage    []string
	Group       *ghg.Inventory
	Trajectory  planning.TrajectoryReport
	Offsets     []Offset
	Revenue     *Revenue
	Version     string // greenhelp version
	FactorSet   string
	InputDigest string // sha256 of every input (records, declarations, factor rows and overrides, offsets, revenue, method choices)
	// GWPSet names the GWP100 set of the refrigerant lines (AR6, AR5).
	GWPSet string
	// Prior is the group's inventory of the year before (nil: none).
	Prior *ghg.Inventory
	// Changes decomposes the change from the year before (nil: none).
	Changes *ChangeSet
	// ETSShare is the share of Scope 1 under a regulated ETS (declared).
	ETSShare float64
	// Restatements lists every figure restated since it was published
	// (closed years) and the base-year recalculation.
	Restatements []Restatement
	// SiteYears says how each site counts in each year up to Year:
	// reported, estimated (a silent site), missing, outside the group.
	SiteYears []structure.SiteYear
	// WithRecords adds the records behind every line (the sites'
	// inventories must then hold Records).
	WithRecords bool
	// MethodRestatements are the group's figures of every year up to Year
	// that a change of calculation method restated (method.go).
	MethodRestatements []MethodRestatement
}

// ChangeSet is the year's change decomposition, group and sites.
type ChangeSet struct {
	Method string
	Group  planning.Change
	Sites  []planning.Change
}

// Restatement is one figure published earlier and what it is now.
type Restatement struct {
	Year        int
	Entity      string
	Figure      string
	PublishedT  float64
	CurrentT    float64
	Reason      string
	PublishedOn string
}

// Table is one section of the export: a sheet in XLSX, a file in CSV, a
// key in JSON. Cells are strings, float64 or int.
type Table struct {
	Name string
	Head []string
	Rows [][]any
}

// Datapoint is one ESRS E1-6 figure of the summary.
type Datapoint struct {
	Name        string   `json:"datapoint"`
	Description string   `json:"description"`
	Reference   string   `json:"reference"`
	Value       *float64 `json:"value"`
	Unit        string   `json:"unit"`
	// Text is a datapoint's value when it is not a number (the GWP set),
	// or why a number is missing.
	Text string `json:"text,omitempty"`
}

func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// t rounds tonnes for the export: to the gram, enough for any audit, and
// stable across platforms' float formatting.
func t(v float64) float64 { return round(v, 6) }

func num(v float64) *float64 { x := t(v); return &x }

// Summary returns the ESRS E1-6 datapoints for the group.
func (d Dataset) Summary() []Datapoint {
	g := d.Group
	var seats int
	var fte float64
	for _, s := range d.Sites {
		seats += s.Seats
		fte += s.FTE
	}
	ref := "ESRS E1-6 (Commission Delegated Regulation (EU) 2023/2772)"
	dp := scopeDatapoints(g, ref)
	dp = append(dp, d.methodDatapoints(ref)...)
	dp = append(dp, d.instrumentDatapoints(ref)...)
	dp = append(dp, d.gasDatapoints(ref)...)
	dp = append(dp, d.priorYear(ref)...)
	if d.Revenue != nil && d.Revenue.Amount > 0 {
		unit := "tCO2e per million " + d.Revenue.Currency
		dp = append(dp,
			Datapoint{"GHGIntensityPerNetRevenueLocationBased", "GHG intensity per net revenue, location-based", ref + " §53", num(g.TotalLocationT / (d.Revenue.Amount / 1e6)), unit, ""},
			Datapoint{"GHGIntensityPerNetRevenueMarketBased", "GHG intensity per net revenue, market-based", ref + " §53", num(g.TotalMarketT / (d.Revenue.Amount / 1e6)), unit, ""})
	} else {
		dp = append(dp, Datapoint{"GHGIntensityPerNetRevenue", "GHG intensity per net revenue", ref + " §53", nil, "tCO2e per million", "net revenue not configured (central.yaml esg.revenue)"})
	}
	if seats > 0 {
		dp = append(dp, Datapoint{"GHGIntensityPerSeatMarketBased", "GHG intensity per seat, market-based (entity-specific)", "entity-specific", num(g.TotalMarketT / float64(seats)), "tCO2e per seat", ""})
	}
	if fte > 0 {
		dp = append(dp, Datapoint{"GHGIntensityPerFTEMarketBased", "GHG intensity per FTE, market-based (entity-specific)", "entity-specific", num(g.TotalMarketT / fte), "tCO2e per FTE", ""})
	}
	tr := d.Trajectory.Group
	for _, y := range tr.Years {
		if y.Year == d.Year {
			// The base year has no verdict: the flag is then empty, with why.
			var status *float64
			statusText := ""
			if y.Checked() {
				v := 0.0
				if *y.OnTrack {
					v = 1
				}
				status = &v
			} else {
				statusText = "base year: the trajectory is checked from the year after"
			}
			base := float64(tr.BaseYear)
			dp = append(dp,
				Datapoint{"BaseYear", "Base year of the reduction trajectory (" + d.Trajectory.Label + ")", "ESRS E1-4 §34(b)–(e)", &base, "year", ""})
			// The trajectory's own base: restated or not, the same number.
			note := "the group's base as first reported"
			if r := d.Trajectory.Recalculation; r != nil {
				note = r.Explanation
				dp = append(dp, Datapoint{"BaseYearGHGEmissionsMarketBasedAsFirstReported", "Base-year emissions before the recalculation for structural changes", "GHG Protocol Corporate Standard ch. 5", num(r.OriginalBaseT), "tCO2e", ""})
			}
			rate := d.Trajectory.Rate * 100
			dp = append(dp,
				Datapoint{"BaseYearGHGEmissionsMarketBased", "Base-year emissions, market-based (" + note + ")", "ESRS E1-4 §34(e)", num(tr.BaseT), "tCO2e", ""},
				Datapoint{"GHGEmissionReductionTargetRate", "Reduction target: " + d.Trajectory.Label + ", every site from its own base year", "ESRS E1-4 §34(a)", &rate, "% per year", ""},
				Datapoint{"AllowedGHGEmissionsMarketBased", "Emissions allowed this year by the trajectory", "ESRS E1-4 §34(c)", num(y.AllowedT), "tCO2e", ""},
				Datapoint{"TrajectoryOnTrack", "On track (1) or off track (0) this year", "entity-specific", status, "flag", statusText})
		}
	}
	return dp
}

// Tables returns every section, in the export's order (summary first,
// manifest last).
func (d Dataset) Tables() []Table {
	out := []Table{d.summaryTable(), d.bySite(), d.byScopeCategory(), d.scope3Categories(), d.instrumentSplit(), d.gasesTable(), d.activityLines(), d.factorsUsed(), d.trajectory(),
		d.siteYears(), d.changeDecomposition(), d.restatements(), d.methodRestatements(), d.powerOff(), d.telework(), d.offsets(), d.methodology()}
	if d.WithRecords {
		out = append(out, d.records())
	}
	return append(out, d.manifestTable())
}

func (d Dataset) summaryTable() Table {
	tb := Table{Name: "summary", Head: []string{"datapoint", "description", "reference", "value", "unit", "text"}}
	for _, p := range d.Summary() {
		var v any = ""
		if p.Value != nil {
			v = *p.Value
		}
		tb.Rows = append(tb.Rows, []any{p.Name, p.Description, p.Reference, v, p.Unit, p.Text})
	}
	return tb
}

// datapoint is a figure of the table of scopes as a summary row.
func datapoint(p ghg.Datapoint, ref string, v float64) Datapoint {
	return Datapoint{p.Name, p.Description, ref + " " + p.Paragraph, num(v), "tCO2e", ""}
}

// scopeDatapoints are the E1-6 figures of the table of scopes, in its
// order: each scope outside Scope 3, Scope 3's total, then each category
// at its first scope (and a scope's own breakdown within its category),
// then the two totals.
func scopeDatapoints(g *ghg.Inventory, ref string) []Datapoint {
	var dp []Datapoint
	cats := ghg.Categories()
	done := map[int]bool{}
	for _, s := range ghg.Scopes() {
		if s.Category == 0 {
			dp = append(dp, datapoint(s.Datapoint, ref, s.Of(g)))
			continue
		}
		if len(done) == 0 {
			dp = append(dp, datapoint(ghg.Scope3Figure.Datapoint, ref, g.Scope3T()))
		}
		if !done[s.Category] {
			done[s.Category] = true
			c := cats[s.Category-1]
			dp = append(dp, datapoint(c.Datapoint, ref, c.Of(g)))
		}
		if s.Datapoint.Name != "" {
			dp = append(dp, datapoint(s.Datapoint, ref, s.Of(g)))
		}
	}
	for _, f := range []ghg.Figure{ghg.LocationFigure, ghg.MarketFigure} {
		dp = append(dp, datapoint(f.Datapoint, ref, f.Of(g)))
	}
	return dp
}

// figureHead and figures are an inventory's figures in the by_site
// table: each scope in the table's order, Scope 3's total before its
// categories, then the two totals.
func figureHead() []string {
	var out []string
	for _, f := range figureList() {
		out = append(out, f.Column)
	}
	return out
}

func figures(inv *ghg.Inventory) []any {
	var out []any
	for _, f := range figureList() {
		out = append(out, t(f.Of(inv)))
	}
	return out
}

func figureList() []ghg.Figure {
	var out []ghg.Figure
	s3 := false
	for _, s := range ghg.Scopes() {
		if s.Category > 0 && !s3 {
			s3 = true
			out = append(out, ghg.Scope3Figure)
		}
		out = append(out, ghg.Figure{Field: s.Field, Column: s.Column, Datapoint: s.Datapoint, Of: s.Of})
	}
	return append(out, ghg.LocationFigure, ghg.MarketFigure)
}

func (d Dataset) bySite() Table {
	tb := Table{Name: "by_site", Head: append(append([]string{"site", "name", "country", "profile", "seats", "fte"}, figureHead()...),
		"measured share", "estimated share", "default share")}
	for _, s := range d.Sites {
		q := s.Inventory.Quality
		row := append([]any{s.Inventory.Site, s.Name, s.Country, s.Profile, s.Seats, round(s.FTE, 3)}, figures(s.Inventory)...)
		tb.Rows = append(tb.Rows, append(row, round(q.MeasuredShare, 6), round(q.EstimatedShare, 6), round(q.DefaultShare, 6)))
	}
	return tb
}

func (d Dataset) byScopeCategory() Table {
	tb := Table{Name: "by_scope_category", Head: []string{"entity", "scope", "scope and category", "tCO2e"}}
	add := func(entity string, inv *ghg.Inventory) {
		sum := map[ghg.Scope]float64{}
		for _, l := range inv.Lines {
			sum[l.Scope] += l.T
		}
		for _, s := range ghg.Scopes() {
			tb.Rows = append(tb.Rows, []any{entity, string(s.ID), s.Label, t(sum[s.ID])})
		}
	}
	add("group", d.Group)
	for _, s := range d.Sites {
		add(s.Inventory.Site, s.Inventory)
	}
	return tb
}

func (d Dataset) activityLines() Table {
	tb := Table{Name: "activity_lines", Head: []string{"site", "line", "scope", "kind", "item", "period start", "period end", "quantity", "unit",
		"factor id", "factor (kgCO2e/unit)", "factor source", "factor year", "tCO2e", "quality", "basis", "records", "gases"}}
	from, to := footprint.YearBounds(d.Year)
	for _, s := range d.Sites {
		for i, l := range s.Inventory.Lines {
			tb.Rows = append(tb.Rows, []any{s.Inventory.Site, i + 1, string(l.Scope), l.Kind, l.Item, from.String(), to.AddDays(-1).String(),
				round(l.Quantity, 6), l.Unit, l.FactorID, l.FactorKgPerUnit, l.FactorSource, l.FactorYear, t(l.T), string(l.Quality), l.Basis, l.Records, l.GasLabel()})
		}
	}
	return tb
}

func (d Dataset) factorsUsed() Table {
	tb := Table{Name: "factors_used", Head: []string{"factor id", "kgCO2e per unit", "year", "source", "used by lines"}}
	type use struct {
		kg     float64
		year   int
		source string
		n      int
	}
	seen := map[string]*use{}
	for _, s := range d.Sites {
		for _, l := range s.Inventory.Lines {
			u := seen[l.FactorID]
			if u == nil {
				u = &use{kg: l.FactorKgPerUnit, year: l.FactorYear, source: l.FactorSource}
				seen[l.FactorID] = u
			}
			u.n++
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		u := seen[id]
		tb.Rows = append(tb.Rows, []any{id, u.kg, u.year, u.source, u.n})
	}
	return tb
}

func (d Dataset) trajectory() Table {
	tb := Table{Name: "trajectory", Head: []string{"entity", "method", "base year", "base (tCO2e)", "year", "actual (tCO2e)", "allowed (tCO2e)", "gap (tCO2e)", "gap (%)", "status"}}
	add := func(entity string, tr planning.Track) {
		for _, y := range tr.Years {
			if y.Year > d.Year {
				continue
			}
			tb.Rows = append(tb.Rows, []any{entity, d.Trajectory.Label, tr.BaseYear, t(tr.BaseT), y.Year, t(y.ActualT), t(y.AllowedT), t(y.GapT), round(y.GapPct, 4), y.Verdict()})
		}
	}
	add("group", d.Trajectory.Group)
	for _, s := range d.Trajectory.Sites {
		add(s.Site, s)
	}
	return tb
}

func (d Dataset) powerOff() Table {
	tb := Table{Name: "power_off", Head: []string{"entity", "energy used (kWh)", "energy avoided (kWh)", "emissions avoided (tCO2e)", "compliance"}}
	add := func(entity string, po ghg.PowerOff) {
		var comp any = ""
		if po.Compliance != nil {
			comp = round(*po.Compliance, 6)
		}
		tb.Rows = append(tb.Rows, []any{entity, round(po.UsedKWh, 3), round(po.AvoidedKWh, 3), t(po.AvoidedT), comp})
	}
	add("group", d.Group.PowerOff)
	for _, s := range d.Sites {
		add(s.Inventory.Site, s.Inventory.PowerOff)
	}
	return tb
}

func (d Dataset) telework() Table {
	tb := Table{Name: "telework", Head: []string{"entity", "remote person-days", "on-site person-days", "remote share", "commuting (tCO2e)", "home-working (tCO2e)"}}
	add := func(entity string, inv *ghg.Inventory) {
		var share any = ""
		if inv.Telework.RemoteShare != nil {
			share = round(*inv.Telework.RemoteShare, 6)
		}
		tb.Rows = append(tb.Rows, []any{entity, round(inv.Telework.RemotePersonDays, 3), round(inv.Telework.OnsitePersonDays, 3), share, t(inv.Scope3CommutingT), t(inv.Scope3HomeworkingT)})
	}
	add("group", d.Group)
	for _, s := range d.Sites {
		add(s.Inventory.Site, s.Inventory)
	}
	return tb
}

func (d Dataset) offsets() Table {
	tb := Table{Name: "offsets", Head: []string{"year retired", "tCO2e", "registry", "project", "vintage", "note"}}
	for _, o := range d.Offsets {
		tb.Rows = append(tb.Rows, []any{o.Year, t(o.T), o.Registry, o.Project, o.Vintage, "not netted from gross emissions"})
	}
	return tb
}

func (d Dataset) methodology() Table {
	tb := Table{Name: "methodology", Head: []string{"topic", "text"}}
	for _, m := range [][2]string{
		{"standards", "GHG Protocol Corporate Standard and Scope 2 Guidance (2015); GHG Protocol Scope 3 Standard, categories 2 (IT equipment), 6 and 7; ESRS E1-6 (Commission Delegated Regulation (EU) 2023/2772)."},
		{"organisational boundary", "Operational control: every contact-centre site of the group with data in the reporting year."},
		{"scope 2 location-based", "Grid consumption × the yearly combustion (direct) grid factor of the site's country: the national published factor where one was read (UK DESNZ, US EPA eGRID, India CEA, South Africa DFFE), else Ember's lifecycle intensity (Ember Yearly Electricity Data, CC BY 4.0) × the direct share of Ember's emissions by fuel (IPCC AR5 WG3 Annex III direct/lifecycle ratios); each line names its factor row. The latest published year stands in where the reporting year is not published, as recorded per line."},
		{"scope 2 market-based", "GHG Protocol Scope 2 Guidance hierarchy: consumption covered by energy attribute certificates or PPAs at the instrument's rate (0 kgCO2e/kWh for renewables), each checked for its market (a GO in the EU/EEA or its issuing country, a REGO in Great Britain, a REC in the US and Canada, an I-REC or a PPA in its country), its vintage (generated from six months before to three months after the reporting year) and the site's consumption (the excess not counted, said); the rest at the supplier-specific factor when declared, else at the residual mix of the country and year (AIB European Residual Mixes 2023–2025, direct CO2; for another year the nearest earlier edition stands in, before 2023 the 2023 edition, said per line), else — no residual mix published (outside the EU, Austria and the Netherlands: full disclosure) — at the location-based factor, said per line. Colocation the group buys: the facility country's residual mix. On-site solar counts 0 under both methods. The split by instrument is the table scope2_market_instruments."},
		{"scope 1", "Fuels × UK DESNZ conversion factors (combustion): diesel as the UK average biofuel blend at UK sites, 100 % mineral elsewhere; refrigerant leaks (top-ups) × GWP100."},
		{"GWP set", d.gwpText()},
		{"emissions by gas", "Each line is split by gas where its factor's source publishes the split (UK DESNZ 2025: kg CO2e of CO2, CH4 and N2O per unit, GWP100 AR5 — the basis of DESNZ's tables, whose refrigerant rows carry AR5 values; the with-RF flights' CO2 part holds DESNZ's radiative-forcing uplift), a refrigerant leak of an HFC or HFC blend is that HFC at the inventory's GWP set, and every other line is CO2e only (grid electricity, hotels, well-to-tank, the fuels — no readable split yet —, factors restated by a method change, HCFC-22 and propane). The CO2e-only row also holds DESNZ's rounding between a split's parts and its total. Which set applies to which lines: " + gwpByLines(d.Group) + ". The table emissions_by_gas adds up to by_scope_category."},
		{"scope 3 category 3", "Fuels' well-to-tank (DESNZ WTT factors for every fuel of the library; a fuel without a WTT row is noted and left out); the upstream of grid electricity's generation (kWh × the lifecycle factor less its combustion part: GHG Protocol Scope 3 Technical Guidance, category 3 activity B); the transmission and distribution losses (activity C): kWh lost = consumption × loss share ÷ (1 − loss share), the share of output lost from the World Bank WDI series EG.ELC.LOSS.ZS (CC BY 4.0; the world average where a country has none, noted) or DESNZ for the UK, × the combustion and the upstream factors. Colocation whose electricity the group buys is counted the same way. Computed from location-based factors and counted in both totals. Boundary: " + ghg.UpstreamBoundary + "."},
		{"year-on-year change", planning.DecompositionMethod + "; on market-based totals. Methodology changes (GWP set, boundary, factor choice per item) are applied to every year, so earlier years are restated; the yearly factor updates (Ember's grid, DESNZ's yearly tables) stay year-specific and show as the emission-factor effect."},
		{"base-year recalculation", "Policy (GHG Protocol Corporate Standard ch. 5): the group's structure is read from declared events (greenhelp sites event), never from whether data arrived. Acquisitions, divestments, outsourcing and insourcing are structural changes: an acquired unit weighs its base-year emissions from its own records (nothing when it has no full year of them then: a unit that did not exist in the base year restates nothing), a divested one what the base counted of it. When their weights together reach the significance threshold of the base-year emissions, the base and every year are restated on the present structure (an acquired unit enters the years before it with its own figures; a divested one leaves every year up to it). Openings, closures and sites joining without an event are organic growth or decline: never restated. Every change is listed in restatements with its weight."},
		{"silent sites", "A site that stops sending stays in the boundary (a completeness gap, never a divestment): the months of its part of a year with no record are estimated from its last full year's inventory × their days ÷ the year's days, each line marked 'estimated' with its basis — so that the group's figures stay complete and the comparison with the base fair (left out, the gap would read as a reduction). With no full year before, the months are left out and said missing. site_years lists how every site counts in every year; the base year stays as it was."},
		{"scope 3 category 2", "IT equipment bought (purchase records: devices per class) × cradle-to-gate factors per device (ADEME/Arcep 2022 for desktops, laptops and monitors; Boavizta's median of manufacturers' footprints for thin clients), counted whole in the year of purchase."},
		{"scope 3 category 6", "Business travel per passenger-km × UK DESNZ factors (flights of UK sites by haul and class, of other sites DESNZ's international to/from non-UK factors, with radiative forcing; cars per vehicle-km with one occupant; taxi, bus, coach, rail; France rail: ADEME); hotels per room-night by country (DESNZ), else the median of DESNZ's countries. IATA pairs are converted to great-circle distance + 8 % (DESNZ)."},
		{"scope 3 category 7 commuting", "On-site person-days × each commute-survey mode's share × 2 × one-way km × the mode's factor (cars per vehicle-km, one occupant; carpool as vehicle-km ÷ occupancy; rail as suburban rail — ADEME RER/Transilien in France — unless surveyed as rail_high_speed). Without attendance records: FTE × 220 working days (quality 'default'). Without a survey: the profile's default split (quality 'default')."},
		{"scope 3 category 7 home-working", "Remote person-days × working hours × a home-working factor: DESNZ 2024 method (equipment energy and heating) adapted to the site's climate (HDD/CDD) and grid; see each line's factor source."},
		{"prorating", "Activity records are site-local periods (day or bill period, at most a year); a record straddling the year is prorated by days."},
		{"estimation and data quality", "Each line is 'measured' (meter, log, booking), 'estimated' (survey, estimate from schedule) or 'default' (a profile or greenhelp assumption); the by_site shares are of the location-based total."},
		{"levers reported beside", "PC power-off avoided emissions, telework shares and offsets are reported beside gross emissions, never subtracted from them."},
		{"trajectory", "Each site against its own base year (first full year of data unless configured); the group against its base year's emissions as the recalculation states them (BaseYearGHGEmissionsMarketBased, the trajectory table's base): allowed = base × the method's factor, each year's actual on the same structure; " + d.Trajectory.Label + " on market-based totals."},
		{"factor set", d.FactorSet + "; every factor used is listed in factors_used with its source and year."},
	} {
		tb.Rows = append(tb.Rows, []any{m[0], m[1]})
	}
	for _, c := range d.Coverage {
		tb.Rows = append(tb.Rows, []any{"site coverage", c})
	}
	return tb
}

func (d Dataset) manifestTable() Table {
	return Table{Name: "manifest", Head: []string{"key", "value"}, Rows: [][]any{
		{"greenhelp version", d.Version}, {"reporting year", d.Year}, {"factor set", d.FactorSet}, {"GWP set", d.gwpName()},
		{"input digest (sha256)", d.InputDigest}, {"sites", len(d.Sites)},
		{"generation time and file digests", "in the manifest file written beside the export (kept out of the data files so that a rerun is byte-identical)"},
	}}
}

// safeName keeps a file name to letters, digits, '-', '_' and '.'.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, s)
}
