package central_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/esg"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/wire"
)

var update = flag.Bool("update", false, "rewrite golden files")

// exampleService stores the Johannesburg and Paris examples, as agents
// would have, plus an offset.
func exampleService(t *testing.T) *Service {
	t.Helper()
	svc := testService(t, func(c *Config) {
		c.ESG.Revenue = []RevenueConf{{Year: 2024, Amount: 84e6, Currency: "EUR"}}
	})
	ctx := context.Background()
	for _, name := range []string{"johannesburg", "paris"} {
		site, err := config.LoadSite(filepath.Join("..", "examples", name, "site.yaml"))
		require.NoError(t, err)
		f, err := os.Open(filepath.Join("..", "examples", name, "activities.csv"))
		require.NoError(t, err)
		acts, err := footprint.ReadActivitiesCSV(f, name)
		f.Close()
		require.NoError(t, err)
		_, err = svc.Store.AddSite(ctx, site.ID, site.Name, site.Country)
		require.NoError(t, err)
		svc.Clock = func() time.Time { return time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC) }
		_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: name, Site: &site, Activities: acts})
		require.NoError(t, err)
	}
	_, err := svc.AddOffset(ctx, store.Offset{Year: 2024, T: 150, Registry: "Gold Standard", Project: "GS-1234 cookstoves Senegal", Vintage: 2023})
	require.NoError(t, err)
	return svc
}

func export(t *testing.T, svc *Service, format, out string) esg.Manifest {
	t.Helper()
	d, err := svc.ESGDataset(context.Background(), 2024, "", "test", WithRecords())
	require.NoError(t, err)
	m, err := esg.Export(d, format, out, time.Now())
	require.NoError(t, err)
	return m
}

// tablesFromCSV reads a csv export folder.
func tablesFromCSV(t *testing.T, dir string) map[string][][]string {
	out := map[string][][]string{}
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	require.NoError(t, err)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		require.NoError(t, err)
		out[filepath.Base(f[:len(f)-4])] = rows
	}
	return out
}

