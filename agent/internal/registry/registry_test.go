package registry

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestARegistryGivesEachPluginFreshOptionsByName(t *testing.T) {
	type opts struct{ N int }
	var r Of[*opts]
	_, ok := r.New("csv")
	assert.False(t, ok, "an empty registry knows no plugin")
	r.Register("csv", func() *opts { return &opts{} })
	r.Register("http", func() *opts { return &opts{N: 1} })
	a, ok := r.New("csv")
	assert.True(t, ok)
	a.N = 9
	b, _ := r.New("csv")
	assert.Equal(t, 0, b.N, "each lookup gives new options")
	assert.Equal(t, []string{"csv", "http"}, r.Names())
}
