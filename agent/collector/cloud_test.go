package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCloudCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field) }
	(&cloudCollector{Report: "oracle"}).Check(testEnv("csv", "cloud", nil), add)
	(&cloudCollector{Report: "usage"}).Check(testEnv("csv", "cloud", map[string]string{"month": "m", "item": "i", "quantity": "q", "unit": "u", "region": "r"}), add)
	assert.Equal(t, []string{"report", "provider"}, got)
}
