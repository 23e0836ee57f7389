package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCSVSourceSaysWhatIsWrongWithItsKeys(t *testing.T) {
	t.Parallel()
	var got []string
	add := func(field, value, format string, _ ...any) { got = append(got, field+"="+value) }
	csv := func(path, delimiter string) *csvSource {
		s := &csvSource{Path: path, Text: Text{Delimiter: delimiter}}
		s.Defaults()
		return s
	}
	csv("", ",").Check(Env{Base: t.TempDir(), Decimal: ","}, add)
	assert.Equal(t, []string{"path=", "decimal=,"}, got)
	got = nil
	csv("nothing-*.csv", ";").Check(Env{Base: t.TempDir(), Decimal: ","}, add)
	assert.Empty(t, got, "a path matching nothing yet is not a configuration error")
	csv("[", ";").Check(Env{Base: t.TempDir(), Decimal: "."}, add)
	assert.Equal(t, []string{"path=["}, got)
}
