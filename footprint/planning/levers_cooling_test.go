package planning

import (
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
	"github.com/greenhelp/greenhelp/footprint/weather"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manila is a Manila-like contact centre: 100,000 kWh of grid electricity
// a month in 2024 (1.2 GWh), and R410A topped up four times, 24.4 kg in
// all — 24.4 × 2,255.5 kgCO2e/kg (AR6) = 55.03 t, the trial's 55 t.
func manila(t *testing.T) (declaration.Site, []footprint.Activity) {
	t.Helper()
	site := declaration.Site{ID: "ph-mnl", Name: "Manila", Country: "PH", Timezone: "Asia/Manila", Seats: 600}
	acts := fixture.Monthly(2024, footprint.KindElectricity, "grid", 100000, nil)
	for _, r := range []struct {
		day string
		kg  float64
	}{{"2024-02-12", 6.5}, {"2024-05-03", 8.2}, {"2024-08-19", 5.1}, {"2024-11-07", 4.6}} {
		d := fixture.D(r.day)
		acts = append(acts, fixture.Act(footprint.KindRefrigerant, "R410A", r.day, d.AddDays(1).String(), r.kg, footprint.UnitKg, nil))
	}
	return site, acts
}

func leversByID(t *testing.T, site declaration.Site, acts []footprint.Activity, as ghg.Assumptions) map[string]Lever {
	t.Helper()
	lib := factors.Default()
	inv, err := ghg.Calculate(site, acts, 2024, lib, as, ghg.Options{})
	require.NoError(t, err)
	got := map[string]Lever{}
	for _, l := range Levers(site, inv, nil, as, lib) {
		got[l.ID] = l
	}
	return got
}

func climate(cdd float64) ghg.Assumptions {
	return ghg.Assumptions{Climate: weather.NormalClimate{HDD: 0, CDD: cdd, Source: "declared in site.yaml"}}
}

// The cooling lever by hand, without a weather fit: the published share
// scaled by the site's climate. Manila-like, 2,900 CDD: cooling ÷ the
// rest = 0.60/0.40 × 2,900/3,467.5 = 1.254506, so cooling is
// 1.254506/2.254506 = 55.644 % of the 1,200,000 kWh; setpoints 21 → 24 °C
// at 4.5 %/°C save 13.5 % of it: 1,200,000 × 0.556444 × 0.135 = 90,143.9
// kWh × 0.61338 kg/kWh (Ember, PH 2024) = 55.29 t a year. A Paris-like
// site on the same electricity, 56 CDD: 0.60/0.40 × 56/3,467.5 = 0.024225,
// cooling 2.365 %: 1,200,000 × 0.023652 × 0.135 = 3,831.6 kWh — at the
// same grid 2.35 t, 1/24 of Manila's; at France's 0.04418 kg/kWh
// (Ember, FR 2024) 0.169 t. A site without cooling degree days: nothing.
func TestTheCoolingLeverIsSizedFromTheSitesClimateByHand(t *testing.T) {
	t.Parallel()
	ph := fixture.KG(t, "electricity", "grid", "PH", 2024)
	require.InDelta(t, 0.61338, ph, 1e-12)
	fr := fixture.KG(t, "electricity", "grid", "FR", 2024)
	require.InDelta(t, 0.04418, fr, 1e-12)
	tests := []struct {
		name    string
		country string
		cdd     float64
		wantT   float64
		text    string
	}{
		{"a Manila-like site at 2,900 CDD", "PH", 2900, 1.2e6 * (1.5 * 2900 / 3467.5) / (1 + 1.5*2900/3467.5) * 0.135 * 0.61338 / 1000, "cooling 55.6 % of 1200000 kWh"},
		{"the same electricity at 56 CDD", "PH", 56, 1.2e6 * (1.5 * 56 / 3467.5) / (1 + 1.5*56/3467.5) * 0.135 * 0.61338 / 1000, "cooling 2.4 % of 1200000 kWh"},
		{"a Paris-like site at 56 CDD", "FR", 56, 1.2e6 * (1.5 * 56 / 3467.5) / (1 + 1.5*56/3467.5) * 0.135 * 0.04418 / 1000, "by the site's 56 CDD (declared in site.yaml)"},
		{"a site with no cooling degree day", "FR", 0, 0, "cooling 0.0 %"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, acts := manila(t)
			site.Country = tt.country
			got := leversByID(t, site, acts, climate(tt.cdd))
			l := got[declaration.LeverCooling]
			assert.InDelta(t, tt.wantT, l.PotentialT, 1e-9)
			assert.Contains(t, l.Assumptions, tt.text)
			assert.Contains(t, l.Assumptions, "setpoints 21 → 24 °C × 4.5 % a °C")
		})
	}
	// The literal figures of the comment, once.
	site, acts := manila(t)
	assert.InDelta(t, 55.29, leversByID(t, site, acts, climate(2900))[declaration.LeverCooling].PotentialT, 0.005)
	site.Country = "FR"
	assert.InDelta(t, 0.169, leversByID(t, site, acts, climate(56))[declaration.LeverCooling].PotentialT, 0.0005)
	// Unknown climate: 0 t and what to declare.
	site, acts = manila(t)
	l := leversByID(t, site, acts, ghg.Assumptions{Climate: weather.NormalClimate{Source: "unknown: no coordinates"}})[declaration.LeverCooling]
	assert.Zero(t, l.PotentialT)
	assert.Contains(t, l.Assumptions, "declare site.climate")
}

