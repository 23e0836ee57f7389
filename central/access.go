package central

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// Who acts, the API tokens and the audit log. The service knows who acts
// from the request's context (WithActor: central/auth puts it there for
// the public listener, the operator socket and the commands name
// themselves), never from HTTP types.

// The roles a person or a token holds (central/auth maps a sign-in's
// groups to them).
const (
	roleViewer     = "viewer"
	roleAmbassador = "ambassador"
	roleESG        = "esg"
	roleAdmin      = "admin"
)

// Roles lists the roles in the order of their rights: an ambassador sees
// its sites only; a viewer the group; esg the group and its exports; admin
// everything.
var Roles = []string{roleAmbassador, roleViewer, roleESG, roleAdmin}

// Actor is who asks: a name (the sign-in's subject and name, a token's
// id, "operator socket", "cli:<user>") and how they were known (session,
// token, basic, admin-token, socket, cli).
type Actor struct {
	Name string
	Via  string
}

type actorKey struct{}

// WithActor is ctx naming who acts, for the audit log.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf is who acts in ctx ("unknown" when nobody said).
func ActorOf(ctx context.Context) Actor {
	a, ok := ctx.Value(actorKey{}).(Actor)
	if !ok || a.Name == "" {
		return Actor{Name: "unknown", Via: "unknown"}
	}
	return a
}

// The audit log's actions: the service audits what it does (sites,
// tokens, offsets, closing a year); what happens outside it is said with
// SignedIn, SignInRefused, SignedOut and Exported.
const (
	auditSignIn        = "sign-in"
	auditSignInRefused = "sign-in refused"
	auditSignOut       = "sign-out"
	auditExport        = "export"
	auditCloseYear     = "year closed"
	auditSiteAdd       = "site added"
	auditSiteRotate    = "site token rotated"
	auditSiteClose     = "site closed"
	auditSiteReopen    = "site reopened"
	auditSiteEvent     = "site event declared"
	auditSiteEventDrop = "site event taken back"
	auditOffset        = "offset recorded"
	auditTokenIssue    = "API token issued"
	auditTokenRevoke   = "API token revoked"
)

// SignedIn audits ctx's actor signing in (detail: their roles).
func (s *Service) SignedIn(ctx context.Context, detail string) error {
	return s.audit(ctx, auditSignIn, "", detail)
}

// SignInRefused audits a sign-in refused (detail: why).
func (s *Service) SignInRefused(ctx context.Context, detail string) error {
	return s.audit(ctx, auditSignInRefused, "", detail)
}

// SignedOut audits ctx's actor signing out.
func (s *Service) SignedOut(ctx context.Context) error {
	return s.audit(ctx, auditSignOut, "", "")
}

// Exported audits an export of year handed to ctx's actor.
func (s *Service) Exported(ctx context.Context, year int, detail string) error {
	return s.audit(ctx, auditExport, strconv.Itoa(year), detail)
}

// audit appends what ctx's actor did to the audit log. The action is
// already done when it is called: a failure to write the log is logged
// at error level and returned, and the caller answers the action's
// success all the same (its retry would do it twice).
func (s *Service) audit(ctx context.Context, action, target, detail string) error {
	a := ActorOf(ctx)
	_, err := s.Store.Audit(ctx, store.AuditEntry{At: s.now(), Actor: a.Name, Via: a.Via, Action: action, Target: target, Detail: detail})
	if err != nil {
		s.Log.Error("audit log not written", "action", action, "target", target, "actor", a.Name, "err", err)
	}
	return err
}

// AuditLog reads the audit log oldest first, after the entry since, at
// most limit (1 to 10000; 0: 1000).
func (s *Service) AuditLog(ctx context.Context, since int64, limit int) ([]store.AuditEntry, error) {
	if limit == 0 {
		limit = 1000
	}
	if limit < 1 || limit > 10000 || since < 0 {
		return nil, invalid("limit %d, since %d: want 1 ≤ limit ≤ 10000 and since ≥ 0", limit, since)
	}
	return s.Store.AuditLog(ctx, since, limit)
}

