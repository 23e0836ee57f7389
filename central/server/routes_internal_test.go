package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/auth"
)

// A route served without a row in the table, or a row nothing serves,
// stops the central before it answers anything.
func TestARouteMissingFromTheTableIsRefused(t *testing.T) {
	t.Parallel()
	nop := func(http.ResponseWriter, *http.Request) {}
	tests := []struct {
		name     string
		table    []Route
		handlers map[string]http.HandlerFunc
		want     string
	}{
		{"a handler without a row", []Route{{"GET /a", auth.Public}},
			map[string]http.HandlerFunc{"GET /a": nop, "GET /secret": nop}, "route GET /secret: served, but not in the route table"},
		{"a row without a handler", []Route{{"GET /a", auth.Public}, {"GET /b", auth.Admin}},
			map[string]http.HandlerFunc{"GET /a": nop}, "route GET /b: in the table, but nothing serves it"},
		{"a row twice", []Route{{"GET /a", auth.Public}, {"GET /a", auth.Admin}},
			map[string]http.HandlerFunc{"GET /a": nop}, "route GET /a: twice in the table"},
	}
	for _, tt := range tests {
		_, err := buildRouter(tt.table, tt.handlers, &auth.Auth{})
		require.Error(t, err, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
	_, err := merge(map[string]http.HandlerFunc{"GET /a": nop}, map[string]http.HandlerFunc{"GET /a": nop})
	assert.ErrorContains(t, err, "route GET /a: served twice")
}
