package ghg

import (
	"fmt"
	"math"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

// The factor items of grid electricity. grid is the full location-based
// factor (combustion + upstream of generation); grid.combustion is its
// direct part, Scope 2; grid.upstream the rest, Scope 3.3. The library
// holds the three for every (region, year) with grid = combustion +
// upstream (footprint/factors tests it).
const (
	gridItem        = "grid"
	gridCombustion  = "grid.combustion"
	gridUpstream    = "grid.upstream"
	tdLossKind      = "td_loss"
	tdShareOfOutput = "share_of_output" // kWh lost per kWh of output
	tdPerDelivered  = "kWh/kWh"         // kWh lost per kWh delivered (older override files)
)

// The Scope 3.3 items of grid electricity: GHG Protocol Technical
// Guidance for Calculating Scope 3 Emissions (2013), category 3, table
// 3.1 — activity B, upstream of purchased electricity; activity C, T&D
// losses: "generation (upstream activities and combustion)" of the kWh
// lost, so both parts of the lost kWh's factor.
const (
	itemGridUpstream = "grid.upstream"
	itemTDLosses     = "td_losses"
	itemTDUpstream   = "td_losses.upstream"
)

// gridFactors is a country's grid for the year: the Scope 2 factor
// (combustion), the upstream factor and the T&D loss share, each a row of
// the library.
type gridFactors struct {
	// full is the lifecycle factor (combustion + upstream).
	full factorRef
	// comb is the Scope 2 location-based factor: the combustion row, or
	// the full factor when the library has no split for it (then split
	// is false and the notes say why).
	comb, up factorRef
	split    bool
	// td is the loss share's row; nil without one, not even WORLD's.
	td *factors.Match
}

// grid looks up country's grid factors for the year. The split rows are
// used only when they are of the full factor's region and year and add up
// to it: an override file that replaces the grid factor alone keeps the
// whole of it in Scope 2, with a note, rather than mixing two sources.
func (c *calc) grid(country string) (gridFactors, error) {
	fm, err := c.lib.Lookup("electricity", gridItem, country, c.year)
	if err != nil {
		return gridFactors{}, err
	}
	g := gridFactors{full: fromMatch(fm)}
	g.comb = g.full
	cm, errC := c.lib.Lookup("electricity", gridCombustion, country, c.year)
	um, errU := c.lib.Lookup("electricity", gridUpstream, country, c.year)
	switch {
	case errC != nil || errU != nil || cm.Region != fm.Region || um.Region != fm.Region || cm.Year != fm.Year || um.Year != fm.Year:
		g.comb.fallback = joinNotes(g.full.fallback, fmt.Sprintf("no combustion/upstream split of %s in the library: the whole (lifecycle) factor is counted in Scope 2 and no upstream line in 3.3", fm.ID()))
	case math.Abs(cm.KgPerUnit+um.KgPerUnit-fm.KgPerUnit) > 1e-6*math.Max(1, fm.KgPerUnit):
		g.comb.fallback = joinNotes(g.full.fallback, fmt.Sprintf("%s + %s do not add up to %s (an override?): the whole factor is counted in Scope 2 and no upstream line in 3.3", cm.ID(), um.ID(), fm.ID()))
	default:
		g.comb, g.up, g.split = fromMatch(cm), fromMatch(um), true
	}
	if m, err := c.lib.Lookup(tdLossKind, gridItem, country, c.year); err == nil {
		g.td = &m
	}
	return g, nil
}

// lostKWh is the kWh lost in transmission and distribution delivering
// kwh: with the loss share s of the output, kwh × s ÷ (1 − s) (the share
// of output is the World Bank/IEA series' definition; GHG Protocol
// Scope 3 category 3 activity C counts the generation of that
// electricity). ok is false for a share the calculation cannot use.
func lostKWh(kwh float64, m factors.Match) (lost float64, per float64, ok bool) {
	switch m.Unit {
	case tdShareOfOutput:
		if m.KgPerUnit >= 1 {
			return 0, 0, false
		}
		per = m.KgPerUnit / (1 - m.KgPerUnit)
	case tdPerDelivered:
		per = m.KgPerUnit
	default:
		return 0, 0, false
	}
	return kwh * per, per, true
}

// gridScope3 adds the Scope 3.3 lines of kwh of grid electricity bought in
// the grid g: the upstream of its generation (activity B) and the kWh
// lost in T&D delivering it, their combustion and their upstream
// (activity C). kind is the lines' kind, basis what they belong to (empty
// for a site's own supply). A missing split or loss share is said in the
// notes, never counted at zero silently. It returns the tonnes added.
func (c *calc) gridScope3(kind, country string, kwh float64, g gridFactors, q footprint.Quality, basis string) (t float64) {
	with := func(s string) string { return strings.TrimPrefix(strings.Join([]string{basis, s}, "; "), "; ") }
	if g.split {
		c.addLine(Scope3FuelEnergy, kind, itemGridUpstream, kwh, string(footprint.UnitKWh), g.up, q,
			with("upstream of generation: extraction, processing and transport of the fuels, plant life cycle (Scope 3 category 3 activity B)"), c.n)
		t += kwh * g.up.kg / 1000
	}
	if g.td == nil {
		c.notes[fmt.Sprintf("scope 3.3: no T&D loss share for %s in the library, not even the WORLD default; the grid's T&D losses are not counted (add a td_loss row to the factor overrides)", country)] = true
		return t
	}
	m := *g.td
	lost, per, ok := lostKWh(kwh, m)
	if !ok {
		c.notes[fmt.Sprintf("scope 3.3: %s: a loss share of %g %s cannot be used (want %s below 1, or %s); the grid's T&D losses are not counted", m.ID(), m.KgPerUnit, m.Unit, tdShareOfOutput, tdPerDelivered)] = true
		return t
	}
	td := fmt.Sprintf("T&D losses: %.6g kWh lost per kWh delivered (%s, %g %s: %s)", per, m.ID(), m.KgPerUnit, m.Unit, m.Source)
	if m.Fallback != "" {
		// The loss share of another year or of WORLD: said on the
		// lines and once in the notes.
		td += "; loss share: " + m.Fallback
		c.notes[m.ID()+": "+m.Fallback] = true
	}
	c.addLine(Scope3FuelEnergy, kind, itemTDLosses, lost, string(footprint.UnitKWh), g.comb, q,
		with(td+"; combustion of the lost kWh (Scope 3 category 3 activity C)"), c.n)
	t += lost * g.comb.kg / 1000
	if g.split {
		c.addLine(Scope3FuelEnergy, kind, itemTDUpstream, lost, string(footprint.UnitKWh), g.up, q,
			with(td+"; upstream of the lost kWh (Scope 3 category 3 activity C)"), c.n)
		t += lost * g.up.kg / 1000
	}
	return t
}

// joinNotes joins two fallback sentences, either of which may be empty.
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
