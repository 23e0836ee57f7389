package agent

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The http sample against a real server: JSON objects, the bearer token
// taken from the environment, and a refusal named with the address.
func TestHTTPSampleFetchesJSONWithItsHeader(t *testing.T) {
	t.Setenv("BMS_TOKEN", "s3cret")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"day": "2024-03-01", "kwh": 410.5}, {"day": "2024-03-02", "kwh": 398}]`))
	}))
	defer srv.Close()
	acts, h := trySample(t, sample(t, "http"), nil, "https://bms.local/api/meter/daily", srv.URL+"/api/meter/daily")
	require.Empty(t, h.Error)
	require.Len(t, acts, 2)
	assert.Equal(t, 410.5, acts[0].Quantity)
	assert.Equal(t, "2024-03-02", acts[1].Start.String())

	t.Setenv("BMS_TOKEN", "wrong")
	_, h = trySample(t, sample(t, "http"), nil, "https://bms.local/api/meter/daily", srv.URL+"/api/meter/daily")
	assert.Contains(t, h.Error, srv.URL+"/api/meter/daily")
	assert.Contains(t, h.Error, "401")
}
