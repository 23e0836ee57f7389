package declaration

import (
	"fmt"
	"strconv"
	"strings"
)

// DeviceWatts is a documented default power draw for a workstation class,
// used figure by figure when neither the site nor its profile declares
// one, each figure with its source.
type DeviceWatts struct {
	// WattsOn is the draw of a device on and in use, outside the power-off
	// windows.
	WattsOn float64
	// WattsIdle is the draw of a device left on in a power-off window with
	// nobody at it: a computer at long idle (display asleep, ENERGY STAR's
	// "long idle"); a monitor whose display did not go to sleep.
	WattsIdle float64
	// IdleIsOn says that a device of the class left on draws its on power
	// (a monitor whose display did not sleep): a site's or profile's
	// watts_on then stands for watts_idle too.
	IdleIsOn   bool
	WattsSleep float64
	WattsOff   float64
	// OnSource … OffSource say where each figure comes from.
	OnSource, IdleSource, SleepSource, OffSource string
}

// Sources lists each figure with its source, figures of the same source
// together: "on 6.95 W, left on 6.95 W: …; asleep 3 W, off 0 W: …".
func (d DeviceWatts) Sources() string {
	return JoinSources([]FigureSource{
		{"on", d.WattsOn, d.OnSource}, {"left on", d.WattsIdle, d.IdleSource},
		{"asleep", d.WattsSleep, d.SleepSource}, {"off", d.WattsOff, d.OffSource}})
}

// FigureSource is one power figure and where it comes from.
type FigureSource struct {
	Name   string
	Watts  float64
	Source string
}

// JoinSources writes figures and their sources, the figures of one source
// together, in the order the sources first appear.
func JoinSources(figs []FigureSource) string {
	var order []string
	by := map[string][]string{}
	for _, f := range figs {
		if f.Source == "" {
			continue
		}
		if _, ok := by[f.Source]; !ok {
			order = append(order, f.Source)
		}
		by[f.Source] = append(by[f.Source], f.Name+" "+strconv.FormatFloat(f.Watts, 'g', 4, 64)+" W")
	}
	parts := make([]string, 0, len(order))
	for _, s := range order {
		parts = append(parts, strings.Join(by[s], ", ")+": "+s)
	}
	return strings.Join(parts, "; ")
}

// The ENERGY STAR computer specification v8.0 (2020) weighs the four modes
// of a year (TEC = 8760/1000 × Σ P_mode × T_mode), as implemented in github
// fourdollars/energy-tools energy_tools/energystar80.py (commit c10c2d1d,
// equation_one): desktop off 15 %, sleep 45 %, long idle 10 %, short idle
// 30 %; notebook 25 / 35 / 10 / 30 %; thin client 45 / 5 / 15 / 35 %.
// ENERGY STAR displays (Displays Key Product Criteria, effective 2016-07-01,
// energystar.gov/node/19101): E_TEC = 8.76 × (0.35 × P_on + 0.65 × P_sleep).
const hoursPerYearKilo = 8.76 // 8760 h / 1000: W to kWh a year

// Yearly energy (kWh/yr): medians of the manufacturers' product carbon
// footprints in github Boavizta/environmental-footprint-data
// boavizta-data-us.csv (commit 61323eb5, 2023-02-23; ODbL), column
// yearly_tec, category Workplace, computed here. Dell and HP state it as
// the ENERGY STAR TEC of the model.
const (
	// subcategory Desktop, reports dated 2020 or later: 83 models (81 Dell
	// OptiPlex/Precision/Vostro, 2 HP), median 36.18 (IQR 22.5–69.8; all
	// years: 149 models, 56.55).
	desktopTECKWh = 36.18
	// subcategory Laptop, 2020 or later: 139 models, median 17.51 (IQR
	// 14.4–22.3; all years 18.78).
	laptopTECKWh = 17.51
	// subcategory Thin client, all years: 16 Dell Wyse models, median
	// 41.42 (only 3 reported from 2020 on: median 41.84). Older models
	// kept: nothing newer in the dataset.
	thinClientTECKWh = 41.42
	// subcategory Monitor, 2020 or later: 152 models (96 Dell, 56 HP),
	// median 45.15 (IQR 36.1–58.3; all years 40.88).
	monitorTECKWh = 45.15
)

// Sleep and off power of computers: Microsoft Configuration Manager
// 2007 R3 power-management constants (desktop 3 W asleep and 0 W off,
// laptop 1 W and 0 W). Kept: no newer typical sleep or off figure could be
// read (ENERGY STAR v4.0 Tier 1, 2007, caps a desktop at 4 W asleep and 2 W
// off: upper bounds, not typical values).
const (
	desktopSleepW = 3.0
	laptopSleepW  = 1.0
	computerOffW  = 0.0
)

// monitorLowW is a monitor's sleep (standby) and off draw: Regulation (EC)
// No 1275/2008 Annex II point 2 (as published on gesetze.legal): from 2013,
// off mode ≤ 0.50 W and standby with a reactivation function ≤ 0.50 W —
// the limit displays were held to until Regulation (EU) 2019/2021, whose
// own limits could not be read here. A limit, not a typical value.
const monitorLowW = 0.5

