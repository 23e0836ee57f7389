package ghg

import (
	"fmt"
	"strings"
)

// Scope labels an inventory line (GHG Protocol scope and, for scope 3, the
// category).
type Scope string

// The scopes and categories greenhelp reports, each a row of scopeTable.
const (
	Scope1         Scope = "1"
	Scope2Location Scope = "2-location"
	Scope2Market   Scope = "2-market"
	// Scope3PurchasedGoods is category 1, purchased goods and services:
	// colocation whose electricity the provider buys, and the cloud (it.go).
	Scope3PurchasedGoods Scope = "3.1"
	Scope3CapitalGoods   Scope = "3.2"
	// Scope3FuelEnergy is category 3, fuel- and energy-related activities
	// not in Scope 1 or 2: the fuels' well-to-tank, the upstream of the
	// grid electricity's generation and its transmission and distribution
	// losses (UpstreamBoundary). Counted the same in both totals: it is
	// computed from location-based factors only.
	Scope3FuelEnergy     Scope = "3.3"
	Scope3BusinessTravel Scope = "3.6"
	Scope3Commuting      Scope = "3.7-commuting"
	Scope3Homeworking    Scope = "3.7-homeworking"
)

// Datapoint names an ESRS E1-6 datapoint a figure is exported as.
type Datapoint struct {
	Name        string
	Description string
	// Paragraph is where ESRS E1 asks for it ("§44(a), §48(a)"), after the
	// regulation's name.
	Paragraph string
}

// ScopeInfo is one row of the table of scopes: everything the totals, the
// order of lines, the export, the pages and the CLI know of a scope or
// category. Its place in Scopes() is its order in every output.
type ScopeInfo struct {
	ID Scope
	// Label names it in the export's by_scope_category table.
	Label string
	// Column heads its figure in the export's by_site table.
	Column string
	// Chart names its series in the pages' scopes chart.
	Chart string
	// Text names its figure in `greenhelp calc`'s table; Head heads its
	// column in `greenhelp report`'s.
	Text, Head string
	// Field is the Inventory's JSON member that holds its total (and the
	// column of `greenhelp report --format csv`).
	Field string
	// Category is its GHG Protocol Scope 3 category (1–15); 0 for Scopes 1
	// and 2.
	Category int
	// Location and Market say whether it counts in the location-based and
	// in the market-based total.
	Location, Market bool
	// Datapoint is the ESRS E1-6 datapoint of its own figure: Scopes 1 and
	// 2, or a breakdown within a category ("" Name: its category's
	// datapoint holds it).
	Datapoint Datapoint
	// total is the Inventory field it feeds.
	total func(*Inventory) *float64
}

// Of is the scope's total in inv.
func (s ScopeInfo) Of(inv *Inventory) float64 { return *s.total(inv) }

