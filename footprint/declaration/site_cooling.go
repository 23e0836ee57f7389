package declaration

import (
	"fmt"
	"math"

	"github.com/greenhelp/greenhelp/footprint"
)

// RefrigerantCharge is how much of one refrigerant the site's cooling
// equipment holds in all, as its nameplates or the maintenance
// contractor's register state it: with the kilograms topped up in a
// year (the refrigerant log), the site's leak rate (the leak-repair
// lever).
type RefrigerantCharge struct {
	// Gas is the refrigerant, one of the refrigerant kind's items (R410A…).
	Gas string `mapstructure:"gas" yaml:"gas" json:"gas"`
	// ChargeKg is the total charge of that gas in the site's equipment, kg.
	ChargeKg float64 `mapstructure:"charge_kg" yaml:"charge_kg" json:"charge_kg"`
}

// maxChargeKg bounds a site's declared charge of one gas: 100 t is far
// beyond a contact centre's chillers (a large centrifugal chiller holds
// a few hundred kg), so a bigger figure is a unit slip (g for kg).
const maxChargeKg = 100000

// RefrigerantCharge returns the declared charge of gas (ok false when the
// site declares none).
func (s Site) RefrigerantCharge(gas string) (RefrigerantCharge, bool) {
	for _, r := range s.Refrigerants {
		if r.Gas == gas {
			return r, true
		}
	}
	return RefrigerantCharge{}, false
}

// validateRefrigerants checks the declared charges: a known gas, once,
// and a charge in kg > 0.
func validateRefrigerants(s Site, e *footprint.Problems) {
	gases := footprint.Items(footprint.KindRefrigerant)
	seen := map[string]int{}
	for i, r := range s.Refrigerants {
		rp := fmt.Sprintf("site.refrigerants[%d].", i)
		if _, ok := footprint.UnitOf(footprint.KindRefrigerant, r.Gas); !ok {
			e.Add(rp+"gas", r.Gas, "want one of %s%s", footprint.QuoteList(gases), footprint.Suggest(r.Gas, gases))
		} else if j, dup := seen[r.Gas]; dup {
			e.Add(rp+"gas", r.Gas, "already declared in refrigerants[%d]: one entry per gas, its charge summed over the equipment", j)
		}
		seen[r.Gas] = i
		if !(r.ChargeKg > 0) || r.ChargeKg > maxChargeKg || math.IsInf(r.ChargeKg, 0) {
			e.Add(rp+"charge_kg", ftoa(r.ChargeKg)+" kg", "must be > 0 and at most %g kg: the total charge of the gas in the site's equipment (nameplates, the contractor's register)", float64(maxChargeKg))
		}
	}
}
