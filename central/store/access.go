package store

import (
	"context"
	"time"
)

// Access is what the store keeps of who may do what and who did: the API
// tokens an admin issues (stored hashed), the sessions signed out before
// their end, and the append-only audit log.
type Access interface {
	// IssueAPIToken stores a new API token for role (and the sites of an
	// ambassador) and returns it with the secret, shown only in this
	// answer; only its hash is kept.
	IssueAPIToken(ctx context.Context, t APIToken) (APIToken, string, error)
	// RevokeAPIToken revokes a token by id (ErrNotFound for none, or one
	// revoked already).
	RevokeAPIToken(ctx context.Context, id string, at time.Time) error
	// APITokens lists the tokens, revoked ones too, by id.
	APITokens(ctx context.Context) ([]APIToken, error)
	// APITokenBySecret returns the live token a secret is, ok false when
	// none (unknown or revoked).
	APITokenBySecret(ctx context.Context, secret string) (APIToken, bool, error)
	// EndSession records a session signed out, until it would have
	// expired (forgetting those ended before now); SessionEnded says
	// whether one was.
	EndSession(ctx context.Context, id string, until, now time.Time) error
	SessionEnded(ctx context.Context, id string) (bool, error)
	// Audit appends an entry to the audit log (its ID and At, when zero,
	// are given by the store); AuditLog reads it oldest first, entries
	// after the id since (0: from the start), at most limit.
	Audit(ctx context.Context, e AuditEntry) (AuditEntry, error)
	AuditLog(ctx context.Context, since int64, limit int) ([]AuditEntry, error)
}

// APIToken is a bearer token for the API: a role, and for an ambassador
// the sites it acts for. Its secret is never stored.
type APIToken struct {
	ID        string    `json:"id"`
	Role      string    `json:"role"`
	Sites     []string  `json:"sites,omitempty"`
	Note      string    `json:"note,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// AuditEntry is one line of the audit log: who (the actor and how they
// were known), what (action, target, detail) and when.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Via    string    `json:"via"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
}
