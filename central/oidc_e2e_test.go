package central_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/wire"
)

// The OpenID provider of this test: zitadel/oidc's provider package (op)
// with its example in-memory storage and login form, on loopback; its
// users' groups go into the ID token's "groups" claim, as Keycloak's group
// mapper and Entra ID's groups claim put them.

type idpUsers map[string]*storage.User

func (u idpUsers) GetUserByID(id string) *storage.User { return u[id] }
func (u idpUsers) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}
func (u idpUsers) ExampleClientID() string { return "service" }

type groupsStorage struct {
	*storage.Storage
	users  idpUsers
	groups map[string][]string
}

// SetUserinfoFromRequest puts the user's name and groups in its ID token.
func (s groupsStorage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	if u := s.users[req.GetSubject()]; u != nil {
		ui.AppendClaims("name", u.FirstName+" "+u.LastName)
	}
	ui.AppendClaims("groups", s.groups[req.GetSubject()])
	return nil
}

// browser is a person's browser: a cookie jar, following redirects.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (b *browser) do(method, u string, body url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(b.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(raw)
}

func (b *browser) get(u string) (*http.Response, string) { return b.do(http.MethodGet, u, nil, nil) }

// signIn opens page, is sent to the provider's login form, fills it in
// and comes back signed in: the answer of page.
func (b *browser) signIn(idp, page, user string) (*http.Response, string) {
	b.t.Helper()
	resp, _ := b.get(page)
	require.True(b.t, strings.HasPrefix(resp.Request.URL.String(), idp+"/login/username"), "sent to the provider's login form, at %s", resp.Request.URL)
	id := resp.Request.URL.Query().Get("authRequestID")
	require.NotEmpty(b.t, id)
	return b.do(http.MethodPost, idp+"/login/username", url.Values{"username": {user}, "password": {"correct horse"}, "id": {id}}, nil)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Issue 31's Done-when, over real HTTP against a real OpenID provider on
// loopback: an ambassador signs in, sees its site and is refused another
// site's page, API and CSV download; the ESG team signs in and exports; a
// state-changing request without the CSRF token is refused; sign-out
// ends the session; an expired session goes back to sign in; the audit
// log holds the actions in order, with who and when.
// signInWorld is a real OpenID provider and a central on loopback, the
// central holding the Johannesburg and Paris examples; Amina is the
// ambassador of Sandton (group Ambassadors-Sandton), Erik in the ESG team.
// The central's clock runs ahead by *shift.
type signInWorld struct {
	idp, base string
	svc       *Service
	shift     *time.Duration
}

func newSignInWorld(t *testing.T) signInWorld {
	t.Helper()
	idpLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	centralLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	idp, base := "http://"+idpLn.Addr().String(), "http://"+centralLn.Addr().String()

	users := idpUsers{
		"u-amb": {ID: "u-amb", Username: "amina", Password: "correct horse", FirstName: "Amina", LastName: "Dlamini", PreferredLanguage: language.English},
		"u-esg": {ID: "u-esg", Username: "erik", Password: "correct horse", FirstName: "Erik", LastName: "Sørensen", PreferredLanguage: language.English},
	}
	st := groupsStorage{
		Storage: storage.NewStorageWithClients(users, map[string]*storage.Client{
			"greenhelp": storage.WebClient("greenhelp", "client-secret-e2e", base+"/auth/callback")}),
		users:  users,
		groups: map[string][]string{"u-amb": {"staff", "Ambassadors-Sandton"}, "u-esg": {"staff", "esg-team"}},
	}
	idpSrv := httptest.NewUnstartedServer(exampleop.SetupServer(idp, st, nil, false))
	idpSrv.Listener.Close()
	idpSrv.Listener = idpLn
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)

	shift := new(time.Duration)
	svc := testService(t, func(c *Config) {
		c.Auth.OIDC = OIDCConf{Issuer: idp, ClientID: "greenhelp", ClientSecret: "client-secret-e2e", RedirectURL: base + "/auth/callback",
			RolesClaim: "groups", SessionLifetime: 8 * time.Hour}
		c.Auth.Roles = RolesConf{ESG: []string{"esg-team"}, Ambassador: map[string][]string{"ambassadors-sandton": {"za-jnb-sandton"}}}
	})
	ctx := context.Background()
	for _, name := range []string{"johannesburg", "paris"} {
		site, err := config.LoadSite(filepath.Join("..", "examples", name, "site.yaml"))
		require.NoError(t, err)
		f, err := os.Open(filepath.Join("..", "examples", name, "activities.csv"))
		require.NoError(t, err)
		acts, err := footprint.ReadActivitiesCSV(f, name)
		f.Close()
		require.NoError(t, err)
		_, err = svc.Store.AddSite(ctx, site.ID, site.Name, site.Country)
		require.NoError(t, err)
		_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: name, Site: &site, Activities: acts})
		require.NoError(t, err)
	}
	svc.Clock = func() time.Time { return time.Now().Add(*shift) }
	srv := httptest.NewUnstartedServer(newHandler(svc))
	srv.Listener.Close()
	srv.Listener = centralLn
	srv.Start()
	t.Cleanup(srv.Close)

	return signInWorld{idp: idp, base: base, svc: svc, shift: shift}
}

