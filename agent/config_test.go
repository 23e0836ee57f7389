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

// The central's addresses: central.url (one, or several comma-separated
// as the environment gives them) or central.urls, not both; each an
// http(s) address, none twice. Every problem names its key and value.
func TestTheCentralsAddressesAreCheckedOneByOne(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		central string // the central: block's keys
		want    []string
		errs    []string
	}{
		{"one address", `url: http://a.example`, []string{"http://a.example"}, nil},
		{"a list", `urls: [http://a.example, "https://b.example:8443/"]`, []string{"http://a.example", "https://b.example:8443/"}, nil},
		{"several in url, comma-separated", `url: "http://a.example, http://b.example"`, []string{"http://a.example", "http://b.example"}, nil},
		{"both keys", `{url: http://c.example, urls: [http://a.example, http://b.example]}`, nil,
			[]string{`central.urls: http://a.example, http://b.example: central.url is set too ("http://c.example"): give one address in central.url or the list in central.urls, not both`}},
		{"neither", `urls: []`, nil, []string{"central.url: missing: the central service's address, e.g. https://greenhelp.example.org; several centrals on one database: central.urls"}},
		{"a list with a bad and an empty address", `urls: [http://a.example, "ftp://b.example", ""]`, nil, []string{
			"central.urls[1]: ftp://b.example: want an http:// or https:// address",
			"central.urls[2]: empty: want an http:// or https:// address"}},
		{"a central twice", `urls: [http://a.example, "HTTP://A.example/"]`, nil,
			[]string{"central.urls[1]: HTTP://A.example/: the same central as central.urls[0]: list each central once"}},
		{"a comma too many", `url: "http://a.example,,http://b.example"`, nil,
			[]string{"central.url: empty: want an http:// or https:// address (address 2 of the comma-separated list)"}},
		{"twice in url", `url: "http://a.example,http://a.example"`, nil,
			[]string{"central.url: http://a.example: the same central as address 1 (address 2 of the comma-separated list): list each central once"}},
		{"not a list", `urls: {a: http://a.example}`, nil, []string{"central.urls[0]: want a value of type string"}},
		{"a list item with a comma", `urls: "http://a.example,http://b.example"`, nil,
			[]string{"central.urls[0]: http://a.example,http://b.example: several addresses in one item: list each on its own (urls: [http://a.example, http://b.example])"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(writeCentral(t, tt.central), false)
			if tt.errs != nil {
				require.Error(t, err)
				for _, e := range tt.errs {
					assert.Contains(t, err.Error(), e)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Central.Addresses())
			assert.Contains(t, cfg.String(), "central "+strings.Join(tt.want, ", ")+", token")
		})
	}
}

// writeCentral writes a valid site.yaml with central as its central:
// block (YAML flow or one key), and returns its path.
func writeCentral(t *testing.T, central string) string {
	t.Helper()
	dir := t.TempDir()
	if !strings.HasPrefix(central, "{") {
		central = "{" + central + "}"
	}
	body := "site: {id: fr-x, name: X, country: FR, timezone: Europe/Paris, seats: 5}\n" +
		"central: " + central + "\n" +
		"sources:\n  - {id: m, type: manual, collector: energy, kind: fuel, item: diesel, values: [{month: 2024-01, quantity: 5}]}\n"
	path := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

// GREENHELP_AGENT_CENTRAL_URL replaces the file's addresses, whichever
// key gave them, with one or several (comma-separated).
func TestTheEnvironmentReplacesTheCentralsAddresses(t *testing.T) {
	tests := []struct {
		name, central, env string
		want               []string
	}{
		{"a list by one", `urls: [http://a.example, http://b.example]`, "http://c.example", []string{"http://c.example"}},
		{"one by a list", `url: http://a.example`, "http://c.example, http://d.example", []string{"http://c.example", "http://d.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GREENHELP_AGENT_CENTRAL_URL", tt.env)
			cfg, err := Load(writeCentral(t, tt.central), false)
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Central.Addresses())
		})
	}
	t.Run("only GREENHELP_AGENT_CENTRAL_URL", func(t *testing.T) {
		t.Setenv("GREENHELP_AGENT_CENTRAL_URLS", "http://c.example")
		cfg, err := Load(writeCentral(t, `url: http://a.example`), false)
		require.NoError(t, err)
		assert.Equal(t, []string{"http://a.example"}, cfg.Central.Addresses(), "central.urls has no variable of its own")
	})
}
