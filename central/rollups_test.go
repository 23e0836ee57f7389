package central_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/wire"
)

// influxService is testService on the influxd the test script started, in
// a database of its own.
func influxService(t *testing.T) *Service {
	base := os.Getenv("GREENHELP_TEST_INFLUX_URL")
	if base == "" {
		t.Skip("no InfluxDB: `make test` starts a real influxd 1.8.10 and sets GREENHELP_TEST_INFLUX_URL")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := "gh_rollup_" + hex.EncodeToString(b)
	resp, err := http.PostForm(base+"/query", url.Values{"q": {fmt.Sprintf("CREATE DATABASE %q WITH SHARD DURATION 52w", db)}})
	require.NoError(t, err)
	resp.Body.Close()
	return testService(t, func(c *Config) {
		c.Store.Backend = "influxdb"
		c.Store.InfluxDB = store.InfluxConfig{URL: base, Bucket: db + "/autogen"}
	})
}

func TestRollupsEqualARecomputationFromTheRawRecords(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { rollupsEqualRaw(t, testService(t, nil)) })
	t.Run("influxdb", func(t *testing.T) { rollupsEqualRaw(t, influxService(t)) })
}

func rollupsEqualRaw(t *testing.T, svc *Service) {
	ctx := context.Background()
	site, err := config.LoadSite("../examples/johannesburg/site.yaml")
	require.NoError(t, err)
	f, err := os.Open("../examples/johannesburg/activities.csv")
	require.NoError(t, err)
	defer f.Close()
	acts, err := footprint.ReadActivitiesCSV(f, "activities.csv")
	require.NoError(t, err)
	// The roll-out mid-month: the month holding it splits by record.
	site.PowerOff.Since = footprint.NewDate(2024, time.March, 12)
	_, err = svc.Store.AddSite(ctx, site.ID, site.Name, site.Country)
	require.NoError(t, err)
	ingest := func(id string, acts []footprint.Activity) {
		t.Helper()
		_, err := svc.Ingest(ctx, site.ID, wire.Batch{ID: id, Site: &site, Activities: acts})
		require.NoError(t, err)
	}
	half := len(acts) / 2
	ingest("b1", acts[:half])
	ingest("b2", acts[half:])

	// Records a month cannot hold: grid bills from the 15th to the 14th
	// (2023) and a fuel delivery over the new year.
	var extra []footprint.Activity
	for m := time.January; m <= time.December; m++ {
		extra = append(extra, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid",
			Start: footprint.NewDate(2023, m, 15), End: footprint.NewDate(2023, m+1, 15), Quantity: 90000 + float64(m)*1000,
			Unit: "kWh", Source: "eskom-2023", Quality: footprint.QualityMeasured})
	}
	extra = append(extra, footprint.Activity{Kind: footprint.KindFuel, Item: "diesel", Start: footprint.NewDate(2023, time.December, 20),
		End: footprint.NewDate(2024, time.January, 10), Quantity: 700, Unit: "L", Source: "genset-log", Quality: footprint.QualityMeasured})
	// A workstation log of December 2023 as well: with the roll-out in
	// 2024, it is part of the measured baseline of 2024 (ghg.YearWindow).
	for _, a := range acts {
		if a.Kind == footprint.KindWorkstation && a.Start.Before(footprint.NewDate(2024, time.February, 1)) {
			a.Start, a.End = a.Start.AddDays(-31), a.End.AddDays(-31)
			extra = append(extra, a)
		}
	}
	ingest("b3", extra)

	// Corrections: every tenth workstation record again, larger and
	// estimated; a bill straddling months corrected; a fuel month re-read.
	var fixes []footprint.Activity
	n := 0
	for _, a := range acts {
		if a.Kind == footprint.KindWorkstation {
			if n++; n%10 == 0 {
				a.Quantity *= 1.1
				a.Quality = footprint.QualityEstimated
				fixes = append(fixes, a)
			}
		}
	}
	bill := extra[5]
	bill.Quantity += 5000
	fixes = append(fixes, bill)
	ingest("b4", fixes)
	ingest("b4", fixes) // a duplicate changes nothing

	type snapshot struct {
		rows  []store.RollupRow
		spans []store.Record
	}
	snap := func() snapshot {
		rows, err := svc.Store.RollupRows(ctx, site.ID, store.Query{})
		require.NoError(t, err)
		spans, err := svc.Store.RollupSpans(ctx, site.ID, store.Query{})
		require.NoError(t, err)
		return snapshot{rows, spans}
	}
	kept := snap()
	require.NotEmpty(t, kept.rows)
	assert.Len(t, kept.spans, 13, "the twelve bills from the 15th and the delivery over the new year")
	n, err = svc.RebuildRollups(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	// The same rows and kept records; a month's sum may differ in its last
	// bits, added batch by batch rather than record by record.
	rebuilt := snap()
	require.Equal(t, len(rebuilt.rows), len(kept.rows))
	for i, w := range rebuilt.rows {
		g := kept.rows[i]
		assert.InDelta(t, w.Quantity, g.Quantity, 1e-12*max(1, math.Abs(w.Quantity)), "%+v", w)
		w.Quantity, g.Quantity = 0, 0
		assert.Equal(t, w, g, "ingestion keeps the rollups a rebuild from the raw records gives")
	}
	assert.Equal(t, rebuilt.spans, kept.spans)

	// Every view's input from the rollups computes what the raw records do.
	var rolled, raw int
	for _, year := range []int{2023, 2024} {
		fromRollups, err := svc.SiteInventory(ctx, site.ID, year)
		require.NoError(t, err)
		in, err := svc.RawRecordsFor(ctx, site.ID, site, year)
		require.NoError(t, err)
		_, as, _, err := svc.Assignment(ctx, site, year)
		require.NoError(t, err)
		fromRaw, err := ghg.Calculate(site, in, year, svc.Factors, as, svc.Opts())
		require.NoError(t, err)
		sameInventory(t, fromRaw, fromRollups)
		// …and what the commands compute from every record (calc, plan).
		all, err := svc.Records(ctx, site.ID, 0)
		require.NoError(t, err)
		fromAll, err := ghg.Calculate(site, all, year, svc.Factors, as, svc.Opts())
		require.NoError(t, err)
		sameInventory(t, fromAll, fromRollups)
		rolledIn, err := svc.Inputs(ctx, store.Site{ID: site.ID}, site, year, false)
		require.NoError(t, err)
		rolled, raw = rolled+len(rolledIn), raw+len(in)
	}
	assert.Less(t, rolled*5, raw, "the rollups are a fraction of the raw records (%d for %d)", rolled, raw)

	// The pages' months too (the avoided energy chart).
	sy, err := svc.LoadPageSite(ctx, store.Site{ID: site.ID, Name: site.Name, Country: site.Country})
	require.NoError(t, err)
	all, err := svc.Records(ctx, site.ID, 0)
	require.NoError(t, err)
	_, as, _, err := svc.Assignment(ctx, site, 2024)
	require.NoError(t, err)
	for m := time.January; m <= time.December; m++ {
		from, to := footprint.NewDate(2024, m, 1), footprint.NewDate(2024, m+1, 1)
		a, err := ghg.CalculatePeriod(site, all, from, to, svc.Factors, as, svc.Opts())
		require.NoError(t, err)
		b, err := ghg.CalculatePeriod(site, sy.Acts(), from, to, svc.Factors, as, svc.Opts())
		require.NoError(t, err)
		sameInventory(t, a, b)
	}
}

