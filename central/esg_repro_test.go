package central_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/esg"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/wire"
)

// everyScopeService stores two full years (2023 and 2024) of three sites
// whose lines, together, fall in every scope and category: the examples'
// fuels, refrigerants, grid electricity, travel, commuting and
// home-working (1, 2, 3.3, 3.6, 3.7), a London site whose grid losses are
// 3.3 too, colocation whose electricity the provider buys and a cloud
// report (3.1), servers and laptops bought (3.2). Two years, so that the
// export holds the change from one to the other by scope.
func everyScopeService(t *testing.T) *Service {
	t.Helper()
	svc := testService(t, func(c *Config) {
		c.ESG.Revenue = []RevenueConf{{Year: 2024, Amount: 84e6, Currency: "EUR"}}
	})
	svc.Clock = func() time.Time { return time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	month := func(y int, m time.Month) (footprint.Date, footprint.Date) {
		return footprint.NewDate(y, m, 1), footprint.NewDate(y, m+1, 1)
	}
	rec := func(kind footprint.Kind, item string, from, to footprint.Date, q float64, unit footprint.Unit, source string, attrs map[string]string) footprint.Activity {
		return footprint.Activity{Kind: kind, Item: item, Start: from, End: to, Quantity: q, Unit: unit, Source: source, Quality: footprint.QualityMeasured, Attrs: attrs}
	}
	// it is the IT every site has each month of both years: colocation
	// bought with the service and a cloud report (3.1), and, once a year,
	// servers and laptops bought (3.2).
	it := func(y int) []footprint.Activity {
		var out []footprint.Activity
		for m := time.January; m <= time.December; m++ {
			from, to := month(y, m)
			out = append(out,
				rec(footprint.KindColocation, "it_energy", from, to, 4000+float64(y-2023)*300+float64(m)*10, footprint.UnitKWh, "colo-meter", map[string]string{"contract": "colo"}),
				rec(footprint.KindCloud, "reported", from, to, 200+float64(m), footprint.UnitKgCO2e, "aws-carbon",
					map[string]string{"provider": "aws", "method": "market", "service": "AmazonConnect", "region": "eu-west-3"}))
		}
		buy := footprint.NewDate(y, 3, 12)
		return append(out,
			rec(footprint.KindPurchase, "server", buy, buy.AddDays(1), float64(2+y-2023), footprint.UnitDevice, "fleet-register", nil),
			rec(footprint.KindPurchase, "laptop", buy, buy.AddDays(1), float64(30+5*(y-2023)), footprint.UnitDevice, "fleet-register", nil))
	}
	colo := []declaration.Colocation{{ID: "colo", Provider: "Colo Group", Country: "FR", PUE: 1.4, PUESource: "provider report", ElectricityBoughtBy: "provider"}}

	// The two examples for 2024, and a year before of the same kinds
	// (monthly, a little less in 2023), so that both years are full.
	for _, name := range []string{"johannesburg", "paris"} {
		site, err := config.LoadSite(filepath.Join("..", "examples", name, "site.yaml"))
		require.NoError(t, err)
		site.EffectiveFrom, site.BaseYear = footprint.NewDate(2023, 1, 1), 2023
		site.Colocation = colo
		f, err := os.Open(filepath.Join("..", "examples", name, "activities.csv"))
		require.NoError(t, err)
		acts, err := footprint.ReadActivitiesCSV(f, name)
		f.Close()
		require.NoError(t, err)
		var before []footprint.Activity
		for m := time.January; m <= time.December; m++ {
			from, to := month(2023, m)
			days := float64(from.DaysUntil(to))
			fuel := rec(footprint.KindFuel, "natural_gas", from, to, 38000, footprint.UnitKWh, "gas-2023", nil)
			if name == "johannesburg" {
				fuel = rec(footprint.KindFuel, "diesel", from, to, 1500, footprint.UnitLitre, "genset-2023", nil)
			}
			before = append(before, fuel,
				rec(footprint.KindElectricity, "grid", from, to, 48000, footprint.UnitKWh, "meter-2023", nil),
				rec(footprint.KindTravel, "rail", from, to, 9000, footprint.UnitPKm, "travel-2023", nil),
				rec(footprint.KindTelework, "remote", from, to, 150*days, footprint.UnitPersonDay, "wfm-2023", nil),
				rec(footprint.KindTelework, "onsite", from, to, 260*days, footprint.UnitPersonDay, "wfm-2023", nil))
		}
		before = append(before, rec(footprint.KindRefrigerant, "R32", footprint.NewDate(2023, 7, 3), footprint.NewDate(2023, 7, 4), 0.8, footprint.UnitKg, "hvac-2023", nil))
		_, err = svc.Store.AddSite(ctx, site.ID, site.Name, site.Country)
		require.NoError(t, err)
		_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: name, Site: &site, Activities: acts})
		require.NoError(t, err)
		_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: name + "-2023-and-it", Activities: append(append(before, it(2023)...), it(2024)...)})
		require.NoError(t, err)
	}

	// A London site: grid losses (3.3, electricity) beside the fuels'
	// well-to-tank (3.3, fuel), diesel in Scope 1, its own IT.
	ldn := declaration.Site{ID: "gb-ldn-docklands", Name: "London Docklands", Country: "GB", City: "London", Latitude: 51.5054, Longitude: -0.0235,
		Timezone: "Europe/London", EffectiveFrom: footprint.NewDate(2023, 1, 1), Seats: 300, FTE: 320, HoursPerDay: 8, BaseYear: 2023, Colocation: colo}
	var acts []footprint.Activity
	for y := 2023; y <= 2024; y++ {
		for m := time.January; m <= time.December; m++ {
			from, to := month(y, m)
			acts = append(acts,
				rec(footprint.KindElectricity, "grid", from, to, 30000-float64(y-2023)*2000, footprint.UnitKWh, "ldn-meter", nil),
				rec(footprint.KindFuel, "diesel", from, to, 120, footprint.UnitLitre, "ldn-genset", nil),
				rec(footprint.KindTravel, "flight_short_haul", from, to, 4000+float64(m)*100, footprint.UnitPKm, "ldn-travel", map[string]string{"class": "economy"}))
		}
		acts = append(acts, it(y)...)
	}
	_, err := svc.Store.AddSite(ctx, ldn.ID, ldn.Name, ldn.Country)
	require.NoError(t, err)
	_, err = svc.Ingest(ctx, ldn.ID, wire.Batch{ID: "ldn", Site: &ldn, Activities: acts})
	require.NoError(t, err)
	return svc
}

