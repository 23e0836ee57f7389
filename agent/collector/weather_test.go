package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWeatherCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field) }
	(&weatherCollector{Unit: "Rankine"}).Check(testEnv("csv", "weather", map[string]string{"date": "d"}), add)
	assert.Equal(t, []string{"columns.temperature", "unit"}, got)
}