// With the site's own outdoor temperature, the share is its own
// regression's. Monthly means 26, 26.5, 27.5, 29, 29.5, 28.5, 28, 27.8,
// 27.6, 27.5, 27, 26.2 °C in 2024 give Σ days × (T − 18) = 3,511 CDD.
// When each month's electricity is 2,000 kWh a day + 300 kWh per CDD, the
// fit finds 300 kWh/CDD exactly: cooling 300 × 3,511 = 1,053,300 of
// 2,000 × 366 + 1,053,300 = 1,785,300 kWh (59.0 %); 13.5 % of it is
// 142,195.5 kWh × 0.61338 = 87.22 t. When it is a flat 3,000 kWh a day,
// the fit finds no cooling term and the published share takes over at
// the measured 3,511 CDD: 0.60/0.40 × 3,511/3,467.5 = 1.518818, cooling
// 1.518818/2.518818 = 60.30 % of 1,098,000 kWh, × 13.5 % = 89,380.7 kWh
// × 0.61338 = 54.82 t.
func TestTheCoolingLeverTakesTheSitesOwnDegreeDayFit(t *testing.T) {
	t.Parallel()
	means := []float64{26, 26.5, 27.5, 29, 29.5, 28.5, 28, 27.8, 27.6, 27.5, 27, 26.2}
	tests := []struct {
		name   string
		perCDD float64
		wantT  float64
		lit    float64 // the comment's figure
		text   []string
	}{
		{"a load that follows the weather", 300, 1053300 * 0.135 * 0.61338 / 1000, 87.22,
			[]string{"cooling 59.0 % of 1785300 kWh", "by the site's own degree-day fit (12 months, R² 1.00: 300.0 kWh per CDD × 3511 CDD"}},
		{"a flat load", 0, 1098000 * (1.5 * 3511 / 3467.5) / (1 + 1.5*3511/3467.5) * 0.135 * 0.61338 / 1000, 54.82,
			[]string{"cooling 60.3 % of 1098000 kWh", "found no cooling term", "by the site's 3511 CDD (measured at the site in 2024)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, _ := manila(t)
			var acts []footprint.Activity
			for m := time.January; m <= time.December; m++ {
				first := footprint.NewDate(2024, m, 1)
				next := footprint.NewDate(2024, m+1, 1)
				days := float64(first.DaysUntil(next))
				for d := first; d.Before(next); d = d.AddDays(1) {
					acts = append(acts, footprint.Activity{Kind: footprint.KindWeather, Item: "outdoor_temp", Start: d, End: d.AddDays(1), Quantity: means[m-1],
						Unit: footprint.UnitCelsius, Source: "roof", Quality: footprint.QualityMeasured})
				}
				kwh := 3000 * days
				if tt.perCDD > 0 {
					kwh = 2000*days + tt.perCDD*days*(means[m-1]-18)
				}
				acts = append(acts, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: first, End: next,
					Quantity: kwh, Unit: footprint.UnitKWh, Source: "bill", Quality: footprint.QualityMeasured})
			}
			l := leversByID(t, site, acts, climate(3366))[declaration.LeverCooling]
			assert.InDelta(t, tt.wantT, l.PotentialT, 1e-6)
			assert.InDelta(t, tt.lit, l.PotentialT, 0.005)
			for _, w := range tt.text {
				assert.Contains(t, l.Assumptions, w)
			}
		})
	}
}

// Data-centre rooms are the PUE lever's: their facility energy is taken
// out of the electricity the cooling lever works on. The IT site's
// hall B on its own supply (120,000 kWh of facility energy, counted as
// grid) and nothing else: no office electricity left.
func TestTheCoolingLeverLeavesTheDataCentreRoomsToThePUELever(t *testing.T) {
	t.Parallel()
	site := fixture.ITSite()
	acts := fixture.Monthly(2024, footprint.KindDataCentre, "facility_energy", 10000, map[string]string{"room": "hall-b"})
	got := leversByID(t, site, acts, climate(56))
	assert.Zero(t, got[declaration.LeverCooling].PotentialT)
	assert.Contains(t, got[declaration.LeverCooling].Assumptions, "no grid electricity recorded outside the data-centre rooms")
	// With 1.2 GWh of bills beside it, only the bills count: 1,200,000 +
	// 120,000 − 120,000.
	acts = append(acts, fixture.Monthly(2024, footprint.KindElectricity, "grid", 100000, nil)...)
	got = leversByID(t, site, acts, climate(56))
	want := 1.2e6 * (1.5 * 56 / 3467.5) / (1 + 1.5*56/3467.5) * 0.135 * 0.04418 / 1000
	assert.InDelta(t, want, got[declaration.LeverCooling].PotentialT, 1e-9)
	assert.Contains(t, got[declaration.LeverCooling].Assumptions, "1200000 kWh of grid electricity (1320000 less the data-centre rooms' 120000 kWh")
}

