package central_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
)

// Two centrals on one PostgreSQL database (two services, two pools, as
// two `greenhelp serve` would have), each behind its own HTTP server.
func twoCentrals(t *testing.T) (a, b *Service, urls [2]string, dsn string) {
	dsn = pgtest.DSN(t)
	on := func(c *Config) { c.Store.Backend, c.Store.DSN = "postgres", dsn }
	a, b = testService(t, on), testService(t, on)
	for i, svc := range []*Service{a, b} {
		srv := httptest.NewServer(newHandler(svc))
		t.Cleanup(srv.Close)
		urls[i] = srv.URL
	}
	return a, b, urls, dsn
}

func post(t *testing.T, url, site, tok, body string) (int, string) {
	req, err := http.NewRequest(http.MethodPost, url+"/api/v1/sites/"+site+"/batches", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// 20 posts of one batch id with 20 contents, at once, spread over two
// centrals: one 200, nineteen 409, one content stored — the batch log's
// key in the database decides, not a lock in either process.
func TestOneBatchIDWithTwentyContentsOverTwoCentralsOnPostgres(t *testing.T) {
	a, b, urls, _ := twoCentrals(t)
	ctx := context.Background()
	tok, err := a.Store.AddSite(ctx, "za-x", "X", "ZA")
	require.NoError(t, err)
	type answer struct {
		status int
		body   string
	}
	answers := make([]answer, 20)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := fmt.Sprintf(`{"id":"01JD3V8Q3ZJ4M5Q7Y8X9A0B1C2","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","quantity":%d,"unit":"L","source":"g","quality":"measured"}]}`, 100+i)
			<-start
			answers[i].status, answers[i].body = post(t, urls[i%2], "za-x", tok, body)
		}(i)
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, a := range answers {
		counts[a.status]++
	}
	assert.Equal(t, map[int]int{http.StatusOK: 1, http.StatusConflict: 19}, counts, "answers: %v", answers)
	for _, a := range answers {
		if a.status == http.StatusOK {
			var ack struct{ Status string }
			require.NoError(t, json.Unmarshal([]byte(a.body), &ack))
			assert.Equal(t, "accepted", ack.Status)
		}
	}
	for _, svc := range []*Service{a, b} {
		recs, err := svc.Store.Read(ctx, store.Query{Sites: []string{"za-x"}})
		require.NoError(t, err)
		require.Len(t, recs, 1, "one content stored, whichever central is asked")
		logs, err := svc.Store.Batches(ctx, "za-x", 10)
		require.NoError(t, err)
		require.Len(t, logs, 1)
	}
	// The same content again, at the other central: a duplicate, 200.
	recs, err := b.Store.Read(ctx, store.Query{Sites: []string{"za-x"}})
	require.NoError(t, err)
	again := fmt.Sprintf(`{"id":"01JD3V8Q3ZJ4M5Q7Y8X9A0B1C2","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","quantity":%g,"unit":"L","source":"g","quality":"measured"}]}`, recs[0].Quantity)
	for _, u := range urls {
		status, body := post(t, u, "za-x", tok, again)
		assert.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, `"duplicate"`)
	}
}

// A connection the database drops (a restart, a failover: here every
// backend of the database terminated) is a 503 the agent retries, or no
// failure at all once the pool has replaced it; nothing is lost.
func TestDroppedConnectionsAreTransientOnPostgres(t *testing.T) {
	a, _, urls, dsn := twoCentrals(t)
	ctx := context.Background()
	tok, err := a.Store.AddSite(ctx, "za-x", "X", "ZA")
	require.NoError(t, err)
	body := func(i int) string {
		return fmt.Sprintf(`{"id":"b-%d","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-%02d","end":"2024-01-%02d","quantity":1,"unit":"L","source":"g","quality":"measured"}]}`, i, i, i+1)
	}
	unavailable := 0
	for i := 1; i <= 10; i++ {
		if i%3 == 0 {
			// From another connection: what an administrator's restart does to
			// the centrals' pools (SQLSTATE 57P01 on their next use).
			require.Positive(t, pgtest.Terminate(t, dsn))
		}
		status, answer := post(t, urls[i%2], "za-x", tok, body(i))
		for tries := 0; status == http.StatusServiceUnavailable && tries < 20; tries++ { // a dead connection of the pool a try
			unavailable++
			status, answer = post(t, urls[i%2], "za-x", tok, body(i))
		}
		require.Equal(t, http.StatusOK, status, "batch %d: %s", i, answer)
	}
	recs, err := a.Store.Read(ctx, store.Query{Sites: []string{"za-x"}})
	require.NoError(t, err)
	assert.Len(t, recs, 10, "0 lost, 0 duplicated")
	t.Logf("503 answers while the connections dropped: %d", unavailable)
}

// A central's cached pages follow the batches the other central accepts
// (the store's DataVersion), not only its own.
func TestThePagesOfOneCentralFollowTheOtherCentralsBatches(t *testing.T) {
	a, b, urls, _ := twoCentrals(t)
	ctx := context.Background()
	tok, err := a.Store.AddSite(ctx, "ma-cas-01", "Casablanca", "MA")
	require.NoError(t, err)
	meter := func(id, source string) string {
		return fmt.Sprintf(`{"id":%q,"activities":[{"kind":"electricity","item":"grid","start":"2024-01-01","end":"2025-01-01","quantity":100000,"unit":"kWh","source":%q,"quality":"measured"}]}`, id, source)
	}
	status, body := post(t, urls[0], "ma-cas-01", tok, meter("b1", "m1"))
	require.Equal(t, http.StatusOK, status, body)
	scope2 := func() float64 {
		v, err := b.GroupPage(ctx, 2024)
		require.NoError(t, err)
		return v.ByYear[len(v.ByYear)-1].Scope2LocationT
	}
	one := scope2() // built and cached at b
	require.Positive(t, one)
	status, body = post(t, urls[0], "ma-cas-01", tok, meter("b2", "m2")) // at a: a second meter, the same kWh
	require.Equal(t, http.StatusOK, status, body)
	// Twice the kWh, twice the tonnes (one grid, one factor).
	assert.InDelta(t, 2*one, scope2(), 1e-9*one, "b's page counts the batch a accepted")
}
