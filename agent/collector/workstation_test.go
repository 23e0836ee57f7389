package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWorkstationCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field) }
	ws := &workstationCollector{}
	ws.Defaults(nil)
	ws.Check(testEnv("csv", "workstation", map[string]string{"device": "h", "time": "t"}), add)
	assert.Equal(t, []string{"columns.event", "class"}, got)
	got = nil
	ws.Check(testEnv("manual", "workstation", nil), add)
	assert.Equal(t, []string{"assumed_compliance"}, got)
}

// A mapping to an unknown state is a configuration error.
func TestWorkstationEventNamesMustMapToAState(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field+"="+value) }
	ws := &workstationCollector{Class: "desktop", Events: map[string]string{"logon": "awake"}}
	ws.Defaults(nil)
	ws.Check(testEnv("csv", "workstation", map[string]string{"device": "d", "time": "t", "event": "e"}), add)
	assert.Equal(t, []string{"events.logon=awake"}, got)
}
