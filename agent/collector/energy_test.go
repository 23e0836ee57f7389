package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEnergyCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field) }
	(&energyCollector{}).Check(testEnv("csv", "energy", map[string]string{"start": "s"}), add)
	assert.Equal(t, []string{"columns.quantity", "kind", "item", "columns.end"}, got)
}
