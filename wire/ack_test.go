package wire

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The central's answer keeps its JSON: {"id", "status", "accepted"}.
func TestAnAcknowledgementKeepsItsJSON(t *testing.T) {
	t.Parallel()
	raw, err := json.Marshal(Ack{ID: "01J0", Status: AckAccepted, Accepted: 3})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"01J0","status":"accepted","accepted":3}`, string(raw))
	raw, err = json.Marshal(Ack{ID: "01J0", Status: AckDuplicate})
	require.NoError(t, err)
	assert.Equal(t, `{"id":"01J0","status":"duplicate","accepted":0}`, string(raw))
	a, err := DecodeAck(raw)
	require.NoError(t, err)
	assert.NoError(t, a.For("01J0"))
}

func TestOnlyTheCentralsAcknowledgementOfTheBatchDecodes(t *testing.T) {
	t.Parallel()
	tests := []struct{ body, want string }{
		{"", "not the central's acknowledgement"},
		{"<html></html>", "not the central's acknowledgement"},
		{`{"status":"accepted"}`, "no id"},
		{`{"id":"B1"}`, "no status"},
		{`{"id":"B1","status":"rejected"}`, `status "rejected", want "accepted" or "duplicate"`},
		{`{"id":"B2","status":"accepted"}`, `names batch "B2", not "B1"`},
		{`{"id":"B1","status":"accepted","accepted":-1}`, "cannot be negative"},
		{`{"id":"B1","status":"accepted","accepted":"3"}`, "not the central's acknowledgement"},
		{`{"id":"B1","id":"B1","status":"accepted"}`, "not the central's acknowledgement"},
		{`{"id":"B1","status":"accepted"}{}`, "data after the object"},
		{`[{"id":"B1","status":"accepted"}]`, "not the central's acknowledgement"},
		{`{"id":"B1","status":"accepted","accepted":1` + strings.Repeat(" ", MaxAckSize) + `}`, "at most 65536"},
		{`{"id":"B1","status":"accepted","accepted":1}`, ""},
		{`{"id":"B1","status":"duplicate","accepted":0,"added_later":true}`, ""},
	}
	for _, tt := range tests {
		a, err := DecodeAck([]byte(tt.body))
		if err == nil {
			err = a.For("B1")
		}
		if tt.want == "" {
			assert.NoError(t, err, tt.body)
			continue
		}
		require.Error(t, err, tt.body)
		assert.ErrorIs(t, err, ErrNotAck)
		assert.Contains(t, err.Error(), tt.want, tt.body)
	}
}
