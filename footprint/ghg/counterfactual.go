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
// without the policy.
func (cf Counterfactual) Draw(w ClassWatts) float64 {
	return cf.BaselineOff*w.WattsOff + (1-cf.BaselineOff)*(cf.LowPower*w.WattsSleep+(1-cf.LowPower)*w.WattsOn)
}

// lbnlComputers: Webber, Roberson, Brown, Payne, Nordman, Koomey, "Field
// Surveys of Office Equipment Operating Patterns", LBNL-46930 (2001), 11
// after-hours walk-throughs of US offices: 44 % of computers turned off at
// night. The others are counted on: after-hours surveys find office PCs
// rarely asleep (SLAC 2011: over 70 % of ~400 desktops fully on after
// hours; California Energy Commission / CalPlug 2014: 61 % of office
// desktops without automatic power management left on all the time).
var lbnlComputers = Counterfactual{BaselineOff: 0.44, LowPower: 0,
	Source: "LBNL-46930 (Webber et al. 2001): 44 % of office computers off at night; the rest counted on (SLAC 2011, CEC/CalPlug 2014: office PCs rarely asleep after hours)"}

// defaultCounterfactual are the published after-hours defaults per class,
// used unless the site measured its own baseline (PowerOffSchedule.Since).
var defaultCounterfactual = map[string]Counterfactual{
	"desktop":     lbnlComputers,
	"laptop":      lbnlComputers,
	"thin_client": lbnlComputers,
	// Same survey: 32 % of monitors off at night; power management
	// succeeded on 56 % of the monitors left on.
	"monitor": {BaselineOff: 0.32, LowPower: 0.56,
		Source: "LBNL-46930 (Webber et al. 2001): 32 % of office monitors off at night, power management effective on 56 % of the others"},
}

// DefaultCounterfactual returns the published default for class.
func DefaultCounterfactual(class string) (Counterfactual, bool) {
	cf, ok := defaultCounterfactual[class]
	return cf, ok
}
