package charts

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// Text from a site — its name, a room's id and name, a colocation
// provider, a source — is data wherever a page puts it: the chart options
// are JSON with <, >, & and U+2028/9 escaped, a string between __f__
// markers stays a string, the tables and headings are escaped HTML, and
// every inline script carries the page's nonce. (Rooms are refused at
// the door when they are not ids; the page does not rely on it.)
func TestTextFromASiteIsDataInThePage(t *testing.T) {
	const (
		closeScript = `</script><script>document.title='pw'+'ned'</script>`
		fn          = `__f__function(){document.title='pw'+'ned'}__f__`
		img         = "<img src=x onerror=alert(1)>\u2028"
	)
	pue := 1.6
	inv := &ghg.Inventory{Year: 2024, TotalLocationT: 10, IT: &ghg.IT{
		DataCentres: []ghg.DataCentreResult{{ID: closeScript, Name: img, PUE: &pue, Months: []ghg.PUEMonth{{Month: 1, PUE: &pue}}},
			{ID: fn, PUE: &pue, Months: []ghg.PUEMonth{{Month: 2, PUE: &pue}}}},
		Colocation: []ghg.ColocationResult{{Contract: fn, Provider: img, Country: "FR", PUE: 1.4, PUESource: closeScript}}}}
	site := SiteSummary{ID: "fr-x", Name: closeScript, Profile: "low-carbon-grid", KgPerSeat: 10}
	peers := []SiteSummary{site, {ID: "fr-y", Name: fn, Profile: "low-carbon-grid", KgPerSeat: 20}, {ID: "fr-z", Name: img, Profile: "low-carbon-grid", KgPerSeat: 30}}
	d := SiteData{Page: Page{Year: 2024, Years: []int{2024}, Sites: peers}, Site: site, Peers: peers, ByYear: []*ghg.Inventory{inv},
		Freshness: []Freshness{{Source: img, LastDay: "2024-12-31", Records: 1}}}
	l := ServedLinks("/assets/")
	l.Nonce = "n0nce"
	var buf bytes.Buffer
	require.NoError(t, RenderSite(&buf, d, l))
	page := buf.String()

	opens := regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1)
	for _, o := range opens {
		assert.True(t, o == `<script nonce="n0nce">` || strings.HasPrefix(o, `<script src="/assets/`), "a script element the page did not write: %s", o)
	}
	assert.Equal(t, len(opens), strings.Count(page, "</script>"), "no text closes a script element")
	assert.Contains(t, page, `id="site_pue"`, "the rooms' chart is on the page")
	assert.NotContains(t, page, "<img", "markup from a site only escaped")
	for _, sc := range regexp.MustCompile(`(?s)<script[^>]*>.*?</script>`).FindAllString(page, -1) {
		assert.NotContains(t, sc, "\u2028", "U+2028 escaped in a script (a line break in older JavaScript)")
	}
	assert.Contains(t, page, `"__f__function(){document.title='pw'+'ned'}__f__"`, "a __f__ string stays a JSON string")
	assert.NotContains(t, page, fnTag, "the functions' tag never reaches a page")
	assert.NotContains(t, page, " onchange=", "no inline handler (the policy blocks them)")
	assert.Contains(t, page, "&lt;/script&gt;&lt;script&gt;document.title=", "the site's name in the heading, as text")
	assert.Contains(t, page, "&lt;img src=x onerror=alert(1)&gt;", "the source and names in the tables, as text")
	// The package's own functions are code, assigned after the data.
	assert.Contains(t, page, `option["toolbox"]["feature"]["myCSV"]["onclick"] = function () { greenhelpCSV('site_pue'); };`)
	assert.Contains(t, page, `option["tooltip"]["valueFormatter"] = function (v) {`)

	// Without a nonce (the board pack's files), plain inline scripts.
	buf.Reset()
	require.NoError(t, RenderSite(&buf, d, StaticLinks(1, "")))
	assert.NotContains(t, buf.String(), "nonce=")
	assert.Equal(t, strings.Count(buf.String(), "<script"), strings.Count(buf.String(), "</script>"))
}
