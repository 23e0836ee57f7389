package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/server"
	"github.com/greenhelp/greenhelp/central/store/postgres"
	"github.com/greenhelp/greenhelp/central/store/postgres/pgtest"
)

// The demo group (2019–2020, every site, through the agents and the API
// into SQLite) copied into PostgreSQL: every year's inventory and export
// and the trajectory are the same bytes, the site tokens still work, and
// a second copy into the same database is refused.
func TestMigrateCopiesTheDemoStoreIntoPostgresIdentically(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := central.LoadConfig("", nil)
	require.NoError(t, err)
	cfg.Data = t.TempDir()
	svc, err := server.Open(ctx, cfg, quiet)
	require.NoError(t, err)
	h, err := server.NewHandler(svc)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	require.NoError(t, loadDemo(ctx, svc, cfg.Data, srv.URL, 42, 2020, io.Discard))
	srv.Close()
	require.NoError(t, svc.Close())

	var out bytes.Buffer
	require.NoError(t, migrateStore(ctx, cfg, dsn, &out, quiet))
	t.Log(out.String())
	assert.Contains(t, out.String(), "17 site(s)")
	assert.NotContains(t, out.String(), "DIFFERS")
	for _, w := range []string{"2019 inventory", "2019 export", "2020 inventory", "2020 export", "trajectory"} {
		assert.Regexp(t, w+` +sha256 [0-9a-f]{64} identical`, out.String())
	}

	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	require.NoError(t, err)
	defer pg.Close()
	tok, err := os.ReadFile(filepath.Join(cfg.Data, "demo-exports", "fr-par-batignolles", "token"))
	require.NoError(t, err)
	site, err := pg.Authenticate(ctx, strings.TrimSpace(string(tok)))
	require.NoError(t, err)
	assert.Equal(t, "fr-par-batignolles", site, "an agent's token works on the copy")

	err = migrateStore(ctx, cfg, dsn, io.Discard, quiet)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already holds 17 site(s): copy into an empty database")
}
