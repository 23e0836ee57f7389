package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// backend opens a Series; reopen closes it and opens the same store again.
type backend struct {
	open func(t *testing.T) Series
}

func sqliteBackend(t *testing.T) backend {
	dir := t.TempDir()
	var cat *Catalog
	return backend{open: func(t *testing.T) Series {
		if cat != nil {
			cat.Close()
		}
		var err error
		cat, err = OpenCatalog(dir)
		require.NoError(t, err)
		t.Cleanup(func() { cat.Close() })
		return NewSQLiteSeries(cat)
	}}
}

// influxBackend uses the influxd the test script started
// (GREENHELP_TEST_INFLUX_URL), in a database of its own.
func influxBackend(t *testing.T) backend {
	base := os.Getenv("GREENHELP_TEST_INFLUX_URL")
	if base == "" {
		t.Skip("no InfluxDB: `make test` starts a real influxd 1.8.10 and sets GREENHELP_TEST_INFLUX_URL")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := "gh_" + hex.EncodeToString(b)
	resp, err := http.PostForm(base+"/query", url.Values{"q": {fmt.Sprintf("CREATE DATABASE %q WITH SHARD DURATION 52w", db)}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cfg := InfluxConfig{URL: base, Bucket: db + "/autogen"}
	var s *InfluxSeries
	return backend{open: func(t *testing.T) Series {
		if s != nil {
			s.Close()
		}
		var err error
		s, err = OpenInflux(context.Background(), cfg)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}}
}

func TestSQLiteSeriesConformance(t *testing.T) { conformance(t, sqliteBackend) }

func TestInfluxSeriesConformance(t *testing.T) { conformance(t, influxBackend) }

func day(s string) footprint.Date {
	d, err := footprint.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func rec(kind footprint.Kind, item, start, end string, q float64, unit footprint.Unit, attrs map[string]string) footprint.Activity {
	return footprint.Activity{Kind: kind, Item: item, Start: day(start), End: day(end), Quantity: q, Unit: unit,
		Source: "src-1", Quality: footprint.QualityMeasured, Attrs: attrs}
}

func conformance(t *testing.T, mk func(t *testing.T) backend) {
	ctx := context.Background()
	t.Run("a record written is read back with every field", func(t *testing.T) {
		s := mk(t).open(t)
		a := rec(footprint.KindWorkstation, "desktop", "2024-03-31", "2024-04-01", 23.5, footprint.UnitDeviceH, map[string]string{"state": "off", "location": "home"})
		b := rec(footprint.KindElectricity, "grid", "2024-03-01", "2024-04-01", 1234.5, footprint.UnitKWh, nil)
		b.Quality = footprint.QualityEstimated
		require.NoError(t, s.Write(ctx, "fr-par", []footprint.Activity{a, b}))
		got, err := s.Read(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, Record{Site: "fr-par", Activity: b}, got[0])
		assert.Equal(t, Record{Site: "fr-par", Activity: a}, got[1])
	})
	t.Run("a key written again replaces its value", func(t *testing.T) {
		s := mk(t).open(t)
		a := rec(footprint.KindFuel, "diesel", "2024-01-01", "2024-02-01", 100, footprint.UnitLitre, nil)
		require.NoError(t, s.Write(ctx, "za", []footprint.Activity{a}))
		a.Quantity, a.Quality = 120, footprint.QualityEstimated
		require.NoError(t, s.Write(ctx, "za", []footprint.Activity{a}))
		got, err := s.Read(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, 120.0, got[0].Quantity)
		assert.Equal(t, footprint.QualityEstimated, got[0].Quality)
		// Another end, source or attrs is another key.
		b := a
		b.End = day("2024-01-15")
		c := a
		c.Source = "src-2"
		d := a
		d.Attrs = map[string]string{"x": "1"}
		_ = d // fuel takes no attrs; keys with attrs are covered by the workstation case
		require.NoError(t, s.Write(ctx, "za", []footprint.Activity{b, c}))
		got, err = s.Read(ctx, Query{})
		require.NoError(t, err)
		assert.Len(t, got, 3)
	})
	t.Run("time, site and kind filters select by period overlap", func(t *testing.T) {
		s := mk(t).open(t)
		require.NoError(t, s.Write(ctx, "a", []footprint.Activity{
			rec(footprint.KindElectricity, "grid", "2023-12-15", "2024-01-15", 1, footprint.UnitKWh, nil), // straddles
			rec(footprint.KindElectricity, "grid", "2024-06-01", "2024-07-01", 2, footprint.UnitKWh, nil),
			rec(footprint.KindElectricity, "grid", "2025-01-01", "2025-02-01", 3, footprint.UnitKWh, nil),
			rec(footprint.KindTelework, "remote", "2024-06-03", "2024-06-04", 4, footprint.UnitPersonDay, nil),
		}))
		require.NoError(t, s.Write(ctx, "b", []footprint.Activity{rec(footprint.KindElectricity, "grid", "2024-06-01", "2024-07-01", 5, footprint.UnitKWh, nil)}))
		q := func(qq Query) []float64 {
			got, err := s.Read(ctx, qq)
			require.NoError(t, err)
			var out []float64
			for _, r := range got {
				out = append(out, r.Quantity)
			}
			return out
		}
		from, to := footprint.YearBounds(2024)
		assert.Equal(t, []float64{1, 2, 4, 5}, q(Query{From: from, To: to}))
		assert.Equal(t, []float64{1, 2, 4}, q(Query{Sites: []string{"a"}, From: from, To: to}))
		assert.Equal(t, []float64{1, 2, 5}, q(Query{Kinds: []footprint.Kind{footprint.KindElectricity}, From: from, To: to}))
		assert.Equal(t, []float64{3}, q(Query{From: day("2025-01-01")}))
		assert.Empty(t, q(Query{Sites: []string{"nobody"}}))
	})
	t.Run("many sites", func(t *testing.T) {
		s := mk(t).open(t)
		for i := 0; i < 50; i++ {
			require.NoError(t, s.Write(ctx, fmt.Sprintf("site-%02d", i), []footprint.Activity{
				rec(footprint.KindElectricity, "grid", "2024-01-01", "2024-02-01", float64(i), footprint.UnitKWh, nil)}))
		}
		got, err := s.Read(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, got, 50)
		assert.Equal(t, "site-07", got[7].Site)
		assert.Equal(t, 7.0, got[7].Quantity)
	})
	t.Run("a large batch", func(t *testing.T) {
		s := mk(t).open(t)
		var acts []footprint.Activity
		d := day("2020-01-01")
		for i := 0; i < 12000; i++ {
			st := []string{"on", "off", "missed"}[i%3]
			acts = append(acts, rec(footprint.KindWorkstation, "desktop", d.AddDays(i/3).String(), d.AddDays(i/3+1).String(), float64(i), footprint.UnitDeviceH, map[string]string{"state": st}))
		}
		require.NoError(t, s.Write(ctx, "big", acts))
		got, err := s.Read(ctx, Query{Sites: []string{"big"}})
		require.NoError(t, err)
		require.Len(t, got, 12000)
		sum := 0.0
		for _, r := range got {
			sum += r.Quantity
		}
		assert.Equal(t, float64(12000*11999/2), sum)
	})
	t.Run("concurrent writers", func(t *testing.T) {
		s := mk(t).open(t)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					d := day("2024-01-01").AddDays(i)
					errs <- s.Write(ctx, fmt.Sprintf("w%d", w), []footprint.Activity{
						rec(footprint.KindTelework, "onsite", d.String(), d.AddDays(1).String(), 1, footprint.UnitPersonDay, nil)})
				}
			}(w)
		}
		go func() { wg.Wait(); close(errs) }()
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := s.Read(ctx, Query{})
		require.NoError(t, err)
		assert.Len(t, got, 160)
	})
	t.Run("every character of a key and a value reads back", func(t *testing.T) {
		s := mk(t).open(t)
		a := rec(footprint.KindTravel, `rail, 2nd=class "A" \`, "2024-05-02", "2024-05-03", 1e-7, footprint.UnitPKm,
			map[string]string{"route": "Paris Gare de Lyon, Lyon=Part-Dieu", "note": "tab\there\nnewline"})
		a.Source = `C:\exports\voyages 2024, "final".csv`
		b := rec(footprint.KindElectricity, "grid", "2024-05-01", "2024-06-01", 123456789012.5, footprint.UnitKWh, nil)
		require.NoError(t, s.Write(ctx, "fr-par", []footprint.Activity{a, b}))
		got, err := s.Read(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, []Record{{Site: "fr-par", Activity: b}, {Site: "fr-par", Activity: a}}, got)
	})
	t.Run("a frosty day, a cloud report and a room's meter read back", func(t *testing.T) {
		s := mk(t).open(t)
		w := rec(footprint.KindWeather, "outdoor_temp", "2024-01-09", "2024-01-10", -12.25, footprint.UnitCelsius, nil)
		c := rec(footprint.KindCloud, "reported", "2024-01-01", "2024-02-01", 250.5, footprint.UnitKgCO2e,
			map[string]string{"provider": "aws", "method": "market", "service": "AmazonConnect", "region": "eu-west-3"})
		d := rec(footprint.KindDataCentre, "facility_energy", "2024-01-01", "2024-02-01", 1800, footprint.UnitKWh, map[string]string{"room": "sr1"})
		require.NoError(t, s.Write(ctx, "fr-par", []footprint.Activity{w, c, d}))
		got, err := s.Read(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, got, 3)
		byKind := map[footprint.Kind]footprint.Activity{}
		for _, r := range got {
			byKind[r.Kind] = r.Activity
		}
		assert.Equal(t, w, byKind[footprint.KindWeather])
		assert.Equal(t, c, byKind[footprint.KindCloud])
		assert.Equal(t, d, byKind[footprint.KindDataCentre])
	})
	t.Run("data survives close and reopen", func(t *testing.T) {
		b := mk(t)
		s := b.open(t)
		require.NoError(t, s.Write(ctx, "x", []footprint.Activity{rec(footprint.KindFuel, "lpg", "2024-02-01", "2024-03-01", 7, footprint.UnitLitre, nil)}))
		require.NoError(t, s.Close())
		s = b.open(t)
		got, err := s.Read(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, 7.0, got[0].Quantity)
	})
	_ = strings.TrimSpace
}
