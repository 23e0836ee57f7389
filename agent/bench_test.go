package agent

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
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
	dir, _ := powerLogFile(b)
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
		require.Equal(b, logPCs*logDays*2, c.Health[0].RowsRead)
	}
}

// powerLogFile writes a month of power events of 3,000 PCs (180,000
// lines) into a temporary directory: the directory and the file.
func powerLogFile(b *testing.B) (string, string) {
	dir := b.TempDir()
	log := filepath.Join(dir, "power.csv")
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(b, err)
	f, err := os.Create(log)
	require.NoError(b, err)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "hostname,user,timestamp,event")
	rng := rand.New(rand.NewPCG(42, 1))

	for d := range logDays {
		day := time.Date(2024, 1, 1+d, 0, 0, 0, 0, paris)
		for half := range 2 {
			for pc := range logPCs {
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
	return dir, log
}

// BenchmarkLeanCSVReference is make bench's reference on the same file:
// encoding/csv with ReuseRecord and an RFC 3339 parse of every timestamp,
// nothing else — BenchmarkCollectPowerLog's ns/op over this one's is the
// agent's ratio (≤ 2×, #28), both measured in one run.
func BenchmarkLeanCSVReference(b *testing.B) {
	_, log := powerLogFile(b)
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(log)
		require.NoError(b, err)
		r := csv.NewReader(bufio.NewReader(f))
		r.ReuseRecord = true
		n := 0
		for {
			rec, err := r.Read()
			if err != nil {
				require.ErrorIs(b, err, io.EOF)
				break
			}
			if n++; n == 1 {
				continue
			}
			if _, err := time.Parse(time.RFC3339, rec[2]); err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
	}
}

// The benchmarks' log: 3,000 PCs, 30 days, a start and a stop a day.
const logPCs, logDays = 3000, 30
