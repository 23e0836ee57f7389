package agent

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkCollectPowerLog reads a month of power events of 3,000 PCs
// (180,000 lines, as internal/bench writes a year of them) from a CSV
// export into the workstation collector, as `check` does: the row path
// from the source to the collector, for a CPU profile (-cpuprofile).
func BenchmarkCollectPowerLog(b *testing.B) {
	dir := b.TempDir()
	log := filepath.Join(dir, "power.csv")
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(b, err)
	f, err := os.Create(log)
	require.NoError(b, err)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "hostname,user,timestamp,event")
	rng := rand.New(rand.NewPCG(42, 1))
	const pcs, days = 3000, 30
	for d := range days {
		day := time.Date(2024, 1, 1+d, 0, 0, 0, 0, paris)
		for half := range 2 {
			for pc := range pcs {
				at, ev := day.Add(time.Duration(7*60+rng.IntN(120))*time.Minute), "startup"
				if half == 1 {
					at, ev = day.Add(time.Duration(17*60+rng.IntN(240))*time.Minute), "shutdown"
				}
				fmt.Fprintf(w, "PC%05d,user%d,%s,%s\n", pc, pc, at.Format(time.RFC3339), ev)
			}
		}
	}
	require.NoError(b, w.Flush())
	require.NoError(b, f.Close())
	site := filepath.Join(dir, "site.yaml")
	require.NoError(b, os.WriteFile(site, []byte(fmt.Sprintf(`site:
  id: fr-bench
  name: Bench
  country: FR
  timezone: Europe/Paris
  seats: 3000
  workstations:
    - {class: desktop, count: 3000, watts_on: 60, watts_off: 1, watts_sleep: 3}
  power_off:
    windows:
      - {days: [mon, tue, wed, thu, fri], from: "20:00", to: "07:00"}
      - {days: [sat, sun], all_day: true}
central: {url: "http://127.0.0.1:1"}
outbox: {dir: %q}
sources:
  - id: pc-power
    type: csv
    collector: workstation
    path: power.csv
    class: desktop
    columns: {device: hostname, time: timestamp, event: event}
`, filepath.Join(dir, "outbox"))), 0o600))
	cfg, err := Load(site, false)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		a := &Agent{Cfg: cfg, Log: quiet()}
		c := a.Collect(context.Background())
		require.True(b, c.OK(), "%+v", c.Health)
		require.Equal(b, pcs*days*2, c.Health[0].RowsRead)
	}
}
