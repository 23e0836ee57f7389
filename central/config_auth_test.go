package central

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheSignInConfigIsReadWithItsDefaultsAndItsGroups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`auth:
  oidc:
    issuer: https://login.example.com/tenant/v2.0
    client_id: greenhelp
    client_secret: s3cret-value
    redirect_url: https://greenhelp.example.com/auth/callback
  roles:
    viewer: [cto-office]
    esg: [esg-team]
    admin: [it-ops]
    ambassador:
      Amb-Lyon: [fr-lyon]
      amb-south: [ma-rab, ma-cas]
`), 0o600))
	c, err := LoadConfig(path, nil)
	require.NoError(t, err)
	assert.True(t, c.Auth.Enabled())
	assert.Equal(t, "groups", c.Auth.OIDC.RolesClaim)
	assert.Equal(t, 8*time.Hour, c.Auth.OIDC.SessionLifetime)
	assert.Equal(t, []string{"ma-rab", "ma-cas"}, c.Auth.Roles.Ambassador["amb-south"])
	assert.Equal(t, []string{"fr-lyon"}, c.Auth.Roles.Ambassador["amb-lyon"], "viper lower-cases map keys: groups compare without case")
	assert.NotContains(t, c.String(), "s3cret-value")
}

func TestABadSignInConfigSaysEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`auth:
  session_key: short
  oidc:
    issuer: login.example.com
    redirect_url: http://greenhelp.example.com/auth/callback
    session_lifetime: 10s
  roles:
    ambassador:
      amb-lyon: [Fr Lyon]
`), 0o600))
	_, err := LoadConfig(path, nil)
	require.Error(t, err)
	for _, w := range []string{"auth.session_key: (hidden): 5 characters: want at least 32",
		"auth.oidc.issuer: login.example.com: want the provider's issuer URL",
		"auth.oidc.client_id: missing",
		"auth.oidc.redirect_url: http://greenhelp.example.com/auth/callback: want https://",
		"auth.oidc.session_lifetime: 10s: want a duration from 1m",
		"auth.roles.ambassador.amb-lyon[0]: Fr Lyon: want 1–64 characters"} {
		assert.Contains(t, err.Error(), w)
	}
	for _, tt := range []struct {
		url  string
		want bool
	}{{"http://localhost:8080/auth/callback", true}, {"http://127.0.0.1/auth/callback", true},
		{"https://localhost/auth/callback", false}, {"http://example.com/auth/callback", false}} {
		assert.Equal(t, tt.want, loopbackURL(tt.url), tt.url)
	}
}

// Centrals on one PostgreSQL database check each other's sessions: each
// making its own session.key would refuse them, so the key is required.
func TestSignInOnPostgresNeedsOneSessionKeyForEveryCentral(t *testing.T) {
	conf := func(key string) string {
		return `store:
  backend: postgres
  dsn: postgres://greenhelp@db.example:5432/greenhelp
auth:
` + key + `  oidc:
    issuer: https://login.example.com/tenant/v2.0
    client_id: greenhelp
    client_secret: s3cret-value
    redirect_url: https://greenhelp.example.com/auth/callback
  roles:
    viewer: [cto-office]
`
	}
	path := filepath.Join(t.TempDir(), "central.yaml")
	require.NoError(t, os.WriteFile(path, []byte(conf("")), 0o600))
	_, err := LoadConfig(path, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "auth.session_key: missing: with store.backend postgres, every central on the database checks the sessions the others signed")
	require.NoError(t, os.WriteFile(path, []byte(conf("  session_key: 0123456789abcdef0123456789abcdef\n")), 0o600))
	_, err = LoadConfig(path, nil)
	require.NoError(t, err)
}