// treeDigest is the sha256 of every file under dir, by its name relative
// to dir: one string that two identical exports share.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := sha256.Sum256(b)
		lines = append(lines, rel+" "+hex.EncodeToString(sum[:]))
		return nil
	}))
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// The ESG team's promise: the same store exported again gives the same
// bytes. A store with a line in every scope and category, 2023 and 2024,
// exported 20 times in each format at one fixed time, gives one set of
// files per format (the manifest included: its time is the clock's).
func TestAnExportOfEveryScopeIsTheSameBytesTwentyTimes(t *testing.T) {
	svc := everyScopeService(t)
	ctx := context.Background()
	d, err := svc.ESGDataset(ctx, 2024, "", "test", WithRecords())
	require.NoError(t, err)
	have := map[ghg.Scope]bool{}
	for _, l := range d.Group.Lines {
		have[l.Scope] = true
	}
	for _, s := range ghg.Scopes() {
		require.True(t, have[s.ID], "the store has no line in scope %s: give it one", s.ID)
	}
	require.NotNil(t, d.Changes, "the export holds the change from 2023")
	fixed := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, format := range []string{"xlsx", "csv", "json"} {
		t.Run(format, func(t *testing.T) {
			seen := map[string]int{}
			var first string
			for i := 0; i < 20; i++ {
				d, err := svc.ESGDataset(ctx, 2024, "", "test", WithRecords())
				require.NoError(t, err)
				dir := filepath.Join(t.TempDir(), "export")
				out := filepath.Join(dir, "ghg."+format)
				if format == "csv" {
					out = filepath.Join(dir, "ghg")
				}
				_, err = esg.Export(d, format, out, fixed)
				require.NoError(t, err)
				sum := treeDigest(t, dir)
				if i == 0 {
					first = sum
				}
				seen[sum]++
			}
			if len(seen) > 1 {
				var other string
				for s := range seen {
					if s != first {
						other = s
						break
					}
				}
				require.Failf(t, "exports differ", "20 exports of one store gave %d different sets of files; first:\n%s\nanother:\n%s", len(seen), first, other)
			}
		})
	}
}
