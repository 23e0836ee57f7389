package central

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigPrecedenceIsFlagsThenEnvironmentThenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.yaml")
	require.NoError(t, os.WriteFile(path, []byte("addr: 127.0.0.1:7000\ndata: /from/file\ntrajectory: {rate: 0.042, mode: linear}\n"), 0o600))
	// No flags, no environment: the file.
	c, err := LoadConfig(path, nil)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:7000", c.Addr)
	assert.Equal(t, "linear", c.Trajectory.Mode)
	// The environment over the file.
	t.Setenv("GREENHELP_ADDR", "127.0.0.1:7001")
	t.Setenv("GREENHELP_DATA", "/from/env")
	c, err = LoadConfig(path, nil)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:7001", c.Addr)
	// Flags over the environment.
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.String("addr", "", "")
	fs.String("data", "", "")
	require.NoError(t, fs.Parse([]string{"--addr", "127.0.0.1:7002"}))
	c, err = LoadConfig(path, fs)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:7002", c.Addr)
	assert.Equal(t, "/from/env", c.Data, "an unset flag leaves the environment's value")
}

func TestNoConfigAtAllServesLocallyOnSQLite(t *testing.T) {
	c, err := LoadConfig("", nil)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", c.Addr)
	assert.Equal(t, "./greenhelp-data", c.Data)
	assert.Equal(t, "sqlite", c.Store.Backend)
	assert.Equal(t, 0.045, c.Trajectory.Rate)
}

func TestABadConfigFileSaysWhatIsWrong(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.yaml")
	require.NoError(t, os.WriteFile(path, []byte("adr: x\nstore: {backend: mongo}\ntrajectory: {rate: 4.5}\n"), 0o600))
	_, err := LoadConfig(path, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `adr: unknown key (did you mean "addr"?)`)
	require.NoError(t, os.WriteFile(path, []byte("store: {backend: mongo}\ntrajectory: {rate: 4.5, recalculation_threshold: 5}\nviewer: {user: cto}\ninventory: {gwp: AR7}\nesg: {ets_share: 2}\n"), 0o600))
	_, err = LoadConfig(path, nil)
	require.Error(t, err)
	for _, w := range []string{`store.backend: mongo: want "sqlite", "influxdb" or "postgres"`, "trajectory rate 4.5", "viewer: give both user and password",
		"trajectory.recalculation_threshold: 5: want a share between 0 and 1", "inventory.gwp: AR7: want AR6 (default) or AR5", "esg.ets_share: 2: want a share"} {
		assert.Contains(t, err.Error(), w)
	}
}

func TestSecretsDoNotPrint(t *testing.T) {
	c := Config{Addr: "a:1", Viewer: ViewerConf{User: "cto", Password: "hunter2"}}
	c.Store.InfluxDB.Token = "influx-secret"
	c.Store.Backend, c.Store.DSN = "postgres", "postgres://greenhelp:pg-secret@db:5432/greenhelp"
	assert.NotContains(t, c.String(), "hunter2")
	assert.NotContains(t, c.String(), "influx-secret")
	assert.NotContains(t, c.String(), "pg-secret")
}

func TestThePostgresBackendWantsADSN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.yaml")
	tests := []struct {
		name, yaml, want string
	}{
		{"postgres without a dsn", "store: {backend: postgres}\n", "store.dsn: missing: the PostgreSQL database"},
		{"a dsn for sqlite", "store: {backend: sqlite, dsn: 'postgres://u:secret@h/db'}\n", `store.dsn: (set): only for store.backend postgres (the backend is "sqlite")`},
		{"a mistyped key", "store: {backend: postgres, dns: x}\n", `dns: unknown key (did you mean "dsn"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, []byte(tt.yaml), 0o600))
			_, err := LoadConfig(path, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "secret", "the DSN's password never prints")
		})
	}
	require.NoError(t, os.WriteFile(path, []byte("store: {backend: postgres}\n"), 0o600))
	t.Setenv("GREENHELP_STORE_DSN", "postgres://greenhelp:pw@127.0.0.1:5432/greenhelp")
	c, err := LoadConfig(path, nil)
	require.NoError(t, err)
	assert.Equal(t, "postgres", c.Store.Backend)
	assert.Equal(t, "postgres://greenhelp:pw@127.0.0.1:5432/greenhelp", c.Store.DSN)
}
