//go:build !windows

package central_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// The payloads: each one, if it ever ran, would set the title to "pwned"
// (the page's own title holds a site's name: the payload's text never
// spells the word out), set window.__pwned, or leave an element with id
// "pwned" or an event handler attribute in the page.
var xssPayloads = []string{
	`</script><script>document.title='pw'+'ned'</script>`,
	`<img src=x onerror="window.__pwned=1">`,
	`__f__function(){document.title='pw'+'ned';return 1}__f__`,
	`"'><svg id=pwned onload=window.__pwned=1>`,
}

const xssAdminToken = "0123456789abcdef0123456789abcdef-xss-admin"

// xssProbe reports what a payload would have left in the page: any of it
// fails the test.
const xssProbe = `(() => {
  const out = [];
  if (document.title === 'pwned') out.push('the title set to pwned');
  if (window.__pwned !== undefined) out.push('window.__pwned set');
  if (document.getElementById('pwned')) out.push('an element with id pwned');
  document.querySelectorAll('*').forEach(el => { for (const a of el.attributes) { if (/^on/i.test(a.name)) out.push('event handler attribute ' + a.name + ' on <' + el.tagName.toLowerCase() + '>'); } });
  document.querySelectorAll('img, svg, iframe, object, embed').forEach(el => { if (!el.closest('[_echarts_instance_]')) out.push('a <' + el.tagName.toLowerCase() + '> element'); });
  return out;
})()`

