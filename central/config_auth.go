package central

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// AuthConf is central.yaml's auth: sign-in with the group's OpenID
// Connect identity provider and the mapping of its groups (or app roles)
// to greenhelp's roles (central/auth). Without an issuer there is no
// sign-in: the pages and read API are open, or behind viewer's basic
// auth; API tokens work either way.
type AuthConf struct {
	OIDC  OIDCConf  `mapstructure:"oidc"`
	Roles RolesConf `mapstructure:"roles"`
	// SessionKey signs the session cookies (at least 32 characters, e.g.
	// openssl rand -hex 32); empty: a key generated once and kept in the
	// data directory (session.key), so sessions outlive a restart.
	SessionKey string `mapstructure:"session_key"`
}

// OIDCConf is the identity provider and greenhelp's registration there.
type OIDCConf struct {
	// Issuer is the provider's issuer URL (its discovery document is
	// Issuer/.well-known/openid-configuration).
	Issuer       string `mapstructure:"issuer"`
	ClientID     string `mapstructure:"client_id"`
	ClientSecret string `mapstructure:"client_secret"`
	// RedirectURL is https://<central>/auth/callback as registered.
	RedirectURL string `mapstructure:"redirect_url"`
	// RolesClaim is the ID token's (or userinfo's) claim listing the
	// person's groups or app roles: "groups" (default; Keycloak's group
	// mapper, Entra ID's groups claim) or "roles" (Entra ID app roles).
	RolesClaim string `mapstructure:"roles_claim"`
	// SessionLifetime is how long a sign-in lasts (default 8h): then the
	// person signs in again, and the provider decides again.
	SessionLifetime time.Duration `mapstructure:"session_lifetime"`
}

// RolesConf maps the provider's groups to roles: a person holds every
// role one of their groups maps to. Group names are compared without
// regard to case (the configuration's map keys are read lower-cased).
type RolesConf struct {
	Viewer []string `mapstructure:"viewer"`
	ESG    []string `mapstructure:"esg"`
	Admin  []string `mapstructure:"admin"`
	// Ambassador maps a group to the sites its members are ambassadors of.
	Ambassador map[string][]string `mapstructure:"ambassador"`
}

// Enabled says whether sign-in with the provider is configured.
func (a AuthConf) Enabled() bool { return a.OIDC.Issuer != "" }

func (a AuthConf) describe() string {
	if !a.Enabled() {
		return "off"
	}
	return a.OIDC.Issuer
}

func (a AuthConf) validate(add func(path, value, format string, args ...any)) {
	o := a.OIDC
	if k := a.SessionKey; k != "" && len(k) < 32 {
		add("auth.session_key", "(hidden)", "%d characters: want at least 32 (e.g. openssl rand -hex 32), or none: one is generated in the data directory", len(k))
	}
	if o.SessionLifetime < time.Minute || o.SessionLifetime > 30*24*time.Hour {
		add("auth.oidc.session_lifetime", o.SessionLifetime.String(), "want a duration from 1m to 720h (default 8h)")
	}
	if o.RolesClaim == "" {
		add("auth.oidc.roles_claim", "", `missing: the claim listing the groups, "groups" (default) or "roles"`)
	}
	if !a.Enabled() {
		if o.ClientID != "" || o.RedirectURL != "" || o.ClientSecret != "" {
			add("auth.oidc.issuer", "", "missing: client_id, client_secret and redirect_url need the provider's issuer URL")
		}
		return
	}
	if u, err := url.Parse(o.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		add("auth.oidc.issuer", o.Issuer, "want the provider's issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0")
	}
	if o.ClientID == "" {
		add("auth.oidc.client_id", "", "missing: the client (application) id greenhelp is registered with")
	}
	if u, err := url.Parse(o.RedirectURL); err != nil || (u.Scheme != "https" && !loopbackURL(o.RedirectURL)) || u.Host == "" || u.Path != "/auth/callback" {
		add("auth.oidc.redirect_url", o.RedirectURL, "want https://<the central's host>/auth/callback (http only on localhost or 127.0.0.1), as registered with the provider")
	}
	n := len(a.Roles.Viewer) + len(a.Roles.ESG) + len(a.Roles.Admin) + len(a.Roles.Ambassador)
	if n == 0 {
		add("auth.roles", "", "missing: map at least one of the provider's groups to a role (viewer, esg, admin, ambassador), or nobody can sign in")
	}
	for _, group := range slices.Sorted(maps.Keys(a.Roles.Ambassador)) {
		sites := a.Roles.Ambassador[group]
		if len(sites) == 0 {
			add("auth.roles.ambassador."+group, "", "missing: the sites this group's members are ambassadors of")
		}
		for i, id := range sites {
			if !footprint.ValidSiteID(id) {
				add(fmt.Sprintf("auth.roles.ambassador.%s[%d]", group, i), id, "%s", footprint.SiteIDRule)
			}
		}
	}
	for _, r := range []struct {
		role   string
		groups []string
	}{{"viewer", a.Roles.Viewer}, {"esg", a.Roles.ESG}, {"admin", a.Roles.Admin}} {
		role, groups := r.role, r.groups
		for i, g := range groups {
			if strings.TrimSpace(g) == "" {
				add(fmt.Sprintf("auth.roles.%s[%d]", role, i), g, "an empty group name")
			}
		}
	}
}

// InsecureLoopback says whether the redirect URL is http on localhost or
// 127.0.0.1 (a developer's machine: cookies there go without Secure).
func (o OIDCConf) InsecureLoopback() bool { return loopbackURL(o.RedirectURL) }

func loopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" {
		return false
	}
	h := p.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}
