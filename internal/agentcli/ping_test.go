package agentcli

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pingCentral answers the ping as the central does, or with status.
func pingCentral(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if status != http.StatusOK {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":"missing or unknown site token"}`))
			return
		}
		_, _ = w.Write([]byte(`{"site":"fr-lyo-gerland","name":"Lyon Gerland","status":"open","server_time":"2026-01-05T10:00:00Z"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// nowhere is a loopback address nothing listens on.
func nowhere(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, l.Close())
	return "http://" + l.Addr().String()
}

// `check --ping` asks every central: one down is a warning (the agent
// fails over to the others), all down or a refused token a failure.
func TestCheckPingsEveryCentral(t *testing.T) {
	t.Parallel()
	up, down, other := pingCentral(t, http.StatusOK), nowhere(t), nowhere(t)
	refusing := pingCentral(t, http.StatusUnauthorized)
	tests := []struct {
		name  string
		urls  []string
		code  int
		wants []string
	}{
		{"one of two down", []string{down, up}, 0, []string{
			"warning: 1 of the 2 centrals did not answer (" + down + "): the agent delivers to the others meanwhile",
			"central " + down + ": FAILED: central " + down + " not reachable",
			"central " + up + ": reachable, token accepted for site fr-lyo-gerland (Lyon Gerland, open)",
			"check: ok"}},
		{"both down", []string{down, other}, 1, []string{
			"central " + other + ": FAILED: central " + other + " not reachable",
			"centrals: FAILED: none of the 2 centrals answered (central.urls): nothing can be delivered until one does"}},
		{"a token refused by one", []string{up, refusing}, 1, []string{
			"central " + up + ": reachable",
			"central " + refusing + ": FAILED: the central refused the site token (401 Unauthorized",
			"centrals: FAILED: central " + refusing + " refused the site token (above): delivery stops on it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			urls, _ := json.Marshal(tt.urls)
			path := exampleCopy(t, "url: https://greenhelp.example.org", "urls: "+string(urls), "# token: ...", "token: t")
			code, out, stderr := run(t, "check", "--ping", "--config", path)
			assert.Equal(t, tt.code, code, stderr+out)
			for _, w := range tt.wants {
				assert.Contains(t, out, w)
			}

			_, out, _ = run(t, "check", "--ping", "--format", "json", "--config", path)
			var rep CheckReport
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			require.Len(t, rep.Centrals, 2)
			for i, c := range rep.Centrals {
				assert.Equal(t, tt.urls[i], c.URL)
				assert.True(t, (c.Ping == nil) != (c.Error == ""), "an answer or an error: %+v", c)
			}
			assert.Equal(t, tt.code == 0, rep.OK)
		})
	}
}
