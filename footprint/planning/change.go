package planning

import (
	"sort"

	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// Effects splits a change in emissions (tCO2e) into its causes. They add
// up exactly to the change: ActivityT + MixT + FactorT + WeatherT +
// StructureT = ΔE.
type Effects struct {
	// ActivityT is what the amount of activity alone moved: kWh, litres,
	// passenger-km, person-days… (the weather's part set apart).
	ActivityT float64 `json:"activity_t"`
	// MixT is what the activity's mix within a line moved at the same
	// amount: travel class, hotel country, certificate share — the shares
	// of the factor rows a line's activity falls on.
	MixT float64 `json:"mix_t"`
	// FactorT is what the emission factors alone moved: grid
	// decarbonisation, a supplier's new rate. A change of method is not
	// among them: it restates every year (factors.Restatement), so both
	// years of a change stand on the same method.
	FactorT float64 `json:"factor_t"`
	// WeatherT is the part of the activity the year's weather against the
	// year before's explains, for the sites normalising their energy both
	// years, at the same factors as the activity effect (mix.go).
	WeatherT float64 `json:"weather_t"`
	// StructureT is what sites joining (+ their emissions) and leaving
	// (− their emissions of the year before) moved.
	StructureT float64 `json:"structure_t"`
}

// TotalT is the change the effects explain.
func (e Effects) TotalT() float64 {
	return e.ActivityT + e.MixT + e.FactorT + e.WeatherT + e.StructureT
}

func (e *Effects) add(o Effects) {
	e.ActivityT += o.ActivityT
	e.MixT += o.MixT
	e.FactorT += o.FactorT
	e.WeatherT += o.WeatherT
	e.StructureT += o.StructureT
}

// ScopeChange is one scope or category's part of a Change.
type ScopeChange struct {
	Scope ghg.Scope `json:"scope"`
	FromT float64   `json:"from_t"`
	ToT   float64   `json:"to_t"`
	Effects
}

// Change is the year-on-year change of a site's or the group's
// market-based total (the trajectory's basis), split into activity,
// emission-factor and structural effects.
type Change struct {
	Entity   string `json:"entity"`
	FromYear int    `json:"from_year"`
	ToYear   int    `json:"to_year"`
	// Status is "continuing", "joined" (no data the year before) or "left"
	// (no data this year); for the group, "group".
	Status string  `json:"status"`
	FromT  float64 `json:"from_t"`
	ToT    float64 `json:"to_t"`
	// ChangeT is ToT − FromT; ChangePct the same against FromT (nil when
	// FromT is 0).
	ChangeT   float64  `json:"change_t"`
	ChangePct *float64 `json:"change_pct"`
	Effects
	// AtConstantFactorsT is this year's emissions without the factor
	// effect (ToT − FactorT: FromT + activity, mix, weather and structure
	// effects): progress read without the factor changes.
	AtConstantFactorsT float64 `json:"at_constant_factors_t"`
	// AtConstantFactorsPct is the change at constant factors, in %.
	AtConstantFactorsPct *float64      `json:"at_constant_factors_pct"`
	ByScope              []ScopeChange `json:"by_scope"`
	// WeatherSites is the number of sites whose weather part is known
	// (normalising their energy both years); WeatherT is 0 without one.
	WeatherSites int `json:"weather_sites,omitempty"`
}

// DecompositionMethod names the method in every output.
const DecompositionMethod = "three-factor Shapley (Sun 1998; Ang, Liu & Chew 2003) per line and factor row, E = A·s·f (amount, the row's share of the line's amount, factor): ΔE = activity + mix + factor, exact with rows that appear or disappear (their factor held); the weather's part of the amount at the same weights; sites joining or leaving are the structural effect; method changes restate both years alike"

type changeKey struct {
	scope            ghg.Scope
	kind, item, unit string
}

// SiteChange decomposes one site's change from prev (year before, nil when
// the site had no data) to cur (nil when it has none this year).
func SiteChange(site string, fromYear int, prev, cur *ghg.Inventory) Change {
	c := Change{Entity: site, FromYear: fromYear, ToYear: fromYear + 1, Status: "continuing"}
	p, n := marketLines(prev), marketLines(cur)
	w0, w1 := weatherShares(prev), weatherShares(cur)
	byScope := map[ghg.Scope]*ScopeChange{}
	scope := func(s ghg.Scope) *ScopeChange {
		if byScope[s] == nil {
			byScope[s] = &ScopeChange{Scope: s}
		}
		return byScope[s]
	}
	// In the keys' order, so that the sums (and their last digits) are
	// the same on every run.
	for _, k := range changeKeys(p, n) {
		a0, a1 := p[k], n[k]
		var e Effects
		switch {
		case prev == nil:
			e = Effects{StructureT: a1.t}
		case cur == nil:
			e = Effects{StructureT: -a0.t}
		default:
			e = decompose(a0, a1, w0, w1, k)
		}
		sc := scope(k.scope)
		sc.FromT += a0.t
		sc.ToT += a1.t
		sc.Effects.add(e)
		c.FromT += a0.t
		c.ToT += a1.t
		c.Effects.add(e)
	}
	switch {
	case prev == nil:
		c.Status = "joined"
	case cur == nil:
		c.Status = "left"
	}
	if prev != nil && cur != nil && bothYears(w0, w1) {
		c.WeatherSites = 1
	}
	c.ByScope = sortedScopes(byScope)
	c.finish()
	return c
}

func (c *Change) finish() {
	c.ChangeT = c.ToT - c.FromT
	c.AtConstantFactorsT = c.ToT - c.FactorT
	if c.FromT > 0 {
		p := c.ChangeT / c.FromT * 100
		q := (c.AtConstantFactorsT - c.FromT) / c.FromT * 100
		c.ChangePct, c.AtConstantFactorsPct = &p, &q
	}
}

// changeKeys is every key of the two years, by scope (the table's
// order), kind, item and unit.
func changeKeys(p, n map[changeKey]lineAgg) []changeKey {
	keys := make([]changeKey, 0, len(p)+len(n))
	for k := range p {
		keys = append(keys, k)
	}
	for k := range n {
		if _, ok := p[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if c := ghg.CompareScopes(a.scope, b.scope); c != 0 {
			return c < 0
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.item != b.item {
			return a.item < b.item
		}
		return a.unit < b.unit
	})
	return keys
}

// sortedScopes lists the scopes' changes in the table's order (one per
// scope: the map's key).
func sortedScopes(m map[ghg.Scope]*ScopeChange) []ScopeChange {
	out := make([]ScopeChange, 0, len(m))
	for _, sc := range m {
		out = append(out, *sc)
	}
	sort.Slice(out, func(i, j int) bool { return ghg.CompareScopes(out[i].Scope, out[j].Scope) < 0 })
	return out
}

// GroupChange decomposes the group's change from fromYear to the next
// year: prev and cur hold the sites' inventories of each year (a site
// absent from one side joined or left). It returns the group's change and
// every site's, sites sorted by id; the group's effects are the sum of the
// sites'.
func GroupChange(fromYear int, prev, cur []*ghg.Inventory) (Change, []Change) {
	bySite := map[string][2]*ghg.Inventory{}
	for _, inv := range prev {
		e := bySite[inv.Site]
		e[0] = inv
		bySite[inv.Site] = e
	}
	for _, inv := range cur {
		e := bySite[inv.Site]
		e[1] = inv
		bySite[inv.Site] = e
	}
	ids := make([]string, 0, len(bySite))
	for id := range bySite {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	g := Change{Entity: "group", FromYear: fromYear, ToYear: fromYear + 1, Status: "group"}
	byScope := map[ghg.Scope]*ScopeChange{}
	var sites []Change
	for _, id := range ids {
		e := bySite[id]
		sc := SiteChange(id, fromYear, e[0], e[1])
		g.WeatherSites += sc.WeatherSites
		sites = append(sites, sc)
		g.FromT += sc.FromT
		g.ToT += sc.ToT
		g.Effects.add(sc.Effects)
		for _, s := range sc.ByScope {
			if byScope[s.Scope] == nil {
				byScope[s.Scope] = &ScopeChange{Scope: s.Scope}
			}
			b := byScope[s.Scope]
			b.FromT += s.FromT
			b.ToT += s.ToT
			b.Effects.add(s.Effects)
		}
	}
	g.ByScope = sortedScopes(byScope)
	g.finish()
	return g, sites
}
