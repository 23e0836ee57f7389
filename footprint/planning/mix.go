package planning

import (
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// rowAgg is one factor series' activity and tonnes within a line key.
type rowAgg struct{ qty, t float64 }

// lineAgg is one line key's activity and emissions in a year, and their
// split over the factor series the activity fell on (the rows, without
// their year: a class's, a country's, a contract's).
type lineAgg struct {
	qty, t float64
	rows   map[string]rowAgg
}

// marketLines sums an inventory's market-based lines (every line but
// Scope 2 location-based) per scope, kind, item and unit, and within each
// per factor series: two years' lines meet on that key whatever year's
// row each used, and their mix on the series.
func marketLines(inv *ghg.Inventory) map[changeKey]lineAgg {
	out := map[changeKey]lineAgg{}
	if inv == nil {
		return out
	}
	for _, l := range inv.Lines {
		if l.Scope == ghg.Scope2Location {
			continue
		}
		k := changeKey{l.Scope, l.Kind, l.Item, l.Unit}
		a := out[k]
		if a.rows == nil {
			a.rows = map[string]rowAgg{}
		}
		a.qty += l.Quantity
		a.t += l.T
		r := a.rows[series(l.FactorID)]
		r.qty += l.Quantity
		r.t += l.T
		a.rows[series(l.FactorID)] = r
		out[k] = a
	}
	return out
}

// series is a factor id without its year (kind/item/region), or the id as
// it is when it names no year (a contract, a profile's figure).
func series(id string) string {
	if i := strings.LastIndexByte(id, '/'); i > 0 && strings.Count(id, "/") == 3 {
		return id[:i]
	}
	return id
}

// decompose splits one line key's change, E = Σ A·sᵢ·fᵢ over its factor
// series (A the amount, sᵢ a series' share of it, fᵢ its factor), by the
// three-factor Shapley formula per series:
//
//	activity = ΔA·[(s₀f₀ + s₁f₁)/3 + (s₁f₀ + s₀f₁)/6]
//	mix      = Δs·[(A₀f₀ + A₁f₁)/3 + (A₁f₀ + A₀f₁)/6]
//	factor   = ΔE − activity − mix
//
// which is exact. A series that appears or disappears keeps its factor
// (f₀ = f₁: a new class or country is mix, not a factor); a key that
// appears or disappears keeps its shares (all activity). The weather's
// part of ΔA (weather shares ω of the key's carrier both years, at the
// same weights) is WeatherT, the rest ActivityT.
func decompose(a0, a1 lineAgg, w0, w1 map[carrier]float64, k changeKey) Effects {
	ids := make([]string, 0, len(a0.rows)+len(a1.rows))
	for id := range a0.rows {
		ids = append(ids, id)
	}
	for id := range a1.rows {
		if _, ok := a0.rows[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	A0, A1 := a0.qty, a1.qty
	var e Effects
	var weight float64 // ∂activity/∂A: the activity effect per unit of ΔA
	for _, id := range ids {
		r0, r1 := a0.rows[id], a1.rows[id]
		f0, f1 := ratio(r0.t, r0.qty), ratio(r1.t, r1.qty)
		switch {
		case r0.qty == 0:
			f0 = f1
		case r1.qty == 0:
			f1 = f0
		}
		s0, s1 := ratio(r0.qty, A0), ratio(r1.qty, A1)
		switch {
		case A0 == 0:
			s0 = s1
		case A1 == 0:
			s1 = s0
		}
		w := (s0*f0+s1*f1)/3 + (s1*f0+s0*f1)/6
		act := (A1 - A0) * w
		mix := (s1 - s0) * ((A0*f0+A1*f1)/3 + (A1*f0+A0*f1)/6)
		weight += w
		e.ActivityT += act
		e.MixT += mix
		e.FactorT += (r1.t - r0.t) - act - mix
	}
	if c, ok := carrierOf(k); ok {
		o0, ok0 := w0[c]
		o1, ok1 := w1[c]
		if ok0 && ok1 {
			e.WeatherT = (o1*A1 - o0*A0) * weight
			e.ActivityT -= e.WeatherT
		}
	}
	return e
}

// carrier is a weather-normalised energy carrier: a fuel, or electricity
// (item "").
type carrier struct{ kind, item string }

// carrierOf is the carrier a line key's amount is of: a fuel's Scope 1
// and its well-to-tank, and every electricity line (Scope 2, its upstream
// and its T&D losses, all in proportion to the kWh drawn).
func carrierOf(k changeKey) (carrier, bool) {
	switch k.kind {
	case "electricity":
		return carrier{kind: "electricity"}, true
	case "fuel":
		return carrier{kind: "fuel", item: k.item}, true
	}
	return carrier{}, false
}

// weatherShares is, per normalised carrier of the year, the share of its
// consumption the year's weather added against a normal year: (Actual −
// Normalised) / Actual. A line's weather amount is that share of its
// amount (on-site solar counted in the site's consumption as weather
// normalisation counts it).
func weatherShares(inv *ghg.Inventory) map[carrier]float64 {
	out := map[carrier]float64{}
	if inv == nil || inv.Weather == nil {
		return out
	}
	for _, c := range inv.Weather.Carriers {
		if c.Normalised == nil || c.Actual <= 0 {
			continue
		}
		out[carrier{c.Kind, c.Item}] = (c.Actual - *c.Normalised) / c.Actual
	}
	return out
}

// bothYears says whether some carrier is normalised both years.
func bothYears(w0, w1 map[carrier]float64) bool {
	for c := range w0 {
		if _, ok := w1[c]; ok {
			return true
		}
	}
	return false
}
