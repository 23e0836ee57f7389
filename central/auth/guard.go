package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/central"
)

// Auth identifies the requests of the public listener and guards its
// routes.
type Auth struct {
	svc     *central.Service
	cfg     central.AuthConf
	sign    signer
	cookies cookies
	oidc    *oidcClient // nil: no sign-in
	// Now is the clock of sessions (nil: the service's).
	Now func() time.Time
}

// New is the central's Auth: with sign-in when auth.oidc.issuer is set
// (its session key configured, or kept in the data directory).
func New(svc *central.Service) (*Auth, error) {
	a := &Auth{svc: svc, cfg: svc.Cfg.Auth}
	if !a.cfg.Enabled() {
		return a, nil
	}
	key, err := loadKey(a.cfg.SessionKey, svc.Cfg.Data)
	if err != nil {
		return nil, err
	}
	a.sign = signer{key: key}
	a.cookies = cookies{secure: !a.cfg.OIDC.InsecureLoopback()}
	a.oidc = newOIDCClient(a.cfg.OIDC)
	return a, nil
}

func (a *Auth) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return a.svc.Now()
}

// open says whether the central has no way to know anyone: no sign-in,
// no viewer's basic auth. Its pages and read API are then open to all
// (a central on a private network, as before sign-in existed).
func (a *Auth) open() bool {
	return !a.cfg.Enabled() && a.svc.Cfg.Viewer.User == ""
}

// credentialError is a credential given and refused (a wrong token or
// password): 401, never a redirect to sign in.
type credentialError struct{ msg string }

// identify is who made r: nil when nobody said (and the central is not
// open), a credentialError when a credential was refused.
func (a *Auth) identify(w http.ResponseWriter, r *http.Request) (*Principal, *credentialError, error) {
	if tok := Bearer(r); tok != "" {
		if want := a.svc.Cfg.Admin.Token; want != "" {
			x, y := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(want))
			if subtle.ConstantTimeCompare(x[:], y[:]) == 1 {
				return &Principal{Subject: "admin-token", Name: "admin token", Via: "admin-token", Level: LevelAdmin}, nil, nil
			}
		}
		t, ok, err := a.svc.APIToken(r.Context(), tok)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, &credentialError{"missing, unknown or revoked token"}, nil
		}
		p := &Principal{Subject: t.ID, Name: "token " + t.ID, Via: "token", Sites: t.Sites}
		p.Level = levelOf(t.Role)
		return p, nil, nil
	}
	if u, pw, ok := r.BasicAuth(); ok {
		v := a.svc.Cfg.Viewer
		if v.User != "" && subtle.ConstantTimeCompare([]byte(u), []byte(v.User)) == 1 && subtle.ConstantTimeCompare([]byte(pw), []byte(v.Password)) == 1 {
			return &Principal{Subject: u, Name: u, Via: "basic", Level: LevelViewer}, nil, nil
		}
		return nil, &credentialError{"viewer credentials required"}, nil
	}
	if a.oidc != nil {
		if v := a.cookies.get(r, sessionCookie); v != "" {
			var s session
			if !a.sign.open(purposeSession, v, &s) || a.now().Unix() >= s.Expires {
				a.cookies.clear(w, sessionCookie)
				return nil, nil, nil
			}
			ended, err := a.svc.SessionEnded(r.Context(), s.ID)
			if err != nil {
				return nil, nil, err
			}
			if ended {
				a.cookies.clear(w, sessionCookie)
				return nil, nil, nil
			}
			return &Principal{Subject: s.Subject, Name: s.Name, Via: "session", Level: s.Level, Sites: s.Sites, Session: s.ID, CSRF: s.CSRF}, nil, nil
		}
	}
	if a.open() {
		return &Principal{Name: "anyone", Via: "open", Level: LevelViewer}, nil, nil
	}
	return nil, nil, nil
}

func levelOf(role string) Level {
	switch role {
	case "viewer":
		return LevelViewer
	case "esg":
		return LevelESG
	case "admin":
		return LevelAdmin
	}
	return LevelNone
}