// Idle (long and short) power of a computer from its TEC: the TEC does not
// split long and short idle; both are taken equal. For a desktop, whose
// screen is a separate monitor, display sleep changes little of its own
// draw; for a notebook the built-in panel makes short idle higher and long
// idle lower than this mean.
var (
	// (36.18 / 8.76 − 0.15 × 0 − 0.45 × 3) / (0.10 + 0.30) = 6.950 W
	desktopIdleW = (desktopTECKWh/hoursPerYearKilo - 0.15*computerOffW - 0.45*desktopSleepW) / (0.10 + 0.30)
	// (17.51 / 8.76 − 0.25 × 0 − 0.35 × 1) / (0.10 + 0.30) = 4.122 W
	laptopIdleW = (laptopTECKWh/hoursPerYearKilo - 0.25*computerOffW - 0.35*laptopSleepW) / (0.10 + 0.30)
	// A thin client without a discrete sleep mode: Regulation (EU) No
	// 617/2013 Annex II 1.1.1 lets idle power stand for sleep when idle is
	// ≤ 10 W, so 41.42 / 8.76 = 0.45 × 0 + (0.05 + 0.15 + 0.35) × P_idle,
	// P_idle = 8.597 W, also its sleep figure.
	thinClientIdleW = (thinClientTECKWh/hoursPerYearKilo - 0.45*computerOffW) / (0.05 + 0.15 + 0.35)
	// (45.15 / 8.76 − 0.65 × 0.5) / 0.35 = 13.797 W on.
	monitorOnW = (monitorTECKWh/hoursPerYearKilo - 0.65*monitorLowW) / 0.35
)

// tecSource names the yearly-energy median a figure is derived from and
// how it was split between the modes.
func tecSource(models string, kwh float64, split string) string {
	return fmt.Sprintf("ENERGY STAR-style yearly energy (TEC), median of %s in Boavizta environmental-footprint-data (commit 61323eb5): %g kWh/yr, %s", models, kwh, split)
}

const srcCM = "Microsoft Configuration Manager 2007 R3 power-management constant (kept: no newer typical figure found)"

var (
	srcDesktop = tecSource("83 desktops reported from 2020 on", desktopTECKWh, "split by the ENERGY STAR v8 desktop duty cycle (long and short idle equal)")
	srcLaptop  = tecSource("139 laptops reported from 2020 on", laptopTECKWh, "split by the ENERGY STAR v8 notebook duty cycle (long and short idle equal)")
	srcThin    = tecSource("16 thin clients", thinClientTECKWh, "split by the ENERGY STAR v8 thin-client duty cycle, idle standing for sleep (EU 617/2013 Annex II 1.1.1)")
	srcMonitor = tecSource("152 monitors reported from 2020 on", monitorTECKWh, "split by the ENERGY STAR displays TEC (35 % on, 65 % asleep)")
)

// defaultDeviceWatts are the documented defaults, derived in the README's
// methodology ("PC power-off").
var defaultDeviceWatts = map[string]DeviceWatts{
	"desktop": {WattsOn: desktopIdleW, WattsIdle: desktopIdleW, WattsSleep: desktopSleepW, WattsOff: computerOffW,
		OnSource: srcDesktop, IdleSource: srcDesktop, SleepSource: srcCM, OffSource: srcCM},
	"laptop": {WattsOn: laptopIdleW, WattsIdle: laptopIdleW, WattsSleep: laptopSleepW, WattsOff: computerOffW,
		OnSource: srcLaptop, IdleSource: srcLaptop, SleepSource: srcCM, OffSource: srcCM},
	"thin_client": {WattsOn: thinClientIdleW, WattsIdle: thinClientIdleW, WattsSleep: thinClientIdleW, WattsOff: computerOffW,
		OnSource: srcThin, IdleSource: srcThin, SleepSource: srcThin, OffSource: "no published off figure found: counted as 0 W"},
	// Left on, a monitor draws its on power: one whose display goes to
	// sleep is counted asleep (ghg.Counterfactual.LowPower).
	"monitor": {WattsOn: monitorOnW, WattsIdle: monitorOnW, IdleIsOn: true, WattsSleep: monitorLowW, WattsOff: monitorLowW,
		OnSource: srcMonitor, IdleSource: srcMonitor,
		SleepSource: "EU Regulation 1275/2008 Annex II 2(b) standby limit from 2013 (an upper bound)",
		OffSource:   "EU Regulation 1275/2008 Annex II 2(a) off-mode limit from 2013 (an upper bound)"},
}

// DefaultDeviceWatts returns the documented default for class, if any.
func DefaultDeviceWatts(class string) (DeviceWatts, bool) {
	d, ok := defaultDeviceWatts[class]
	return d, ok
}

// DefaultHoursPerDay is used when the site declares no working hours.
const DefaultHoursPerDay = 8.0