// scopeTable is the one list of scopes, in their order. Adding a scope is
// a row here (and its Inventory field, and its constant above).
var scopeTable = []ScopeInfo{
	{ID: Scope1, Label: "Scope 1", Column: "scope 1 (tCO2e)", Chart: "Scope 1",
		Text: "Scope 1 (fuels, refrigerants)", Head: "SCOPE 1", Field: "scope1_t", Location: true, Market: true,
		Datapoint: Datapoint{"GrossScope1GreenhouseGasEmissions", "Gross Scope 1 GHG emissions", "§44(a), §48(a)"},
		total:     func(i *Inventory) *float64 { return &i.Scope1T }},
	{ID: Scope2Location, Label: "Scope 2 location-based", Column: "scope 2 location (tCO2e)", Chart: "Scope 2 location-based",
		Text: "Scope 2 location-based", Head: "SCOPE 2 LOC", Field: "scope2_location_t", Location: true,
		Datapoint: Datapoint{"GrossLocationBasedScope2GreenhouseGasEmissions", "Gross location-based Scope 2 GHG emissions", "§44(b), §49(a)"},
		total:     func(i *Inventory) *float64 { return &i.Scope2LocationT }},
	{ID: Scope2Market, Label: "Scope 2 market-based", Column: "scope 2 market (tCO2e)", Chart: "Scope 2 market-based",
		Text: "Scope 2 market-based", Head: "SCOPE 2 MKT", Field: "scope2_market_t", Market: true,
		Datapoint: Datapoint{"GrossMarketBasedScope2GreenhouseGasEmissions", "Gross market-based Scope 2 GHG emissions", "§44(b), §49(b)"},
		total:     func(i *Inventory) *float64 { return &i.Scope2MarketT }},
	{ID: Scope3PurchasedGoods, Label: "Scope 3 category 1 purchased goods and services (colocation, cloud)", Column: "scope 3.1 purchased goods and services (tCO2e)", Chart: "3.1 colocation & cloud",
		Text: "Scope 3.1 colocation and cloud", Head: "3.1 COLO+CLOUD", Field: "scope3_purchased_goods_t", Category: 1, Location: true, Market: true,
		total: func(i *Inventory) *float64 { return &i.Scope3PurchasedGoodsT }},
	{ID: Scope3CapitalGoods, Label: "Scope 3 category 2 capital goods (IT equipment)", Column: "scope 3.2 capital goods (tCO2e)", Chart: "3.2 IT equipment",
		Text: "Scope 3.2 IT equipment bought", Head: "3.2 IT", Field: "scope3_capital_goods_t", Category: 2, Location: true, Market: true,
		total: func(i *Inventory) *float64 { return &i.Scope3CapitalGoodsT }},
	{ID: Scope3FuelEnergy, Label: "Scope 3 category 3 fuel- and energy-related activities", Column: "scope 3.3 fuel and energy (tCO2e)", Chart: "3.3 fuel & energy upstream",
		Text: "Scope 3.3 fuel & energy upstream", Head: "3.3 UPSTREAM", Field: "scope3_fuel_energy_t", Category: 3, Location: true, Market: true,
		total: func(i *Inventory) *float64 { return &i.Scope3FuelEnergyT }},
	{ID: Scope3BusinessTravel, Label: "Scope 3 category 6 business travel", Column: "scope 3.6 business travel (tCO2e)", Chart: "3.6 business travel",
		Text: "Scope 3.6 business travel", Head: "3.6 TRAVEL", Field: "scope3_business_travel_t", Category: 6, Location: true, Market: true,
		total: func(i *Inventory) *float64 { return &i.Scope3BusinessTravelT }},
	{ID: Scope3Commuting, Label: "Scope 3 category 7 commuting", Column: "scope 3.7 commuting (tCO2e)", Chart: "3.7 commuting",
		Text: "Scope 3.7 commuting", Head: "3.7 COMMUTE", Field: "scope3_commuting_t", Category: 7, Location: true, Market: true,
		total: func(i *Inventory) *float64 { return &i.Scope3CommutingT }},
	{ID: Scope3Homeworking, Label: "Scope 3 category 7 home-working", Column: "scope 3.7 home-working (tCO2e)", Chart: "3.7 home-working",
		Text: "Scope 3.7 home-working", Head: "3.7 HOME", Field: "scope3_homeworking_t", Category: 7, Location: true, Market: true,
		Datapoint: Datapoint{"GrossScope3Category7HomeWorking", "of which home-working (entity-specific breakdown)", "§51"},
		total:     func(i *Inventory) *float64 { return &i.Scope3HomeworkingT }},
}

// Category is one of the GHG Protocol Scope 3 Standard's fifteen
// categories, as the inventory treats it.
type Category struct {
	Number int
	Name   string
	// Boundary says what the inventory counts in it or why it leaves it
	// out (the export's scope3_categories table). A category is included
	// when a scope of the table is in it.
	Boundary string
	// Datapoint is the ESRS E1-6 datapoint of its emissions, when included.
	Datapoint Datapoint
}

// categoryTable is the fifteen categories, in number order.
var categoryTable = []Category{
	{1, "Purchased goods and services", "IT bought as a service: colocation whose electricity the provider buys (IT energy × PUE × the facility's grid) and the cloud (the providers' own reports, else usage × Cloud Carbon Footprint coefficients × the region's grid); other purchased goods and services not yet measured (no spend data collected)",
		Datapoint{"GrossScope3GreenhouseGasEmissionsCategory1PurchasedGoodsAndServices", "Scope 3 category 1: purchased goods and services (colocation whose electricity the provider buys; cloud)", "§51, AR 46"}},
	{2, "Capital goods", "IT equipment bought (purchase records), cradle to gate; buildings and furniture not measured",
		Datapoint{"GrossScope3GreenhouseGasEmissionsCategory2CapitalGoods", "Scope 3 category 2: capital goods (IT equipment bought, cradle to gate)", "§51, AR 46"}},
	{3, "Fuel- and energy-related activities", "fuels' well-to-tank (DESNZ); upstream of grid electricity's generation (the lifecycle grid factor less its combustion part, which is Scope 2); grid T&D losses at the country's loss share (World Bank/IEA, the world's where a country has none; DESNZ for the UK), their combustion and upstream; location-based factors, the same in both totals",
		Datapoint{"GrossScope3GreenhouseGasEmissionsCategory3FuelAndEnergyRelatedActivities", "Scope 3 category 3: fuel- and energy-related activities (fuels' well-to-tank, upstream of purchased electricity, grid T&D losses)", "§51, AR 46"}},
	{4, "Upstream transportation and distribution", "not relevant: a service business without significant inbound freight", Datapoint{}},
	{5, "Waste generated in operations", "not yet measured: office waste, expected to be small", Datapoint{}},
	{6, "Business travel", "flights, rail, cars, taxis, buses and hotel nights from travel bookings",
		Datapoint{"GrossScope3GreenhouseGasEmissionsCategory6BusinessTravel", "Scope 3 category 6: business travel", "§51, AR 46"}},
	{7, "Employee commuting", "commute surveys × on-site days, and home-working",
		Datapoint{"GrossScope3GreenhouseGasEmissionsCategory7EmployeeCommuting", "Scope 3 category 7: employee commuting, incl. home-working", "§51, AR 46"}},
	{8, "Upstream leased assets", "included in Scopes 1 and 2: leased offices are under operational control", Datapoint{}},
	{9, "Downstream transportation and distribution", "not relevant: no products shipped", Datapoint{}},
	{10, "Processing of sold products", "not relevant: services only", Datapoint{}},
	{11, "Use of sold products", "not relevant: services only", Datapoint{}},
	{12, "End-of-life treatment of sold products", "not relevant: services only", Datapoint{}},
	{13, "Downstream leased assets", "not relevant: no assets leased out", Datapoint{}},
	{14, "Franchises", "not relevant: no franchises", Datapoint{}},
	{15, "Investments", "not relevant: no financial investments reported by the group", Datapoint{}},
}