func TestSignInWithTheGroupsIdentityProvider(t *testing.T) {
	w := newSignInWorld(t)
	idp, base, svc, ctx := w.idp, w.base, w.svc, context.Background()
	t.Run("an ambassador sees its site and nothing of another's", func(t *testing.T) {
		b := newBrowser(t)
		resp, page := b.signIn(idp, base+"/sites/za-jnb-sandton?year=2024", "amina")
		require.Equal(t, http.StatusOK, resp.StatusCode, page)
		assert.Equal(t, base+"/sites/za-jnb-sandton?year=2024", resp.Request.URL.String(), "back where it started")
		assert.Contains(t, page, "Sandton")
		resp, body := b.get(base + "/api/v1/sites/za-jnb-sandton/records.csv?year=2024")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.True(t, strings.HasPrefix(body, "kind,item,start,end,quantity,unit,source,quality,attrs\n"), body)
		for _, u := range []string{"/sites/fr-par-batignolles?year=2024", "/api/v1/sites/fr-par-batignolles",
			"/api/v1/sites/fr-par-batignolles/records.csv?year=2024", "/api/v1/records?site=fr-par-batignolles&year=2024",
			"/api/v1/inventory?year=2024", "/", "/api/v1/export?year=2024&format=json"} {
			resp, body := b.get(base + u)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s: %s", u, body)
			assert.NotContains(t, body, "Batignolles", u)
		}
		resp, body = b.get(base + "/api/v1/sites")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, "za-jnb-sandton")
		assert.NotContains(t, body, "fr-par-batignolles", "the list of sites is its own")
	})

	t.Run("the ESG team exports, closes a year with its CSRF token, signs out", func(t *testing.T) {
		b := newBrowser(t)
		resp, page := b.signIn(idp, base+"/", "erik")
		require.Equal(t, http.StatusOK, resp.StatusCode, page)
		resp, body := b.get(base + "/api/v1/export?year=2024&format=json")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, resp.Header.Get("Content-Disposition"), "greenhelp-esg-2024.json")
		assert.Contains(t, body, "fr-par-batignolles")

		resp, body = b.do(http.MethodPost, base+"/api/v1/admin/years/2024/close", nil, nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a valid session and no CSRF token: %s", body)
		assert.Contains(t, body, "CSRF")
		var who struct {
			Roles []string `json:"roles"`
			CSRF  string   `json:"csrf_token"`
		}
		assert.Equal(t, http.StatusOK, getJSONWith(t, b.c, base+"/auth/session", &who))
		assert.Equal(t, []string{"esg"}, who.Roles)
		resp, body = b.do(http.MethodPost, base+"/api/v1/admin/years/2024/close", nil, map[string]string{"X-CSRF-Token": who.CSRF})
		assert.Equal(t, http.StatusOK, resp.StatusCode, body)

		_, form := b.get(base + "/auth/logout")
		m := csrfField.FindStringSubmatch(form)
		require.Len(t, m, 2, form)
		resp, body = b.do(http.MethodPost, base+"/auth/logout", url.Values{"csrf_token": {m[1]}}, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, "You are signed out")
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, _ = b.get(base + "/api/v1/export?year=2024&format=json")
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "signed out")
	})

	t.Run("an expired session goes back to sign in", func(t *testing.T) {
		b := newBrowser(t)
		resp, _ := b.signIn(idp, base+"/sites/za-jnb-sandton", "amina")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		*w.shift = 8*time.Hour + time.Second
		defer func() { *w.shift = 0 }()
		resp, _ = b.get(base + "/sites/za-jnb-sandton")
		assert.Equal(t, http.StatusFound, resp.StatusCode)
		assert.Equal(t, "/auth/login?next=%2Fsites%2Fza-jnb-sandton", resp.Header.Get("Location"))
	})

	log, err := svc.AuditLog(ctx, 0, 0)
	require.NoError(t, err)
	var got []string
	for i, e := range log {
		got = append(got, e.Action+" by "+e.Actor+" via "+e.Via)
		assert.False(t, e.At.IsZero())
		if i > 0 {
			assert.False(t, e.At.Before(log[i-1].At), "in order")
		}
	}
	assert.Equal(t, []string{
		"sign-in by Amina Dlamini <u-amb> via session",
		"sign-in by Erik Sørensen <u-esg> via session",
		"export by Erik Sørensen <u-esg> via session",
		"year closed by Erik Sørensen <u-esg> via session",
		"sign-out by Erik Sørensen <u-esg> via session",
		"sign-in by Amina Dlamini <u-amb> via session",
	}, got)
}

func getJSONWith(t *testing.T, c *http.Client, u string, v any) int {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.NoError(t, json.Unmarshal(raw, v), string(raw))
	return resp.StatusCode
}
