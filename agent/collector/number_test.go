package collector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNumbersAreReadWithTheSourcesDecimalSeparatorOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, decimal string
		want              float64
		wantErr           string
	}{
		{"a plain figure", "22855.8", ".", 22855.8, ""},
		{"thousands commas in groups of three", "1,234,567.5", ".", 1234567.5, ""},
		{"a French figure with a decimal comma and a space", "30 000,0", ",", 30000, ""},
		{"dots between groups of three with a decimal comma", "1.234,5", ",", 1234.5, ""},
		{"a narrow no-break space as thousands separator", "12\u202f345,6", ",", 12345.6, ""},
		{"an exponent", "1.5e3", ".", 1500, ""},
		{"a negative figure", "-12.5", ".", -12.5, ""},
		{"a decimal comma read as a point is refused, not ten times larger", "12345,6", ".", 0, `set decimal: ","`},
		{"a decimal point read as a comma is refused", "12.5", ",", 0, `set decimal: "."`},
		{"two decimal separators", "1.2.3", ".", 0, "decimal separator"},
		{"text", "n/a", ".", 0, "want a number"},
		{"infinity", "1e400", ".", 0, "want a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseNumber(tt.in, tt.decimal)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.InDelta(t, tt.want, got, 1e-9)
		})
	}
}
