package planning

import (
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The change by scope lists the scopes in the table's order, and the same
// inventories give the same change to the last digit every time.
func TestTheChangeByScopeIsInTheTablesOrderAndTheSameEveryTime(t *testing.T) {
	t.Parallel()
	mk := func(site string, year int, f float64) *ghg.Inventory {
		inv := &ghg.Inventory{Site: site, Year: year}
		for i, s := range ghg.Scopes() {
			for j, kind := range []string{"a", "b", "c", "d"} {
				q := 1000*f + float64(i*7+j)/3
				inv.Lines = append(inv.Lines, ghg.Line{Scope: s.ID, Kind: kind, Item: "x", Unit: "u", Quantity: q, T: q * 0.1 * float64(j+1) / 3})
			}
		}
		inv.Totals()
		return inv
	}
	prev := []*ghg.Inventory{mk("s1", 2023, 1), mk("s2", 2023, 1.1)}
	cur := []*ghg.Inventory{mk("s1", 2024, 0.9), mk("s2", 2024, 1.3), mk("s3", 2024, 0.7)}
	g, sites := GroupChange(2023, prev, cur)
	var got []ghg.Scope
	for _, s := range g.ByScope {
		got = append(got, s.Scope)
	}
	var table []ghg.Scope
	for _, s := range ghg.Scopes() {
		if s.ID != ghg.Scope2Location { // the change is of market-based totals
			table = append(table, s.ID)
		}
	}
	assert.Equal(t, table, got)
	for i := 0; i < 50; i++ {
		g2, sites2 := GroupChange(2023, prev, cur)
		require.Equal(t, g, g2, "run %d", i)
		require.Equal(t, sites, sites2, "run %d", i)
	}
}

// The IT levers, by hand. PUE: eleven months at 1.8 and a best month at
// 1.5 (15,000 kWh of facility on 10,000 of IT): 213,000 kWh of facility
// for 120,000 of IT; at 1.5 all year 180,000: 33,000 kWh × the FR grid.
// Consolidation: 40 servers at 20 % CPU to 50 % keep 40 % of the IT
// energy: 120,000 × 60 % × PUE 1.775 = 127,800 kWh × the FR grid. Cloud:
// 1,000 kWh estimated in AWS eu-central-1 (DE) to the lowest-carbon AWS
// region in Europe.
func TestTheITLeversAreSizedFromTheSitesOwnYear(t *testing.T) {
	t.Parallel()
	room := map[string]string{"room": "room-a"}
	acts := fixture.Monthly(2025, footprint.KindDataCentre, "it_energy", 10000, room)
	for _, a := range fixture.Monthly(2025, footprint.KindDataCentre, "facility_energy", 18000, room) {
		if a.Start.Time().Month() == time.April {
			a.Quantity = 15000
		}
		acts = append(acts, a)
	}
	jan := footprint.NewDate(2025, time.January, 1)
	acts = append(acts, footprint.Activity{Kind: footprint.KindCloud, Item: "compute", Start: jan, End: jan.AddDays(31), Quantity: 1000 / (2.12e-3 * 1.135), Unit: footprint.UnitVCPUHour,
		Source: "aws-usage", Quality: footprint.QualityMeasured, Attrs: map[string]string{"provider": "aws", "region": "eu-central-1"}})
	site := fixture.ITSite()
	site.DataCentres[0].Servers, site.DataCentres[0].Utilisation = 40, 0.2
	lib := factors.Default()
	inv, err := ghg.Calculate(site, acts, 2025, lib, ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	got := map[string]Lever{}
	for _, l := range Levers(site, inv, nil, ghg.Assumptions{}, lib) {
		got[l.ID] = l
	}
	fr := fixture.KG(t, "electricity", "grid", "FR", 2025)
	assert.InDelta(t, 33000*fr/1000, got[declaration.LeverPUE].PotentialT, 1e-9)
	assert.Contains(t, got[declaration.LeverPUE].Assumptions, "PUE 1.77 → 1.50")
	assert.InDelta(t, 127800*fr/1000, got[declaration.LeverConsolidation].PotentialT, 1e-9)
	assert.Contains(t, got[declaration.LeverConsolidation].Assumptions, "40 servers at 20 % CPU → 16 at 50 %")
	de := fixture.KG(t, "electricity", "grid", "DE", 2025)
	best, bestRegion := de, ""
	for _, r := range []string{"eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2"} {
		cc, _ := ghg.CloudRegionCountry("aws", r)
		if m, err := lib.Lookup("electricity", "grid", cc, 2025); err == nil && m.Region == cc && m.KgPerUnit < best {
			best, bestRegion = m.KgPerUnit, r
		}
	}
	require.NotEmpty(t, bestRegion)
	assert.InDelta(t, 1000*(de-best)/1000, got[declaration.LeverCloudRegion].PotentialT, 1e-9)
	assert.Contains(t, got[declaration.LeverCloudRegion].Assumptions, "eu-central-1 (DE")
	assert.Contains(t, got[declaration.LeverCloudRegion].Assumptions, "→ "+bestRegion)
	// A site without IT gets none of them.
	plain, err := ghg.Calculate(fixture.Site(), nil, 2025, lib, ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	for _, l := range Levers(fixture.Site(), plain, nil, ghg.Assumptions{}, lib) {
		assert.NotContains(t, []string{declaration.LeverPUE, declaration.LeverConsolidation, declaration.LeverCloudRegion}, l.ID)
	}
}

// The documented defaults, derived by hand from their sources (see
// footprint/declaration/devices.go): ENERGY STAR v8 duty cycle applied to
// Boavizta's median yearly energy. Desktop long idle:
// (36.18 / 8.76 − 0.45 × 3 W asleep) / 0.40 = 6.9503 W; laptop:
// (17.51 / 8.76 − 0.35 × 1 W asleep) / 0.40 = 4.1221 W.
const (
	desktopIdleW = (36.18/8.76 - 0.45*3) / 0.40
	laptopIdleW  = (17.51/8.76 - 0.35*1) / 0.40
)

// The planner's power-off and equipment levers used to show 0 t for a site
// without electricity bills (no Scope 2 line carried the grid factor).
func TestPowerOffLeversUseTheGridFactorWithoutElectricityBills(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "za-x", Country: "ZA", Workstations: []declaration.Workstation{{Class: "desktop", Count: 1, WattsOn: 70}}}
	inv, err := ghg.Calculate(site, []footprint.Activity{fixture.DevH("desktop", "off", 80), fixture.DevH("desktop", "missed", 20)}, 2024, factors.Default(), ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	levers := Levers(site, inv, []string{declaration.LeverPowerOff, declaration.LeverEquipment}, ghg.Assumptions{}, factors.Default())
	require.Equal(t, declaration.LeverPowerOff, levers[0].ID)
	require.Equal(t, declaration.LeverEquipment, levers[1].ID)
	grid := fixture.KG(t, "electricity", "grid", "ZA", 2024)
	// 95 % of 100 window hours off: 15 more hours × the counterfactual
	// 0.40 (left on, AVOB) × 6.9503 W long idle = 2.7801 W saved — not the
	// 70 W the site declared for a desktop in use.
	assert.InDelta(t, 15*0.40*desktopIdleW/1e6*grid, levers[0].PotentialT, 1e-12)
	// The 20 h left on at long idle (6.9503 W) against a laptop's
	// 4.1221 W: 20 × 2.8282 = 56.56 Wh a year, less one laptop's
	// manufacture (182.6 kg) over 5 years. No windows declared: as logged.
	assert.InDelta(t, 20*(desktopIdleW-laptopIdleW)/1e6*grid-182.6/5/1000, levers[1].PotentialT, 1e-12)
	assert.Contains(t, levers[1].Assumptions, "the records as logged")
}

// Hand-computed renewal lever: 100 desktops at 70 W used 2,000 h a year
// each (200,000 h, 14,000 kWh) replaced by laptops at 4.1221 W in use
// save 200,000 × (70 − 4.1221) = 13,175.6 kWh a year; the laptops'
// manufacture is 100 × 182.6 kg over 5 years = 3.652 t a year. On South
// Africa's coal grid the renewal pays; on France's nuclear grid it costs
// more carbon than it saves, and the lever says so.
func TestTheRenewalLeverNetsTheNewLaptopsManufacture(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		country string
		pays    bool
	}{{"ZA", true}, {"FR", false}} {
		t.Run(tt.country, func(t *testing.T) {
			site := declaration.Site{ID: "x", Country: tt.country, Workstations: []declaration.Workstation{{Class: "desktop", Count: 100, WattsOn: 70}}}
			inv, err := ghg.Calculate(site, []footprint.Activity{fixture.DevH("desktop", "on", 200000)}, 2024, factors.Default(), ghg.Assumptions{}, ghg.Options{})
			require.NoError(t, err)
			ls := Levers(site, inv, []string{declaration.LeverEquipment}, ghg.Assumptions{}, factors.Default())
			require.Equal(t, declaration.LeverEquipment, ls[0].ID)
			want := 200000*(70-laptopIdleW)/1000*fixture.KG(t, "electricity", "grid", tt.country, 2024)/1000 - 3.652
			assert.InDelta(t, want, ls[0].PotentialT, 1e-9)
			assert.Equal(t, tt.pays, ls[0].PotentialT > 0)
			assert.Contains(t, ls[0].Assumptions, "100 × 182.6 kgCO2e to make the laptops")
		})
	}
}

// One coverage for every lever: a two-week log of 10 of the site's 100
// desktops is scaled to the fleet and the year by both the power-off and
// the renewal lever — the same factor, the coverage's own — never taken
// for a year by one and scaled by the other.
func TestThePowerOffAndRenewalLeversScaleALogAlike(t *testing.T) {
	t.Parallel()
	all := declaration.PowerOffWindow{Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, AllDay: true}
	site := declaration.Site{ID: "za-x", Country: "ZA", Timezone: "UTC", Workstations: []declaration.Workstation{{Class: "desktop", Count: 100}},
		PowerOff: declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{all}}}
	// 14 days × 10 desktops × 24 h = 3,360 window hours: 2,000 off, 1,360 left on.
	var acts []footprint.Activity
	for d := 0; d < 14; d++ {
		for _, st := range []struct {
			state string
			h     float64
		}{{"off", 2000.0 / 14}, {"missed", 1360.0 / 14}} {
			a := fixture.DevH("desktop", st.state, st.h)
			a.Start = footprint.NewDate(2024, 3, 4).AddDays(d)
			a.End = a.Start.AddDays(1)
			acts = append(acts, a)
		}
	}
	inv, err := ghg.Calculate(site, acts, 2024, factors.Default(), ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	cv := inv.PowerOff.Coverage
	require.NotNil(t, cv)
	// The fleet's window hours: 100 desktops × 24 h × 366 days = 878,400;
	// the scale 878,400 / 3,360 = 261.43.
	scale, note := cv.Scale()
	assert.InDelta(t, 878400.0/3360, scale, 1e-9)
	assert.Contains(t, note, "scaled ×261.43")
	assert.InDelta(t, scale, cv.ScaledAvoidedKWh/inv.PowerOff.AvoidedKWh, 1e-9, "the power-off figure scaled alike")
	grid := fixture.KG(t, "electricity", "grid", "ZA", 2024)
	got := map[string]Lever{}
	for _, l := range Levers(site, inv, nil, ghg.Assumptions{}, factors.Default()) {
		got[l.ID] = l
	}
	// Power-off: (0.95 × 3,360 − 2,000) = 1,192 more hours off in the log,
	// × 261.43 over the fleet and the year, × 2.7801 W saved.
	assert.InDelta(t, 1192*scale*0.40*desktopIdleW/1e6*grid, got[declaration.LeverPowerOff].PotentialT, 1e-9)
	// Renewal: the 1,360 h left on at 6.9503 W, the 2,000 h off at 0 W,
	// against a laptop's 4.1221 W and 0 W: 1,360 × 2.8282 W = 3.846 kWh in
	// the log, × 261.43 = 1,005.5 kWh a year; less 100 laptops' manufacture.
	assert.InDelta(t, 1360*(desktopIdleW-laptopIdleW)/1000*scale*grid/1000-100*182.6/5/1000, got[declaration.LeverEquipment].PotentialT, 1e-9)
	for _, id := range []string{declaration.LeverPowerOff, declaration.LeverEquipment} {
		assert.Contains(t, got[id].Assumptions, "scaled ×261.43", id)
	}
}

func TestEveryLeverSaysWhatItsTonnesDoNotSay(t *testing.T) {
	t.Parallel()
	for _, id := range declaration.LeverIDs() {
		assert.NotEmpty(t, declaration.LeverCaveat(id), id)
	}
}
