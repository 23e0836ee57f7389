package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
)

func TestAnAPITokenIsStoredHashedAndStopsAtItsRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat, err := Open(t.TempDir())
	require.NoError(t, err)
	defer cat.Close()
	tok, secret, err := cat.IssueAPIToken(ctx, store.APIToken{Role: "ambassador", Sites: []string{"fr-lyon", "ma-rab"}, CreatedBy: "alice"})
	require.NoError(t, err)
	assert.Contains(t, secret, tok.ID, "the secret names its token")
	var stored int
	require.NoError(t, cat.DB().QueryRow(`SELECT count(*) FROM api_tokens WHERE token_hash = ?`, secret).Scan(&stored))
	assert.Zero(t, stored, "the secret itself is never stored")

	got, ok, err := cat.APITokenBySecret(ctx, secret)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, []string{"fr-lyon", "ma-rab"}, got.Sites)
	assert.Equal(t, "ambassador", got.Role)
	_, ok, err = cat.APITokenBySecret(ctx, secret+"x")
	require.NoError(t, err)
	assert.False(t, ok)

	require.NoError(t, cat.RevokeAPIToken(ctx, tok.ID, time.Now()))
	require.ErrorIs(t, cat.RevokeAPIToken(ctx, tok.ID, time.Now()), store.ErrNotFound, "revoked once")
	_, ok, err = cat.APITokenBySecret(ctx, secret)
	require.NoError(t, err)
	assert.False(t, ok, "a revoked token authenticates no one")
	all, err := cat.APITokens(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.False(t, all[0].RevokedAt.IsZero())
}

func TestTheAuditLogIsAppendOnlyReadInOrderAndInTheBackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := Open(dir)
	require.NoError(t, err)
	defer cat.Close()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, a := range []string{"sign-in", "export", "sign-out"} {
		e, err := cat.Audit(ctx, store.AuditEntry{At: at.Add(time.Duration(i) * time.Minute), Actor: "alice", Via: "session", Action: a})
		require.NoError(t, err)
		assert.Equal(t, int64(i+1), e.ID)
	}
	_, err = cat.DB().Exec(`UPDATE audit_log SET actor = 'mallory'`)
	require.ErrorContains(t, err, "append-only")
	_, err = cat.DB().Exec(`DELETE FROM audit_log`)
	require.ErrorContains(t, err, "append-only")

	log, err := cat.AuditLog(ctx, 1, 10)
	require.NoError(t, err)
	require.Len(t, log, 2, "after id 1")
	assert.Equal(t, "export", log[0].Action)
	assert.Equal(t, at.Add(time.Minute), log[0].At)

	backup := filepath.Join(t.TempDir(), "b.db")
	require.NoError(t, cat.Backup(ctx, backup))
	db, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&n))
	assert.Equal(t, 3, n, "the backup holds the audit log")
}

func TestASessionSignedOutStaysEnded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat, err := Open(t.TempDir())
	require.NoError(t, err)
	defer cat.Close()
	require.NoError(t, cat.EndSession(ctx, "s1", time.Now().Add(time.Hour), time.Now()))
	for _, tt := range []struct {
		id   string
		want bool
	}{{"s1", true}, {"s2", false}} {
		got, err := cat.SessionEnded(ctx, tt.id)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.id)
	}
}
