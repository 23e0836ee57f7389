package postgres

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/greenhelp/greenhelp/central/store"
)

// API tokens as in the SQLite store: "gha_<id>_<secret>", the id
// readable, 256 random bits after it; only the SHA-256 of the whole is
// stored (hashToken).

// IssueAPIToken stores a new token and returns it with its secret.
func (s *Store) IssueAPIToken(ctx context.Context, t store.APIToken) (store.APIToken, string, error) {
	idb := make([]byte, 6)
	sec := make([]byte, 32)
	if _, err := rand.Read(idb); err != nil {
		return t, "", err
	}
	if _, err := rand.Read(sec); err != nil {
		return t, "", err
	}
	t.ID = "tok_" + base64.RawURLEncoding.EncodeToString(idb)
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	t.CreatedAt = t.CreatedAt.UTC()
	secret := "gha_" + t.ID + "_" + base64.RawURLEncoding.EncodeToString(sec)
	_, err := s.pool.Exec(ctx, `INSERT INTO api_tokens(id, token_hash, role, sites, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.ID, hashToken(secret), t.Role, strings.Join(t.Sites, ","), t.Note, t.CreatedBy, t.CreatedAt)
	if err != nil {
		return t, "", classify("issue API token", err)
	}
	return t, secret, nil
}

// RevokeAPIToken revokes a live token.
func (s *Store) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UTC(), id)
	if err != nil {
		return classify("revoke API token", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("API token %q (unknown, or revoked already): %w", id, store.ErrNotFound)
	}
	return nil
}

const tokenColumns = `id, role, sites, note, created_by, created_at, revoked_at`

func scanToken(row pgx.Row) (store.APIToken, error) {
	var t store.APIToken
	var sites string
	var revoked *time.Time
	if err := row.Scan(&t.ID, &t.Role, &sites, &t.Note, &t.CreatedBy, &t.CreatedAt, &revoked); err != nil {
		return t, err
	}
	if sites != "" {
		t.Sites = strings.Split(sites, ",")
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if revoked != nil {
		t.RevokedAt = revoked.UTC()
	}
	return t, nil
}

// APITokens lists every token by id.
func (s *Store) APITokens(ctx context.Context) ([]store.APIToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id`)
	if err != nil {
		return nil, classify("list API tokens", err)
	}
	defer rows.Close()
	var out []store.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, classify("list API tokens", err)
		}
		out = append(out, t)
	}
	return out, classify("list API tokens", rows.Err())
}

// APITokenBySecret returns the live token whose secret this is.
func (s *Store) APITokenBySecret(ctx context.Context, secret string) (store.APIToken, bool, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, hashToken(secret)))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, classify("read API token", err)
	}
	return t, true, nil
}

// EndSession records a session signed out; the rows past their end are
// dropped on the way (a session past its end is refused anyway).
func (s *Store) EndSession(ctx context.Context, id string, until, now time.Time) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO ended_sessions(id, until) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET until = EXCLUDED.until`, id, until.UTC()); err != nil {
		return classify("end session", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM ended_sessions WHERE until < $1`, now.UTC()); err != nil {
		return classify("end session", err)
	}
	return nil
}

// SessionEnded says whether the session was signed out.
func (s *Store) SessionEnded(ctx context.Context, id string) (bool, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM ended_sessions WHERE id = $1`, id).Scan(&n); err != nil {
		return false, classify("read ended sessions", err)
	}
	return n > 0, nil
}

// Audit appends an entry to the audit log.
func (s *Store) Audit(ctx context.Context, e store.AuditEntry) (store.AuditEntry, error) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC()
	err := s.pool.QueryRow(ctx, `INSERT INTO audit_log(at, actor, via, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		e.At, e.Actor, e.Via, e.Action, e.Target, e.Detail).Scan(&e.ID)
	if err != nil {
		return e, classify("append to the audit log", err)
	}
	return e, nil
}

// AuditLog reads the log oldest first from after since, at most limit.
func (s *Store) AuditLog(ctx context.Context, since int64, limit int) ([]store.AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, at, actor, via, action, target, detail FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`, since, limit)
	if err != nil {
		return nil, classify("read the audit log", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Via, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, classify("read the audit log", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, classify("read the audit log", rows.Err())
}
