package demo

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent"
)

func TestTheDemoGroupCoversTheBrief(t *testing.T) {
	t.Parallel()
	sites := Sites()
	assert.GreaterOrEqual(t, len(sites), 16)
	countries := map[string]bool{}
	var opened, closed, green int
	for _, s := range sites {
		countries[s.Country] = true
		assert.GreaterOrEqual(t, s.Seats, 50)
		assert.LessOrEqual(t, s.Seats, 3000)
		if !s.Opened.IsZero() {
			opened++
		}
		if !s.Closed.IsZero() {
			closed++
		}
		if !s.GreenFrom.IsZero() {
			green++
		}
	}
	assert.GreaterOrEqual(t, len(countries), 10)
	assert.Equal(t, 1, opened)
	assert.Equal(t, 1, closed)
	assert.Equal(t, 1, green)
	// Every site's exports pass the agent's own check.
	dir := t.TempDir()
	gen, err := Generate(dir, Options{Seed: 1, From: 2022, To: 2022})
	require.NoError(t, err)
	for _, s := range gen {
		require.NoError(t, os.WriteFile(filepath.Join(dir, s.ID, "token"), []byte("x"), 0o600))
		cfg, err := agent.Load(filepath.Join(dir, s.ID, "site.yaml"), true)
		require.NoError(t, err, s.ID)
		a := &agent.Agent{Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		c := a.Collect(context.Background())
		require.True(t, c.OK(), "%s: %+v", s.ID, c.Health)
		assert.NotEmpty(t, c.Activities, s.ID)
	}
}

func TestGenerationIsDeterministicForASeed(t *testing.T) {
	t.Parallel()
	a, b := t.TempDir(), t.TempDir()
	_, err := Generate(a, Options{Seed: 7, From: 2022, To: 2022, Only: []string{"za-jnb-sandton"}})
	require.NoError(t, err)
	_, err = Generate(b, Options{Seed: 7, From: 2022, To: 2022, Only: []string{"za-jnb-sandton"}})
	require.NoError(t, err)
	for _, f := range []string{"electricity-bills.csv", "pc-power-report.csv", "travel-bookings.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, "za-jnb-sandton", "exports", f))
		y, _ := os.ReadFile(filepath.Join(b, "za-jnb-sandton", "exports", f))
		assert.Equal(t, x, y, f)
	}
}
