package declaration

import (
	"strings"
	"testing"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamesAndFreeTextsAreBoundedAndPrintable(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 60_000)
	tests := []struct {
		name   string
		mutate func(*Site)
		want   []string
	}{
		{"a name with an escape sequence", func(s *Site) { s.Name = "Lille\x1b[2J" },
			[]string{`site.name: "Lille\x1b[2J": contains the control character \x1b at byte 5`, "printable characters only"}},
		{"a name with a newline", func(s *Site) { s.Name = "Lille\nParis" }, []string{`site.name: "Lille\nParis": contains the control character \n`}},
		{"a name with a C1 control", func(s *Site) { s.Name = "Lille\u009b2J" }, []string{`site.name: "Lille\u009b2J"`, `\u009b`}},
		{"a name with DEL", func(s *Site) { s.Name = "Lille\x7f" }, []string{`site.name: "Lille\x7f"`}},
		{"a name with a right-to-left override", func(s *Site) { s.Name = "Lille\u202egnp.exe" },
			[]string{`site.name: "Lille\u202egnp.exe": contains the direction override U+202E`}},
		{"a name with an isolate", func(s *Site) { s.Name = "\u2066Lille" }, []string{"the direction override U+2066"}},
		{"a name with a line separator", func(s *Site) { s.Name = "Lille\u2028" }, []string{"the line separator U+2028"}},
		{"a name in invalid UTF-8", func(s *Site) { s.Name = "Lille\xff" }, []string{`site.name: "Lille\xff": not valid UTF-8`}},
		{"a 60 KB name", func(s *Site) { s.Name = long }, []string{`site.name: "aaaa`, "… (60000 bytes): 60000 characters: at most 128"}},
		{"a city too long", func(s *Site) { s.City = long[:129] }, []string{"site.city:", "129 characters: at most 128"}},
		{"a pin's reason with a tab", func(s *Site) { s.Profile = &ProfilePin{Pin: "temperate", Reason: "because\tso"} },
			[]string{`site.profile.reason: "because\tso"`}},
		{"a pin's reason too long", func(s *Site) { s.Profile = &ProfilePin{Pin: "temperate", Reason: long[:1001]} }, []string{"1001 characters: at most 1000"}},
		{"an owner with a bell", func(s *Site) { s.Actions = []Action{{ID: "a", Lever: "power_off", Owner: "Ann\a"}} },
			[]string{`site.actions[0].owner: "Ann\a"`}},
		{"a supplier source with NUL", func(s *Site) { s.Electricity.SupplierSource = "EDF\x00" }, []string{`site.electricity.supplier_source: "EDF\x00"`}},
		{"a room's name", func(s *Site) { s.DataCentres = []DataCentre{{ID: "r1", Name: "room\r"}} }, []string{`site.data_centres[0].name: "room\r"`}},
		{"a provider", func(s *Site) {
			s.Colocation = []Colocation{{ID: "c1", Provider: "Equinix\u202d", Country: "FR", ElectricityBoughtBy: "group"}}
		}, []string{`site.colocation[0].provider: "Equinix\u202d"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSite()
			tt.mutate(&s)
			err := s.Validate("site.yaml")
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "\x1b", "the message itself is printable")
		})
	}
	// What people write is accepted: accents, other scripts, 128 characters
	// of them, punctuation, a name that starts with '='.
	for _, name := range []string{"São Paulo – Vila Olímpia", "東京 コールセンター", strings.Repeat("é", 128), `=HYPERLINK("http://x","y")`, "Lille (Hauts-de-France) #2"} {
		s := validSite()
		s.Name = name
		assert.NoError(t, s.Validate("site.yaml"), "%q", name)
	}
}

func TestPrintableEscapesOnlyTheOddCharacters(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Lille":                  "Lille",
		"São Paulo 東京":           "São Paulo 東京",
		"Lille\x1b[2J":           `Lille\x1b[2J`,
		"a\tb\nc\rd":             `a\tb\nc\rd`,
		"\u202egnp.exe":          `\u202egnp.exe`,
		"x\u009by\x7f":           `x\u009by\x7f`,
		"bad\xffutf8":            `bad\xffutf8`,
		"\u2066iso\u2069 \u2028": `\u2066iso\u2069 \u2028`,
	} {
		assert.Equal(t, want, footprint.Printable(in), "%q", in)
	}
}
