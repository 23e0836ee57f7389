package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/greenhelp/greenhelp/charts"
)

// The headers every answer carries — pages, the API, /healthz, /metrics,
// the assets and errors alike: a Content-Security-Policy under which only
// the pages' own scripts run (the served files and the inline scripts
// carrying the answer's nonce; nothing inline without it, no plugins, no
// <base>, no framing), no MIME sniffing, no framing for browsers without
// frame-ancestors, and no full URL (with its query) sent to other sites.
//
// Inline styles stay allowed: ECharts positions its tooltips and draws its
// data view with style attributes, and a style cannot run code.

type nonceKey struct{}

// cspNonce returns the answer's Content-Security-Policy nonce ("" outside
// withSecurityHeaders).
func cspNonce(ctx context.Context) string {
	n, _ := ctx.Value(nonceKey{}).(string)
	return n
}

// scriptSources are where the pages' scripts may come from besides the
// nonce: this service, and go-echarts' public asset host when ECharts is
// not embedded in the build (charts.AssetsBase).
func scriptSources() string {
	src := "'self'"
	if !charts.LocalAssets() {
		src += " " + strings.TrimSuffix(originOf(charts.PublicAssetsHost), "/")
	}
	return src
}

// originOf is scheme://host of an absolute URL.
func originOf(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return u
	}
	if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
		return u[:i+3+j]
	}
	return u
}

// contentSecurityPolicy is the policy of an answer whose inline scripts
// carry nonce.
func contentSecurityPolicy(nonce string) string {
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + scriptSources() + " 'nonce-" + nonce + "'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// newNonce is 128 random bits, base64url (no padding: nothing to escape
// in a header or an attribute).
func newNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SecurityHeaders serves next with the headers above on every answer;
// the pages read the nonce with cspNonce.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { withSecurityHeaders(w, r, next) })
}

// withSecurityHeaders sets the headers above on the answer and serves it
// with next.
func withSecurityHeaders(w http.ResponseWriter, r *http.Request, next http.Handler) {
	nonce, err := newNonce()
	hd := w.Header()
	if err != nil {
		// No nonce, no inline script: the strictest policy, the page's
		// charts do not run but nothing else does either.
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	} else {
		hd.Set("Content-Security-Policy", contentSecurityPolicy(nonce))
		r = r.WithContext(context.WithValue(r.Context(), nonceKey{}, nonce))
	}
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	next.ServeHTTP(w, r)
}