// Bearer is the request's bearer token: the scheme matched without regard
// to case (RFC 6750 §2.1, RFC 9110 §11.1), the token as sent.
func Bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// unsafe says whether a method may change state (RFC 9110 §9.2.1).
func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// CSRFHeader and CSRFField carry a session's CSRF token on a
// state-changing request (GET /auth/session gives it; the sign-out form
// holds it).
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf_token"
)

// csrfOK says whether r carries p's CSRF token (synchronizer token: the
// session's own, compared in constant time). A bearer, basic or open
// request carries no cookie a browser would send by itself: exempt.
func csrfOK(p *Principal, r *http.Request) bool {
	if p.Via != "session" || !unsafe(r.Method) {
		return true
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		got = r.PostFormValue(CSRFField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(p.CSRF)) == 1
}

// Guard is hf behind access: who asks is identified (a refused
// credential 401; nobody: 401, or for a page with sign-in on, a redirect
// to sign in), a session's state-changing request needs its CSRF token
// (403), and the principal needs access to the request (403). hf then
// finds the principal in the context (FromContext), and the service the
// actor.
func (a *Auth) Guard(access Access, hf http.HandlerFunc) http.HandlerFunc {
	if access == Public || access == Agent {
		return hf
	}
	return func(w http.ResponseWriter, r *http.Request) {
		p, bad, err := a.identify(w, r)
		switch {
		case err != nil:
			a.svc.Log.Warn("identifying a request failed", "path", r.URL.Path, "err", err)
			refuse(w, r, http.StatusServiceUnavailable, "cannot check who you are now, retry later: "+err.Error())
			return
		case bad != nil:
			if r.Header.Get("Authorization") != "" && strings.HasPrefix(strings.ToLower(r.Header.Get("Authorization")), "basic") {
				w.Header().Set("WWW-Authenticate", `Basic realm="greenhelp"`)
			}
			a.svc.Log.Warn("credential refused", "path", r.URL.Path, "remote", r.RemoteAddr)
			refuse(w, r, http.StatusUnauthorized, bad.msg)
			return
		case p == nil, p.Via == "open" && !access.Allows(p, r):
			a.challenge(w, r, access)
			return
		}
		if !csrfOK(p, r) {
			refuse(w, r, http.StatusForbidden, "missing or wrong CSRF token: send the session's token (GET /auth/session) in the "+CSRFHeader+" header")
			return
		}
		if !access.Allows(p, r) {
			refuse(w, r, http.StatusForbidden, forbidden(p, access, r))
			return
		}
		hf(w, r.WithContext(withPrincipal(r.Context(), p)))
	}
}

// challenge answers a request nobody signed: a page with sign-in on goes
// to sign in (and back here); the API answers 401 saying how to sign.
func (a *Auth) challenge(w http.ResponseWriter, r *http.Request, access Access) {
	if access == Admin && a.svc.Cfg.Admin.Token == "" && !a.cfg.Enabled() {
		refuse(w, r, http.StatusNotFound, "the admin API is off: set admin.token (or GREENHELP_ADMIN_TOKEN) on the central, or issue an admin API token (greenhelp tokens issue --role admin)")
		return
	}
	if a.oidc != nil && r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
		http.Redirect(w, r, "/auth/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
		return
	}
	if a.svc.Cfg.Viewer.User != "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="greenhelp"`)
	}
	msg := "sign in: a bearer token (Authorization: Bearer …)"
	if a.svc.Cfg.Viewer.User != "" {
		msg = "viewer credentials required (basic auth), or a bearer token"
	}
	if a.oidc != nil {
		msg += ", or a session (sign in at /auth/login)"
	}
	refuse(w, r, http.StatusUnauthorized, msg)
}

// forbidden says why p may not, without naming anything p may not see.
func forbidden(p *Principal, access Access, r *http.Request) string {
	who := "you are " + strings.Join(append([]string{}, p.Roles()...), " and ")
	if len(p.Roles()) == 0 {
		who = "you hold no role"
	}
	switch access {
	case Site, SiteOperator:
		if s := requestSite(r); s != "" {
			return who + ": site " + url.PathEscape(s) + " is not one of yours"
		}
	}
	return who + ": this needs the " + access.String() + " role"
}

// refuse answers an error as JSON for the API, as text for a page.
func refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/auth/session") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	http.Error(w, msg, status)
}

func jsonEncode(w http.ResponseWriter, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
