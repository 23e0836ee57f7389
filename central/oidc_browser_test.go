package central_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 31's Done-when in headless Chromium: the ambassador signs in at
// the provider's form, lands on its site's page, is refused another
// site's page, API and CSV download; signs out with the form (its CSRF
// token); the next page goes back to sign in.
func TestSignInInHeadlessChromium(t *testing.T) {
	browser := chromium(t)
	w := newSignInWorld(t)
	profile, err := os.MkdirTemp("", "greenhelp-chromium-oidc")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(profile) })
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profile))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)

	var at, text string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(w.base+"/sites/za-jnb-sandton?year=2024"),
		chromedp.WaitVisible(`input[name="username"]`),
		chromedp.Location(&at),
	))
	assert.True(t, strings.HasPrefix(at, w.idp+"/login/username"), "at the provider's form: %s", at)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys(`input[name="username"]`, "amina"),
		chromedp.SendKeys(`input[name="password"]`, "correct horse"),
		// No wait on the page here: the form's submission navigates
		// through the callback, and a node looked up meanwhile may be gone
		// ("No node with given id found"); waitTrue below retries until
		// the site's page is there.
		chromedp.Submit(`input[name="username"]`),
	))
	require.NoError(t, chromedp.Run(ctx, waitTrue(`location.pathname === "/sites/za-jnb-sandton"`, 30*time.Second),
		chromedp.Location(&at), chromedp.Text("body", &text)))
	assert.Equal(t, w.base+"/sites/za-jnb-sandton?year=2024", at)
	assert.Contains(t, text, "Sandton")

	for _, u := range []string{"/sites/fr-par-batignolles?year=2024", "/api/v1/sites/fr-par-batignolles",
		"/api/v1/sites/fr-par-batignolles/records.csv?year=2024", "/"} {
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(w.base+u), chromedp.WaitReady("body"), chromedp.Text("body", &text)))
		assert.Contains(t, text, "you are ambassador", u)
		assert.NotContains(t, text, "Batignolles", u)
	}

	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(w.base+"/auth/logout"), chromedp.WaitVisible(`button[type="submit"]`),
		chromedp.Click(`button[type="submit"]`), waitTrue(`document.body.innerText.includes("You are signed out")`, 30*time.Second),
		chromedp.Navigate(w.base+"/sites/za-jnb-sandton"), chromedp.WaitVisible(`input[name="username"]`), chromedp.Location(&at)))
	assert.True(t, strings.HasPrefix(at, w.idp+"/login/username"), "signed out: back to the provider's form, at %s", at)
}
