package esg

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
)

// dataset is a year of two sites computed from fixture records: grid
// electricity, diesel and a flight, one site named as a formula.
func dataset(t *testing.T) Dataset {
	t.Helper()
	site := fixture.Site()
	acts := append(fixture.Monthly(2024, footprint.KindElectricity, "grid", 10000, nil),
		fixture.Act(footprint.KindFuel, "diesel", "2024-03-01", "2024-03-02", 200, "L", nil))
	inv, err := ghg.Calculate(site, acts, 2024, factors.Default(), ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	other := site
	other.ID = "fr-par-01"
	inv2, err := ghg.Calculate(other, fixture.Monthly(2024, footprint.KindElectricity, "grid", 5000, nil), 2024, factors.Default(), ghg.Assumptions{}, ghg.Options{})
	require.NoError(t, err)
	return Dataset{Year: 2024, Version: "test", FactorSet: factors.Version, InputDigest: "d1", GWPSet: "AR6",
		Sites: []Site{{Inventory: inv, Name: "=HYPERLINK(\"http://x\")", Country: "ZA"}, {Inventory: inv2, Name: "Paris", Country: "FR"}},
		Group: ghg.Merge("group", "Group", 2024, []*ghg.Inventory{inv, inv2})}
}

func TestAnExportIsTheSameBytesWhenRunAgainLater(t *testing.T) {
	t.Parallel()
	d := dataset(t)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			out := func(n string) string {
				if format == "csv" {
					return filepath.Join(dir, n)
				}
				return filepath.Join(dir, n+"."+format)
			}
			m1, err := Export(d, format, out("a"), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			require.NoError(t, err)
			m2, err := Export(d, format, out("b"), time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
			require.NoError(t, err)
			assert.NotEqual(t, m1.GeneratedAt, m2.GeneratedAt, "the time is in the manifest")
			require.NotEmpty(t, m1.Files)
			for n, sum := range m1.Files {
				b := n
				if format != "csv" {
					b = filepath.Base(out("b"))
					assert.Equal(t, filepath.Base(out("a")), n)
				}
				assert.Equal(t, sum, m2.Files[b], "%s: one set of bytes", n)
			}
			// The manifest beside the export says the same.
			mf := out("a") + ".manifest.json"
			if format == "csv" {
				mf = filepath.Join(out("a"), "manifest.json")
			}
			raw, err := os.ReadFile(mf)
			require.NoError(t, err)
			var got Manifest
			require.NoError(t, json.Unmarshal(raw, &got))
			assert.Equal(t, m1, got)
		})
	}
}

func TestAFailedExportLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Export(dataset(t), "pdf", filepath.Join(dir, "x.pdf"), time.Now())
	require.ErrorContains(t, err, `--format "pdf": want xlsx, csv or json`)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "no partial file, no staging folder")
}

func TestASiteNamedAsAFormulaStaysTextInTheCSV(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "csv")
	_, err := Export(dataset(t), "csv", dir, time.Now())
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(dir, "by_site.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `'=HYPERLINK(""http://x"")`)
	assert.NotContains(t, string(b), "\n=HYPERLINK")
	assert.NotContains(t, string(b), ",=HYPERLINK")
}

// E1-6's totals are the sums of its parts, each datapoint with its ESRS
// reference (Scope 1 + Scope 2 by each method + Scope 3; Scope 3 the sum
// of its categories).
func TestTheE16TotalsAreTheSumsOfTheirParts(t *testing.T) {
	t.Parallel()
	v := map[string]float64{}
	for _, p := range dataset(t).Summary() {
		assert.Contains(t, p.Reference, "E1-6", p.Name)
		if p.Value != nil {
			v[p.Name] = *p.Value
		}
	}
	s1, s3 := v["GrossScope1GreenhouseGasEmissions"], v["GrossScope3GreenhouseGasEmissions"]
	assert.InDelta(t, s1+v["GrossMarketBasedScope2GreenhouseGasEmissions"]+s3, v["TotalGHGEmissionsMarketBased"], 1e-6)
	assert.InDelta(t, s1+v["GrossLocationBasedScope2GreenhouseGasEmissions"]+s3, v["TotalGHGEmissionsLocationBased"], 1e-6)
	var cats float64
	for n, x := range v {
		if strings.HasPrefix(n, "GrossScope3GreenhouseGasEmissionsCategory") {
			cats += x
		}
	}
	assert.InDelta(t, s3, cats, 1e-6, "Scope 3 is the sum of its categories")
	assert.Greater(t, v["TotalGHGEmissionsMarketBased"], 0.0)
}

// The comparatives are those of a reporting year: a prior year before the
// group's base year (a few baseline records) is said, not compared.
func TestNoComparativeBeforeTheBaseYear(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		base     int
		want     string // the PriorYearFigures text, "" when the comparatives are given
		hasPrior bool
	}{
		{"prior year before the base", 2024, "no comparative for 2023: before the base year 2024, the group's first reporting year", false},
		{"prior year is the base", 2023, "", true},
		{"no trajectory", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dataset(t)
			prior := *d.Group
			prior.Year = 2023
			d.Prior = &prior
			d.Trajectory.Group.BaseYear = tt.base
			got := map[string]Datapoint{}
			for _, p := range d.priorYear("ESRS E1-6") {
				got[p.Name] = p
			}
			_, has := got["TotalGHGEmissionsMarketBasedPriorYear"]
			assert.Equal(t, tt.hasPrior, has)
			if tt.want != "" {
				assert.Equal(t, tt.want, got["PriorYearFigures"].Text)
			}
		})
	}
}

// The instrument split: the group's rows and each site's add up to their
// market-based Scope 2; the fixture's ZA site (25 % I-REC, the rest at its
// supplier's rate) and its French twin of the same declaration.
func TestTheInstrumentSplitAddsUpToMarketBasedScope2(t *testing.T) {
	t.Parallel()
	d := dataset(t)
	tb := d.instrumentSplit()
	sum := map[string]float64{}
	for _, r := range tb.Rows {
		sum[r[0].(string)] += r[5].(float64)
	}
	assert.InDelta(t, d.Group.Scope2MarketT, sum["group"], 1e-5)
	for _, s := range d.Sites {
		assert.InDelta(t, s.Inventory.Scope2MarketT, sum[s.Inventory.Site], 1e-5, s.Inventory.Site)
	}
	dp := map[string]Datapoint{}
	for _, p := range d.Summary() {
		dp[p.Name] = p
	}
	unb := dp["PercentageOfContractualInstrumentsUsedForSaleAndPurchaseOfUnbundledEnergyAttributeClaimsInRelationToScope2GHGEmissions"]
	require.NotNil(t, unb.Value)
	assert.InDelta(t, 25, *unb.Value, 1e-9, "25 % of every kWh under I-REC")
	sup := dp["PercentageOfSupplierSpecificEmissionFactorsScope2MarketBased"]
	require.NotNil(t, sup.Value)
	assert.InDelta(t, 75, *sup.Value, 1e-9)
}
