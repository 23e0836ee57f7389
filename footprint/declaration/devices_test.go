package declaration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each default, put back through the ENERGY STAR equation it was derived
// from, gives the yearly energy of its source back: the derivation has no
// slip. Expected values by hand, to 4 digits.
func TestTheDefaultWattsGiveTheirSourcesYearlyEnergyBack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		class string
		// off, sleep, long idle, short idle weights (ENERGY STAR v8;
		// displays: 0.35 on, 0.65 asleep)
		tOff, tSleep, tLong, tShort float64
		tec                         float64 // kWh/yr, Boavizta median
		idle                        float64 // W, by hand
	}{
		// (36.18 / 8.76 − 0.45 × 3) / 0.40 = (4.1301 − 1.35) / 0.40 = 6.9503
		{"desktop", 0.15, 0.45, 0.10, 0.30, 36.18, 6.9503},
		// (17.51 / 8.76 − 0.35 × 1) / 0.40 = (1.9989 − 0.35) / 0.40 = 4.1221
		{"laptop", 0.25, 0.35, 0.10, 0.30, 17.51, 4.1221},
		// 41.42 / 8.76 / (0.05 + 0.15 + 0.35) = 4.7283 / 0.55 = 8.5970
		{"thin_client", 0.45, 0.05, 0.15, 0.35, 41.42, 8.5970},
	}
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			d, ok := DefaultDeviceWatts(tt.class)
			require.True(t, ok)
			assert.InDelta(t, tt.idle, d.WattsIdle, 1e-4)
			assert.Equal(t, d.WattsIdle, d.WattsOn, "the TEC does not split long and short idle")
			tec := 8760.0 / 1000 * (d.WattsOff*tt.tOff + d.WattsSleep*tt.tSleep + d.WattsIdle*tt.tLong + d.WattsOn*tt.tShort)
			assert.InDelta(t, tt.tec, tec, 1e-9)
		})
	}
	// A monitor: (45.15 / 8.76 − 0.65 × 0.5) / 0.35 = (5.1541 − 0.325) /
	// 0.35 = 13.797 W on.
	m, ok := DefaultDeviceWatts("monitor")
	require.True(t, ok)
	assert.InDelta(t, 13.7975, m.WattsOn, 1e-4)
	assert.InDelta(t, 45.15, 8.76*(0.35*m.WattsOn+0.65*m.WattsSleep), 1e-9)
	assert.Equal(t, 0.5, m.WattsOff)
}

func TestEveryDefaultFigureSaysWhereItComesFrom(t *testing.T) {
	t.Parallel()
	for _, class := range []string{"desktop", "laptop", "thin_client", "monitor"} {
		d, ok := DefaultDeviceWatts(class)
		require.True(t, ok, class)
		for name, src := range map[string]string{"on": d.OnSource, "idle": d.IdleSource, "sleep": d.SleepSource, "off": d.OffSource} {
			assert.NotEmpty(t, src, "%s %s", class, name)
		}
		assert.GreaterOrEqual(t, d.WattsIdle, d.WattsSleep, "%s: left on draws no less than asleep (a thin client without sleep: equal)", class)
	}
	d, _ := DefaultDeviceWatts("desktop")
	assert.Equal(t, "on 6.95 W, left on 6.95 W: "+srcDesktop+"; asleep 3 W, off 0 W: "+srcCM, d.Sources())
	assert.Contains(t, d.Sources(), "commit 61323eb5")
}

func TestAWorkstationsIdleDrawIsChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ws   Workstation
		want string // "" = valid
	}{
		{"an idle draw below the on draw is fine", Workstation{Class: "desktop", Count: 1, WattsOn: 20, WattsIdle: 9}, ""},
		{"an idle draw alone is fine", Workstation{Class: "desktop", Count: 1, WattsIdle: 9}, ""},
		{"an idle draw above the on draw is refused", Workstation{Class: "desktop", Count: 1, WattsOn: 20, WattsIdle: 25}, "site.workstations[0].watts_idle: 25 W: must not exceed watts_on (20 W)"},
		{"a negative idle draw is refused", Workstation{Class: "desktop", Count: 1, WattsIdle: -1}, "site.workstations[0].watts_idle: -1 W: must be between 0 and 1000 W"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSite()
			s.Workstations = []Workstation{tt.ws}
			err := s.Validate("site.yaml")
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