// CheckTokenRole returns every problem of an API token's role and sites
// (an ErrInvalid): a known role; sites for an ambassador and only for it,
// each a site id.
func CheckTokenRole(role string, sites []string) error {
	if !slices.Contains(Roles, role) {
		return invalid("role %s: want one of %s", footprint.QuoteClip(role), strings.Join(Roles, ", "))
	}
	if role == roleAmbassador && len(sites) == 0 {
		return invalid("sites: missing: an ambassador's token names the sites it acts for (--sites fr-lyon,ma-rab)")
	}
	if role != roleAmbassador && len(sites) > 0 {
		return invalid("sites: only an ambassador's token names sites; a %s's sees the group", role)
	}
	for _, id := range sites {
		if !footprint.ValidSiteID(id) {
			return invalid("sites: %s: %s", footprint.QuoteClip(id), footprint.SiteIDRule)
		}
	}
	return nil
}

// IssueAPIToken issues a bearer token for role (an ambassador's for its
// sites, each one the catalog knows) and returns it with its secret,
// shown only now.
func (s *Service) IssueAPIToken(ctx context.Context, role string, sites []string, note string) (store.APIToken, string, error) {
	if err := CheckTokenRole(role, sites); err != nil {
		return store.APIToken{}, "", err
	}
	if why := footprint.TextProblem(note, footprint.MaxNameLength); note != "" && why != "" {
		return store.APIToken{}, "", invalid("note %s: %s", footprint.QuoteClip(note), why)
	}
	for _, id := range sites {
		if _, err := s.Store.Site(ctx, id); err != nil {
			return store.APIToken{}, "", err
		}
	}
	t, secret, err := s.Store.IssueAPIToken(ctx, store.APIToken{Role: role, Sites: sites, Note: note, CreatedBy: ActorOf(ctx).Name, CreatedAt: s.now()})
	if err != nil {
		return t, "", err
	}
	s.audit(ctx, auditTokenIssue, t.ID, tokenDetail(t))
	return t, secret, nil
}

func tokenDetail(t store.APIToken) string {
	d := "role " + t.Role
	if len(t.Sites) > 0 {
		d += ", sites " + strings.Join(t.Sites, ",")
	}
	return d
}

// RevokeAPIToken revokes a token at once.
func (s *Service) RevokeAPIToken(ctx context.Context, id string) error {
	if err := s.Store.RevokeAPIToken(ctx, id, s.now()); err != nil {
		return err
	}
	s.audit(ctx, auditTokenRevoke, id, "")
	return nil
}

// APITokens lists the tokens (never their secrets).
func (s *Service) APITokens(ctx context.Context) ([]store.APIToken, error) {
	return s.Store.APITokens(ctx)
}

// APIToken returns the live token a bearer secret is (ok false: none).
func (s *Service) APIToken(ctx context.Context, secret string) (store.APIToken, bool, error) {
	if !strings.HasPrefix(secret, "gha_") {
		return store.APIToken{}, false, nil
	}
	return s.Store.APITokenBySecret(ctx, secret)
}

// EndSession records a session signed out until it would have ended
// (now: the signing-out's clock).
func (s *Service) EndSession(ctx context.Context, id string, until, now time.Time) error {
	return s.Store.EndSession(ctx, id, until, now)
}

// SessionEnded says whether a session was signed out.
func (s *Service) SessionEnded(ctx context.Context, id string) (bool, error) {
	return s.Store.SessionEnded(ctx, id)
}

// auditDone audits an action of ctx's actor once it succeeded (err nil).
func (s *Service) auditDone(ctx context.Context, err error, action, target, detail string) {
	if err == nil {
		s.audit(ctx, action, target, detail)
	}
}

func auditDay(on footprint.Date) string { return fmt.Sprintf("on %s", on) }

// SiteRecords are a site's stored records whose period overlaps the year,
// in key order (ErrNotFound for an unknown site).
func (s *Service) SiteRecords(ctx context.Context, site string, year int) ([]footprint.Activity, error) {
	if _, err := s.Store.Site(ctx, site); err != nil {
		return nil, err
	}
	from, to := footprint.YearBounds(year)
	recs, err := s.Store.Read(ctx, store.Query{Sites: []string{site}, From: from, To: to})
	if err != nil {
		return nil, err
	}
	out := make([]footprint.Activity, len(recs))
	for i, r := range recs {
		out[i] = r.Activity
	}
	return out, nil
}
