package ghg

// Counterfactual is what a device class does in a power-off window without
// the policy: the share of devices staff switch off anyway (the baseline),
// and, of the others, the share the operating system puts in low power.
// The avoided energy of an hour off is the counterfactual draw minus the
// off draw — not the full "on" draw, which would count every device as
// left on all night.
type Counterfactual struct {
	BaselineOff float64 // share of devices off at night without the policy
	LowPower    float64 // of the devices not off, the share in low power (sleep)
	Source      string
}

// Draw is the average draw (W) of a device of class w in a window hour
// without the policy: the baseline off, of the others the low-power share
// asleep and the rest left on at long idle (WattsIdle) — never at the
// in-use draw: nobody is at a PC left on at night.
func (cf Counterfactual) Draw(w ClassWatts) float64 {
	return cf.BaselineOff*w.WattsOff + (1-cf.BaselineOff)*(cf.LowPower*w.WattsSleep+(1-cf.LowPower)*w.WattsIdle)
}

// avobComputers: AVOB (Alternative Vision Of Business), about fifty
// energy audits of companies in six countries, May 2009 – October 2010,
// as reported by blog.economie-numerique.net (2011-01-31, "40 % des
// ordinateurs allumés 24 heures sur 24"): 40 % of workstations left on at
// night, 26 % at weekends. The night share is used for every window hour
// (it overstates weekends). It is the newest measured share found; the
// surveys since are declarations: 1E / Harris Interactive PC Energy Report
// 2009 (close to half of US employees do not shut down, 48 % UK, 43 %
// Germany), Riposte Verte / GreenIT.fr 2013 (over 70 % switch off in the
// evening), ADEME / ADN'Ouest livre blanc 2015 (2 employees in 3 switch
// off each evening); LBNL-46930 (Webber et al. 2001), 44 % off at night,
// is older. The machines left on are counted at long idle, not asleep:
// California Energy Commission / CalPlug 2014 (UC Irvine survey of over
// 3,000 computers, as reported by EC&M): of the office desktops not using
// automatic power management, 61 % are left on.
var avobComputers = Counterfactual{BaselineOff: 0.60, LowPower: 0,
	Source: "AVOB energy audits 2009–2010 (about 50 companies, 6 countries): 40 % of workstations left on at night, counted at long idle (CEC/CalPlug 2014: office desktops without automatic power management left on)"}

// defaultCounterfactual are the published after-hours defaults per class,
// used unless the site measured its own baseline (PowerOffSchedule.Since).
var defaultCounterfactual = map[string]Counterfactual{
	"desktop":     avobComputers,
	"laptop":      avobComputers,
	"thin_client": avobComputers,
	// LBNL-46930 (Webber et al. 2001): 32 % of monitors off at night;
	// power management succeeded on 56 % of the monitors left on. Kept:
	// no newer after-hours survey of monitors found.
	"monitor": {BaselineOff: 0.32, LowPower: 0.56,
		Source: "LBNL-46930 (Webber et al. 2001): 32 % of office monitors off at night, power management effective on 56 % of the others (kept: no newer survey of monitors found)"},
}

// DefaultCounterfactual returns the published default for class.
func DefaultCounterfactual(class string) (Counterfactual, bool) {
	cf, ok := defaultCounterfactual[class]
	return cf, ok
}
