package footprint

import (
	"testing"

	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/stretchr/testify/require"
)

func d(s string) Date {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func act(kind Kind, item, start, end string, q float64, unit Unit, attrs map[string]string) Activity {
	return Activity{Kind: kind, Item: item, Start: d(start), End: d(end), Quantity: q, Unit: unit,
		Source: "test", Quality: QualityMeasured, Attrs: attrs}
}

// kg returns the library's factor for a lookup, failing the test if absent.
func kg(t *testing.T, kind, item, region string, year int) float64 {
	t.Helper()
	m, err := factors.Default().Lookup(kind, item, region, year)
	require.NoError(t, err)
	return m.KgPerUnit
}

func defaultLib(t *testing.T) *factors.Library {
	t.Helper()
	return factors.Default()
}
