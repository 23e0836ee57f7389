package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/agent/outbox"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/wire"
)

// Issue 13, item 3: an unterminated quote panicked the agent (FieldPos
// before the error check), and one bad export killed every source.
func TestAnUnterminatedQuoteIsOneRejectedLineNotAPanic(t *testing.T) {
	t.Parallel()
	a := exampleAgent(t, "http://127.0.0.1:1")
	path := filepath.Join(filepath.Dir(a.Cfg.path), "exports", "wfm-presence.csv")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("2024-03-31,N1,\"M. Dupont,11,37\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	c := a.Collect(context.Background())
	byID := map[string]SourceHealth{}
	for _, h := range c.Health {
		byID[h.ID] = h
	}
	wfm := byID["wfm-presence"]
	assert.Empty(t, wfm.Error)
	require.Equal(t, 1, wfm.RowsRejected)
	assert.Contains(t, wfm.Rejections[0].Reason, "unreadable CSV")
	assert.Contains(t, wfm.Rejections[0].Where, "wfm-presence.csv:")
	assert.Positive(t, wfm.Records, "the lines before it are still read")
	assert.True(t, byID["edf-bills"].OK(), "the other sources are untouched")
}

// Issue 13, item 7: on a full disk, `once` saved its state and queued new
// batches before delivering the old ones, and stopped at the first
// write error: none of the 31 batches already queued was delivered.
func TestBatchesAlreadyQueuedAreDeliveredWhenNothingCanBeWritten(t *testing.T) {
	t.Parallel()
	central := newFakeCentral("fr-lyo-gerland", "tok-123")
	a := exampleAgent(t, central.start(t, ""))
	for i := 0; i < 31; i++ {
		b := wire.Batch{ID: wire.NewID(), Activities: []footprint.Activity{{Kind: footprint.KindFuel, Item: "diesel",
			Start: footprint.NewDate(2023, 1, 1).AddDays(i), End: footprint.NewDate(2023, 1, 2).AddDays(i), Quantity: float64(i),
			Unit: footprint.UnitLitre, Source: "genset", Quality: footprint.QualityMeasured}}}
		b.Seal()
		_, err := a.Outbox.Put(b)
		require.NoError(t, err)
	}
	// Nothing more can be written: the state file cannot be replaced and
	// the outbox refuses new batches (what ENOSPC does to both).
	require.NoError(t, os.MkdirAll(filepath.Join(a.statePath(), "blocked"), 0o750))
	full, err := outbox.Open(a.Outbox.Dir(), 1)
	require.NoError(t, err)
	a.Outbox = full

	err = a.Once(ctxFor(t, 30*time.Second))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "agent state not saved")
	assert.Contains(t, err.Error(), "collection not queued")
	records, batches, _, _ := central.stats()
	assert.Equal(t, 31, batches, "every batch queued before the disk filled was delivered")
	assert.Equal(t, 31, records)
	pending, err := a.Outbox.Pending()
	require.NoError(t, err)
	assert.Empty(t, pending)
}

func TestTheAcknowledgedKeysTheStateRemembersAreBounded(t *testing.T) {
	t.Parallel()
	sent := map[string]string{}
	for i := 0; i < 10; i++ {
		sent[fmt.Sprintf("s|fuel|diesel|2024-01-%02d|2024-01-%02d|g|", i+1, i+2)] = "fp"
	}
	pruneSent(sent, 4)
	assert.Len(t, sent, 4)
	assert.Contains(t, sent, "s|fuel|diesel|2024-01-10|2024-01-11|g|", "the newest periods are kept")
}
