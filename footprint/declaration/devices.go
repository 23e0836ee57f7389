package declaration

// DeviceWatts is a documented default power draw for a workstation class,
// used when neither the site nor its profile declares one.
type DeviceWatts struct {
	WattsOn, WattsOff, WattsSleep float64
	Source                        string
}

// defaultDeviceWatts are the documented defaults. Measured on/idle/off
// figures for office PCs are not published in a citable form; sites should
// declare their own fleet watts.
var defaultDeviceWatts = map[string]DeviceWatts{
	// Microsoft Configuration Manager, power management: default power
	// values used by its power reports (desktop 70 W on, 3 W sleep, 0 W off).
	"desktop": {WattsOn: 70, WattsOff: 0, WattsSleep: 3, Source: "Microsoft Configuration Manager power-management defaults (desktop 70 W on / 3 W sleep / 0 W off)"},
	// Same source: laptop 20 W on, 1 W sleep, 0 W off.
	"laptop": {WattsOn: 20, WattsOff: 0, WattsSleep: 1, Source: "Microsoft Configuration Manager power-management defaults (laptop 20 W on / 1 W sleep / 0 W off)"},
	// On: Configuration Manager default 28 W; off: ENERGY STAR Displays
	// v5.0 (2011) off-mode cap of 1 W.
	"monitor": {WattsOn: 28, WattsOff: 1, WattsSleep: 1, Source: "Microsoft Configuration Manager default (monitor 28 W on); ENERGY STAR Displays v5.0 off/sleep cap 1 W"},
}

// DefaultDeviceWatts returns the documented default for class, if any
// (thin clients have none: declare them).
func DefaultDeviceWatts(class string) (DeviceWatts, bool) {
	d, ok := defaultDeviceWatts[class]
	return d, ok
}

// DefaultHoursPerDay is used when the site declares no working hours.
const DefaultHoursPerDay = 8.0
