package ghg

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
)

// marketOf computes a site's 2025 inventory from 12 × 1,000 kWh of grid
// electricity in 2025 (12,000 kWh).
func marketOf(t *testing.T, country string, con declaration.ElectricityContract) *Inventory {
	t.Helper()
	site := declaration.Site{ID: "s1", Name: "s1", Country: country, Electricity: con}
	inv, err := Calculate(site, fixture.Monthly(2025, footprint.KindElectricity, "grid", 1000, nil), 2025, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	return inv
}

func marketLines(inv *Inventory) []Line {
	var out []Line
	for _, l := range inv.Lines {
		if l.Scope == Scope2Market {
			out = append(out, l)
		}
	}
	return out
}

func noteWith(inv *Inventory, parts ...string) bool {
	for _, n := range inv.Notes {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(n, p)
		}
		if all {
			return true
		}
	}
	return false
}

// A French site without certificates: every kWh at France's residual mix
// of the year. AIB European Residual Mixes 2025, FR: 17.11 g/kWh, so
// 12,000 kWh × 0.01711 = 205.32 kg = 0.20532 t; in 2023 (40.74 g) the
// same kWh weigh 12,000 × 0.04074 = 488.88 kg.
func TestAFrenchSiteWithoutCertificatesTakesTheResidualMixOfItsYear(t *testing.T) {
	t.Parallel()
	inv := marketOf(t, "FR", declaration.ElectricityContract{})
	assert.InDelta(t, 0.20532, inv.Scope2MarketT, 1e-12)
	ls := marketLines(inv)
	require.Len(t, ls, 1)
	assert.Equal(t, "electricity/residual_mix/FR/2025", ls[0].FactorID)
	assert.Equal(t, instResidual, ls[0].Instrument)
	assert.Contains(t, ls[0].FactorSource, "AIB European Residual Mixes 2025")
	assert.Empty(t, ls[0].Fallback, "the year's own edition")

	site := declaration.Site{ID: "s1", Name: "s1", Country: "FR"}
	inv23, err := Calculate(site, fixture.Monthly(2023, footprint.KindElectricity, "grid", 1000, nil), 2023, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	assert.InDelta(t, 0.48888, inv23.Scope2MarketT, 1e-12)
}

// Without a residual mix (South Africa: AIB covers Europe) the
// location-based (combustion) factor stands in, said on the line: DFFE's
// 0.942 kg/kWh of 2023 for 2025, 12,000 × 0.942 = 11,304 kg.
func TestWithoutAResidualMixTheLocationFactorStandsInAndSaysSo(t *testing.T) {
	t.Parallel()
	inv := marketOf(t, "ZA", declaration.ElectricityContract{})
	assert.InDelta(t, 11.304, inv.Scope2MarketT, 1e-9)
	ls := marketLines(inv)
	require.Len(t, ls, 1)
	assert.Equal(t, instLocation, ls[0].Instrument)
	assert.Contains(t, ls[0].Fallback, "no residual mix for ZA")
	assert.InDelta(t, inv.Scope2LocationT, inv.Scope2MarketT, 1e-12)
}

// A guarantee of origin at a South African site (a declaration stored
// before the check, which Validate now refuses) is not counted: the kWh
// take the location factor, and a note names site, instrument, market
// and country.
func TestAGuaranteeOfOriginOutsideItsMarketIsNotCounted(t *testing.T) {
	t.Parallel()
	for _, con := range []declaration.ElectricityContract{
		{GreenShare: 1, Instrument: "GO"},
		{Instruments: []declaration.Instrument{{Type: "GO", Year: 2025, MWh: 12, Vintage: "2025", Country: "FR"}}},
	} {
		inv := marketOf(t, "ZA", con)
		assert.InDelta(t, 11.304, inv.Scope2MarketT, 1e-9, "12,000 kWh × 0.942: nothing covered")
		assert.True(t, noteWith(inv, "GO", "not counted for site s1 in ZA", "EU/EEA"), "%v", inv.Notes)
		require.Error(t, declaration.Site{ID: "s1", Name: "s1", Country: "ZA", Timezone: "UTC", Seats: 1, Electricity: con}.Validate("site.yaml"))
	}
}

// Certificates above consumption: 20 MWh of GOs for 12 MWh consumed.
// The excess 8 MWh is not counted: every kWh covered once, market-based
// Scope 2 zero — never negative — and the note says how much was left.
func TestCertificatesAboveConsumptionAreCappedWithANote(t *testing.T) {
	t.Parallel()
	inv := marketOf(t, "FR", declaration.ElectricityContract{Instruments: []declaration.Instrument{
		{Type: "GO", Year: 2025, MWh: 15, Vintage: "2025"}, {Type: "GO", Year: 2025, MWh: 5, Vintage: "2025-02", Country: "ES"}}})
	assert.InDelta(t, 0, inv.Scope2MarketT, 1e-12)
	covered := 0.0
	for _, l := range marketLines(inv) {
		assert.Equal(t, instCertificates, l.Instrument)
		covered += l.Quantity
	}
	// 12,000 kWh shared 15:5 → 9,000 and 3,000 kWh.
	assert.InDelta(t, 12000, covered, 1e-9, "the consumption, not the 20,000 kWh of certificates")
	assert.True(t, noteWith(inv, "instruments of 20 MWh for 2025 exceed site s1's grid consumption of 12 MWh", "8 MWh not counted"), "%v", inv.Notes)
}

// The hierarchy on one French site in 2025, 12,000 kWh:
//
//	3 MWh of GOs at 0                        → 3,000 kWh × 0      = 0 kg
//	2 MWh of a PPA at 0.01 kg/kWh            → 2,000 kWh × 0.01   = 20 kg
//	a GO of 2022 vintage: refused, not counted
//	the rest at the residual mix (17.11 g)   → 7,000 kWh × 0.01711 = 119.77 kg
//
// market = 139.77 kg, the sum of the lines by instrument.
func TestMarketBasedScope2IsTheSumOfItsInstruments(t *testing.T) {
	t.Parallel()
	inv := marketOf(t, "FR", declaration.ElectricityContract{Instruments: []declaration.Instrument{
		{Type: "GO", Year: 2025, MWh: 3, Vintage: "2025", Reference: "AIB cancellation 1"},
		{Type: "PPA", Year: 2025, MWh: 2, Vintage: "2025", KgPerKWh: 0.01},
		{Type: "GO", Year: 2025, MWh: 4, Vintage: "2022"},
		{Type: "GO", Year: 2024, MWh: 50, Vintage: "2024"}, // another year's: not this one's
	}})
	by := map[string]float64{}
	kwh := map[string]float64{}
	for _, l := range marketLines(inv) {
		by[l.Instrument] += l.T
		kwh[l.Instrument] += l.Quantity
	}
	assert.InDelta(t, 3000, kwh[instCertificates], 1e-9)
	assert.InDelta(t, 2000, kwh[instPPA], 1e-9)
	assert.InDelta(t, 7000, kwh[instResidual], 1e-9)
	assert.InDelta(t, 0.020, by[instPPA], 1e-12)
	assert.InDelta(t, 0.11977, by[instResidual], 1e-12)
	assert.InDelta(t, 0.13977, inv.Scope2MarketT, 1e-12)
	sum := 0.0
	for _, k := range Instruments() {
		sum += by[k]
	}
	assert.InDelta(t, inv.Scope2MarketT, sum, 1e-12, "market = Σ instruments")
	assert.True(t, noteWith(inv, "instruments[2]", "vintage 2022", "not counted"), "%v", inv.Notes)
}

// A month's inventory takes the year's volume pro rata: 6 MWh of GOs for
// 2025 over March (31 of 365 days) cover 6,000 × 31 ÷ 365 = 509.589 kWh
// of March's 1,000; the other 490.411 kWh take the residual mix.
func TestAMonthTakesTheYearsInstrumentsProRata(t *testing.T) {
	t.Parallel()
	site := declaration.Site{ID: "s1", Name: "s1", Country: "FR", Electricity: declaration.ElectricityContract{Instruments: []declaration.Instrument{{Type: "GO", Year: 2025, MWh: 6, Vintage: "2025"}}}}
	inv, err := CalculatePeriod(site, fixture.Monthly(2025, footprint.KindElectricity, "grid", 1000, nil),
		footprint.NewDate(2025, 3, 1), footprint.NewDate(2025, 4, 1), factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	covered := 6000 * 31.0 / 365
	assert.InDelta(t, (1000-covered)*0.01711/1000, inv.Scope2MarketT, 1e-12)
}