func TestTheThreeFormatsHoldTheSameFigures(t *testing.T) {
	svc := exampleService(t)
	dir := t.TempDir()
	export(t, svc, "csv", filepath.Join(dir, "csv"))
	export(t, svc, "xlsx", filepath.Join(dir, "ghg.xlsx"))
	export(t, svc, "json", filepath.Join(dir, "ghg.json"))
	fromCSV := tablesFromCSV(t, filepath.Join(dir, "csv"))

	x, err := excelize.OpenFile(filepath.Join(dir, "ghg.xlsx"))
	require.NoError(t, err)
	defer x.Close()
	want := []string{"summary", "by_site", "by_scope_category", "scope3_categories", "scope2_market_instruments", "emissions_by_gas", "activity_lines", "factors_used", "trajectory",
		"site_years", "change_decomposition", "restatements", "method_restatements", "power_off", "telework", "offsets", "methodology", "records", "manifest"}
	assert.Equal(t, want, x.GetSheetList(), "sheets in the issue's order")
	for _, sheet := range want {
		rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		csvRows := fromCSV[sheet]
		require.Equal(t, len(csvRows), len(rows), sheet)
		for i := range rows {
			for j := range csvRows[i] {
				a, b := csvRows[i][j], ""
				if j < len(rows[i]) {
					b = rows[i][j]
				}
				if fa, err1 := strconv.ParseFloat(a, 64); err1 == nil {
					fb, err2 := strconv.ParseFloat(b, 64)
					require.NoError(t, err2, "%s row %d col %d is a number in xlsx too", sheet, i, j)
					assert.InDelta(t, fa, fb, 1e-9, "%s row %d col %d", sheet, i, j)
					continue
				}
				assert.Equal(t, a, b, "%s row %d col %d", sheet, i, j)
			}
		}
		// Numbers are stored as numbers: the first data row's numeric cells have a numeric type.
		if sheet == "by_site" {
			ct, err := x.GetCellType(sheet, "G2")
			require.NoError(t, err)
			assert.NotEqual(t, excelize.CellTypeSharedString, ct)
			assert.NotEqual(t, excelize.CellTypeInlineString, ct)
		}
	}
	panes, err := x.GetPanes("activity_lines")
	require.NoError(t, err)
	assert.True(t, panes.Freeze, "header rows are frozen")

	var doc map[string]json.RawMessage
	raw, err := os.ReadFile(filepath.Join(dir, "ghg.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	var summary map[string]esg.Datapoint
	require.NoError(t, json.Unmarshal(doc["summary"], &summary))
	for _, row := range fromCSV["summary"][1:] {
		dp, ok := summary[row[0]]
		require.True(t, ok, "json keys the summary by datapoint: %s", row[0])
		if row[3] != "" {
			v, _ := strconv.ParseFloat(row[3], 64)
			assert.InDelta(t, v, *dp.Value, 1e-9, row[0])
		}
	}
	var lines []map[string]any
	require.NoError(t, json.Unmarshal(doc["activity_lines"], &lines))
	assert.Len(t, lines, len(fromCSV["activity_lines"])-1)
}

func TestTheSummaryEqualsTheAPIAndTheLinesAddUpToIt(t *testing.T) {
	svc := exampleService(t)
	d, err := svc.ESGDataset(context.Background(), 2024, "", "test")
	require.NoError(t, err)
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/inventory?year=2024")
	require.NoError(t, err)
	defer resp.Body.Close()
	var api GroupInventory
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&api))
	dp := map[string]float64{}
	for _, p := range d.Summary() {
		if p.Value != nil {
			dp[p.Name] = *p.Value
		}
	}
	g := api.Group
	assert.InDelta(t, g.Scope1T, dp["GrossScope1GreenhouseGasEmissions"], 1e-6)
	assert.InDelta(t, g.Scope2LocationT, dp["GrossLocationBasedScope2GreenhouseGasEmissions"], 1e-6)
	assert.InDelta(t, g.Scope2MarketT, dp["GrossMarketBasedScope2GreenhouseGasEmissions"], 1e-6)
	assert.InDelta(t, g.Scope3CapitalGoodsT+g.Scope3FuelEnergyT+g.Scope3BusinessTravelT+g.Scope3CommutingT+g.Scope3HomeworkingT, dp["GrossScope3GreenhouseGasEmissions"], 1e-6)
	assert.InDelta(t, g.TotalLocationT, dp["TotalGHGEmissionsLocationBased"], 1e-6)
	assert.InDelta(t, g.TotalMarketT, dp["TotalGHGEmissionsMarketBased"], 1e-6)
	assert.InDelta(t, g.TotalMarketT/84, dp["GHGIntensityPerNetRevenueMarketBased"], 1e-6, "per million EUR")
	// Every activity line, summed by scope, gives the summary.
	sum := map[string]float64{}
	for _, row := range table(t, d, "activity_lines").Rows {
		sum[row[2].(string)] += row[13].(float64)
	}
	assert.InDelta(t, dp["GrossScope1GreenhouseGasEmissions"], sum["1"], 1e-4)
	assert.InDelta(t, dp["GrossLocationBasedScope2GreenhouseGasEmissions"], sum["2-location"], 1e-4)
	assert.InDelta(t, dp["GrossMarketBasedScope2GreenhouseGasEmissions"], sum["2-market"], 1e-4)
	assert.InDelta(t, dp["GrossScope3GreenhouseGasEmissionsCategory6BusinessTravel"], sum["3.6"], 1e-4)
	assert.InDelta(t, dp["GrossScope3GreenhouseGasEmissionsCategory3FuelAndEnergyRelatedActivities"], sum["3.3"], 1e-4)
	assert.InDelta(t, dp["GrossScope3GreenhouseGasEmissionsCategory7EmployeeCommuting"], sum["3.7-commuting"]+sum["3.7-homeworking"], 1e-4)
	// Offsets are listed, never netted.
	assert.Len(t, d.Offsets, 1)
	assert.InDelta(t, g.TotalMarketT, dp["TotalGHGEmissionsMarketBased"], 1e-6)
}

