package ghg

import (
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Window is the one rule for the records a period's calculation reads
// (docs/ARCHITECTURE.md, "Each rule once"): every record overlapping
// [From, To), and every workstation record that ends on or before the
// power-off roll-out, whatever its year — the window device-hours logged
// before the policy are the site's measured counterfactual for every
// year. The commands, the pages and the service's rollup and raw reads
// all select records through it.
type Window struct {
	From, To footprint.Date
	// Baseline is the power-off roll-out date (declaration's
	// power_off.since); zero when none is declared.
	Baseline footprint.Date
}

// PeriodWindow returns the window of [from, to) for site.
func PeriodWindow(site declaration.Site, from, to footprint.Date) Window {
	return Window{From: from, To: to, Baseline: site.PowerOff.Since}
}

// YearWindow returns the window of a calendar year for site.
func YearWindow(site declaration.Site, year int) Window {
	from, to := footprint.YearBounds(year)
	return PeriodWindow(site, from, to)
}

// Reads reports whether the calculation reads a.
func (w Window) Reads(a *footprint.Activity) bool {
	return w.InPeriod(a) || w.InBaseline(a)
}

// InPeriod reports whether a overlaps [From, To).
func (w Window) InPeriod(a *footprint.Activity) bool {
	return a.Start.Before(w.To) && w.From.Before(a.End)
}

// InBaseline reports whether a is a workstation record of the measured
// baseline: it ends on or before the roll-out.
func (w Window) InBaseline(a *footprint.Activity) bool {
	return a.Kind == footprint.KindWorkstation && !w.Baseline.IsZero() && !w.Baseline.Before(a.End)
}

// BaselineBefore returns the date before which a store must read the
// workstation records of the baseline, beyond the period's own records;
// ok is false when no roll-out is declared. What it reads is kept with
// InBaseline and, to count nothing twice, without InPeriod.
func (w Window) BaselineBefore() (before footprint.Date, ok bool) {
	return w.Baseline, !w.Baseline.IsZero()
}

// Filter returns, in their order, the activities of acts the window
// reads. Calculating from them gives the same inventory as from acts: a
// caller holding many years of a site computes each year from its own
// share.
func (w Window) Filter(acts []footprint.Activity) []footprint.Activity {
	n := 0
	for i := range acts {
		if w.Reads(&acts[i]) {
			n++
		}
	}
	out := make([]footprint.Activity, 0, n) // counted first: a year is a tenth of ten
	for i := range acts {
		if w.Reads(&acts[i]) {
			out = append(out, acts[i])
		}
	}
	return out
}