// The leak-repair lever by hand on the Manila-like site's 24.4 kg of
// R410A (55.03 t): without a declared charge, half the leaks go —
// 12.2 kg × 2,255.5 = 27.52 t. With a 120 kg charge the site leaks
// 20.3 % a year, far above the typical 3 % (3.6 kg): the cut stays half,
// 27.52 t. With 500 kg it leaks 4.9 %: down to 3 % (15 kg) is 9.4 kg,
// less than half — 9.4 × 2,255.5 = 21.20 t. With 1,000 kg it leaks 2.4 %,
// below the typical rate: nothing to take. Under AR5 the same kilograms
// weigh 1,924 kgCO2e each: 12.2 × 1,924 = 23.47 t.
func TestTheLeakRepairLeverIsSizedFromTheRefrigerantLogByHand(t *testing.T) {
	t.Parallel()
	gwp := fixture.KG(t, "refrigerant", "R410A", "WORLD", 2100)
	require.InDelta(t, 2255.5, gwp, 1e-9)
	tests := []struct {
		name   string
		charge float64
		want   float64
		text   []string
	}{
		{"no charge declared", 0, 12.2 * 2255.5 / 1000, []string{"R410A: 24.4 kg topped up × 2255.5 kgCO2e/kg = 55.03 t → 12.2 kg less, 27.52 t", "declare the equipment's charge (site.refrigerants)"}},
		{"a 120 kg charge leaking 20 % a year", 120, 12.2 * 2255.5 / 1000, []string{"20.3 % of its 120 kg charge a year (typical split air conditioner 3 %, NZ MfE; US repair trigger for comfort cooling 10 %)"}},
		{"a 500 kg charge leaking 4.9 % a year", 500, 9.4 * 2255.5 / 1000, []string{"4.9 % of its 500 kg charge", "→ 9.4 kg less, 21.20 t"}},
		{"a 1,000 kg charge leaking less than the typical rate", 1000, 0, []string{"2.4 % of its 1000 kg charge", "→ 0.0 kg less"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, acts := manila(t)
			if tt.charge > 0 {
				site.Refrigerants = []declaration.RefrigerantCharge{{Gas: "R410A", ChargeKg: tt.charge}}
			}
			l := leversByID(t, site, acts, climate(2900))[declaration.LeverLeakRepair]
			assert.InDelta(t, tt.want, l.PotentialT, 1e-9)
			for _, w := range tt.text {
				assert.Contains(t, l.Assumptions, w)
			}
		})
	}
	site, acts := manila(t)
	lib := factors.Default()
	inv, err := ghg.Calculate(site, acts, 2024, lib, ghg.Assumptions{}, ghg.Options{GWP: ghg.GWPAR5})
	require.NoError(t, err)
	for _, l := range Levers(site, inv, nil, ghg.Assumptions{}, lib) {
		if l.ID == declaration.LeverLeakRepair {
			assert.InDelta(t, 12.2*1924/1000, l.PotentialT, 1e-9)
		}
	}
}

// A site without a refrigerant log gets the lever at 0 t with what to send.
func TestASiteWithoutARefrigerantLogHasNothingToRepair(t *testing.T) {
	t.Parallel()
	site, _ := manila(t)
	got := leversByID(t, site, fixture.Monthly(2024, footprint.KindElectricity, "grid", 100000, nil), climate(2900))
	l, ok := got[declaration.LeverLeakRepair]
	require.True(t, ok)
	assert.Zero(t, l.PotentialT)
	assert.Contains(t, l.Assumptions, "send the refrigerant log")
}

// An action on either lever is set against the emissions it acts on:
// grid electricity at its full factor for cooling (Scope 2 combustion
// 0.54831 + 3.3 upstream 0.06507 = Ember's lifecycle 0.61338 for PH
// 2024), the refrigerant lines for leaks.
func TestTheCoolingActionsAreObservedOnWhatTheyActOn(t *testing.T) {
	t.Parallel()
	site, acts := manila(t)
	inv, err := ghg.Calculate(site, acts, 2024, factors.Default(), ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	assert.InDelta(t, 1.2e6*0.61338/1000, LeverEmissionsT(declaration.LeverCooling, inv), 1e-9)
	assert.InDelta(t, 24.4*2255.5/1000, LeverEmissionsT(declaration.LeverLeakRepair, inv), 1e-9)
}