func TestARerunOnTheSameDataIsByteIdentical(t *testing.T) {
	svc := exampleService(t)
	at := func(format, out string, now time.Time) esg.Manifest {
		d, err := svc.ESGDataset(context.Background(), 2024, "", "test", WithRecords())
		require.NoError(t, err)
		m, err := esg.Export(d, format, out, now)
		require.NoError(t, err)
		return m
	}
	for _, format := range []string{"xlsx", "json", "csv"} {
		t.Run(format, func(t *testing.T) {
			// A different generation time: only the manifest says it.
			first := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
			a := at(format, filepath.Join(t.TempDir(), "a."+format), first)
			b := at(format, filepath.Join(t.TempDir(), "b."+format), first.Add(26*time.Hour))
			require.NotEqual(t, a.GeneratedAt, b.GeneratedAt)
			assert.Equal(t, a.InputDigest, b.InputDigest)
			require.Equal(t, len(a.Files), len(b.Files))
			for name, sum := range a.Files {
				other := name
				if format != "csv" {
					other = "b." + format
				}
				assert.Equal(t, sum, b.Files[other], "%s identical across runs", name)
			}
		})
	}
}

func TestCSVAndJSONMatchTheirGoldenFiles(t *testing.T) {
	svc := exampleService(t)
	dir := t.TempDir()
	export(t, svc, "csv", filepath.Join(dir, "csv"))
	export(t, svc, "json", filepath.Join(dir, "ghg.json"))
	golden := filepath.Join("testdata", "esg")
	files := map[string]string{"ghg.json": filepath.Join(dir, "ghg.json")}
	for _, name := range []string{"summary", "by_site", "by_scope_category", "scope2_market_instruments", "emissions_by_gas", "activity_lines", "factors_used", "trajectory", "power_off", "telework", "offsets", "methodology", "manifest"} {
		files[name+".csv"] = filepath.Join(dir, "csv", name+".csv")
	}
	for name, path := range files {
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		g := filepath.Join(golden, name)
		if *update {
			require.NoError(t, os.MkdirAll(golden, 0o755))
			require.NoError(t, os.WriteFile(g, got, 0o644))
		}
		want, err := os.ReadFile(g)
		require.NoError(t, err, "go test ./central -run Golden -update creates it")
		assert.Equal(t, string(want), string(got), name)
	}
}

func TestExportRefusesBadInputAndLeavesNoPartialFile(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()
	_, err := svc.ESGDataset(ctx, 2019, "", "test")
	assert.ErrorIs(t, err, ErrNoData)
	assert.ErrorContains(t, err, "no activity data for 2019")
	_, err = svc.ESGDataset(ctx, 2024, "xx-nowhere", "test")
	assert.ErrorIs(t, err, store.ErrNotFound)

	d, err := svc.ESGDataset(ctx, 2024, "", "test")
	require.NoError(t, err)
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(blocker, []byte("x"), 0o600))
	_, err = esg.Export(d, "xlsx", filepath.Join(blocker, "ghg.xlsx"), time.Now())
	require.Error(t, err, "a folder that is a file cannot hold the export")
	require.NoError(t, os.Chmod(dir, 0o500))
	defer os.Chmod(dir, 0o700)
	if os.Geteuid() != 0 { // root ignores permissions
		_, err = esg.Export(d, "json", filepath.Join(dir, "ghg.json"), time.Now())
		require.Error(t, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		assert.Equal(t, "file", e.Name(), "no partial or temporary file left behind")
	}
}

func TestPagesUseTheDeclarationInForceEachYearLikeTheAPI(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()
	// Paris signs a 100 % guarantee-of-origin contract from June 2024.
	site, err := config.LoadSite(filepath.Join("..", "examples", "paris", "site.yaml"))
	require.NoError(t, err)
	site.EffectiveFrom = footprint.NewDate(2024, 6, 1)
	site.Electricity = declaration.ElectricityContract{GreenShare: 1, Instrument: "GO"}
	svc.Clock = func() time.Time { return time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC) }
	_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: "contract", Site: &site})
	require.NoError(t, err)

	api, err := svc.Inventory(ctx, 2024)
	require.NoError(t, err)
	page, err := svc.GroupPage(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, 2024, page.Year)
	var pageInv *ghg.Inventory
	for _, inv := range page.ByYear {
		if inv.Year == 2024 {
			pageInv = inv
		}
	}
	require.NotNil(t, pageInv)
	assert.InDelta(t, api.Group.Scope2MarketT, pageInv.Scope2MarketT, 1e-9)
	assert.InDelta(t, api.Group.TotalMarketT, pageInv.TotalMarketT, 1e-9)
	assert.Less(t, pageInv.Scope2MarketT, pageInv.Scope2LocationT, "the contract lowers market-based Scope 2")
	sp, err := svc.SitePage(ctx, site.ID, 2024)
	require.NoError(t, err)
	assert.InDelta(t, 0, sp.ByYear[0].Scope2MarketT, 1e-9, "Paris is fully covered in 2024")
}

