//go:build !windows

package central_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent"
	"github.com/greenhelp/greenhelp/demo"
)

// chromium returns the browser binary, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("GREENHELP_TEST_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Skip("no Chromium: `make test` installs Debian's chromium (apt-get install chromium)")
	return ""
}

// loadFixture loads part of the demo group — six sites over the four
// profiles, three years — through the site agent and the API, as
// `greenhelp demo` does.
func loadFixture(t *testing.T, s *server) []string {
	t.Helper()
	ids := []string{"fr-par-batignolles", "pt-lis-oriente", "ma-cas-sidimaarouf", "sn-dkr-plateau", "za-jnb-sandton", "ph-mnl-makati"}
	dir := t.TempDir()
	sites, err := demo.Generate(dir, demo.Options{Seed: 42, From: 2022, To: 2024, Only: ids})
	require.NoError(t, err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, site := range sites {
		tok := s.addSite(t, site.ID, site.Name, site.Country)
		require.NoError(t, os.WriteFile(filepath.Join(dir, site.ID, "token"), []byte(tok), 0o600))
		configs := []string{"site.yaml"}
		if !site.GreenFrom.IsZero() {
			configs = append(configs, "site.green.yaml")
		}
		for _, c := range configs {
			cfg, err := agent.Load(filepath.Join(dir, site.ID, c), true)
			require.NoError(t, err)
			cfg.Central.URL = s.url
			a, err := agent.New(cfg, quiet)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			require.NoError(t, a.Once(ctx), site.ID)
			cancel()
		}
	}
	return ids
}

// checkPage opens url in headless Chromium, waits for the charts, and
// checks that every chart drew on its canvas and no script failed.
func checkPage(t *testing.T, browser, url, shot string) int {
	t.Helper()
	// Chromium's helper processes may still write to their profile as the
	// browser exits: a folder of our own, removed best-effort.
	profile, err := os.MkdirTemp("", "greenhelp-chromium")
	require.NoError(t, err)
	defer os.RemoveAll(profile)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900), chromedp.UserDataDir(profile))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var jsErrors, requests []string
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *runtime.EventExceptionThrown:
			jsErrors = append(jsErrors, e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value))
				}
				jsErrors = append(jsErrors, strings.Join(parts, " "))
			}
		}
	})
	// For every chart container: did ECharts draw non-blank pixels?
	const probe = `(() => {
	  const out = [];
	  document.querySelectorAll('div[_echarts_instance_]').forEach(el => {
	    const c = el.querySelector('canvas');
	    let drawn = false;
	    if (c && c.width > 0 && c.height > 0) {
	      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	      for (let i = 3; i < d.length; i += 4 * 7) { if (d[i] !== 0) { drawn = true; break; } }
	    }
	    out.push({id: el.id, drawn: drawn});
	  });
	  return out;
	})()`
	var res []struct {
		ID    string `json:"id"`
		Drawn bool   `json:"drawn"`
	}
	var png []byte
	var containers int
	require.NoError(t, chromedp.Run(ctx,
		network.Enable(),
		chromedp.Navigate(url),
		chromedp.WaitReady("body"),
		chromedp.Evaluate(`document.querySelectorAll('.card div[id]').length`, &containers),
		// Wait until every chart has drawn (bounded), then look at each.
		chromedp.Poll(`(`+probe+`).every(c => c.drawn) && document.querySelectorAll('div[_echarts_instance_]').length === `+"document.querySelectorAll('.card div[id]').length", nil,
			chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(probe, &res),
		chromedp.FullScreenshot(&png, 80),
	))
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	assert.Empty(t, jsErrors, "JavaScript errors on %s", url)
	// A closed network: every request stays on loopback or in local files.
	require.NotEmpty(t, requests)
	for _, u := range requests {
		local := strings.HasPrefix(u, "http://127.0.0.1") || strings.HasPrefix(u, "file://") || strings.HasPrefix(u, "data:")
		assert.True(t, local, "%s requested %s, off the closed network", url, u)
	}
	require.NotEmpty(t, res, "no chart on %s", url)
	assert.Equal(t, containers, len(res), "every chart container got an ECharts instance on %s", url)
	for _, r := range res {
		assert.True(t, r.Drawn, "chart %s on %s drew nothing", r.ID, url)
	}
	return len(res)
}

func TestPagesRenderEveryChartInHeadlessChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs greenhelp serve and Chromium; run without -short")
	}
	browser := chromium(t)
	s := startServer(t)
	ids := loadFixture(t, s)
	shots := os.Getenv("GREENHELP_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(shots, 0o755))
	pages := map[string]string{"group": "/", "profiles": "/profiles"}
	for _, id := range []string{ids[0], ids[4]} {
		pages["site-"+id] = "/sites/" + id
	}
	for name, path := range pages {
		t.Run(name, func(t *testing.T) {
			n := checkPage(t, browser, s.url+path, filepath.Join(shots, name+".png"))
			t.Logf("%s: %d charts drawn", path, n)
		})
	}

	t.Run("a site is a click away and a chart downloads as CSV", func(t *testing.T) {
		clickAndDownload(t, browser, s.url)
	})

	t.Run("the standalone export renders from its folder", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "board-pack")
		cmd := exec.Command(s.bin, "charts", "--out", out, "--data", s.data)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, string(b))
		_, err = os.Stat(filepath.Join(out, "assets", "echarts.min.js"))
		require.NoError(t, err, "the ECharts asset is written beside the pages")
		checkPage(t, browser, "file://"+filepath.Join(out, "index.html"), filepath.Join(shots, "export-index.png"))
		checkPage(t, browser, "file://"+filepath.Join(out, "sites", ids[0]+".html"), filepath.Join(shots, "export-site.png"))
	})
}

