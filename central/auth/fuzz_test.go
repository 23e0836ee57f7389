package auth

import (
	"encoding/json"
	"testing"

	"github.com/greenhelp/greenhelp/central"
)

// FuzzSessionCookie: whatever a browser sends as a session or sign-in
// cookie, reading it never panics, and a value that reads is one the key
// signed (sealing what it held gives it back byte for byte).
func FuzzSessionCookie(f *testing.F) {
	s := signer{key: []byte("fuzz-key-0123456789abcdef0123456789")}
	good, _ := s.seal(purposeSession, session{ID: "s", Subject: "u", Name: "Ada", Level: LevelESG, Sites: []string{"fr-lyon"}, CSRF: "c", Expires: 1})
	login, _ := s.seal(purposeLogin, loginState{State: "st", Verifier: "v", Nonce: "n", Next: "/", Expires: 1})
	for _, seed := range []string{good, login, "", ".", "e30.", "e30.AAAA", good + "x", "x" + good, `{"sid":"s"}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var got session
		if !s.open(purposeSession, v, &got) {
			return
		}
		var raw json.RawMessage
		if !s.open(purposeSession, v, &raw) {
			t.Fatalf("%q opened as a session but not as JSON", v)
		}
		if v != good {
			// Only the seed was signed with this key: anything else that
			// opens is a forgery.
			t.Fatalf("%q opened without the key's signature", v)
		}
	})
}

// FuzzGroupsClaim: a provider's claim of any JSON shape maps to a level
// and sites without panicking; sites only from the configuration.
func FuzzGroupsClaim(f *testing.F) {
	for _, seed := range []string{`["esg-team","x"]`, `"esg-team"`, `null`, `[1,{"a":2},"amb"]`, `{"groups":1}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, claim string) {
		var v any
		if json.Unmarshal([]byte(claim), &v) != nil {
			return
		}
		groups, _ := stringsClaim(v)
		_, sites := mapRoles(rolesForFuzz, groups)
		for _, s := range sites {
			if s != "fr-lyon" {
				t.Fatalf("site %q not in the configuration", s)
			}
		}
	})
}

var rolesForFuzz = central.RolesConf{ESG: []string{"esg-team"}, Ambassador: map[string][]string{"amb": {"fr-lyon"}}}
