package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/postgres"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

func open(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dsn, postgres.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

func day(s string) footprint.Date {
	d, err := footprint.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func elec(start, end string, kwh float64) footprint.Activity {
	return footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: day(start), End: day(end), Quantity: kwh,
		Unit: footprint.UnitKWh, Source: "meter", Quality: footprint.QualityMeasured}
}

func TestTwoProcessesOpeningOneDatabaseMigrateOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st, err := postgres.Open(context.Background(), dsn, postgres.Options{MaxConns: 2})
			if err == nil {
				st.Close()
			}
			errs[i] = err
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	st := open(t, dsn)
	v, err := st.SchemaVersion(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, v, "every migration (1: catalog, records, rollups; 2: access; 3: site generations and results), once")
	var rows int
	require.NoError(t, st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM schema_version`).Scan(&rows))
	assert.Equal(t, 1, rows, "one version row, not one per process")
}

func TestTheCatalogKeepsWhatTheSQLiteStoreKeeps(t *testing.T) {
	ctx := context.Background()
	st := open(t, pgtest.DSN(t))
	tok, err := st.AddSite(ctx, "fr-par", "Paris", "FR")
	require.NoError(t, err)
	_, err = st.AddSite(ctx, "fr-par", "Paris", "FR")
	require.ErrorIs(t, err, store.ErrExists)
	who, err := st.Authenticate(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, "fr-par", who)
	tok2, err := st.RotateToken(ctx, "fr-par")
	require.NoError(t, err)
	who, err = st.Authenticate(ctx, tok)
	require.NoError(t, err)
	assert.Empty(t, who, "the old token stops at once")
	who, err = st.Authenticate(ctx, tok2)
	require.NoError(t, err)
	assert.Equal(t, "fr-par", who)
	_, err = st.RotateToken(ctx, "nobody")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, st.CloseSite(ctx, "fr-par", day("2025-07-01")))
	require.NoError(t, st.AddSiteEvent(ctx, "fr-par", store.SiteEvent{Kind: "acquired", On: day("2021-03-01"), Note: "bought"}))
	require.ErrorIs(t, st.AddSiteEvent(ctx, "fr-par", store.SiteEvent{Kind: "acquired", On: day("2021-03-01")}), store.ErrExists)
	require.ErrorIs(t, st.AddSiteEvent(ctx, "nobody", store.SiteEvent{Kind: "acquired", On: day("2021-03-01")}), store.ErrNotFound)
	s, err := st.Site(ctx, "fr-par")
	require.NoError(t, err)
	assert.Equal(t, day("2025-07-01"), s.ClosedOn)
	require.Len(t, s.Events, 1)
	assert.Equal(t, day("2021-03-01"), s.Events[0].On)
	assert.Equal(t, "bought", s.Events[0].Note)
	require.NoError(t, st.RemoveSiteEvent(ctx, "fr-par", "acquired", day("2021-03-01")))
	require.ErrorIs(t, st.RemoveSiteEvent(ctx, "fr-par", "acquired", day("2021-03-01")), store.ErrNotFound)
	require.NoError(t, st.CloseSite(ctx, "fr-par", footprint.Date{}))
	sites, err := st.Sites(ctx)
	require.NoError(t, err)
	require.Len(t, sites, 1)
	assert.True(t, sites[0].ClosedOn.IsZero(), "reopened")
	_, err = st.Site(ctx, "nobody")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, st.SetOverride(ctx, "fr-par", "temperate", "pinned"))
	require.NoError(t, st.SetOverride(ctx, "fr-par", "cold", "moved"))
	pin, err := st.Override(ctx, "fr-par")
	require.NoError(t, err)
	assert.Equal(t, &declaration.ProfilePin{Pin: "cold", Reason: "moved"}, pin)

	id1, err := st.AddOffset(ctx, store.Offset{Year: 2024, T: 12.5, Registry: "Verra", Project: "p", Vintage: 2023})
	require.NoError(t, err)
	id2, err := st.AddOffset(ctx, store.Offset{Year: 2025, T: 1, Registry: "Gold", Project: "q", Vintage: 2024})
	require.NoError(t, err)
	assert.Less(t, id1, id2)
	offs, err := st.Offsets(ctx, 2024)
	require.NoError(t, err)
	assert.Equal(t, []store.Offset{{ID: id1, Year: 2024, T: 12.5, Registry: "Verra", Project: "p", Vintage: 2023}}, offs)

	cy := store.ClosedYear{Year: 2024, ClosedAt: time.Date(2025, 2, 1, 9, 30, 15, 0, time.UTC), InputDigest: "d", FactorSet: "f", GWPSet: "AR6",
		Figures: map[string]map[string]float64{"group": {"scope1_t": 1.25}}}
	require.NoError(t, st.CloseYear(ctx, cy))
	require.ErrorIs(t, st.CloseYear(ctx, cy), store.ErrYearClosed)
	years, err := st.ClosedYears(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, []store.ClosedYear{cy}, years)
}

func TestABatchLogsItsDeclarationAndItsActivity(t *testing.T) {
	ctx := context.Background()
	st := open(t, pgtest.DSN(t))
	_, err := st.AddSite(ctx, "za", "Jo'burg", "ZA")
	require.NoError(t, err)
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	decl := declaration.Site{ID: "za", Name: "Jo'burg", Country: "ZA"}
	b := store.BatchLog{ID: "b1", Site: "za", ReceivedAt: at, Count: 2, SHA256: "h1"}
	// A record inside March (rolled: days 1..3 → bits 0..2) and one
	// straddling April–May (kept whole, ending 2025-05-10).
	dup, err := st.Ingest(ctx, b, &decl, []footprint.Activity{elec("2025-03-01", "2025-03-04", 30), elec("2025-04-20", "2025-05-10", 200)})
	require.NoError(t, err)
	assert.False(t, dup)
	vs, err := st.Versions(ctx, "za")
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, day("2025-03-04"), vs[0].EffectiveFrom, "no effective_from: the day received")
	assert.Equal(t, "Jo'burg", vs[0].Declaration.Name)
	act, err := st.Activity(ctx)
	require.NoError(t, err)
	// Newest day: the kept record's end 2025-05-10 less one day (the
	// March row's highest bit says 2025-03-03, earlier).
	assert.Equal(t, store.SiteActivity{Batches: 1, LastReceived: at, Records: 2, NewestDay: day("2025-05-09")}, act["za"])
	logs, err := st.Batches(ctx, "za", 10)
	require.NoError(t, err)
	assert.Equal(t, []store.BatchLog{b}, logs)
	_, err = st.Ingest(ctx, store.BatchLog{ID: "b2", Site: "nobody", ReceivedAt: at, SHA256: "x"}, nil, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestRebuildGivesTheRollupsIngestionKept(t *testing.T) {
	ctx := context.Background()
	st := open(t, pgtest.DSN(t))
	_, err := st.AddSite(ctx, "x", "x", "FR")
	require.NoError(t, err)
	for i, a := range []footprint.Activity{elec("2024-01-01", "2024-01-02", 1), elec("2024-01-02", "2024-01-03", 2), elec("2024-01-30", "2024-02-02", 3), elec("2024-01-01", "2024-01-02", 4)} {
		_, err := st.Ingest(ctx, store.BatchLog{ID: fmt.Sprint(i), Site: "x", ReceivedAt: time.Now(), Count: 1, SHA256: fmt.Sprint(i)}, nil, []footprint.Activity{a})
		require.NoError(t, err)
	}
	before, err := st.RollupRows(ctx, "x", store.Query{})
	require.NoError(t, err)
	// January's row: 4 (the first day, corrected) + 2 = 6 kWh, 2 records,
	// days 1 and 2 (bits 0 and 1 = 3); the straddling record is kept.
	require.Len(t, before, 1)
	assert.Equal(t, 6.0, before[0].Quantity)
	assert.Equal(t, 2, before[0].Records)
	assert.Equal(t, uint32(3), before[0].Days)
	require.NoError(t, st.RebuildRollups(ctx, "x"))
	after, err := st.RollupRows(ctx, "x", store.Query{})
	require.NoError(t, err)
	assert.Equal(t, before, after)
	spans, err := st.RollupSpans(ctx, "x", store.Query{From: day("2024-02-01"), To: day("2024-03-01")})
	require.NoError(t, err)
	require.Len(t, spans, 1)
	assert.Equal(t, 3.0, spans[0].Quantity)
}

// The rollups of one month stay those of its records when the batches
// writing it arrive at two centrals (two pools) at once.
func TestConcurrentBatchesOfOneMonthOverTwoPoolsKeepTheRollupsExact(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := open(t, dsn), open(t, dsn)
	_, err := a.AddSite(ctx, "s", "s", "FR")
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 62)
	for i := 0; i < 62; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st := []*postgres.Store{a, b}[i%2]
			d := day("2024-03-01").AddDays(i % 31) // each day twice: the second a correction
			_, err := st.Ingest(ctx, store.BatchLog{ID: fmt.Sprint("b", i), Site: "s", ReceivedAt: time.Now(), Count: 1, SHA256: fmt.Sprint(i)}, nil,
				[]footprint.Activity{elec(d.String(), d.AddDays(1).String(), float64(i))})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	recs, err := a.Read(ctx, store.Query{Sites: []string{"s"}})
	require.NoError(t, err)
	require.Len(t, recs, 31)
	want, _ := store.RollUp(recs, footprint.Date{}, footprint.Date{})
	got, err := b.RollupRows(ctx, "s", store.Query{})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	require.Len(t, got, 1)
	assert.Equal(t, 31, got[0].Records)
	assert.Equal(t, uint32(1<<31-1), got[0].Days, "every day of March: bits 0..30")
}

// 20 batches of one id and 20 contents, sent at once through two pools
// (two centrals): one stored, nineteen conflicts, one content.
func TestOneBatchIDTwentyContentsOverTwoPools(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := open(t, dsn), open(t, dsn)
	_, err := a.AddSite(ctx, "s", "s", "FR")
	require.NoError(t, err)
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			st := []*postgres.Store{a, b}[i%2]
			dup, err := st.Ingest(ctx, store.BatchLog{ID: "same", Site: "s", ReceivedAt: time.Now(), Count: 1, SHA256: fmt.Sprintf("content-%02d", i)}, nil,
				[]footprint.Activity{elec("2024-05-01", "2024-05-02", float64(100+i))})
			if err == nil && dup {
				err = errors.New("a duplicate: every content differs")
			}
			results <- err
		}(i)
	}
	close(start)
	wg.Wait()
	close(results)
	ok, conflicts := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrConflict):
			conflicts++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	assert.Equal(t, 1, ok)
	assert.Equal(t, 19, conflicts)
	recs, err := b.Read(ctx, store.Query{})
	require.NoError(t, err)
	require.Len(t, recs, 1, "one content stored")
	logs, err := a.Batches(ctx, "s", 10)
	require.NoError(t, err)
	require.Len(t, logs, 1)
	assert.Equal(t, fmt.Sprintf("content-%02d", int(recs[0].Quantity)-100), logs[0].SHA256, "the stored record is the logged content's")
}

func TestAnUnreachableDatabaseIsTransient(t *testing.T) {
	// A port nothing listens on: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = postgres.Open(ctx, "postgres://u:secret@"+addr+"/db?sslmode=disable&connect_timeout=5", postgres.Options{})
	require.ErrorIs(t, err, store.ErrUnavailable)
	assert.NotContains(t, err.Error(), "secret", "the password never prints")
	_, err = postgres.Open(ctx, "postgres://u:secret@[bad", postgres.Options{})
	require.ErrorIs(t, err, store.ErrPermanent)
	assert.NotContains(t, err.Error(), "secret")
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, store.ErrUnavailable},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), store.ErrUnavailable},
		{"cut short", io.ErrUnexpectedEOF, store.ErrUnavailable},
		{"administrator shutdown", &pgconn.PgError{Code: "57P01"}, store.ErrUnavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, store.ErrUnavailable},
		{"a standby's read-only transaction", &pgconn.PgError{Code: "25006"}, store.ErrUnavailable},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, store.ErrUnavailable},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, store.ErrUnavailable},
		{"disk full", &pgconn.PgError{Code: "53100"}, store.ErrUnavailable},
		{"too many connections", &pgconn.PgError{Code: "53300"}, store.ErrUnavailable},
		{"an ended context", context.DeadlineExceeded, store.ErrUnavailable},
		{"a unique violation", &pgconn.PgError{Code: "23505"}, store.ErrPermanent},
		{"a check violation", &pgconn.PgError{Code: "23514"}, store.ErrPermanent},
		{"a missing privilege", &pgconn.PgError{Code: "42501"}, store.ErrPermanent},
		{"a wrong password", &pgconn.PgError{Code: "28P01"}, store.ErrPermanent},
		{"corrupt data", &pgconn.PgError{Code: "XX001"}, store.ErrPermanent},
		{"something else", errors.New("cannot encode"), store.ErrPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := postgres.Classify("x", tt.err)
			assert.ErrorIs(t, err, tt.want)
			assert.ErrorIs(t, err, tt.err, "the cause stays readable")
		})
	}
}

// A batch into months the rollups hold nothing of is rolled up from its
// own records, in key order: the same sums, to the last bit, as a
// recomputation from the records read back.
func TestANewMonthsRollupIsSummedInKeyOrder(t *testing.T) {
	ctx := context.Background()
	st := open(t, pgtest.DSN(t))
	_, err := st.AddSite(ctx, "x", "x", "FR")
	require.NoError(t, err)
	// Sent last day first. In key order (by day) the sum is
	// (0.1 + 0.2) + 0.3 = 0.30000000000000004 + 0.3 = 0.6000000000000001;
	// in the order sent it would be (0.3 + 0.2) + 0.1 = 0.6.
	_, err = st.Ingest(ctx, store.BatchLog{ID: "b", Site: "x", ReceivedAt: time.Now(), Count: 3, SHA256: "h"}, nil,
		[]footprint.Activity{elec("2024-01-03", "2024-01-04", 0.3), elec("2024-01-02", "2024-01-03", 0.2), elec("2024-01-01", "2024-01-02", 0.1)})
	require.NoError(t, err)
	rows, err := st.RollupRows(ctx, "x", store.Query{})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, 0.6000000000000001, rows[0].Quantity)
	assert.Equal(t, uint32(0b111), rows[0].Days, "days 1, 2, 3")
	recs, err := st.Read(ctx, store.Query{})
	require.NoError(t, err)
	want, _ := store.RollUp(recs, footprint.Date{}, footprint.Date{})
	assert.Equal(t, want, rows)
	require.NoError(t, st.RebuildRollups(ctx, "x"))
	rebuilt, err := st.RollupRows(ctx, "x", store.Query{})
	require.NoError(t, err)
	assert.Equal(t, rows, rebuilt)
}
