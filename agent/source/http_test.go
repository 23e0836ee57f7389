package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHTTPSourceSaysWhatIsWrongWithItsKeys(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field+"="+value) }
	s := &httpSource{URL: "ftp://x", Headers: []HTTPHeader{{Value: "v"}}}
	s.Defaults()
	s.Check(Env{}, add)
	assert.Equal(t, []string{"url=ftp://x", "headers[0].name="}, got)
}
