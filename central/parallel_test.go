package central

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
)

func TestParallelRunsEachOnceAndStopsAtTheFirstFailure(t *testing.T) {
	var seen [100]atomic.Int32
	require.NoError(t, parallel(context.Background(), 100, func(_ context.Context, i int) error { seen[i].Add(1); return nil }))
	for i := range seen {
		require.Equal(t, int32(1), seen[i].Load(), "item %d", i)
	}

	bad := errors.New("site 7: stored value unreadable")
	var after atomic.Int32
	err := parallel(context.Background(), 1000, func(ctx context.Context, i int) error {
		if i == 7 {
			return bad
		}
		if ctx.Err() != nil {
			after.Add(1)
			return ctx.Err() // a worker told to stop: not what is reported
		}
		return nil
	})
	assert.Same(t, bad, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = parallel(ctx, 10, func(ctx context.Context, i int) error { return nil })
	assert.ErrorIs(t, err, store.ErrUnavailable)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NoError(t, parallel(context.Background(), 0, nil))
}
