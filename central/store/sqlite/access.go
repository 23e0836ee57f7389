package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
)

// API tokens: "gha_<id>_<secret>", the id readable (it names the token in
// the list and the audit log), 256 random bits after it; only the
// SHA-256 of the whole is stored (hashToken, as the sites' tokens).

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// IssueAPIToken stores a new token and returns it with its secret.
func (c *Store) IssueAPIToken(ctx context.Context, t store.APIToken) (store.APIToken, string, error) {
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
		t.CreatedAt = time.Now().UTC()
	}
	secret := "gha_" + t.ID + "_" + base64.RawURLEncoding.EncodeToString(sec)
	_, err := c.db.ExecContext(ctx, `INSERT INTO api_tokens(id, token_hash, role, sites, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, hashToken(secret), t.Role, strings.Join(t.Sites, ","), t.Note, t.CreatedBy, stamp(t.CreatedAt))
	if err != nil {
		return t, "", classify("issue API token", err)
	}
	return t, secret, nil
}

// RevokeAPIToken revokes a live token.
func (c *Store) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	res, err := c.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''`, stamp(at), id)
	if err != nil {
		return classify("revoke API token", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("API token %q (unknown, or revoked already): %w", id, store.ErrNotFound)
	}
	return nil
}

const tokenColumns = `id, role, sites, note, created_by, created_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (store.APIToken, error) {
	var t store.APIToken
	var sites, created, revoked string
	if err := row.Scan(&t.ID, &t.Role, &sites, &t.Note, &t.CreatedBy, &created, &revoked); err != nil {
		return t, err
	}
	if sites != "" {
		t.Sites = strings.Split(sites, ",")
	}
	t.CreatedAt, t.RevokedAt = parseTime(created), parseTime(revoked)
	return t, nil
}

// APITokens lists every token by id.
func (c *Store) APITokens(ctx context.Context) ([]store.APIToken, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id`)
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
func (c *Store) APITokenBySecret(ctx context.Context, secret string) (store.APIToken, bool, error) {
	t, err := scanToken(c.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ? AND revoked_at = ''`, hashToken(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, classify("read API token", err)
	}
	return t, true, nil
}

// EndSession records a session signed out; the rows past their end are
// dropped on the way (a session past its end is refused anyway).
func (c *Store) EndSession(ctx context.Context, id string, until, now time.Time) error {
	if _, err := c.db.ExecContext(ctx, `INSERT OR REPLACE INTO ended_sessions(id, until) VALUES (?, ?)`, id, stamp(until)); err != nil {
		return classify("end session", err)
	}
	if _, err := c.db.ExecContext(ctx, `DELETE FROM ended_sessions WHERE until < ?`, stamp(now)); err != nil {
		return classify("end session", err)
	}
	return nil
}

// SessionEnded says whether the session was signed out.
func (c *Store) SessionEnded(ctx context.Context, id string) (bool, error) {
	var n int
	if err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM ended_sessions WHERE id = ?`, id).Scan(&n); err != nil {
		return false, classify("read ended sessions", err)
	}
	return n > 0, nil
}

// Audit appends an entry to the audit log.
func (c *Store) Audit(ctx context.Context, e store.AuditEntry) (store.AuditEntry, error) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC()
	res, err := c.db.ExecContext(ctx, `INSERT INTO audit_log(at, actor, via, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		stamp(e.At), e.Actor, e.Via, e.Action, e.Target, e.Detail)
	if err != nil {
		return e, classify("append to the audit log", err)
	}
	e.ID, _ = res.LastInsertId()
	return e, nil
}

// AuditLog reads the log oldest first from after since, at most limit.
func (c *Store) AuditLog(ctx context.Context, since int64, limit int) ([]store.AuditEntry, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, at, actor, via, action, target, detail FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, since, limit)
	if err != nil {
		return nil, classify("read the audit log", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Via, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, classify("read the audit log", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, classify("read the audit log", rows.Err())
}
