package charts

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAChartsCSVKeepsAFormulaNamedSiteAsText downloads the gaps chart's
// CSV (greenhelpCSVText, what the toolbox's CSV button saves) in headless
// Chromium: a site named like a formula is written guarded, numbers —
// negative ones too — as they are.
func TestAChartsCSVKeepsAFormulaNamedSiteAsText(t *testing.T) {
	browser := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no Chromium: `make test` installs Debian's chromium (apt-get install chromium)")
	}
	dir := t.TempDir()
	asset, err := os.ReadFile(filepath.Join("assets", "echarts.min.js"))
	if err != nil {
		t.Skip("ECharts asset missing: run scripts/assets.sh")
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "assets"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "assets", "echarts.min.js"), asset, 0o644))
	g := fixture()
	g.Sites = sites()
	g.Sites[0].Name = `=HYPERLINK("http://x","y")`
	f, err := os.Create(filepath.Join(dir, "index.html"))
	require.NoError(t, err)
	require.NoError(t, RenderGroup(f, g, StaticLinks(0, "")))
	require.NoError(t, f.Close())

	// The profile is a folder of our own, removed best-effort: Chromium's
	// helpers may still write in it after the browser exits, which would
	// fail t.TempDir's cleanup.
	profile, err := os.MkdirTemp("", "greenhelp-chromium")
	require.NoError(t, err)
	defer os.RemoveAll(profile)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profile))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second) // a hung browser fails the test rather than the suite
	defer cancel()
	var csv string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate("file://"+filepath.Join(dir, "index.html")),
		chromedp.Poll(`typeof echarts !== 'undefined' && !!echarts.getInstanceByDom(document.getElementById('group_gaps'))`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(`greenhelpCSVText('group_gaps')`, &csv)))
	assert.Contains(t, csv, `"'=HYPERLINK(""http://x"",""y"")"`)
	assert.Contains(t, csv, "-4.8", "a negative number stays a number")
	assert.NotContains(t, csv, "'-4.8")
	for _, line := range strings.Split(csv, "\n") {
		for _, cell := range strings.Split(line, ",") {
			assert.False(t, strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, `"=`), "cell %q starts like a formula", cell)
		}
	}
}
