package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Cookies: a value is base64url(JSON) "." base64url(HMAC-SHA256(key,
// purpose "\x00" JSON)): signed, not encrypted — it holds no secret of the
// provider's (no token), only who signed in, their roles, the session's
// id and CSRF token, and its end. The purpose keeps a sign-in's state
// cookie from being taken for a session.

// sessionKeyFile is the generated key's file in the data directory.
const sessionKeyFile = "session.key"

// loadKey is the configured key, else the data directory's session.key,
// made once (32 random bytes, hex, mode 0600) when there is none.
func loadKey(configured, dataDir string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, sessionKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		k, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(k) < 32 {
			return nil, fmt.Errorf("%s: not a session key (64 hex digits): remove it to have one made, or set auth.session_key", path)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("session key: %w", err)
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return loadKey("", dataDir) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("session key %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("session key %s: %w", path, err)
	}
	return k, f.Close()
}

// signer signs and checks cookie values.
type signer struct{ key []byte }

func (s signer) mac(purpose string, payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

func (s signer) seal(purpose string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b) + "." + base64.RawURLEncoding.EncodeToString(s.mac(purpose, b)), nil
}

// open checks value's signature and decodes it into v; false for any
// value not signed with the key for purpose.
func (s signer) open(purpose, value string, v any) bool {
	p, m, ok := strings.Cut(value, ".")
	if !ok {
		return false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sum, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil || !hmac.Equal(sum, s.mac(purpose, payload)) {
		return false
	}
	return json.Unmarshal(payload, v) == nil
}

// session is a session cookie's content.
type session struct {
	ID      string   `json:"sid"`
	Subject string   `json:"sub"`
	Name    string   `json:"name"`
	Level   Level    `json:"lvl"`
	Sites   []string `json:"sites,omitempty"`
	CSRF    string   `json:"csrf"`
	Expires int64    `json:"exp"`
}

// loginState is the sign-in's state cookie: what the callback checks.
type loginState struct {
	State    string `json:"state"`
	Verifier string `json:"verifier"`
	Nonce    string `json:"nonce"`
	Next     string `json:"next"`
	Expires  int64  `json:"exp"`
}

const (
	purposeSession = "session"
	purposeLogin   = "login"
	// loginLifetime bounds a sign-in at the provider.
	loginLifetime = 10 * time.Minute
)

func randomID() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// cookies names and sets the cookies: Secure (and __Host- named) unless
// the central is reached on http://localhost or 127.0.0.1.
type cookies struct{ secure bool }

func (c cookies) name(base string) string {
	if c.secure {
		return "__Host-" + base
	}
	return base
}

func (c cookies) set(w http.ResponseWriter, base, value string, lifetime time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: c.name(base), Value: value, Path: "/",
		MaxAge: max(1, int(lifetime.Seconds())), HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

func (c cookies) clear(w http.ResponseWriter, base string) {
	http.SetCookie(w, &http.Cookie{Name: c.name(base), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

func (c cookies) get(r *http.Request, base string) string {
	k, err := r.Cookie(c.name(base))
	if err != nil {
		return ""
	}
	return k.Value
}

const (
	sessionCookie = "greenhelp_session"
	loginCookie   = "greenhelp_login"
)
