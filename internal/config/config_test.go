package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGoodSiteFilesLoad(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/*.good.yaml")
	ex, _ := filepath.Glob("../../examples/*/site.yaml")
	files = append(files, ex...)
	require.GreaterOrEqual(t, len(files), 3)
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			s, err := LoadSite(f)
			require.NoError(t, err)
			assert.NotEmpty(t, s.ID)
		})
	}
}

// TestBadSiteFilesSayWhatIsWrong runs every testdata/*.bad.yaml; each
// names the messages it expects in "# want:" lines.
func TestBadSiteFilesSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var wants []string
			for _, line := range strings.Split(string(raw), "\n") {
				if w, ok := strings.CutPrefix(line, "# want: "); ok {
					wants = append(wants, w)
				}
			}
			require.NotEmpty(t, wants, "a bad file names the messages it expects")
			_, err = LoadSite(f)
			require.Error(t, err)
			for _, w := range wants {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
