package auth

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testAuth is an Auth with sign-in configured (the provider is never
// reached: sessions are minted with its key) on a real SQLite store, its
// clock at *now.
func testAuth(t *testing.T, now *time.Time) *Auth {
	t.Helper()
	cfg, err := central.LoadConfig("", nil)
	require.NoError(t, err)
	cfg.Data = t.TempDir()
	cfg.Auth.OIDC = central.OIDCConf{Issuer: "http://127.0.0.1:1/none", ClientID: "greenhelp", RedirectURL: "http://127.0.0.1:8080/auth/callback",
		RolesClaim: "groups", SessionLifetime: time.Hour}
	cfg.Auth.Roles.Viewer = []string{"cto"}
	st, err := sqlite.Open(cfg.Data)
	require.NoError(t, err)
	svc, err := central.New(context.Background(), cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	a, err := New(svc)
	require.NoError(t, err)
	a.Now = func() time.Time { return *now }
	return a
}

func (a *Auth) mint(t *testing.T, s session) *http.Cookie {
	t.Helper()
	v, err := a.sign.seal(purposeSession, s)
	require.NoError(t, err)
	return &http.Cookie{Name: a.cookies.name(sessionCookie), Value: v}
}

func ok(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("done by " + central.ActorOf(r.Context()).Name))
}

// Issue 31: a state-changing request made with a session cookie needs
// the session's CSRF token; a bearer request is exempt (no browser sends
// it by itself); reading needs none.
func TestASessionsStateChangingRequestNeedsItsCSRFToken(t *testing.T) {
	t.Parallel()
	now := t0
	a := testAuth(t, &now)
	a.svc.Cfg.Admin.Token = strings.Repeat("k", 40)
	cookie := a.mint(t, session{ID: "s1", Subject: "u1", Name: "Ada", Level: LevelAdmin, CSRF: "the-csrf", Expires: t0.Add(time.Hour).Unix()})
	h := a.Guard(Admin, ok)
	tests := []struct {
		name   string
		method string
		cookie bool
		header map[string]string
		want   int
	}{
		{"a valid session and no token is refused", http.MethodPost, true, nil, http.StatusForbidden},
		{"a valid session and a wrong token is refused", http.MethodPost, true, map[string]string{CSRFHeader: "guess"}, http.StatusForbidden},
		{"a valid session and its token passes", http.MethodPost, true, map[string]string{CSRFHeader: "the-csrf"}, http.StatusOK},
		{"a session's read needs no token", http.MethodGet, true, nil, http.StatusOK},
		{"a bearer request is exempt", http.MethodPost, false, map[string]string{"Authorization": "Bearer " + strings.Repeat("k", 40)}, http.StatusOK},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, "/api/v1/admin/sites", nil)
		if tt.cookie {
			req.AddCookie(cookie)
		}
		for k, v := range tt.header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h(rec, req)
		assert.Equal(t, tt.want, rec.Code, tt.name)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/admin/sites", strings.NewReader(CSRFField+"=the-csrf"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	h(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, "a form carries it as a field")
	assert.Equal(t, "done by Ada <u1>", rec.Body.String(), "the service knows who acts")
}

// A session past its end, signed out, or not signed with the key signs
// nobody in: a page goes to sign in and back, the API answers 401.
func TestAnExpiredEndedOrForgedSessionGoesBackToSignIn(t *testing.T) {
	t.Parallel()
	now := t0
	a := testAuth(t, &now)
	good := session{ID: "s1", Subject: "u1", Name: "Ada", Level: LevelViewer, CSRF: "c", Expires: t0.Add(time.Hour).Unix()}
	forged := *a.mint(t, good)
	forged.Value = strings.Replace(forged.Value, ".", "x.", 1)
	elevated := *a.mint(t, good)
	_, mac, _ := strings.Cut(elevated.Value, ".")
	other, _, _ := strings.Cut(a.mint(t, session{ID: "s1", Subject: "u1", Name: "Ada", Level: LevelAdmin, CSRF: "c", Expires: good.Expires}).Value, ".")
	elevated.Value = other + "." + mac
	page := a.Guard(Viewer, ok)
	tests := []struct {
		name   string
		cookie *http.Cookie
		at     time.Time
		end    bool
		path   string
		want   int
	}{
		{"a live session is let through", a.mint(t, good), t0.Add(59 * time.Minute), false, "/profiles?year=2024", http.StatusOK},
		{"an expired session's page goes to sign in", a.mint(t, good), t0.Add(time.Hour), false, "/profiles?year=2024", http.StatusFound},
		{"an expired session's API call is 401", a.mint(t, good), t0.Add(2 * time.Hour), false, "/api/v1/changes", http.StatusUnauthorized},
		{"a forged signature signs nobody in", &forged, t0, false, "/api/v1/changes", http.StatusUnauthorized},
		{"a payload raised to admin under the viewer's signature signs nobody in", &elevated, t0, false, "/api/v1/changes", http.StatusUnauthorized},
		{"a signed-out session signs nobody in", a.mint(t, good), t0, true, "/profiles", http.StatusFound},
	}
	for _, tt := range tests {
		now = tt.at
		if tt.end {
			require.NoError(t, a.svc.EndSession(context.Background(), good.ID, t0.Add(time.Hour), t0))
		}
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		req.AddCookie(tt.cookie)
		rec := httptest.NewRecorder()
		page(rec, req)
		assert.Equal(t, tt.want, rec.Code, tt.name)
		if tt.want == http.StatusFound {
			assert.Equal(t, "/auth/login?next="+url.QueryEscape(tt.path), rec.Header().Get("Location"), tt.name)
		}
	}
}

func TestGroupsMapToTheHighestRoleAndTheirSites(t *testing.T) {
	t.Parallel()
	rc := central.RolesConf{Viewer: []string{"cto-office"}, ESG: []string{"ESG-Team"}, Admin: []string{"it-ops"},
		Ambassador: map[string][]string{"amb-lyon": {"fr-lyon"}, "amb-south": {"ma-rab", "fr-lyon"}}}
	tests := []struct {
		name   string
		groups []string
		level  Level
		sites  []string
	}{
		{"no group maps to nothing", []string{"sales"}, LevelNone, nil},
		{"a viewer", []string{"cto-office"}, LevelViewer, nil},
		{"esg, named in another case", []string{"esg-team"}, LevelESG, nil},
		{"admin and viewer: admin", []string{"cto-office", "it-ops"}, LevelAdmin, nil},
		{"two ambassador groups: their sites once, sorted", []string{"Amb-South", "amb-lyon"}, LevelNone, []string{"fr-lyon", "ma-rab"}},
	}
	for _, tt := range tests {
		level, sites := mapRoles(rc, tt.groups)
		assert.Equal(t, tt.level, level, tt.name)
		assert.Equal(t, tt.sites, sites, tt.name)
	}
}

func TestAfterSignInOnlyAPathOfThisCentral(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ next, want string }{{"/sites/fr-lyon?year=2024", "/sites/fr-lyon?year=2024"}, {"", "/"},
		{"https://evil.example/", "/"}, {"//evil.example/", "/"}, {"/\\evil.example", "/"}, {"/a\r\nSet-Cookie: x", "/"}} {
		assert.Equal(t, tt.want, localNext(tt.next), tt.next)
	}
}

func TestTheSessionKeyIsMadeOnceAndKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k1, err := loadKey("", dir)
	require.NoError(t, err)
	require.Len(t, k1, 32)
	k2, err := loadKey("", dir)
	require.NoError(t, err)
	assert.Equal(t, k1, k2)
	fi, err := os.Stat(filepath.Join(dir, sessionKeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	require.NoError(t, os.WriteFile(filepath.Join(dir, sessionKeyFile), []byte("short"), 0o600))
	_, err = loadKey("", dir)
	assert.ErrorContains(t, err, "not a session key")
	k3, err := loadKey(strings.Repeat("s", 32), dir)
	require.NoError(t, err)
	assert.Equal(t, []byte(strings.Repeat("s", 32)), k3, "the configured key wins")
}
