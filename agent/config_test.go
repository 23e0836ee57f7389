package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadConfigsSayWhatIsWrong runs testdata/config/*.bad.yaml; each
// lists the messages it expects in "# want:" lines.
func TestBadConfigsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/config/*.bad.yaml")
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var wants []string
			for _, line := range strings.Split(string(raw), "\n") {
				if w, ok := strings.CutPrefix(line, "# want: "); ok {
					wants = append(wants, w)
				}
			}
			_, err = Load(f, true)
			require.Error(t, err)
			for _, w := range wants {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestTheExampleConfigLoadsAndHidesItsToken(t *testing.T) {
	t.Setenv("GREENHELP_AGENT_CENTRAL_TOKEN", "s3cret-token-value")
	t.Setenv("GREENHELP_AGENT_OUTBOX_MAX_SIZE", "64MiB")
	cfg, err := Load("../examples/agent/site.yaml", true)
	require.NoError(t, err)
	assert.Equal(t, "s3cret-token-value", cfg.Central.Token, "keys absent from the file come from the environment")
	assert.Equal(t, ByteSize(64<<20), cfg.Outbox.MaxSize, "and the environment overrides the file")
	assert.NotContains(t, cfg.String(), "s3cret")
	assert.Contains(t, cfg.String(), "hidden")
}

func TestTheEnvironmentOverridesTheURL(t *testing.T) {
	t.Setenv("GREENHELP_AGENT_CENTRAL_URL", "http://127.0.0.1:9999")
	cfg, err := Load("../examples/agent/site.yaml", false)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9999", cfg.Central.URL)
}

func TestATokenIsRequiredToDeliver(t *testing.T) {
	t.Parallel()
	_, err := Load("../examples/agent/site.yaml", true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "central.token: missing")
	_, err = Load("../examples/agent/site.yaml", false)
	assert.NoError(t, err, "check runs before the ambassador has a token")
}

func TestByteSizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want ByteSize
	}{{"512MiB", 512 << 20}, {"1GB", 1e9}, {"4096", 4096}, {"1.5 GiB", 3 << 29}}
	for _, tt := range tests {
		var b ByteSize
		require.NoError(t, b.UnmarshalText([]byte(tt.in)), tt.in)
		assert.Equal(t, tt.want, b, tt.in)
	}
	var b ByteSize
	assert.Error(t, b.UnmarshalText([]byte("lots")))
}