// Every text a site token or the admin can put on a page — site names
// (admin API), the declaration's city, data-centre name, colocation
// provider and PUE source, the profile pin's reason, the certificates'
// instrument and the actions' owners, record sources and cloud
// service/region — is sent through the real API carrying script payloads.
// Every page (the getting-started page, the group page, the profiles page,
// each site's page, each with its tooltips shown) and every file of the
// board pack (no Content-Security-Policy there: the escaping alone) is
// loaded in headless Chromium: nothing ran, no element or handler was
// injected, no policy was violated, and the payloads are shown as text.
// Rooms and contracts, ids, are refused when they are not ids.
func TestNoOnesTextRunsInThePagesOrTheBoardPack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs greenhelp serve and Chromium; run without -short")
	}
	browser := chromium(t)
	s := startServer(t, "GREENHELP_ADMIN_TOKEN="+xssAdminToken)
	base, acts := johannesburg(t)

	type xssSite struct{ id, name, tok string }
	var sites []xssSite
	for i, p := range xssPayloads {
		id := fmt.Sprintf("xss-%d", i)
		raw, err := json.Marshal(map[string]string{"id": id, "name": p, "country": "ZA"})
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, s.url+"/api/v1/admin/sites", strings.NewReader(string(raw)))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+xssAdminToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var doc map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		require.Equal(t, http.StatusCreated, resp.StatusCode, "%s: %v", p, doc)
		sites = append(sites, xssSite{id: id, name: p, tok: doc["token"].(string)})
	}

	t.Run("the getting-started page (no full year yet)", func(t *testing.T) {
		b := newXSSBrowser(t, browser)
		b.check(t, s.url+"/", xssPayloads, false)
	})

	// Each site: the Johannesburg example under its own id, every free
	// text of the declaration, the sources and the cloud attributes
	// carrying a payload.
	pay := func(i int) string { return xssPayloads[i%len(xssPayloads)] }
	for i, st := range sites {
		decl := base
		decl.ID, decl.Name, decl.City = st.id, st.name, pay(i+1)
		decl.Electricity.Instrument = pay(i + 2)
		decl.DataCentres = []declaration.DataCentre{{ID: "sr1", Name: pay(i + 3)}}
		decl.Colocation = []declaration.Colocation{{ID: "colo-1", Provider: pay(i + 1), Country: "ZA", PUE: 1.4, PUESource: pay(i + 2), ElectricityBoughtBy: "provider"}}
		decl.Profile = &declaration.ProfilePin{Pin: "coal-grid", Reason: pay(i + 3)}
		decl.Actions = append([]declaration.Action(nil), base.Actions...)
		for j := range decl.Actions {
			decl.Actions[j].Owner = pay(i + j)
		}
		var records []footprint.Activity
		for j, a := range acts {
			a.Source = pay(i + j%2)
			records = append(records, a)
		}
		for m := time.January; m <= time.December; m++ {
			from, to := footprint.NewDate(2024, m, 1), footprint.NewDate(2024, m+1, 1)
			rec := func(kind footprint.Kind, item string, q float64, attrs map[string]string) footprint.Activity {
				return footprint.Activity{Kind: kind, Item: item, Start: from, End: to, Quantity: q, Unit: footprint.UnitKWh, Source: pay(i + 1), Quality: footprint.QualityMeasured, Attrs: attrs}
			}
			records = append(records, rec(footprint.KindDataCentre, "it_energy", 1000, map[string]string{"room": "sr1"}),
				rec(footprint.KindDataCentre, "facility_energy", 1500+float64(m)*20, map[string]string{"room": "sr1"}),
				rec(footprint.KindColocation, "it_energy", 2000, map[string]string{"contract": "colo-1"}))
		}
		records = append(records, footprint.Activity{Kind: footprint.KindCloud, Item: "reported", Start: footprint.NewDate(2024, 5, 1), End: footprint.NewDate(2024, 6, 1),
			Quantity: 250, Unit: footprint.UnitKgCO2e, Source: pay(i + 2), Quality: footprint.QualityMeasured,
			Attrs: map[string]string{"provider": "aws", "method": "market", "service": pay(i), "region": pay(i + 1)}})
		code, doc := s.post(t, st.id, st.tok, batch{ID: "xss-" + st.id, Site: &decl, Activities: records})
		require.Equal(t, http.StatusOK, code, "%s: %v", st.id, doc)

		// Rooms and contracts are ids: a payload there is refused, naming
		// the field.
		for kind, attr := range map[footprint.Kind]string{footprint.KindDataCentre: "room", footprint.KindColocation: "contract"} {
			bad := footprint.Activity{Kind: kind, Item: "it_energy", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1),
				Quantity: 1, Unit: footprint.UnitKWh, Source: "pdu", Quality: footprint.QualityMeasured, Attrs: map[string]string{attr: st.name}}
			code, doc := s.post(t, st.id, st.tok, batch{ID: "xss-bad-" + attr + "-" + st.id, Activities: []footprint.Activity{bad}})
			assert.Equal(t, http.StatusBadRequest, code, "%s=%q: %v", attr, st.name, doc)
			assert.Contains(t, fmt.Sprint(doc), "attrs."+attr, "the refusal names the field")
			assert.Contains(t, fmt.Sprint(doc), "a-z, 0-9", "and what an id may be")
		}
	}

	pages := []string{"/", "/?year=2024", "/profiles"}
	for _, st := range sites {
		pages = append(pages, "/sites/"+st.id)
	}
	t.Run("served pages", func(t *testing.T) {
		b := newXSSBrowser(t, browser)
		for _, p := range pages {
			b.check(t, s.url+p, xssPayloads, true)
		}
		// The site pages name the site in the heading, as text.
		for _, st := range sites {
			var h1 string
			require.NoError(t, chromedp.Run(b.ctx, chromedp.Navigate(s.url+"/sites/"+st.id), chromedp.WaitReady("h1"),
				chromedp.Evaluate(`document.querySelector('h1').textContent`, &h1)))
			assert.Contains(t, h1, st.name, "the site's name is shown as it was written")
		}
	})

	t.Run("the board pack", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "board-pack")
		cmd := exec.Command(s.bin, "charts", "--out", out, "--data", s.data)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, string(b))
		files := []string{filepath.Join(out, "index.html"), filepath.Join(out, "profiles.html")}
		for _, st := range sites {
			files = append(files, filepath.Join(out, "sites", st.id+".html"))
		}
		br := newXSSBrowser(t, browser)
		for _, f := range files {
			br.check(t, "file://"+f, xssPayloads, false)
		}
	})
}

