package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// The weather sample: hourly readings averaged per day; a reading in
// Fahrenheit where Celsius is configured is refused by its line.
func TestWeatherSampleAveragesReadingsPerDay(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "weather"), map[string]string{"exports/bms-outdoor-temperature.csv": "timestamp,outdoor_temp\n" +
		"2025-01-14 00:00,-3.5\n2025-01-14 06:00,-1.5\n2025-01-14 12:00,4\n2025-01-14 18:00,1\n" +
		"2025-01-15 00:00,2\n2025-01-15 12:00,77\n2025-01-15 18:00,6\n"})
	require.Len(t, acts, 2)
	for _, a := range acts {
		assert.Equal(t, footprint.KindWeather, a.Kind)
		assert.Equal(t, footprint.UnitCelsius, a.Unit)
		assert.Equal(t, "roof-station", a.Source)
		assert.Equal(t, 1, a.Days())
	}
	assert.Equal(t, "2025-01-14", acts[0].Start.String())
	assert.InDelta(t, 0, acts[0].Quantity, 1e-9) // (−3.5 − 1.5 + 4 + 1) / 4
	assert.InDelta(t, 4, acts[1].Quantity, 1e-9) // (2 + 6) / 2: 77 °C refused
	require.Len(t, h.Rejections, 1)
	assert.Equal(t, "bms-outdoor-temperature.csv:7", h.Rejections[0].Where)
	assert.Contains(t, h.Rejections[0].Reason, "check the unit")
}

func TestWeatherInFahrenheitIsConverted(t *testing.T) {
	t.Parallel()
	acts, h := trySample(t, sample(t, "weather"), map[string]string{"exports/bms-outdoor-temperature.csv": "timestamp,outdoor_temp\n" +
		"2025-07-01 00:00,68\n2025-07-01 12:00,86\n"}, "unit: °C ", "unit: °F ")
	require.Empty(t, h.Rejections)
	require.Len(t, acts, 1)
	assert.InDelta(t, 25, acts[0].Quantity, 1e-9) // (20 + 30) / 2
}

// A day whose readings straddle two runs keeps its earlier readings in
// its mean: the resumed run gives the records of a whole read.
func TestWeatherResumesWithTheDaysReadingsSoFar(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	site := strings.Replace(resumeSite, `  - id: power
    type: csv
    collector: workstation
    path: logs/power-*.csv
    class: desktop
    columns: {device: device, time: time, event: event}
`, `  - id: power
    type: csv
    collector: weather
    path: bms.csv
    time_format: YYYY-MM-DD HH:mm
    columns: {date: ts, temperature: t}
`, 1)
	require.NotEqual(t, resumeSite, site)
	agentAt := func(outbox string) *Agent {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(fmt.Sprintf(site, outbox)), 0o644))
		cfg, err := Load(filepath.Join(dir, "site.yaml"), false)
		require.NoError(t, err)
		a, err := New(cfg, quiet())
		require.NoError(t, err)
		return a
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "presence.csv"), []byte("date,remote,onsite\n2024-03-20,10,30\n"), 0o644))
	bms := filepath.Join(dir, "bms.csv")
	require.NoError(t, os.WriteFile(bms, []byte("ts,t\n2025-01-14 00:00,-4\n2025-01-14 06:00,-2\n"), 0o644))
	daily := agentAt(filepath.Join(dir, "outbox"))
	first := daily.Collect(context.Background())
	require.Len(t, first.Activities, 3) // the day so far, and presence remote and on site
	f, err := os.OpenFile(bms, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("2025-01-14 12:00,6\n2025-01-14 18:00,4\n2025-01-15 00:00,1\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	got := daily.Collect(context.Background())
	assert.True(t, health(got, "power").Resumed)
	whole := agentAt(t.TempDir()).Collect(context.Background())
	assert.Equal(t, whole.Activities, got.Activities)
	var jan14 float64
	for _, a := range got.Activities {
		if a.Kind == footprint.KindWeather && a.Start.String() == "2025-01-14" {
			jan14 = a.Quantity
		}
	}
	assert.InDelta(t, 1, jan14, 1e-9) // (−4 − 2 + 6 + 4) / 4, not (6 + 4) / 2
}