// Figure is one of an inventory's published figures: a scope outside
// Scope 3, Scope 3's total or a grand total.
type Figure struct {
	// Field is its JSON member (and its key in a closed year).
	Field string
	// Column heads it in the export's by_site table.
	Column    string
	Datapoint Datapoint
	Of        func(*Inventory) float64
}

// The figures that add scopes up.
var (
	Scope3Figure = Figure{Field: "scope3_t", Column: "scope 3 total (tCO2e)",
		Datapoint: Datapoint{"GrossScope3GreenhouseGasEmissions", "Gross Scope 3 GHG emissions (" + includedCategories() + ")", "§44(c), §51"},
		Of:        (*Inventory).Scope3T}
	LocationFigure = Figure{Field: "total_location_t", Column: "total location (tCO2e)",
		Datapoint: Datapoint{"TotalGHGEmissionsLocationBased", "Total GHG emissions, location-based", "§44(d), §52(a)"},
		Of:        func(i *Inventory) float64 { return i.TotalLocationT }}
	MarketFigure = Figure{Field: "total_market_t", Column: "total market (tCO2e)",
		Datapoint: Datapoint{"TotalGHGEmissionsMarketBased", "Total GHG emissions, market-based", "§44(d), §52(b)"},
		Of:        func(i *Inventory) float64 { return i.TotalMarketT }}
)

// scopeIndex is each scope's place in scopeTable.
var scopeIndex = func() map[Scope]int {
	m := make(map[Scope]int, len(scopeTable))
	for i, s := range scopeTable {
		m[s.ID] = i
	}
	return m
}()

// Scopes returns the table of scopes, in their order.
func Scopes() []ScopeInfo { return append([]ScopeInfo(nil), scopeTable...) }

// ScopeOf returns a scope's row (ok false for a scope not in the table).
func ScopeOf(id Scope) (ScopeInfo, bool) {
	i, ok := scopeIndex[id]
	if !ok {
		return ScopeInfo{}, false
	}
	return scopeTable[i], true
}

// Categories returns the fifteen Scope 3 categories, in number order.
func Categories() []Category { return append([]Category(nil), categoryTable...) }

// Included says whether a scope of the table is in the category.
func (c Category) Included() bool {
	for _, s := range scopeTable {
		if s.Category == c.Number {
			return true
		}
	}
	return false
}

// Of is the category's emissions in inv: the sum of its scopes, in the
// table's order.
func (c Category) Of(inv *Inventory) float64 {
	t := 0.0
	for _, s := range scopeTable {
		if s.Category == c.Number {
			t += s.Of(inv)
		}
	}
	return t
}

// Headline returns the figures a year is published and compared by, in
// order: every scope outside Scope 3, Scope 3's total, the two totals.
func Headline() []Figure {
	var out []Figure
	for _, s := range scopeTable {
		if s.Category == 0 {
			out = append(out, Figure{Field: s.Field, Column: s.Column, Datapoint: s.Datapoint, Of: s.Of})
		}
	}
	return append(out, Scope3Figure, LocationFigure, MarketFigure)
}

// includedCategories is "categories 1, 2, 3, 6 and 7": the categories the
// table's scopes fall in.
func includedCategories() string {
	var ns []string
	for _, c := range categoryTable {
		if c.Included() {
			ns = append(ns, fmt.Sprint(c.Number))
		}
	}
	switch len(ns) {
	case 0:
		return "no category"
	case 1:
		return "category " + ns[0]
	}
	return "categories " + strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

// CompareScopes orders two scopes by the table, a scope not in it after
// every one that is, by its id.
func CompareScopes(a, b Scope) int {
	ia, oka := scopeIndex[a]
	ib, okb := scopeIndex[b]
	switch {
	case oka && okb:
		return ia - ib
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(string(a), string(b))
}