// xssBrowser is one headless Chromium for several pages, recording the
// page's exceptions and Content-Security-Policy violations.
type xssBrowser struct {
	ctx    context.Context
	mu     sync.Mutex // guards errors (written by the browser's event goroutine)
	errors []string
}

func (b *xssBrowser) takeErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.errors
	b.errors = nil
	return out
}

func newXSSBrowser(t *testing.T, browser string) *xssBrowser {
	t.Helper()
	profile, err := os.MkdirTemp("", "greenhelp-chromium-xss")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(profile) })
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900), chromedp.UserDataDir(profile))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancel)
	b := &xssBrowser{ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			b.mu.Lock()
			b.errors = append(b.errors, e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
			b.mu.Unlock()
		}
	})
	// Policy violations, recorded before any of the page's scripts runs.
	require.NoError(t, chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));`).Do(ctx)
		return err
	})))
	return b
}

// check loads url, waits for its charts, shows the tooltip of every data
// item of every chart, and checks no
// payload ran or left an element, no policy was violated (served: the
// pages' own scripts satisfy it), and every payload among want that the
// page shows is shown as text.
func (b *xssBrowser) check(t *testing.T, url string, want []string, served bool) {
	t.Helper()
	b.takeErrors()
	var charts, inline, containers int
	err := chromedp.Run(b.ctx,
		chromedp.Navigate(url),
		chromedp.WaitReady("body"),
		chromedp.Evaluate(`document.querySelectorAll('.card div[id]').length`, &containers),
		waitTrue(`document.querySelectorAll('div[_echarts_instance_]').length === document.querySelectorAll('.card div[id]').length`, 30*time.Second),
		chromedp.Evaluate(`document.querySelectorAll('div[_echarts_instance_]').length`, &charts),
		chromedp.Evaluate(`Array.from(document.scripts).filter(s => !s.src).length`, &inline),
	)
	if err != nil {
		var csp, missing []string
		_ = chromedp.Run(b.ctx, chromedp.Evaluate(`window.__csp || []`, &csp),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('.card div[id]')).filter(el => !el.hasAttribute('_echarts_instance_')).map(el => el.id)`, &missing))
		require.NoError(t, err, "%s: charts missing %v, script errors %v, policy violations %v", url, missing, b.takeErrors(), csp)
	}
	assert.Equal(t, containers, charts, "every chart container got its chart on %s", url)
	assert.Equal(t, charts+1, inline, "the page's inline scripts are its charts' and its own, none injected, on %s", url)

	// Every tooltip, one after the other, with what it showed.
	var tips []string
	require.NoError(t, chromedp.Run(b.ctx, chromedp.Evaluate(`(() => {
	  const out = [];
	  document.querySelectorAll('div[_echarts_instance_]').forEach(el => {
	    const c = echarts.getInstanceByDom(el), o = c.getOption();
	    (o.series || []).forEach((s, si) => (s.data || []).forEach((d, di) => {
	      c.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: di});
	      el.querySelectorAll('div').forEach(d => { if (d.style.zIndex === '9999999' && d.style.display !== 'none') out.push(d.innerHTML); });
	    }));
	    c.dispatchAction({type: 'hideTip'});
	  });
	  return out;
	})()`, &tips)), url)

	var problems, csp []string
	var text, options string
	require.NoError(t, chromedp.Run(b.ctx,
		chromedp.Evaluate(xssProbe, &problems),
		chromedp.Evaluate(`window.__csp || []`, &csp),
		chromedp.Evaluate(`document.body.innerText`, &text),
		chromedp.Evaluate(`JSON.stringify(Array.from(document.querySelectorAll('div[_echarts_instance_]')).map(el => echarts.getInstanceByDom(el).getOption()))`, &options),
	), url)
	assert.Empty(t, problems, "a payload ran or left markup on %s", url)
	assert.Empty(t, b.takeErrors(), "script errors on %s", url)
	if served {
		assert.Empty(t, csp, "Content-Security-Policy violations on %s", url)
	}
	// The payloads are text: in the page's text (headings, tables, the
	// site list) or in the charts' data, as written.
	var charted []string
	if options != "" {
		var v any
		require.NoError(t, json.Unmarshal([]byte(options), &v))
		charted = stringsIn(v)
	}
	for _, p := range want {
		inCharts := false
		for _, s := range charted {
			if strings.Contains(s, p) {
				inCharts = true
			}
		}
		assert.True(t, strings.Contains(text, p) || inCharts, "%q is neither in the text nor in the charts of %s", p, url)
	}
	// A tooltip's markup holds a payload with markup only escaped.
	for _, tip := range tips {
		for _, p := range want {
			if strings.Contains(p, "<") {
				assert.NotContains(t, tip, p, "a tooltip on %s holds the payload as markup: %s", url, tip)
			}
		}
	}
	t.Logf("%s: %d charts, %d tooltips shown", url, charts, len(tips))
}

