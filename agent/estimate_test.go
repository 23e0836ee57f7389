package agent

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/collector"
	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// assumed_compliance: 0 used to become 0.5 silently.
func TestAnAssumedComplianceOfZeroMeansEveryWindowHourMissed(t *testing.T) {
	t.Parallel()
	s, errs := decodeSource(map[string]any{"id": "est", "type": "manual", "collector": "workstation", "assumed_compliance": 0.0,
		"values": []any{map[string]any{"month": "2024-01"}}}, 0, "site.yaml")
	require.Empty(t, errs)
	s.applyDefaults()
	require.Empty(t, s.validate("sources[0]", ".", ""))
	site := declaration.Site{ID: "fr-x", Timezone: "Europe/Paris", Workstations: []declaration.Workstation{{Class: "desktop", Count: 10}},
		PowerOff: declaration.PowerOffSchedule{Windows: []declaration.PowerOffWindow{{Days: []string{"sat", "sun"}, AllDay: true}}}}
	tab, err := source.Read(context.Background(), s.Source, s.env(".", ""), s.Columns.Mapped())
	require.NoError(t, err)
	acts, rejects := collector.Collect(s.Options, s.collectorEnv(site), tab)
	require.Empty(t, rejects)
	byState := map[string]float64{}
	for _, a := range acts {
		byState[a.Attrs["state"]] += a.Quantity
	}
	// January 2024 has 8 weekend days: 8 × 24 h × 10 desktops.
	assert.Equal(t, map[string]float64{"off": 0, "missed": 1920}, byState)
}
