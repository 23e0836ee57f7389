package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/auth"
	"github.com/greenhelp/greenhelp/central/server"
)

// routeSamples is a request for every route of the table, about site
// fr-lil where it names one. A route added to the table without a sample
// here fails TestEveryRouteAnswersEveryRoleAsItsTableSays.
var routeSamples = map[string]string{
	"GET /healthz":                                  "/healthz",
	"GET /metrics":                                  "/metrics",
	"GET /assets/":                                  "/assets/none.js",
	"GET /auth/login":                               "/auth/login",
	"GET /auth/callback":                            "/auth/callback",
	"GET /auth/logout":                              "/auth/logout",
	"POST /auth/logout":                             "/auth/logout",
	"GET /auth/session":                             "/auth/session",
	"POST /api/v1/sites/{site}/batches":             "/api/v1/sites/fr-lil/batches",
	"GET /api/v1/sites/{site}/ping":                 "/api/v1/sites/fr-lil/ping",
	"GET /{$}":                                      "/",
	"GET /profiles":                                 "/profiles",
	"GET /sites/{site}":                             "/sites/fr-lil",
	"GET /api/v1/sites":                             "/api/v1/sites",
	"GET /api/v1/sites/{site}":                      "/api/v1/sites/fr-lil",
	"GET /api/v1/sites/{site}/records.csv":          "/api/v1/sites/fr-lil/records.csv?year=2024",
	"GET /api/v1/records":                           "/api/v1/records?site=fr-lil&year=2024",
	"GET /api/v1/inventory":                         "/api/v1/inventory?year=2024&site=fr-lil",
	"GET /api/v1/trajectory":                        "/api/v1/trajectory?site=fr-lil",
	"GET /api/v1/changes":                           "/api/v1/changes?year=2024",
	"GET /api/v1/profiles":                          "/api/v1/profiles?year=2024",
	"GET /api/v1/export":                            "/api/v1/export?year=2024&format=json",
	"POST /api/v1/admin/years/{year}/close":         "/api/v1/admin/years/1999/close",
	"POST /api/v1/admin/sites/{site}/rotate":        "/api/v1/admin/sites/fr-lil/rotate",
	"POST /api/v1/admin/sites":                      "/api/v1/admin/sites",
	"POST /api/v1/admin/sites/{site}/close":         "/api/v1/admin/sites/fr-lil/close",
	"POST /api/v1/admin/sites/{site}/reopen":        "/api/v1/admin/sites/fr-lil/reopen",
	"POST /api/v1/admin/sites/{site}/events":        "/api/v1/admin/sites/fr-lil/events",
	"POST /api/v1/admin/sites/{site}/events/remove": "/api/v1/admin/sites/fr-lil/events/remove",
	"POST /api/v1/admin/offsets":                    "/api/v1/admin/offsets",
	"POST /api/v1/admin/rollups/rebuild":            "/api/v1/admin/rollups/rebuild",
	"POST /api/v1/admin/tokens":                     "/api/v1/admin/tokens",
	"GET /api/v1/admin/tokens":                      "/api/v1/admin/tokens",
	"POST /api/v1/admin/tokens/{id}/revoke":         "/api/v1/admin/tokens/tok_none/revoke",
	"GET /api/v1/admin/audit":                       "/api/v1/admin/audit",
}

// allowed is, written out by hand from issue #31, which roles each
// access lets through (the route's own answer then decides: never 401 or
// 403). "amb" is the ambassador of fr-lil, the site every sample names;
// "other" the ambassador of another site. An Agent route wants a site's
// token, which no role is: all are 401.
var allowed = map[auth.Access][]string{
	auth.Public:       {"nobody", "other", "amb", "viewer", "esg", "admin"},
	auth.Agent:        {},
	auth.Anyone:       {"other", "amb", "viewer", "esg", "admin"},
	auth.Site:         {"amb", "viewer", "esg", "admin"},
	auth.SiteOperator: {"amb", "admin"},
	auth.Viewer:       {"viewer", "esg", "admin"},
	auth.ESG:          {"esg", "admin"},
	auth.Admin:        {"admin"},
}

// Issue 31: every route of the public listener, with every role, answers
// as the route table says — refused 401 (nobody, or an agent's route) or
// 403 (a role without the right), or let through — and the table lists
// every route served (NewHandler refuses a handler without a row).
func TestEveryRouteAnswersEveryRoleAsItsTableSays(t *testing.T) {
	cfg, err := LoadConfig("", nil)
	require.NoError(t, err)
	cfg.Data = t.TempDir()
	cfg.Viewer.User, cfg.Viewer.Password = "cto", "viewer-password"
	cfg.Viewer.ProtectMetrics = true
	cfg.Admin.Token = "routes-test-admin-token-0123456789abcdef" // the admin API on: nobody is 401, not 404
	ctx := context.Background()
	svc, err := server.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	for _, id := range []string{"fr-lil", "ma-rab"} {
		_, err := svc.AddSite(ctx, id, id, "FR")
		require.NoError(t, err)
	}
	tokens := map[string]string{}
	for _, r := range []struct{ name, role, site string }{{"other", "ambassador", "ma-rab"}, {"amb", "ambassador", "fr-lil"},
		{"viewer", "viewer", ""}, {"esg", "esg", ""}, {"admin", "admin", ""}} {
		var sites []string
		if r.site != "" {
			sites = []string{r.site}
		}
		_, secret, err := svc.IssueAPIToken(ctx, r.role, sites, "")
		require.NoError(t, err)
		tokens[r.name] = secret
	}
	h, err := server.NewHandler(svc)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	table := server.RouteTable(cfg)
	require.Len(t, routeSamples, len(table), "a sample for every route of the table, and none more")
	var matrix strings.Builder
	for _, rt := range table {
		path, ok := routeSamples[rt.Pattern]
		require.True(t, ok, "route %s has no sample request in routeSamples", rt.Pattern)
		method, _, _ := strings.Cut(rt.Pattern, " ")
		matrix.WriteString(rt.Pattern + " (" + rt.Access.String() + "):")
		for _, role := range []string{"nobody", "other", "amb", "viewer", "esg", "admin"} {
			req, err := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
			require.NoError(t, err)
			if role != "nobody" {
				req.Header.Set("Authorization", "Bearer "+tokens[role])
			}
			resp, err := client.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			matrix.WriteString(" " + role + "=" + http.StatusText(resp.StatusCode))
			lets := false
			for _, r := range allowed[rt.Access] {
				lets = lets || r == role
			}
			switch {
			case lets:
				assert.NotContains(t, []int{401, 403}, resp.StatusCode, "%s as %s: let through", rt.Pattern, role)
			case role == "nobody" || rt.Access == auth.Agent:
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s as %s", rt.Pattern, role)
			default:
				assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s as %s", rt.Pattern, role)
			}
		}
		matrix.WriteString("\n")
	}
	t.Log("route × role:\n" + matrix.String())

	// The group-level form of a site route is the group's: an ambassador
	// is refused it; the list of sites is its own sites.
	get := func(path, role string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[role])
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, path := range []string{"/api/v1/inventory?year=2024", "/api/v1/trajectory", "/api/v1/records?site=ma-rab&year=2024"} {
		code, _ := get(path, "amb")
		assert.Equal(t, http.StatusForbidden, code, path)
	}
	code, body := get("/api/v1/sites", "amb")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"fr-lil"`)
	assert.NotContains(t, body, "ma-rab", "another site's ambassador's")
}
