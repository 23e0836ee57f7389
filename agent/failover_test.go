package agent

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With two centrals, the agent delivers through the one that answers,
// and keeps to it from one run of delivery to the next: the first
// central, back up, gets nothing until the second fails.
func TestTheAgentFailsOverAndKeepsToTheCentralThatAnswered(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addrA := l.Addr().String()
	require.NoError(t, l.Close()) // the first central is down
	a, b := newFakeCentral("fr-lyo-gerland", "tok-123"), newFakeCentral("fr-lyo-gerland", "tok-123")
	urlB := b.start(t, "")
	ag := exampleAgent(t, "", func(c *Config) { c.Central.URL, c.Central.URLs = "", []string{"http://" + addrA, urlB} })
	waited := noWaiting(ag)
	want := expectedRecords(t, ag)

	require.NoError(t, ag.Once(ctxFor(t, 30*time.Second)))
	records, batches, dups, _ := b.stats()
	assert.Equal(t, want, records, "every record through the second central")
	assert.Equal(t, 1, batches)
	assert.Zero(t, dups)
	assert.Empty(t, waited.all(), "no wait: the second central answered in the first round")

	a.start(t, addrA) // the first central is back
	c := ag.Collect(context.Background())
	require.NotEmpty(t, c.Activities)
	corrected := c.Activities[:1]
	corrected[0].Quantity++
	_, err = ag.Enqueue(corrected)
	require.NoError(t, err)
	acked, refused, err := ag.Drain(ctxFor(t, 30*time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, acked)
	assert.Zero(t, refused)
	_, _, _, requestsA := a.stats()
	assert.Zero(t, requestsA, "the next run goes to the central that answered last")
	_, batches, _, _ = b.stats()
	assert.Equal(t, 2, batches)
}
