package esg

import (
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// The instrument split of market-based Scope 2 (ESRS E1-6 AR 45(d): the
// contractual instruments, bundled and unbundled): every market-based
// line of grid electricity (a site's supply, colocation the group buys)
// by the instrument it rests on (ghg.Line.Instrument). The rows of an
// entity add up to its market-based Scope 2.

// instrumentText describes each row of the split (ghg.Instruments).
var instrumentText = map[string]string{
	"certificates":      "unbundled energy attribute certificates (GO, REGO, REC, I-REC) at the instrument's rate",
	"ppa":               "power purchase agreements, certificates bundled with the electricity, at the instrument's rate",
	"supplier":          "the supplier's specific emission rate (declared with its source)",
	"residual_mix":      "uncovered consumption at the residual mix of the country and year (AIB European Residual Mixes)",
	"location_fallback": "uncovered consumption where no residual mix is published: the location-based factor (said per line)",
	"own_generation":    "electricity the site generates itself (on-site solar): 0 under both methods",
}

// split sums an inventory's market-based lines by instrument: kWh and
// tonnes; a line without an instrument (an inventory from before the
// split) counts as the location-based fallback it then was.
func split(inv *ghg.Inventory) (kwh, tco2e map[string]float64, total float64) {
	kwh, tco2e = map[string]float64{}, map[string]float64{}
	for _, l := range inv.Lines {
		if l.Scope != ghg.Scope2Market {
			continue
		}
		k := l.Instrument
		if k == "" {
			k = "location_fallback"
		}
		kwh[k] += l.Quantity
		tco2e[k] += l.T
		total += l.Quantity
	}
	return kwh, tco2e, total
}

// instrumentSplit is the export's table: the group's every row, then each
// site's non-empty ones.
func (d Dataset) instrumentSplit() Table {
	tb := Table{Name: "scope2_market_instruments", Head: []string{"entity", "instrument", "description", "kWh", "share of kWh (%)", "tCO2e"}}
	add := func(entity string, inv *ghg.Inventory, all bool) {
		kwh, tco2e, total := split(inv)
		for _, k := range ghg.Instruments() {
			if !all && kwh[k] == 0 && tco2e[k] == 0 {
				continue
			}
			share := 0.0
			if total > 0 {
				share = round(kwh[k]/total*100, 4)
			}
			tb.Rows = append(tb.Rows, []any{entity, k, instrumentText[k], round(kwh[k], 3), share, t(tco2e[k])})
		}
	}
	add("group", d.Group, true)
	for _, s := range d.Sites {
		add(s.Inventory.Site, s.Inventory, false)
	}
	return tb
}

// instrumentDatapoints are the summary's figures of the split: ESRS's
// bundled and unbundled shares (AR 45(d)), then the entity-specific
// tonnes per instrument.
func (d Dataset) instrumentDatapoints(ref string) []Datapoint {
	kwh, tco2e, total := split(d.Group)
	if total == 0 {
		return nil
	}
	pct := func(k string) *float64 { v := round(kwh[k]/total*100, 4); return &v }
	own := "entity-specific, beside " + ref + " AR 45(d)"
	out := []Datapoint{
		{"PercentageOfContractualInstrumentsUsedForSaleAndPurchaseOfEnergyBundledWithAttributesAboutEnergyGenerationInRelationToScope2GHGEmissions",
			"Share of market-based kWh covered by instruments bundled with the electricity (PPAs)", ref + " AR 45(d)", pct("ppa"), "% of kWh", ""},
		{"PercentageOfContractualInstrumentsUsedForSaleAndPurchaseOfUnbundledEnergyAttributeClaimsInRelationToScope2GHGEmissions",
			"Share of market-based kWh covered by unbundled certificates (GO, REGO, REC, I-REC)", ref + " AR 45(d)", pct("certificates"), "% of kWh", ""},
		{"PercentageOfSupplierSpecificEmissionFactorsScope2MarketBased", "Share of market-based kWh at the supplier's specific rate", own, pct("supplier"), "% of kWh", ""},
		{"PercentageOfResidualMixScope2MarketBased", "Share of market-based kWh at the residual mix (AIB)", own, pct("residual_mix"), "% of kWh", ""},
		{"PercentageOfLocationBasedFallbackScope2MarketBased", "Share of market-based kWh at the location-based factor, no residual mix being published for the country", own, pct("location_fallback"), "% of kWh", ""},
	}
	for _, k := range ghg.Instruments() {
		out = append(out, Datapoint{"Scope2MarketBasedGHGEmissionsBy_" + k, "Market-based Scope 2 resting on " + instrumentText[k] + " (scope2_market_instruments)", own, num(tco2e[k]), "tCO2e", ""})
	}
	return out
}