// sameInventory compares two inventories line by line, to the last float
// digits (the rollups sum in another order), counts exactly.
func sameInventory(t *testing.T, want, got *ghg.Inventory) {
	t.Helper()
	near := func(a, b float64, what string) {
		t.Helper()
		assert.InDelta(t, a, b, 1e-9*max(1, math.Abs(a)), "%d %s", want.Year, what)
	}
	require.Len(t, got.Lines, len(want.Lines), "%d lines", want.Year)
	for i, w := range want.Lines {
		g := got.Lines[i]
		what := fmt.Sprintf("line %s/%s %s %s %s", w.Scope, w.Kind, w.Item, w.FactorID, w.Basis)
		assert.Equal(t, w.Records, g.Records, what+" records")
		assert.Equal(t, w.Quality, g.Quality, what)
		assert.Equal(t, w.FactorID, g.FactorID, what)
		near(w.Quantity, g.Quantity, what+" quantity")
		near(w.T, g.T, what+" t")
	}
	near(want.TotalMarketT, got.TotalMarketT, "total market")
	near(want.TotalLocationT, got.TotalLocationT, "total location")
	near(want.PowerOff.AvoidedKWh, got.PowerOff.AvoidedKWh, "avoided kWh")
	near(want.PowerOff.UsedKWh, got.PowerOff.UsedKWh, "used kWh")
	require.Equal(t, want.PowerOff.Compliance == nil, got.PowerOff.Compliance == nil)
	if want.PowerOff.Compliance != nil {
		near(*want.PowerOff.Compliance, *got.PowerOff.Compliance, "compliance")
	}
	require.Equal(t, want.PowerOff.Coverage == nil, got.PowerOff.Coverage == nil)
	if want.PowerOff.Coverage != nil {
		assert.Equal(t, want.PowerOff.Coverage.DaysCovered, got.PowerOff.Coverage.DaysCovered, "%d days covered", want.Year)
		near(want.PowerOff.Coverage.ScaledAvoidedKWh, got.PowerOff.Coverage.ScaledAvoidedKWh, "scaled avoided kWh")
	}
	for i, w := range want.PowerOff.Watts {
		near(w.BaselineOffShare, got.PowerOff.Watts[i].BaselineOffShare, "baseline off share "+w.Class)
		assert.Equal(t, w.BaselineOrigin, got.PowerOff.Watts[i].BaselineOrigin)
	}
	near(want.Telework.RemotePersonDays, got.Telework.RemotePersonDays, "remote days")
	assert.Equal(t, want.Notes, got.Notes, "%d notes", want.Year)
}