// clickAndDownload opens the group page, downloads the trajectory chart's
// CSV through the browser (greenhelpCSV, what the chart's toolbox button
// calls), checks the map has the world's countries and every site, and
// clicks the largest site's point, which opens that site's page.
func clickAndDownload(t *testing.T, browser, base string) {
	profile, err := os.MkdirTemp("", "gh-chromium-")
	require.NoError(t, err)
	defer os.RemoveAll(profile)
	downloads := t.TempDir()
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900), chromedp.UserDataDir(profile))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var csvText string
	var toolbox bool
	var at, mapInfo []float64
	var site string
	require.NoError(t, chromedp.Run(ctx,
		cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads),
		chromedp.Navigate(base+"/"),
		chromedp.WaitReady("body"),
		chromedp.Poll(`document.querySelectorAll('div[_echarts_instance_]').length > 0 && !!echarts.getInstanceByDom(document.getElementById('group_gaps'))`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('div[_echarts_instance_]')).every(el => { const o = echarts.getInstanceByDom(el).getOption(); return o.toolbox && o.toolbox[0].feature.myCSV && o.toolbox[0].feature.saveAsImage && o.toolbox[0].feature.dataView; })`, &toolbox),
		chromedp.Evaluate(`greenhelpCSVText('group_trajectory')`, &csvText),
		chromedp.Evaluate(`greenhelpCSV('group_trajectory'); true`, nil),
		// The map: the world's countries registered and drawn under the
		// sites; the largest site's point, in page pixels.
		chromedp.Evaluate(`(() => { const m = echarts.getMap('world'); const o = echarts.getInstanceByDom(document.getElementById('group_map')).getOption();
		  return [m ? m.geoJSON.features.length : 0, o.geo && o.geo[0].map === 'world' ? 1 : 0, o.series.reduce((n, s) => n + s.data.length, 0)]; })()`, &mapInfo),
		chromedp.Evaluate(`(() => {
		  const el = document.getElementById('group_map'); el.scrollIntoView({block: 'center'});
		  const c = echarts.getInstanceByDom(el), o = c.getOption();
		  let best = null; o.series.forEach(s => s.data.forEach(d => { if (!best || d.value[2] > best.value[2]) best = d; }));
		  const p = c.convertToPixel({geoIndex: 0}, [best.value[0], best.value[1]]), r = el.getBoundingClientRect();
		  return [r.left + p[0], r.top + p[1]];
		})()`, &at),
		chromedp.Evaluate(`(() => { const o = echarts.getInstanceByDom(document.getElementById('group_map')).getOption();
		  let best = null; o.series.forEach(s => s.data.forEach(d => { if (!best || d.value[2] > best.value[2]) best = d; })); return best.name; })()`, &site),
	))
	assert.True(t, toolbox, "every chart offers an image, its data and a CSV")
	require.Len(t, mapInfo, 3)
	assert.Greater(t, mapInfo[0], 170.0, "the world's countries are registered (Natural Earth 1:110m: 177)")
	assert.Equal(t, 1.0, mapInfo[1], "the sites' chart is drawn on the world map")
	assert.Equal(t, 6.0, mapInfo[2], "every site of the fixture is a point on it")
	lines := strings.Split(strings.TrimSpace(csvText), "\n")
	require.GreaterOrEqual(t, len(lines), 3, csvText)
	assert.True(t, strings.HasPrefix(lines[0], "year,actual,allowed"), lines[0])
	var got []byte
	for i := 0; i < 50 && len(got) == 0; i++ {
		got, _ = os.ReadFile(filepath.Join(downloads, "group_trajectory.csv"))
		time.Sleep(100 * time.Millisecond)
	}
	assert.Equal(t, csvText, string(got), "the browser downloaded the chart's CSV")

	require.Len(t, at, 2)
	require.NoError(t, chromedp.Run(ctx, chromedp.MouseClickXY(at[0], at[1])), "clicking %s's point at %v", site, at)
	// The page changes under the click: read the location once the new
	// document answers.
	var loc string
	for i := 0; i < 150 && !strings.HasPrefix(loc, "/sites/"); i++ {
		_ = chromedp.Run(ctx, chromedp.Evaluate(`location.pathname`, &loc))
		time.Sleep(100 * time.Millisecond)
	}
	assert.Regexp(t, `^/sites/[a-z]{2}-`, loc)
	// The new document's heading, once it has loaded (the old one's nodes
	// go away under a query made during the navigation).
	var heading string
	for i := 0; i < 150 && !strings.Contains(heading, site); i++ {
		_ = chromedp.Run(ctx, chromedp.Evaluate(`document.readyState === 'complete' && document.querySelector('h1') ? document.querySelector('h1').textContent : ''`, &heading))
		time.Sleep(100 * time.Millisecond)
	}
	assert.Contains(t, heading, site, "the page opened is the clicked site's")
}
