package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTeleworkCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field) }
	(&teleworkCollector{}).Check(testEnv("csv", "telework", map[string]string{"date": "d"}), add)
	assert.Equal(t, []string{"columns.remote", "columns.onsite"}, got)
}