// waitTrue evaluates expr until it is true, for at most limit.
func waitTrue(expr string, limit time.Duration) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(limit)
		for {
			var ok bool
			if err := chromedp.Evaluate(expr, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: not true after %s", expr, limit)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// stringsIn lists every string in a JSON value.
func stringsIn(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, stringsIn(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range x {
			out = append(out, stringsIn(e)...)
		}
		return out
	}
	return nil
}

// Every answer — pages, the API, health, metrics, assets, errors —
// carries the Content-Security-Policy (a fresh nonce each time, the
// page's inline scripts carrying it), nosniff, frame denial and the
// referrer policy.
func TestEveryAnswerSendsTheSecurityHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("runs greenhelp serve; run without -short")
	}
	s := startServer(t)
	tok := s.addSite(t, "za-hdr", "Headers", "ZA")
	nonces := map[string]bool{}
	check := func(method, path, body string, auth bool) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
		require.NoError(t, err)
		if auth {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			assert.Contains(t, csp, d, "%s %s (%d)", method, path, resp.StatusCode)
		}
		assert.NotContains(t, strings.SplitN(csp[strings.Index(csp, "script-src"):], ";", 2)[0], "unsafe-inline", "%s %s", method, path)
		i := strings.Index(csp, "'nonce-")
		require.GreaterOrEqual(t, i, 0, "%s %s: %s", method, path, csp)
		n := csp[i+len("'nonce-"):]
		n = n[:strings.IndexByte(n, '\'')]
		assert.GreaterOrEqual(t, len(n), 22, "128 bits of nonce")
		assert.False(t, nonces[n], "a nonce used twice: %s", n)
		nonces[n] = true
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), "%s %s", method, path)
		assert.Equal(t, "DENY", h.Get("X-Frame-Options"), "%s %s", method, path)
		assert.Equal(t, "same-origin", h.Get("Referrer-Policy"), "%s %s", method, path)
		return resp
	}
	check("GET", "/", "", false)
	check("GET", "/profiles", "", false)
	check("GET", "/sites/za-hdr", "", false)
	check("GET", "/assets/echarts.min.js", "", false)
	check("GET", "/healthz", "", false)
	check("GET", "/metrics", "", false)
	check("GET", "/api/v1/sites", "", false)
	check("GET", "/api/v1/sites/za-hdr/ping", "", true)
	check("POST", "/api/v1/sites/za-hdr/batches", `{"id":"h1","activities":[]}`, true)
	check("POST", "/api/v1/sites/za-hdr/batches", `not json`, true)
	check("POST", "/api/v1/admin/sites", `{}`, false)
	check("GET", "/no/such/page", "", false)

	// The page's inline scripts carry the answer's nonce, and only they.
	resp, err := http.Get(s.url + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	bodyBytes, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	body := string(bodyBytes)
	csp := resp.Header.Get("Content-Security-Policy")
	i := strings.Index(csp, "'nonce-")
	n := csp[i+len("'nonce-"):]
	n = n[:strings.IndexByte(n, '\'')]
	inline := strings.Count(body, "<script>") + strings.Count(body, "<script nonce=")
	assert.Equal(t, strings.Count(body, `<script nonce="`+n+`">`), inline, "every inline script carries the nonce")
	assert.Positive(t, inline)
	assert.NotContains(t, body, " onchange=", "no inline event handler (the policy would block it)")
}
