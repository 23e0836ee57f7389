package upload

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryAfterIsCappedAtTheBackoffMaximumAndGarbageIgnored(t *testing.T) {
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
