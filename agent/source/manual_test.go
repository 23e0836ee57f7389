package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestManualSourceSaysWhichMonthIsWrong(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field+"="+value) }
	(&manualSource{Values: []ManualValue{{Month: "2024-01"}, {Month: "janvier"}}}).Check(Env{}, add)
	assert.Equal(t, []string{"values[1].month=janvier"}, got)
}