func TestCachedPagesFollowNewBatches(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()
	before, err := svc.GroupPage(ctx, 2024)
	require.NoError(t, err)
	tok, err := svc.Store.AddSite(ctx, "ma-cas-01", "Casablanca", "MA")
	require.NoError(t, err)
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	body := `{"id":"b1","activities":[{"kind":"electricity","item":"grid","start":"2024-01-01","end":"2025-01-01","quantity":100000,"unit":"kWh","source":"m","quality":"measured"}]}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/sites/ma-cas-01/batches", bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	after, err := svc.GroupPage(ctx, 2024)
	require.NoError(t, err)
	assert.Len(t, after.Sites, len(before.Sites)+1, "the new site is on the page")
	last := func(g []*ghg.Inventory) float64 { return g[len(g)-1].Scope2LocationT }
	// Scope 2 location-based is the grid's combustion part: MA 2024
	// grid.combustion 0.5193 (of Ember's lifecycle 0.57765; the rest is 3.3).
	assert.InDelta(t, last(before.ByYear)+100000*0.5193/1000, last(after.ByYear), 1e-6, "and its kWh × the Moroccan grid's combustion factor")
}

// IT purchases (Scope 3 category 2) reach the API, the ESG export's
// datapoints and activity lines, and the site page.
func TestITPurchasesReachTheAPITheExportAndThePages(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()
	buy := func(item string, n float64) footprint.Activity {
		return footprint.Activity{Kind: footprint.KindPurchase, Item: item, Start: footprint.NewDate(2024, 3, 12), End: footprint.NewDate(2024, 3, 13),
			Quantity: n, Unit: footprint.UnitDevice, Source: "fleet-register", Quality: footprint.QualityMeasured}
	}
	before, err := svc.SiteInventory(ctx, "fr-par-batignolles", 2024)
	require.NoError(t, err)
	_, err = svc.Ingest(ctx, "fr-par-batignolles", wire.Batch{ID: "purchases", Activities: []footprint.Activity{buy("laptop", 40), buy("monitor", 80)}})
	require.NoError(t, err)
	inv, err := svc.SiteInventory(ctx, "fr-par-batignolles", 2024)
	require.NoError(t, err)
	// 40 × 182.6 + 80 × 65.9 = 7,304 + 5,272 = 12,576 kgCO2e
	assert.InDelta(t, 12.576, inv.Scope3CapitalGoodsT, 1e-9)
	assert.InDelta(t, before.TotalMarketT+12.576, inv.TotalMarketT, 1e-9)

	d, err := svc.ESGDataset(ctx, 2024, "", "test")
	require.NoError(t, err)
	dp := map[string]float64{}
	for _, p := range d.Summary() {
		if p.Value != nil {
			dp[p.Name] = *p.Value
		}
	}
	assert.InDelta(t, 12.576, dp["GrossScope3GreenhouseGasEmissionsCategory2CapitalGoods"], 1e-6)
	assert.InDelta(t, d.Group.Scope3T(), dp["GrossScope3GreenhouseGasEmissions"], 1e-6)
	sum := 0.0
	for _, row := range table(t, d, "activity_lines").Rows {
		if row[2].(string) == "3.2" {
			sum += row[13].(float64)
		}
	}
	assert.InDelta(t, 12.576, sum, 1e-6, "every purchase is an activity line of the export")

	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/sites/fr-par-batignolles")
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(page), "3.2 IT equipment", "the scopes chart stacks it")
}

// A baseline measured before a roll-out in an earlier year reaches the
// API's inventory as it reaches the pages (which read every year).
func TestAMeasuredBaselineFromAnEarlierYearReachesTheAPIAndThePages(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	_, err := svc.Store.AddSite(ctx, "fr-x", "X", "FR")
	require.NoError(t, err)
	decl := declaration.Site{ID: "fr-x", Name: "X", Country: "FR", Timezone: "Europe/Paris", Seats: 1,
		Workstations: []declaration.Workstation{{Class: "desktop", Count: 1, WattsOn: 60, WattsIdle: 20, WattsOff: 1}},
		PowerOff:     declaration.PowerOffSchedule{Since: footprint.NewDate(2023, 3, 1)}}
	devH := func(d footprint.Date, state string, h float64) footprint.Activity {
		return footprint.Activity{Kind: footprint.KindWorkstation, Item: "desktop", Start: d, End: d.AddDays(1), Quantity: h,
			Unit: footprint.UnitDeviceH, Source: "pm", Quality: footprint.QualityMeasured, Attrs: map[string]string{"state": state}}
	}
	feb23, mar24 := footprint.NewDate(2023, 2, 6), footprint.NewDate(2024, 3, 4)
	_, err = svc.Ingest(ctx, "fr-x", wire.Batch{ID: "b1", Site: &decl, Activities: []footprint.Activity{
		devH(feb23, "off", 3), devH(feb23, "missed", 7), devH(mar24, "off", 9), devH(mar24, "missed", 1)}})
	require.NoError(t, err)
	inv, err := svc.SiteInventory(ctx, "fr-x", 2024)
	require.NoError(t, err)
	require.Len(t, inv.PowerOff.Watts, 1)
	w := inv.PowerOff.Watts[0]
	assert.InDelta(t, 0.3, w.BaselineOffShare, 1e-12, "3 of February 2023's 10 window hours were off")
	assert.Contains(t, w.BaselineOrigin, "measured")
	// 9 h × (0.3 × 1 + 0.7 × 20 − 1) W = 9 × 13.3 = 119.7 Wh: the 70 %
	// left on at the declared 20 W idle (the declaration's watts_idle
	// crosses the wire and the store).
	assert.InDelta(t, 0.1197, inv.PowerOff.AvoidedKWh, 1e-12)
	assert.Equal(t, 20.0, w.WattsIdle)
	site, err := svc.Store.Site(ctx, "fr-x")
	require.NoError(t, err)
	sy, err := svc.LoadPageSite(ctx, site) // what the pages compute from
	require.NoError(t, err)
	pageInv, err := sy.Inventory(ctx, svc, 2024)
	require.NoError(t, err)
	assert.InDelta(t, inv.PowerOff.AvoidedKWh, pageInv.PowerOff.AvoidedKWh, 1e-12, "the pages agree with the API")
}

func table(t *testing.T, d esg.Dataset, name string) esg.Table {
	t.Helper()
	for _, tb := range d.Tables() {
		if tb.Name == name {
			return tb
		}
	}
	t.Fatalf("no table %s", name)
	return esg.Table{}
}

func TestTheExportCarriesTheAuditorsDatapointsAndTheRecordsSumToTheLines(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()
	d, err := svc.ESGDataset(ctx, 2024, "", "test", WithRecords())
	require.NoError(t, err)
	dp := map[string]esg.Datapoint{}
	for _, p := range d.Summary() {
		dp[p.Name] = p
	}
	assert.Equal(t, "AR6", dp["GWPSet"].Text, "the GWP set is named")
	require.NotNil(t, dp["PercentageOfScope1GHGEmissionsFromRegulatedEmissionTradingSchemes"].Value)
	assert.Zero(t, *dp["PercentageOfScope1GHGEmissionsFromRegulatedEmissionTradingSchemes"].Value)
	// Paris covers 50 % of its grid kWh with guarantees of origin,
	// Johannesburg none: the share is of the group's grid kWh.
	var grid, covered float64
	for _, l := range d.Group.Lines {
		if l.Scope == ghg.Scope2Market && l.Item == "grid" {
			grid += l.Quantity
			if strings.HasPrefix(l.FactorID, "contract/") {
				covered += l.Quantity
			}
		}
	}
	require.NotNil(t, dp["PercentageOfContractualInstrumentsScope2MarketBased"].Value)
	assert.Greater(t, covered, 0.0)
	assert.InDelta(t, covered/grid*100, *dp["PercentageOfContractualInstrumentsScope2MarketBased"].Value, 1e-3)
	assert.Contains(t, dp, "BiogenicEmissionsOfCO2FromCombustionOfBiomassNotIncludedInScope1")
	require.NotNil(t, dp["GrossScope3GreenhouseGasEmissionsCategory3FuelAndEnergyRelatedActivities"].Value)
	assert.InDelta(t, d.Group.Scope3FuelEnergyT, *dp["GrossScope3GreenhouseGasEmissionsCategory3FuelAndEnergyRelatedActivities"].Value, 1e-6)

	cats := table(t, d, "scope3_categories")
	require.Len(t, cats.Rows, 15, "every category, included or excluded")
	for _, r := range cats.Rows {
		assert.NotEmpty(t, r[4], "category %v has its reason", r[0])
	}
	assert.Equal(t, "included", cats.Rows[2][2], "category 3")

	// The records behind each line sum to it, site by site.
	lines := table(t, d, "activity_lines")
	type lk struct {
		site string
		line int
	}
	want := map[lk][2]float64{}
	for _, r := range lines.Rows {
		if r[16].(int) > 0 { // lines with records of their own
			want[lk{r[0].(string), r[1].(int)}] = [2]float64{r[7].(float64), r[13].(float64)}
		}
	}
	got := map[lk][2]float64{}
	for _, r := range table(t, d, "records").Rows {
		k := lk{r[0].(string), r[1].(int)}
		g := got[k]
		g[0] += r[12].(float64)
		g[1] += r[14].(float64)
		got[k] = g
	}
	require.NotEmpty(t, want)
	for k, w := range want {
		assert.InDelta(t, w[0], got[k][0], 1e-5*math.Max(1, w[0]), "quantity of %v", k)
		assert.InDelta(t, w[1], got[k][1], 1e-5, "tonnes of %v", k)
	}
}

func TestAClosedYearShowsALaterCorrectionAsARestatement(t *testing.T) {
	svc := exampleService(t)
	ctx := context.Background()
	cy, err := svc.CloseYear(ctx, 2024, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	_, err = svc.CloseYear(ctx, 2024, time.Now())
	require.ErrorIs(t, err, store.ErrYearClosed, "a year is closed once")
	d, err := svc.ESGDataset(ctx, 2024, "", "test")
	require.NoError(t, err)
	assert.Empty(t, table(t, d, "restatements").Rows, "nothing changed yet")

	// A late correction: Paris's June–July bill was 10,000 kWh more.
	var dec footprint.Activity
	acts, err := svc.Records(ctx, "fr-par-batignolles", 2024)
	require.NoError(t, err)
	for _, a := range acts {
		if a.Kind == footprint.KindElectricity && a.Start.String() == "2024-06-15" {
			dec = a
		}
	}
	require.NotZero(t, dec.Quantity, "the example has a bill from 15 June")
	dec.Quantity += 10000
	svc.Clock = func() time.Time { return time.Date(2025, 5, 2, 0, 0, 0, 0, time.UTC) }
	_, err = svc.Ingest(ctx, "fr-par-batignolles", wire.Batch{ID: "late-correction", Activities: []footprint.Activity{dec}})
	require.NoError(t, err)
	d, err = svc.ESGDataset(ctx, 2024, "", "test")
	require.NoError(t, err)
	rows := table(t, d, "restatements").Rows
	require.NotEmpty(t, rows)
	byKey := map[string][]any{}
	for _, r := range rows {
		byKey[r[1].(string)+"/"+r[2].(string)] = r
	}
	r := byKey["fr-par-batignolles/scope2_location_t"]
	require.NotNil(t, r, "the site's location-based Scope 2 is restated")
	grid := 0.0
	for _, st := range d.Sites {
		for _, l := range st.Inventory.Lines {
			if st.Inventory.Site == "fr-par-batignolles" && l.Scope == ghg.Scope2Location && l.Item == "grid" {
				grid = l.FactorKgPerUnit
			}
		}
	}
	assert.InDelta(t, cy.Figures["fr-par-batignolles"]["scope2_location_t"], r[3], 1e-6)
	assert.InDelta(t, 10000*grid/1000, r[5], 1e-6, "the difference is the correction × the grid factor")
	assert.Contains(t, r[6], "inputs changed")
	assert.Equal(t, "2025-03-31", r[7])
	assert.NotNil(t, byKey["group/total_market_t"], "and the group's")
}
