package ghg

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
)

func line(t *testing.T, inv *Inventory, scope Scope, kind, item string) Line {
	t.Helper()
	var out Line
	n := 0
	for _, l := range inv.Lines {
		if l.Scope == scope && l.Kind == kind && l.Item == item {
			out.Quantity += l.Quantity
			out.T += l.T
			out.Basis, out.FactorID, out.Instrument, out.Restated = l.Basis, l.FactorID, l.Instrument, l.Restated
			n++
		}
	}
	require.NotZero(t, n, "no %s line %s/%s", scope, kind, item)
	return out
}

// A server room inside the site's meter whose PUE falls from 1.8 (2024:
// 10,000 kWh of IT, 18,000 of facility a month) to 1.5 (2025: 15,000):
// by hand, PUE 1.8 then 1.5 every month and over the year; its facility
// energy is in the site's grid line (144,000 kWh a year of site meter),
// never counted twice; its tonnes are 216,000 and 180,000 kWh × the FR
// grid's Scope 2 (combustion) factor of the year.
func TestADataCentresPUEFallsFrom18To15ByHand(t *testing.T) {
	t.Parallel()
	room := map[string]string{"room": "room-a"}
	for _, c := range []struct {
		year     int
		facility float64
		pue      float64
	}{{2024, 18000, 1.8}, {2025, 15000, 1.5}} {
		acts := append(fixture.Monthly(c.year, footprint.KindDataCentre, "it_energy", 10000, room), fixture.Monthly(c.year, footprint.KindDataCentre, "facility_energy", c.facility, room)...)
		acts = append(acts, fixture.Monthly(c.year, footprint.KindElectricity, "grid", 30000, nil)...) // the site meter, room included
		inv, err := Calculate(fixture.ITSite(), acts, c.year, factors.Default(), Assumptions{}, Options{})
		require.NoError(t, err)
		require.NotNil(t, inv.IT)
		require.Len(t, inv.IT.DataCentres, 1)
		d := inv.IT.DataCentres[0]
		assert.Equal(t, "room-a", d.ID)
		assert.True(t, d.InSiteMeter)
		require.NotNil(t, d.PUE)
		assert.InDelta(t, c.pue, *d.PUE, 1e-12)
		require.Len(t, d.Months, 12)
		for _, m := range d.Months {
			assert.InDelta(t, c.pue, *m.PUE, 1e-12)
		}
		assert.InDelta(t, 12*c.facility, d.FacilityKWh, 1e-6)
		assert.InDelta(t, 12*c.facility*fixture.KG(t, "electricity", "grid.combustion", "FR", c.year)/1000, d.LocationT, 1e-9)
		// Counted once: the site's grid line is the meter's 360,000 kWh.
		assert.InDelta(t, 360000, line(t, inv, Scope2Location, "electricity", "grid").Quantity, 1e-6)
		for _, l := range inv.Lines {
			assert.NotEqual(t, "datacentre", l.Kind)
		}
	}
}

