package auth

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/greenhelp/greenhelp/central"
)

// oidcClient is the provider, discovered at the first sign-in (a central
// starts while its provider is down; a failed discovery is tried again at
// the next sign-in).
type oidcClient struct {
	conf     central.OIDCConf
	mu       sync.Mutex
	provider *oidc.Provider
}

func newOIDCClient(c central.OIDCConf) *oidcClient { return &oidcClient{conf: c} }

func (o *oidcClient) get(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, o.conf.Issuer)
	if err != nil {
		return nil, fmt.Errorf("the identity provider %s: %w (check auth.oidc.issuer and that the central reaches it)", o.conf.Issuer, err)
	}
	o.provider = p
	return p, nil
}

func (o *oidcClient) oauth2(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.conf.ClientID, ClientSecret: o.conf.ClientSecret, RedirectURL: o.conf.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

// Routes are the sign-in's routes (central/server's table says who may
// use each).
func (a *Auth) Routes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /auth/login":    a.login,
		"GET /auth/callback": a.callback,
		"GET /auth/logout":   a.logoutForm,
		"POST /auth/logout":  a.logout,
		"GET /auth/session":  a.whoami,
	}
}

// localNext is where to go after signing in: a path of this central
// ("/" for anything else: no open redirect).
func localNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

func (a *Auth) login(w http.ResponseWriter, r *http.Request) {
	if a.oidc == nil {
		http.Error(w, "sign-in is off: set auth.oidc (issuer, client_id, client_secret, redirect_url) in central.yaml", http.StatusNotFound)
		return
	}
	p, err := a.oidc.get(r.Context())
	if err != nil {
		a.svc.Log.Error("sign-in: provider discovery failed", "err", err)
		http.Error(w, "sign-in is unavailable now: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	st := loginState{State: randomID(), Verifier: oauth2.GenerateVerifier(), Nonce: randomID(),
		Next: localNext(r.URL.Query().Get("next")), Expires: a.now().Add(loginLifetime).Unix()}
	v, err := a.sign.seal(purposeLogin, st)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.cookies.set(w, loginCookie, v, loginLifetime)
	http.Redirect(w, r, a.oidc.oauth2(p).AuthCodeURL(st.State, oauth2.S256ChallengeOption(st.Verifier), oidc.Nonce(st.Nonce)), http.StatusFound)
}

// signInError is a sign-in refused: what the person is told (and the
// audit log, with who when known).
type signInError struct {
	status int
	msg    string
	who    string
}

func (e *signInError) Error() string { return e.msg }

func (a *Auth) callback(w http.ResponseWriter, r *http.Request) {
	if a.oidc == nil {
		http.Error(w, "sign-in is off", http.StatusNotFound)
		return
	}
	s, next, err := a.signIn(r)
	a.cookies.clear(w, loginCookie)
	var se *signInError
	if errors.As(err, &se) {
		if se.who != "" {
			ctx := central.WithActor(r.Context(), central.Actor{Name: se.who, Via: "session"})
			a.svc.SignInRefused(ctx, se.msg)
		}
		a.svc.Log.Warn("sign-in refused", "who", se.who, "why", se.msg)
		http.Error(w, se.msg, se.status)
		return
	}
	if err != nil {
		a.svc.Log.Error("sign-in failed", "err", err)
		http.Error(w, "sign-in failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	v, err := a.sign.seal(purposeSession, s)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.cookies.set(w, sessionCookie, v, a.cfg.OIDC.SessionLifetime)
	p := &Principal{Subject: s.Subject, Name: s.Name, Via: "session", Level: s.Level, Sites: s.Sites}
	a.svc.SignedIn(withPrincipal(r.Context(), p), "roles "+strings.Join(p.Roles(), ", ")+sitesDetail(p.Sites))
	if next == "/" && !p.SeesGroup() && len(p.Sites) > 0 {
		next = "/sites/" + p.Sites[0] // an ambassador's page is its site's
	}
	http.Redirect(w, r, next, http.StatusFound)
}

func sitesDetail(sites []string) string {
	if len(sites) == 0 {
		return ""
	}
	return "; sites " + strings.Join(sites, ",")
}

// signIn checks the provider's answer against the state cookie, trades
// the code (with the PKCE verifier) for tokens, verifies the ID token
// (issuer, audience, expiry, signature, nonce) and maps its groups to
// roles: the session to start and where to go.
func (a *Auth) signIn(r *http.Request) (session, string, error) {
	var st loginState
	q := r.URL.Query()
	if !a.sign.open(purposeLogin, a.cookies.get(r, loginCookie), &st) || a.now().Unix() >= st.Expires {
		return session{}, "", &signInError{status: http.StatusBadRequest, msg: "sign-in: no sign-in under way in this browser, or it took over 10 minutes: start again at /auth/login"}
	}
	if q.Get("state") == "" || q.Get("state") != st.State {
		return session{}, "", &signInError{status: http.StatusBadRequest, msg: "sign-in: the provider's answer does not match this browser's sign-in (state): start again at /auth/login"}
	}
	if e := q.Get("error"); e != "" {
		return session{}, "", &signInError{status: http.StatusForbidden, msg: "sign-in refused by the identity provider: " + e + " " + q.Get("error_description")}
	}
	p, err := a.oidc.get(r.Context())
	if err != nil {
		return session{}, "", err
	}
	tok, err := a.oidc.oauth2(p).Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return session{}, "", fmt.Errorf("trading the code for tokens: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return session{}, "", errors.New("the provider's answer holds no id_token")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: a.cfg.OIDC.ClientID, Now: a.now}).Verify(r.Context(), raw)
	if err != nil {
		return session{}, "", &signInError{status: http.StatusForbidden, msg: "sign-in: the ID token is not valid: " + err.Error()}
	}
	if idt.Nonce != st.Nonce {
		return session{}, "", &signInError{status: http.StatusForbidden, msg: "sign-in: the ID token's nonce is not this sign-in's"}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return session{}, "", err
	}
	name := firstString(claims, "name", "preferred_username", "email")
	if name == "" {
		name = idt.Subject
	}
	who := name + " <" + idt.Subject + ">"
	groups, found := stringsClaim(claims[a.cfg.OIDC.RolesClaim])
	if !found {
		// Not in the ID token (Entra ID leaves groups out past 200 of
		// them; some providers keep them to userinfo): ask userinfo.
		ui, err := p.UserInfo(r.Context(), oauth2.StaticTokenSource(tok))
		if err == nil {
			var uc map[string]any
			if ui.Claims(&uc) == nil {
				groups, _ = stringsClaim(uc[a.cfg.OIDC.RolesClaim])
			}
		}
	}
	level, sites := mapRoles(a.cfg.Roles, groups)
	if level == LevelNone && len(sites) == 0 {
		return session{}, "", &signInError{status: http.StatusForbidden, who: who,
			msg: fmt.Sprintf("signed in as %s, but none of your groups (claim %q: %s) maps to a greenhelp role: ask an administrator to add one to auth.roles", name, a.cfg.OIDC.RolesClaim, strings.Join(groups, ", "))}
	}
	return session{ID: randomID(), Subject: idt.Subject, Name: name, Level: level, Sites: sites, CSRF: randomID(),
		Expires: a.now().Add(a.cfg.OIDC.SessionLifetime).Unix()}, st.Next, nil
}

func firstString(claims map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := claims[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// stringsClaim reads a claim that is a list of strings or one string.
func stringsClaim(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out, true
	}
	return nil, false
}

// mapRoles is the highest level and the ambassador's sites that groups
// map to (group names compared without regard to case).
func mapRoles(rc central.RolesConf, groups []string) (Level, []string) {
	in := func(list []string) bool {
		return slices.ContainsFunc(list, func(g string) bool {
			return slices.ContainsFunc(groups, func(h string) bool { return strings.EqualFold(g, h) })
		})
	}
	level := LevelNone
	switch {
	case in(rc.Admin):
		level = LevelAdmin
	case in(rc.ESG):
		level = LevelESG
	case in(rc.Viewer):
		level = LevelViewer
	}
	var sites []string
	for g, ss := range rc.Ambassador {
		if in([]string{g}) {
			for _, s := range ss {
				if !slices.Contains(sites, s) {
					sites = append(sites, s)
				}
			}
		}
	}
	slices.Sort(sites)
	return level, sites
}

var logoutPage = template.Must(template.New("logout").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out — greenhelp</title></head>
<body>{{if .Name}}<p>Signed in as {{.Name}}.</p><form method="post" action="/auth/logout"><input type="hidden" name="` + CSRFField + `" value="{{.CSRF}}"><button type="submit">Sign out</button></form>{{else}}<p>You are signed out. <a href="/auth/login">Sign in</a></p>{{end}}</body></html>
`))

// logoutForm is the sign-out page: a form carrying the session's CSRF
// token (a sign-out is a POST: a link on another site cannot sign anyone
// out).
func (a *Auth) logoutForm(w http.ResponseWriter, r *http.Request) {
	var data struct{ Name, CSRF string }
	if a.oidc != nil {
		if p, _, _ := a.identify(w, r); p != nil && p.Via == "session" {
			data.Name, data.CSRF = p.Name, p.CSRF
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = logoutPage.Execute(w, data)
}

// logout ends the session: recorded as ended until it would have expired
// (its cookie, if kept, no longer signs anyone), its cookie cleared.
func (a *Auth) logout(w http.ResponseWriter, r *http.Request) {
	if a.oidc == nil {
		http.Error(w, "sign-in is off", http.StatusNotFound)
		return
	}
	p, _, err := a.identify(w, r)
	if err != nil {
		http.Error(w, "cannot sign out now, retry: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if p == nil || p.Via != "session" {
		http.Redirect(w, r, "/auth/logout", http.StatusSeeOther)
		return
	}
	if !csrfOK(p, r) {
		http.Error(w, "missing or wrong CSRF token: sign out with the form at /auth/logout", http.StatusForbidden)
		return
	}
	var s session
	_ = a.sign.open(purposeSession, a.cookies.get(r, sessionCookie), &s)
	if err := a.svc.EndSession(r.Context(), p.Session, time.Unix(s.Expires, 0), a.now()); err != nil {
		http.Error(w, "cannot sign out now, retry: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	a.cookies.clear(w, sessionCookie)
	a.svc.SignedOut(withPrincipal(r.Context(), p))
	http.Redirect(w, r, "/auth/logout", http.StatusSeeOther)
}

// Whoami is GET /auth/session's answer.
type Whoami struct {
	Name    string   `json:"name"`
	Subject string   `json:"subject"`
	Via     string   `json:"via"`
	Roles   []string `json:"roles"`
	Sites   []string `json:"sites,omitempty"`
	// CSRF is the token a session's state-changing requests carry in
	// the X-CSRF-Token header.
	CSRF string `json:"csrf_token,omitempty"`
}

func (a *Auth) whoami(w http.ResponseWriter, r *http.Request) {
	p := FromContext(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = jsonEncode(w, Whoami{Name: p.Name, Subject: p.Subject, Via: p.Via, Roles: p.Roles(), Sites: p.Sites, CSRF: p.CSRF})
}
