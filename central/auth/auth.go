// Package auth is who may use the central's public listener, and how they
// say who they are: sign-in with the group's OpenID Connect provider
// (authorization code flow with PKCE; sessions in signed cookies), the
// viewer's basic auth, the admin token and the API tokens an admin issues;
// the roles a sign-in's groups map to (central.yaml's auth.roles); what
// each route needs (Access, one table: central/server's routeTable); CSRF
// protection of a session's state-changing requests. The application
// service knows who acts only as a central.Actor in the context.
package auth

import (
	"context"
	"net/http"
	"slices"

	"github.com/greenhelp/greenhelp/central"
)

// Level is how much of the group a principal sees: none (an ambassador
// sees only its sites), viewer, esg, admin — each holds the rights of the
// ones before.
type Level int

// Levels.
const (
	LevelNone Level = iota
	LevelViewer
	LevelESG
	LevelAdmin
)

func (l Level) String() string {
	return [...]string{"none", "viewer", "esg", "admin"}[l]
}

// Principal is who made a request: a signed-in person, a token, the
// viewer's basic auth, or anyone when the central is open.
type Principal struct {
	// Subject is the provider's subject (or the token's id); Name what
	// the audit log and the pages call them.
	Subject string `json:"subject"`
	Name    string `json:"name"`
	// Via is how they were known: session, token, basic, admin-token, open.
	Via   string `json:"via"`
	Level Level  `json:"-"`
	// Sites are the sites they are ambassador of.
	Sites []string `json:"sites,omitempty"`
	// Session and CSRF: the session's id and its CSRF token (sessions only).
	Session string `json:"-"`
	CSRF    string `json:"-"`
}

// Roles names the principal's roles.
func (p *Principal) Roles() []string {
	var rs []string
	if len(p.Sites) > 0 {
		rs = append(rs, "ambassador")
	}
	if p.Level > LevelNone {
		rs = append(rs, p.Level.String())
	}
	return rs
}

// SeesGroup says whether the principal sees the group (viewer or more).
func (p *Principal) SeesGroup() bool { return p.Level >= LevelViewer }

// SeesSite says whether the principal sees a site: the group's viewers
// every site, an ambassador its own.
func (p *Principal) SeesSite(id string) bool {
	return p.SeesGroup() || slices.Contains(p.Sites, id)
}

func (p *Principal) actor() central.Actor {
	name := p.Name
	if p.Subject != "" && p.Subject != p.Name {
		name += " <" + p.Subject + ">"
	}
	return central.Actor{Name: name, Via: p.Via}
}

type principalKey struct{}

// FromContext is the request's principal (nil outside Guard, and on
// Public and Agent routes).
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

func withPrincipal(ctx context.Context, p *Principal) context.Context {
	return central.WithActor(context.WithValue(ctx, principalKey{}, p), p.actor())
}

// Access is what a route needs.
type Access int

// Accesses, from the most open.
const (
	// Public: anyone (health, assets, the sign-in's own routes).
	Public Access = iota
	// Agent: a site's agent, its site token checked by the route itself.
	Agent
	// Anyone: any principal (the route shows each only what they see:
	// the list of sites is an ambassador's own sites).
	Anyone
	// Site: the request's site ({site} in the path, else ?site=) for a
	// viewer or that site's ambassador; without a site, a viewer.
	Site
	// SiteOperator: an admin, or the ambassador of the path's {site}
	// (rotating the site's token).
	SiteOperator
	// Viewer: the group's pages and read API.
	Viewer
	// ESG: exports and closing a year.
	ESG
	// Admin: sites, tokens, offsets, rollups, the audit log.
	Admin
)

// Accesses lists every Access, for the route × role test.
var Accesses = []Access{Public, Agent, Anyone, Site, SiteOperator, Viewer, ESG, Admin}

func (a Access) String() string {
	return [...]string{"public", "agent", "anyone", "site", "site-operator", "viewer", "esg", "admin"}[a]
}

// requestSite is the site a request is about: {site}, else ?site=.
func requestSite(r *http.Request) string {
	if s := r.PathValue("site"); s != "" {
		return s
	}
	return r.URL.Query().Get("site")
}

// Allows says whether p may make r on a route that needs a.
func (a Access) Allows(p *Principal, r *http.Request) bool {
	switch a {
	case Public, Agent, Anyone:
		return true
	case Site:
		if s := requestSite(r); s != "" {
			return p.SeesSite(s)
		}
		return p.SeesGroup()
	case SiteOperator:
		return p.Level >= LevelAdmin || (r.PathValue("site") != "" && slices.Contains(p.Sites, r.PathValue("site")))
	case Viewer:
		return p.Level >= LevelViewer
	case ESG:
		return p.Level >= LevelESG
	case Admin:
		return p.Level >= LevelAdmin
	}
	return false
}
