package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/influx"
	"github.com/greenhelp/greenhelp/central/store/postgres"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
)

// The conformance suite: what every backend of store.Store does with the
// records, run against the interface.

// backend opens a Store; open again closes it and opens the same store.
type backend struct {
	open func(t *testing.T) store.Store
}

// reopening opens a store in a data directory of its own, closing the
// one it opened before.
func reopening(t *testing.T, openIn func(t *testing.T, dir string) store.Store) backend {
	dir := t.TempDir()
	var st store.Store
	return backend{open: func(t *testing.T) store.Store {
		if st != nil {
			st.Close()
		}
		st = openIn(t, dir)
		t.Cleanup(func() { st.Close() })
		return st
	}}
}

func sqliteBackend(t *testing.T) backend {
	return reopening(t, func(t *testing.T, dir string) store.Store {
		st, err := sqlite.Open(dir)
		require.NoError(t, err)
		return st
	})
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
	cfg := store.InfluxConfig{URL: base, Bucket: db + "/autogen"}
	return reopening(t, func(t *testing.T, dir string) store.Store {
		st, err := influx.Open(context.Background(), dir, sqlite.Options{}, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		require.NoError(t, err)
		return st
	})
}

// postgresBackend uses the PostgreSQL the test script started
// (GREENHELP_TEST_POSTGRES_DSN), in a database of its own: catalog,
// records and rollups all in it.
func postgresBackend(t *testing.T) backend {
	dsn := pgtest.DSN(t)
	return reopening(t, func(t *testing.T, _ string) store.Store {
		st, err := postgres.Open(context.Background(), dsn, postgres.Options{})
		require.NoError(t, err)
		return st
	})
}

func TestSQLiteSeriesConformance(t *testing.T) { conformance(t, sqliteBackend) }

func TestPostgresConformance(t *testing.T) { conformance(t, postgresBackend) }

func TestInfluxSeriesConformance(t *testing.T) { conformance(t, influxBackend) }

// batches numbers the suite's batches: each write is a batch of its own.
var batches atomic.Int64

// write stores acts of site as one new batch, adding the site first.
func write(ctx context.Context, s store.Store, site string, acts []footprint.Activity) error {
	if _, err := s.AddSite(ctx, site, site, "FR"); err != nil && !errors.Is(err, store.ErrExists) {
		return err
	}
	id := fmt.Sprintf("B%d", batches.Add(1))
	_, err := s.Ingest(ctx, store.BatchLog{ID: id, Site: site, ReceivedAt: time.Now(), Count: len(acts), SHA256: id}, nil, acts)
	return err
}

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
		require.NoError(t, write(ctx, s, "fr-par", []footprint.Activity{a, b}))
		got, err := s.Read(ctx, store.Query{})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, store.Record{Site: "fr-par", Activity: b}, got[0])
		assert.Equal(t, store.Record{Site: "fr-par", Activity: a}, got[1])
	})
	t.Run("a key written again replaces its value", func(t *testing.T) {
		s := mk(t).open(t)
		a := rec(footprint.KindFuel, "diesel", "2024-01-01", "2024-02-01", 100, footprint.UnitLitre, nil)
		require.NoError(t, write(ctx, s, "za", []footprint.Activity{a}))
		a.Quantity, a.Quality = 120, footprint.QualityEstimated
		require.NoError(t, write(ctx, s, "za", []footprint.Activity{a}))
		got, err := s.Read(ctx, store.Query{})
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
		require.NoError(t, write(ctx, s, "za", []footprint.Activity{b, c}))
		got, err = s.Read(ctx, store.Query{})
		require.NoError(t, err)
		assert.Len(t, got, 3)
	})
	t.Run("time, site and kind filters select by period overlap", func(t *testing.T) {
		s := mk(t).open(t)
		require.NoError(t, write(ctx, s, "a", []footprint.Activity{
			rec(footprint.KindElectricity, "grid", "2023-12-15", "2024-01-15", 1, footprint.UnitKWh, nil), // straddles
			rec(footprint.KindElectricity, "grid", "2024-06-01", "2024-07-01", 2, footprint.UnitKWh, nil),
			rec(footprint.KindElectricity, "grid", "2025-01-01", "2025-02-01", 3, footprint.UnitKWh, nil),
			rec(footprint.KindTelework, "remote", "2024-06-03", "2024-06-04", 4, footprint.UnitPersonDay, nil),
		}))
		require.NoError(t, write(ctx, s, "b", []footprint.Activity{rec(footprint.KindElectricity, "grid", "2024-06-01", "2024-07-01", 5, footprint.UnitKWh, nil)}))
		q := func(qq store.Query) []float64 {
			got, err := s.Read(ctx, qq)
			require.NoError(t, err)
			var out []float64
			for _, r := range got {
				out = append(out, r.Quantity)
			}
			return out
		}
		from, to := footprint.YearBounds(2024)
		assert.Equal(t, []float64{1, 2, 4, 5}, q(store.Query{From: from, To: to}))
		assert.Equal(t, []float64{1, 2, 4}, q(store.Query{Sites: []string{"a"}, From: from, To: to}))
		assert.Equal(t, []float64{1, 2, 5}, q(store.Query{Kinds: []footprint.Kind{footprint.KindElectricity}, From: from, To: to}))
		assert.Equal(t, []float64{3}, q(store.Query{From: day("2025-01-01")}))
		assert.Empty(t, q(store.Query{Sites: []string{"nobody"}}))
	})
	t.Run("many sites", func(t *testing.T) {
		s := mk(t).open(t)
		for i := 0; i < 50; i++ {
			require.NoError(t, write(ctx, s, fmt.Sprintf("site-%02d", i), []footprint.Activity{
				rec(footprint.KindElectricity, "grid", "2024-01-01", "2024-02-01", float64(i), footprint.UnitKWh, nil)}))
		}
		got, err := s.Read(ctx, store.Query{})
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
		require.NoError(t, write(ctx, s, "big", acts))
		got, err := s.Read(ctx, store.Query{Sites: []string{"big"}})
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
					errs <- write(ctx, s, fmt.Sprintf("w%d", w), []footprint.Activity{
						rec(footprint.KindTelework, "onsite", d.String(), d.AddDays(1).String(), 1, footprint.UnitPersonDay, nil)})
				}
			}(w)
		}
		go func() { wg.Wait(); close(errs) }()
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := s.Read(ctx, store.Query{})
		require.NoError(t, err)
		assert.Len(t, got, 160)
	})
	t.Run("every character of a key and a value reads back", func(t *testing.T) {
		s := mk(t).open(t)
		a := rec(footprint.KindTravel, `rail, 2nd=class "A" \`, "2024-05-02", "2024-05-03", 1e-7, footprint.UnitPKm,
			map[string]string{"route": "Paris Gare de Lyon, Lyon=Part-Dieu", "note": "tab\there\nnewline"})
		a.Source = `C:\exports\voyages 2024, "final".csv`
		b := rec(footprint.KindElectricity, "grid", "2024-05-01", "2024-06-01", 123456789012.5, footprint.UnitKWh, nil)
		require.NoError(t, write(ctx, s, "fr-par", []footprint.Activity{a, b}))
		got, err := s.Read(ctx, store.Query{})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, []store.Record{{Site: "fr-par", Activity: b}, {Site: "fr-par", Activity: a}}, got)
	})
	t.Run("a frosty day, a cloud report and a room's meter read back", func(t *testing.T) {
		s := mk(t).open(t)
		w := rec(footprint.KindWeather, "outdoor_temp", "2024-01-09", "2024-01-10", -12.25, footprint.UnitCelsius, nil)
		c := rec(footprint.KindCloud, "reported", "2024-01-01", "2024-02-01", 250.5, footprint.UnitKgCO2e,
			map[string]string{"provider": "aws", "method": "market", "service": "AmazonConnect", "region": "eu-west-3"})
		d := rec(footprint.KindDataCentre, "facility_energy", "2024-01-01", "2024-02-01", 1800, footprint.UnitKWh, map[string]string{"room": "sr1"})
		require.NoError(t, write(ctx, s, "fr-par", []footprint.Activity{w, c, d}))
		got, err := s.Read(ctx, store.Query{})
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
		require.NoError(t, write(ctx, s, "x", []footprint.Activity{rec(footprint.KindFuel, "lpg", "2024-02-01", "2024-03-01", 7, footprint.UnitLitre, nil)}))
		require.NoError(t, s.Close())
		s = b.open(t)
		got, err := s.Read(ctx, store.Query{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, 7.0, got[0].Quantity)
	})
	t.Run("a batch id again is a duplicate, with another content a conflict", func(t *testing.T) {
		s := mk(t).open(t)
		_, err := s.AddSite(ctx, "za", "za", "ZA")
		require.NoError(t, err)
		a := rec(footprint.KindFuel, "diesel", "2024-01-01", "2024-02-01", 100, footprint.UnitLitre, nil)
		log := store.BatchLog{ID: "same", Site: "za", ReceivedAt: time.Now(), Count: 1, SHA256: "aaaa"}
		dup, err := s.Ingest(ctx, log, nil, []footprint.Activity{a})
		require.NoError(t, err)
		assert.False(t, dup)
		b := a
		b.Quantity = 999
		dup, err = s.Ingest(ctx, log, nil, []footprint.Activity{b})
		require.NoError(t, err)
		assert.True(t, dup)
		log.SHA256 = "bbbb"
		_, err = s.Ingest(ctx, log, nil, []footprint.Activity{b})
		require.ErrorIs(t, err, store.ErrConflict)
		got, err := s.Read(ctx, store.Query{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, 100.0, got[0].Quantity, "neither the duplicate nor the conflict wrote")
	})
	t.Run("the rollups ingestion keeps are those of the records", func(t *testing.T) {
		s := mk(t).open(t)
		d := day("2024-01-01")
		var acts []footprint.Activity
		for i := 0; i < 60; i++ {
			acts = append(acts, rec(footprint.KindTelework, "onsite", d.AddDays(i).String(), d.AddDays(i+1).String(), 1, footprint.UnitPersonDay, nil))
		}
		acts = append(acts, rec(footprint.KindElectricity, "grid", "2024-01-15", "2024-02-14", 4200, footprint.UnitKWh, nil))
		require.NoError(t, write(ctx, s, "x", acts))
		fix := acts[3]
		fix.Quantity = 2
		require.NoError(t, write(ctx, s, "x", []footprint.Activity{fix}))
		recs, err := s.Read(ctx, store.Query{Sites: []string{"x"}})
		require.NoError(t, err)
		wantRows, wantSpans := store.RollUp(recs, footprint.Date{}, footprint.Date{})
		rows, err := s.RollupRows(ctx, "x", store.Query{})
		require.NoError(t, err)
		spans, err := s.RollupSpans(ctx, "x", store.Query{})
		require.NoError(t, err)
		assert.Equal(t, wantRows, rows)
		assert.Equal(t, wantSpans, spans)
	})
	t.Run("API tokens, ended sessions and the audit log", func(t *testing.T) {
		b := mk(t)
		s := b.open(t)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		tok, secret, err := s.IssueAPIToken(ctx, store.APIToken{Role: "ambassador", Sites: []string{"fr-a", "fr-b"}, Note: "grafana", CreatedBy: "admin", CreatedAt: at})
		require.NoError(t, err)
		got, ok, err := s.APITokenBySecret(ctx, secret)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, tok, got)
		_, ok, err = s.APITokenBySecret(ctx, secret+"x")
		require.NoError(t, err)
		assert.False(t, ok, "another secret is no token")
		require.NoError(t, s.RevokeAPIToken(ctx, tok.ID, at.Add(time.Hour)))
		require.ErrorIs(t, s.RevokeAPIToken(ctx, tok.ID, at.Add(2*time.Hour)), store.ErrNotFound, "revoked already")
		_, ok, err = s.APITokenBySecret(ctx, secret)
		require.NoError(t, err)
		assert.False(t, ok, "a revoked token is refused")
		list, err := s.APITokens(ctx)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, at.Add(time.Hour), list[0].RevokedAt)

		require.NoError(t, s.EndSession(ctx, "s1", at.Add(8*time.Hour), at))
		ended, err := s.SessionEnded(ctx, "s1")
		require.NoError(t, err)
		assert.True(t, ended)
		require.NoError(t, s.EndSession(ctx, "s2", at.Add(9*time.Hour), at.Add(8*time.Hour+time.Minute)))
		ended, err = s.SessionEnded(ctx, "s1")
		require.NoError(t, err)
		assert.False(t, ended, "forgotten once past its end")

		for i, a := range []string{"sign-in", "export", "sign-out"} {
			e, err := s.Audit(ctx, store.AuditEntry{At: at.Add(time.Duration(i) * time.Minute), Actor: "ana", Via: "oidc", Action: a, Target: "2025"})
			require.NoError(t, err)
			assert.Positive(t, e.ID)
		}
		require.NoError(t, s.Close())
		s = b.open(t)
		log, err := s.AuditLog(ctx, 0, 10)
		require.NoError(t, err)
		require.Len(t, log, 3)
		assert.Equal(t, []string{"sign-in", "export", "sign-out"}, []string{log[0].Action, log[1].Action, log[2].Action})
		assert.Equal(t, at.Add(time.Minute), log[1].At)
		rest, err := s.AuditLog(ctx, log[0].ID, 1)
		require.NoError(t, err)
		require.Len(t, rest, 1)
		assert.Equal(t, "export", rest[0].Action)
	})
	resultsConformance(t, mk)
}
