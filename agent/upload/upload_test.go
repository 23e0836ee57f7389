package upload

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryAfterIsCappedAtTheBackoffMaximumAndGarbageIgnored(t *testing.T) {
	t.Parallel()
	u := &Uploader{BackoffMax: 10 * time.Second}
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 7 ", 7 * time.Second},
		{"86400000", 10 * time.Second},
		{"99999999999999999999999", 10 * time.Second},
		{"-5", 0},
		{"-99999999999999999999999", 0},
		{"soon", 0},
		{"1.5", 0},
		{time.Now().Add(1000 * time.Hour).UTC().Format(http.TimeFormat), 10 * time.Second},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, u.retryAfter(tt.header), "Retry-After: %q", tt.header)
	}
}

// A Retry-After date is read against the uploader's clock: the wait is
// the time left until it, to the second the header carries.
func TestARetryAfterDateIsReadAgainstTheClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 30, 0, 59, 50, 250e6, time.UTC)
	u := &Uploader{BackoffMax: time.Minute, Now: func() time.Time { return now }}
	assert.Equal(t, 30*time.Second-250*time.Millisecond, u.retryAfter("Sun, 30 Mar 2025 01:00:20 GMT"))
	assert.Equal(t, time.Minute, u.retryAfter("Sun, 30 Mar 2025 02:00:00 GMT"), "capped")
	assert.Equal(t, time.Duration(0), u.retryAfter("Sun, 30 Mar 2025 00:59:00 GMT"), "past")
}

// The real wait ends early, with the context's error, when the context
// ends.
func TestSleepEndsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, Sleep(ctx, time.Hour), context.Canceled)
	assert.NoError(t, Sleep(context.Background(), 0))
}
