package agent

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// sampleSite is the site.yaml a sample block is tried in.
const sampleSite = `site:
  id: fr-test
  name: Test
  country: FR
  timezone: Europe/Paris
  seats: 10
  fte: 10
  workstations:
    - {class: desktop, count: 10, watts_on: 60, watts_off: 1, watts_sleep: 3}
  power_off:
    windows:
      - {days: [mon, tue, wed, thu, fri], from: "20:00", to: "07:00"}
central:
  url: http://127.0.0.1:1
  token: t
sources:
`

// trySample writes site.yaml with block as its only source (after
// replacing each of repl's keys), and the files given, loads it with the
// real loader and collects: the records and the source's health.
func trySample(t *testing.T, block string, files map[string]string, repl ...string) ([]footprint.Activity, SourceHealth) {
	t.Helper()
	return trySampleIn(t, sampleSite, block, files, repl...)
}

// trySampleIn is trySample in another site.yaml (its sources: last).
func trySampleIn(t *testing.T, site, block string, files map[string]string, repl ...string) ([]footprint.Activity, SourceHealth) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	block = strings.NewReplacer(repl...).Replace(block)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(site+block), 0o600))
	cfg, err := Load(filepath.Join(dir, "site.yaml"), false)
	require.NoError(t, err, "the sample block must load as it is written:\n%s", block)
	cfg.Outbox.Dir = filepath.Join(dir, "outbox")
	c := (&Agent{Cfg: cfg, Log: quiet()}).Collect(context.Background())
	require.Len(t, c.Health, 1)
	return c.Activities, c.Health[0]
}

// TestEveryTypeHasASampleBlock: every registered source type and
// collector gives a sample, and each one names its own type.
func TestEveryTypeHasASampleBlock(t *testing.T) {
	t.Parallel()
	for _, name := range SourceTypes() {
		require.Contains(t, sample(t, name), "type: "+name+"\n", name)
	}
	for _, name := range Collectors() {
		require.Contains(t, sample(t, name), "collector: "+name+"\n", name)
	}
}

// sample is the sample block of a source type or a collector.
func sample(t *testing.T, name string) string {
	t.Helper()
	s, err := Sample(name)
	require.NoError(t, err)
	return s
}