// A hall on its own supply, outside the site's electricity records: its
// facility energy is the site's grid electricity, once.
func TestADataCentreOnItsOwnSupplyIsCountedAsGridElectricity(t *testing.T) {
	t.Parallel()
	hall := map[string]string{"room": "hall-b"}
	acts := append(fixture.Monthly(2025, footprint.KindDataCentre, "it_energy", 10000, hall), fixture.Monthly(2025, footprint.KindDataCentre, "facility_energy", 15000, hall)...)
	acts = append(acts, fixture.Monthly(2025, footprint.KindElectricity, "grid", 30000, nil)...)
	inv, err := Calculate(fixture.ITSite(), acts, 2025, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	assert.InDelta(t, 360000+180000, line(t, inv, Scope2Location, "electricity", "grid").Quantity, 1e-6)
	assert.False(t, inv.IT.DataCentres[0].InSiteMeter)
	assert.Contains(t, inv.IT.DataCentres[0].Counted, "own supply")
}

// Colocation under each rule, by hand: FRA1, 100,000 kWh of IT × the
// declared PUE 1.4 = 140,000 kWh × the DE grid, the provider's
// electricity: Scope 3 category 1; PAR2, 50,000 kWh × the default PUE
// 1.58 (Uptime 2023) = 79,000 kWh × the FR grid, the group's electricity:
// Scope 2 at the combustion factor (location-based; market-based at FR's
// residual mix for want of a contract), and, as a site's grid
// electricity, its upstream and T&D losses in Scope 3.3.
func TestColocationUnderEachAccountingRuleByHand(t *testing.T) {
	t.Parallel()
	d := footprint.NewDate(2025, time.March, 1)
	acts := []footprint.Activity{
		{Kind: footprint.KindColocation, Item: "it_energy", Start: d, End: d.AddDays(31), Quantity: 100000, Unit: footprint.UnitKWh, Source: "colo-portal", Quality: footprint.QualityMeasured, Attrs: map[string]string{"contract": "fra1"}},
		{Kind: footprint.KindColocation, Item: "it_energy", Start: d, End: d.AddDays(31), Quantity: 50000, Unit: footprint.UnitKWh, Source: "colo-portal", Quality: footprint.QualityMeasured, Attrs: map[string]string{"contract": "par2"}},
	}
	inv, err := Calculate(fixture.ITSite(), acts, 2025, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	de := fixture.KG(t, "electricity", "grid", "DE", 2025) // the full (lifecycle) factor: the provider's
	fr := fixture.KG(t, "electricity", "grid.combustion", "FR", 2025)
	frUp := fixture.KG(t, "electricity", "grid.upstream", "FR", 2025)
	assert.InDelta(t, 0.02482, fr, 1e-12, "Ember FR 2024 × its direct share, standing in for 2025")
	assert.InDelta(t, 0.01936, frUp, 1e-12)
	lost := 79000 * 0.069585 / (1 - 0.069585) // WDI France 2023: 6.9585 % of output
	s31 := line(t, inv, Scope3PurchasedGoods, "colocation", "it_energy")
	assert.InDelta(t, 140000, s31.Quantity, 1e-6)
	assert.InDelta(t, 140000*de/1000, s31.T, 1e-9)
	assert.Contains(t, s31.Basis, "PUE 1.40 (provider's 2024 report)")
	assert.Contains(t, s31.Basis, "Scope 3 category 1")
	s2 := line(t, inv, Scope2Location, "colocation", "it_energy")
	assert.InDelta(t, 79000, s2.Quantity, 1e-6)
	assert.InDelta(t, 79000*fr/1000, s2.T, 1e-9)
	assert.Contains(t, s2.Basis, "Uptime Institute")
	// Market-based, no instrument for the cage: FR's residual mix 2025
	// (AIB European Residual Mixes 2025: 17.11 g/kWh).
	mkt := line(t, inv, Scope2Market, "colocation", "it_energy")
	assert.InDelta(t, 79000*0.01711/1000, mkt.T, 1e-9)
	assert.Equal(t, "electricity/residual_mix/FR/2025", mkt.FactorID)
	assert.Equal(t, instResidual, mkt.Instrument)
	assert.InDelta(t, 140000*de/1000, inv.Scope3PurchasedGoodsT, 1e-9)
	// Scope 3.3 of the group's cage: upstream of the 79,000 kWh, the kWh
	// lost delivering them, their combustion and upstream.
	assert.InDelta(t, 79000*frUp/1000, line(t, inv, Scope3FuelEnergy, "colocation", "grid.upstream").T, 1e-9)
	assert.InDelta(t, lost, line(t, inv, Scope3FuelEnergy, "colocation", "td_losses").Quantity, 1e-6)
	assert.InDelta(t, lost*fr/1000, line(t, inv, Scope3FuelEnergy, "colocation", "td_losses").T, 1e-9)
	assert.InDelta(t, lost*frUp/1000, line(t, inv, Scope3FuelEnergy, "colocation", "td_losses.upstream").T, 1e-9)
	assert.InDelta(t, (79000*frUp+lost*(fr+frUp))/1000, inv.Scope3FuelEnergyT, 1e-9)
	// Scope 2 + 3.3 of the cage = (kWh + kWh lost) × the lifecycle factor.
	assert.InDelta(t, (79000+lost)*fixture.KG(t, "electricity", "grid", "FR", 2025)/1000, s2.T+inv.Scope3FuelEnergyT, 1e-9)
	assert.InDelta(t, inv.Scope2LocationT+inv.Scope3T(), inv.TotalLocationT, 1e-9)
	require.Len(t, inv.IT.Colocation, 2)
	assert.Equal(t, Scope3PurchasedGoods, inv.IT.Colocation[0].Scope)
	assert.Equal(t, Scope2Location, inv.IT.Colocation[1].Scope)
	assert.InDelta(t, s2.T+inv.Scope3FuelEnergyT, inv.IT.Colocation[1].T, 1e-9, "the contract's tonnes: its Scope 2 and its 3.3")
	// A provider's cage has no 3.3 of its own: its whole grid is in 3.1.
	for _, l := range inv.Lines {
		if l.Scope == Scope3FuelEnergy {
			assert.Contains(t, l.Basis, "contract par2", l.Item)
		}
	}
}

// The providers' reports count as reported (kg → t, Scope 3.1); a
// provider reporting both methods counts market-based only. The usage
// estimate, by hand for AWS in eu-west-3 (Paris): 10,000 vCPU-h × 2.12 W
// (0.74 + 50 % × (3.5 − 0.74)) = 21.2 kWh; 5,000 TB-h of SSD × 1.2 Wh =
// 6 kWh; 2,000 GB × 0.001 kWh = 2 kWh; 29.2 kWh × PUE 1.135 = 33.142 kWh
// × the FR grid.
func TestCloudReportsAndAUsageEstimateByHand(t *testing.T) {
	t.Parallel()
	jan, feb := footprint.NewDate(2025, time.January, 1), footprint.NewDate(2025, time.February, 1)
	rep := func(prov, method string, kg float64) footprint.Activity {
		return footprint.Activity{Kind: footprint.KindCloud, Item: "reported", Start: jan, End: feb, Quantity: kg, Unit: footprint.UnitKgCO2e, Source: prov + "-export", Quality: footprint.QualityMeasured,
			Attrs: map[string]string{"provider": prov, "method": method, "service": "x"}}
	}
	use := func(item string, q float64, unit footprint.Unit) footprint.Activity {
		return footprint.Activity{Kind: footprint.KindCloud, Item: item, Start: jan, End: feb, Quantity: q, Unit: unit, Source: "aws-usage", Quality: footprint.QualityMeasured,
			Attrs: map[string]string{"provider": "aws", "region": "eu-west-3"}}
	}
	acts := []footprint.Activity{rep("aws", "market", 1200), rep("aws", "location", 1500), rep("gcp", "market", 300), rep("azure", "market", 50),
		use("compute", 10000, footprint.UnitVCPUHour), use("storage_ssd", 5000, footprint.UnitTBHour), use("transfer", 2000, footprint.UnitGB)}
	for _, a := range acts {
		require.Empty(t, a.Validate("r"))
	}
	inv, err := Calculate(fixture.ITSite(), acts, 2025, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	reported := line(t, inv, Scope3PurchasedGoods, "cloud", "reported")
	assert.InDelta(t, 1200+300+50, reported.Quantity, 1e-9)
	assert.InDelta(t, 1.55, reported.T, 1e-12)
	assert.Contains(t, inv.Notes, "cloud AWS: both location- and market-based reports for the period; the market-based ones are counted (a provider's own figure), the location-based ones left out")
	fr := fixture.KG(t, "electricity", "grid", "FR", 2025)
	var kwh float64
	for _, item := range []string{"compute", "storage_ssd", "transfer"} {
		kwh += line(t, inv, Scope3PurchasedGoods, "cloud", item).Quantity
	}
	assert.InDelta(t, 33.142, kwh, 1e-9)
	assert.InDelta(t, 1.55+33.142*fr/1000, inv.Scope3PurchasedGoodsT, 1e-9)
	assert.Contains(t, line(t, inv, Scope3PurchasedGoods, "cloud", "compute").Basis, "2.12 W per vCPU")
	byMethod := map[string]float64{}
	for _, c := range inv.IT.Cloud {
		byMethod[c.Provider+" "+c.Method] = c.T
	}
	assert.InDelta(t, 1.2, byMethod["aws market-based, as reported"], 1e-12)
	assert.InDelta(t, 33.142*fr/1000, byMethod["aws usage estimate"], 1e-12)
}

// A server bought is Scope 3 category 2 at the library's per-server
// embodied figure (ADEME Base IMPACTS / NegaOctet, 3,660 kgCO2e).
func TestAServerBoughtIsCapitalGoods(t *testing.T) {
	t.Parallel()
	d := footprint.NewDate(2025, time.June, 3)
	inv, err := Calculate(fixture.ITSite(), []footprint.Activity{{Kind: footprint.KindPurchase, Item: "server", Start: d, End: d.AddDays(1), Quantity: 4, Unit: footprint.UnitDevice, Source: "it-register", Quality: footprint.QualityMeasured}},
		2025, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	assert.InDelta(t, 4*3660/1000.0, inv.Scope3CapitalGoodsT, 1e-12)
}

func TestITRecordsAndDeclarationsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	d := footprint.NewDate(2025, time.January, 1)
	a := footprint.Activity{Kind: footprint.KindColocation, Item: "it_energy", Start: d, End: d.AddDays(1), Quantity: 1, Unit: footprint.UnitKWh, Source: "s", Quality: footprint.QualityMeasured}
	require.Len(t, a.Validate("r"), 1)
	assert.Contains(t, a.Validate("r")[0].Error(), "attrs.contract")
	u := footprint.Activity{Kind: footprint.KindCloud, Item: "compute", Start: d, End: d.AddDays(1), Quantity: 1, Unit: footprint.UnitVCPUHour, Source: "s", Quality: footprint.QualityMeasured, Attrs: map[string]string{"provider": "other", "region": "x"}}
	assert.Contains(t, u.Validate("r")[0].Error(), "needs the provider's coefficients")
	s := fixture.ITSite()
	s.Colocation[0].PUE, s.Colocation[1].ElectricityBoughtBy = 0.9, "tenant"
	s.Colocation = append(s.Colocation, declaration.Colocation{ID: "room-a", Provider: "x", Country: "France", ElectricityBoughtBy: "group"})
	err := s.Validate("site.yaml")
	require.Error(t, err)
	for _, want := range []string{"colocation[0].pue: 0.9", `colocation[1].electricity_bought_by: tenant: want "group"`, "colocation[2].id: room-a: already used by data_centres[0]", "colocation[2].country: France"} {
		assert.Contains(t, err.Error(), want)
	}
}
