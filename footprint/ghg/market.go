package ghg

import (
	"fmt"
	"math"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// The market-based method (GHG Protocol Scope 2 Guidance (2015), ch. 6,
// its hierarchy of emission factors): grid electricity covered by
// contractual instruments — certificates and PPAs, checked against their
// market, vintage and the site's consumption — counts at the instrument's
// rate; the rest at the supplier's specific rate when the site declares
// one, else at the residual mix of the country and year (AIB's European
// Residual Mixes: the attributes sold to others taken out), else, where no
// residual mix is published, at the location-based factor, said per line.

// The instrument a market-based line rests on (Line.Instrument), in the
// export's order: the instrument split of ESRS E1-6 AR 45(d).
const (
	instCertificates = "certificates"      // unbundled certificates: GO, REGO, REC, I-REC
	instPPA          = "ppa"               // power purchase agreements, certificates bundled
	instSupplier     = "supplier"          // the supplier's specific emission rate
	instResidual     = "residual_mix"      // the residual mix of the country and year
	instLocation     = "location_fallback" // no residual mix published: the location-based factor
	instOwn          = "own_generation"    // electricity the site generates itself
)

// Instruments lists the instrument split's rows in order.
func Instruments() []string {
	return []string{instCertificates, instPPA, instSupplier, instResidual, instLocation, instOwn}
}

// residualItem is the factor item of the residual mixes.
const residualItem = "residual_mix"

// gridUse is a record's grid kWh awaiting its market-based lines, which
// need the year's consumption first (the instruments' volume).
type gridUse struct {
	item string
	kwh  float64
	q    footprint.Quality
	act  *footprint.Activity
	n    int
	comb factorRef
}

// covered is an instrument applied to the site's grid electricity: its
// factor, its share of every kWh, its row of the split.
type covered struct {
	f     factorRef
	share float64
	kind  string
	basis string
}

// residual returns the market-based factor of uncovered grid electricity
// in country: its residual mix for the year, else the location-based
// (combustion) factor comb with a fallback saying why.
func (c *calc) residual(country string, comb factorRef) (factorRef, string) {
	m, err := c.lib.Lookup("electricity", residualItem, country, c.year)
	if err == nil && m.Region == strings.ToUpper(country) {
		return fromMatch(m), instResidual
	}
	why := fmt.Sprintf("no residual mix for %s in the library (AIB publishes the EU's; AT and NL print none, full disclosure): the location-based factor stands in (GHG Protocol Scope 2 Guidance, ch. 6: the last step of the market-based hierarchy)", country)
	f := comb
	f.fallback = joinNotes(comb.fallback, why)
	return f, instLocation
}

// marketBased adds the market-based lines of the site's grid electricity
// (c.gridUses), once the period's consumption is known.
func (c *calc) marketBased() {
	uses := c.gridUses
	if len(uses) == 0 {
		return
	}
	total := 0.0
	for _, u := range uses {
		total += u.kwh
	}
	con := c.site.Electricity
	cov := c.instruments(con, total)
	coveredShare := 0.0
	for _, k := range cov {
		coveredShare += k.share
	}
	var sup *factorRef
	if f := con.SupplierKgPerKWh; f != nil {
		sup = &factorRef{id: "contract/" + c.site.ID + "/supplier", kg: *f, source: "site declaration: supplier-specific factor, " + con.SupplierSource}
	}
	for _, u := range uses {
		c.cur, c.n = u.act, u.n
		for _, k := range cov {
			c.addMarket(u.item, u.kwh*k.share, k.f, u.q, k.basis, k.kind)
		}
		rest := u.kwh * (1 - coveredShare)
		if coveredShare >= 1 {
			continue
		}
		if sup != nil {
			c.addMarket(u.item, rest, *sup, u.q, "supplier factor", instSupplier)
			continue
		}
		f, kind := c.residual(c.site.Country, u.comb)
		c.addMarket(u.item, rest, f, u.q, "uncovered consumption", kind)
	}
	c.cur = nil
}

// instruments returns the instruments the contract applies to the
// period's total kWh, each with its share of every kWh: the share form
// as declared; the list's instruments of the year within their market
// and vintage, pro rata of the period, capped at the consumption.
func (c *calc) instruments(con declaration.ElectricityContract, total float64) []covered {
	if s := con.GreenShare; s > 0 {
		if market, ok, known := declaration.InstrumentMarket(con.Instrument, "", c.site.Country); known && !ok {
			c.notes[fmt.Sprintf("electricity: %s is not counted for site %s in %s: it is valid in %s only (GHG Protocol Scope 2 Quality Criteria)", con.Instrument, c.site.ID, c.site.Country, market)] = true
			return nil
		}
		kind := instCertificates
		if strings.EqualFold(con.Instrument, declaration.InstrumentPPA) {
			kind = instPPA
		}
		cert := factorRef{id: "contract/" + c.site.ID + "/certificates", kg: 0,
			source: fmt.Sprintf("site declaration: %s covering %.0f%% of grid consumption; GHG Protocol Scope 2 Guidance (2015), market-based method: contractual instruments at their attribute (0 kgCO2e/kWh for renewables)", con.Instrument, s*100)}
		c.notes[fmt.Sprintf("electricity: %s declared as a share (green_share %g) without volume or vintage: the Scope 2 quality criteria on vintage and volume are not checked (declare electricity.instruments)", con.Instrument, s)] = true
		return []covered{{f: cert, share: s, kind: kind, basis: fmt.Sprintf("%.0f%% covered by %s", s*100, con.Instrument)}}
	}
	var out []covered
	var kwh []float64
	sum := 0.0
	for i, in := range con.Instruments {
		if in.Year != c.year {
			continue
		}
		kind := strings.ToUpper(strings.TrimSpace(in.Type))
		name := fmt.Sprintf("electricity.instruments[%d] (%s, %g MWh for %d)", i, kind, in.MWh, in.Year)
		if market, ok, known := declaration.InstrumentMarket(kind, in.Country, c.site.Country); !known || !ok {
			c.notes[fmt.Sprintf("%s is not counted for site %s in %s: it is valid in %s only (GHG Protocol Scope 2 Quality Criteria)", name, c.site.ID, c.site.Country, market)] = true
			continue
		}
		if why := declaration.VintageProblem(in.Vintage, in.Year); why != "" {
			c.notes[fmt.Sprintf("%s is not counted for site %s: vintage %s: %s", name, c.site.ID, in.Vintage, why)] = true
			continue
		}
		issued := strings.ToUpper(in.Country)
		if issued == "" {
			issued = c.site.Country
		}
		split, basisKind := instCertificates, "certificates"
		if in.Bundled() {
			split, basisKind = instPPA, "PPA"
		}
		ref := ""
		if in.Reference != "" {
			ref = ", " + in.Reference
		}
		f := factorRef{id: fmt.Sprintf("contract/%s/instruments[%d]", c.site.ID, i), kg: in.KgPerKWh, year: in.Year,
			source: fmt.Sprintf("site declaration: %s %s, %g MWh for %d, vintage %s, issued in %s%s; GHG Protocol Scope 2 Guidance (2015), market-based method: the instrument's emission rate", kind, basisKind, in.MWh, in.Year, in.Vintage, issued, ref)}
		k := in.MWh * 1000 * c.periodShare // the year's volume, pro rata of the period
		out = append(out, covered{f: f, kind: split, basis: fmt.Sprintf("covered by %s %s (%g MWh for %d)", kind, basisKind, in.MWh, in.Year)})
		kwh = append(kwh, k)
		sum += k
	}
	if len(out) == 0 || total <= 0 {
		return nil
	}
	scale := 1.0
	if sum > total {
		// Certificates beyond the consumption have nothing to convey
		// their attribute to: the excess is not counted (never a
		// negative Scope 2), and said.
		scale = total / sum
		c.notes[fmt.Sprintf("electricity: instruments of %.6g MWh for %d exceed site %s's grid consumption of %.6g MWh in the period: %.6g MWh not counted (an instrument covers consumption only; GHG Protocol Scope 2 Guidance (2015), market-based method)", sum/1000, c.year, c.site.ID, total/1000, (sum-total)/1000)] = true
	}
	for i := range out {
		out[i].share = math.Min(kwh[i]*scale/total, 1)
	}
	return out
}

// addMarket adds a market-based line of grid electricity with the
// instrument it rests on.
func (c *calc) addMarket(item string, kwh float64, f factorRef, q footprint.Quality, basis, instrument string) {
	c.addLine(Scope2Market, "electricity", item, kwh, string(footprint.UnitKWh), f, q, basis, c.n)
	c.lines[lineKey{Scope2Market, "electricity", item, f.id, string(footprint.UnitKWh), q, basis}].Instrument = instrument
}
