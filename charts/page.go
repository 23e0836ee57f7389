package charts

import (
	"fmt"
	"html/template"
	"io"
	"sort"

	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
)

type renderedChart struct {
	Chart
	Element, Script template.HTML
}

type view struct {
	Page
	Heading  string
	Intro    template.HTML
	Charts   []renderedChart
	Lead     []table // before the charts: the first screen's answers
	Tables   []table
	Assets   string
	Home     string
	Profiles string
	SiteLink func(id string) string
	YearLink func(y int) string
	World    bool // the country boundaries are embedded (world.js)
	// Nonce is the response's Content-Security-Policy nonce for the
	// page's scripts ("" for the board pack's files).
	Nonce string
	// SiteLinks is [[name or id, link], …] as JSON (renderPage).
	SiteLinks template.JS
}

type table struct {
	Title string
	Head  []string
	Rows  [][]string
}

func renderPage(w io.Writer, v view, cs []Chart) error {
	for _, c := range cs {
		el, sc, err := c.render(v.Nonce)
		if err != nil {
			return err
		}
		v.Charts = append(v.Charts, renderedChart{Chart: c, Element: el, Script: sc})
	}
	// The sites by name and id for a click on a chart: JSON (escaped for
	// a script element), read into a Map, so that no name is code and none
	// ("__proto__", "constructor") finds anything but its own link.
	var pairs [][2]string
	for _, s := range v.Sites {
		link := v.SiteLink(s.ID)
		pairs = append(pairs, [2]string{s.Name, link}, [2]string{s.ID, link})
	}
	js, err := scriptJSON(pairs)
	if err != nil {
		return err
	}
	if pairs == nil {
		js = "[]"
	}
	v.SiteLinks = template.JS(js)
	return pageTpl.Execute(w, v)
}

// Links says how pages link to each other: the service's routes, or
// standalone files.
type Links struct {
	Assets   string // where echarts.min.js is: "/assets/" or "assets/"
	Home     string
	Profiles string
	Site     func(id string) string
	Year     func(y int) string
	// Nonce is the response's Content-Security-Policy nonce: the page's
	// inline scripts carry it.
	Nonce string
}

// ServedLinks are the routes of `greenhelp serve`.
func ServedLinks(assets string) Links {
	return Links{Assets: assets, Home: "/", Profiles: "/profiles",
		Site: func(id string) string { return "/sites/" + id },
		Year: func(y int) string { return fmt.Sprintf("?year=%d", y) }}
}

// StaticLinks are the files `greenhelp charts --out DIR` writes; depth is
// how many folders below DIR the page is.
func StaticLinks(depth int, assets string) Links {
	up := ""
	for i := 0; i < depth; i++ {
		up += "../"
	}
	if assets == "" {
		assets = up + "assets/"
	}
	return Links{Assets: assets, Home: up + "index.html", Profiles: up + "profiles.html",
		Site: func(id string) string { return up + "sites/" + id + ".html" },
		Year: func(y int) string { return "" }}
}

func newView(p Page, heading string, l Links) view {
	return view{Page: p, Heading: heading, Assets: l.Assets, Home: l.Home, Profiles: l.Profiles, SiteLink: l.Site, YearLink: l.Year, World: WorldMap(), Nonce: l.Nonce}
}

// RenderGroup writes the CTO's dashboard.
func RenderGroup(w io.Writer, d GroupData, l Links) error {
	v := newView(d.Page, fmt.Sprintf("Group — %d", d.Year), l)
	var latest *ghg.Inventory
	for _, inv := range d.ByYear {
		if inv.Year == d.Year {
			latest = inv
		}
	}
	intro := ""
	if latest != nil {
		intro = fmt.Sprintf("<div class=kpis><div><b>%s</b> tCO2e market-based</div><div><b>%s</b> tCO2e location-based</div><div><b>%s</b> MWh avoided by PC power-off</div>",
			f1(latest.TotalMarketT), f1(latest.TotalLocationT), f1(latest.PowerOff.AvoidedKWh/1000))
		for _, y := range d.Track.Years {
			if y.Year == d.Year {
				if y.Checked() {
					intro += fmt.Sprintf("<div><b>%+.1f %%</b> vs allowed (%s)</div>", y.GapPct, y.Verdict())
				} else {
					intro += fmt.Sprintf("<div>%d is the base year: the trajectory is checked from %d</div>", y.Year, y.Year+1)
				}
			}
		}
		if d.Plan.CompensationYear != nil {
			intro += fmt.Sprintf("<div>known levers suffice until <b>%d</b></div>", *d.Plan.CompensationYear-1)
		}
		intro += "</div>"
	}
	v.Intro = template.HTML(intro)
	if t := nextTable("the group", d.Levers); t != nil {
		v.Lead = append(v.Lead, *t)
	}
	if len(d.OverLine) > 0 {
		t := table{Title: fmt.Sprintf("Sites over their allowed emissions in %d, most tonnes over first", d.Year),
			Head: []string{"site", "actual tCO2e", "allowed tCO2e", "over by tCO2e", "over by %"}}
		for _, g := range d.OverLine {
			t.Rows = append(t.Rows, []string{g.Name + " (" + g.ID + ")", f1(g.ActualT), f1(g.AllowedT), f1(g.GapT), fmt.Sprintf("%+.1f %%", g.GapPct)})
		}
		v.Lead = append(v.Lead, t)
	}
	if len(d.SiteChanges) > 0 {
		t := table{Title: fmt.Sprintf("Each site, %d against %d (market-based tCO2e): the change split into activity, mix, emission-factor, weather and structural effects", d.Year, d.Year-1),
			Head: []string{"site", fmt.Sprint(d.Year - 1), fmt.Sprint(d.Year), "allowed", "change", "activity", "mix", "factors", "weather", "structure"}}
		for _, c := range d.SiteChanges {
			allowed := "no trajectory yet"
			if a, ok := d.Allowed[c.Entity]; ok {
				allowed = f1(a)
			}
			t.Rows = append(t.Rows, []string{c.Entity, f1(c.FromT), f1(c.ToT), allowed, fmt.Sprintf("%+.1f", c.ChangeT),
				fmt.Sprintf("%+.1f", c.ActivityT), fmt.Sprintf("%+.1f", c.MixT), fmt.Sprintf("%+.1f", c.FactorT), fmt.Sprintf("%+.1f", c.WeatherT), fmt.Sprintf("%+.1f", c.StructureT)})
		}
		v.Tables = append(v.Tables, t)
	}
	if len(d.Attention) > 0 {
		t := table{Title: "Sites missing from the figures or partly so", Head: []string{"site", "status", "why"}}
		for _, n := range d.Attention {
			t.Rows = append(t.Rows, []string{n.Name + " (" + n.ID + ")", n.Status, n.Why})
		}
		v.Tables = append(v.Tables, t)
	}
	if len(d.SiteYears) > 0 {
		t := table{Title: "Site-years the figures estimate or lack (a site that stops sending stays in the group; the base year is left as it was)",
			Head: []string{"year", "site", "status", "counted tCO2e", "of which estimated", "basis"}}
		for _, sy := range d.SiteYears {
			t.Rows = append(t.Rows, []string{fmt.Sprint(sy.Year), sy.Site, sy.Status, f1(sy.T), f1(sy.EstimatedT), sy.Basis})
		}
		v.Tables = append(v.Tables, t)
	}
	if t := changeTable(d.Change); t != nil {
		v.Tables = append(v.Tables, *t)
	}
	if t := itTable(latest, "the group's"); t != nil {
		v.Tables = append(v.Tables, *t)
	}
	if r := d.Recalculation; r != nil && len(r.Changes) > 0 {
		t := table{Title: fmt.Sprintf("Base year %d: %s", r.BaseYear, r.Explanation), Head: []string{"site", "change", "from", "weight in the base (tCO2e)", "share of the base", "why"}}
		for _, c := range r.Changes {
			from := fmt.Sprint(c.Year)
			if !c.On.IsZero() {
				from = c.On.String()
			}
			t.Rows = append(t.Rows, []string{c.Site, c.Kind, from, f1(c.BaseT), fmt.Sprintf("%.1f %%", c.Share*100), c.Reason})
		}
		v.Tables = append(v.Tables, t)
	}
	profileIDs := profileOrder(d.Sites)
	cs := []Chart{
		TrajectoryChart("group_trajectory", d.Track, d.Method),
		ScopesChart("group_scopes", d.ByYear),
		GapChart("group_gaps", d.Sites),
		SitesMap("group_map", d.Sites, profileIDs),
		PowerOffChart("group_poweroff", d.PowerOffMonthly),
		ComplianceChart("group_compliance", d.Sites),
		TeleworkChart("group_telework", d.ByYear),
		LeversChart("group_levers", d.Levers),
		CompensationChart("group_compensation", d.Plan),
	}
	return renderPage(w, v, cs)
}

// StartData is the group page of a central without a full year of data.
type StartData struct {
	Page
	// URL is the central's address as the request reached it (for the
	// agents' central.url).
	URL string
	// Sites are the registered sites and where each stands.
	Sites []SiteNotice
}

// RenderStart writes the first page of a central that has no full year of
// data yet: how to add a site and run its agent, and where each
// registered site stands — not a 404.
func RenderStart(w io.Writer, d StartData, l Links) error {
	v := newView(d.Page, "greenhelp — getting started", l)
	esc := template.HTMLEscapeString
	intro := `<p>The group's pages appear once a site has a full calendar year of data. To get there:</p><ol>` +
		`<li>Register each site on the central's host (it prints the site's token once): <code>greenhelp sites add --id fr-lyo-gerland --name "Lyon Gerland" --country FR --data DIR</code> — or, with <code>admin.token</code> set, <code>POST /api/v1/admin/sites</code>.</li>` +
		`<li>At the site, the ambassador writes a starter configuration: <code>greenhelp-agent init --site fr-lyo-gerland --country FR --central ` + esc(d.URL) + `</code>, puts the token in the file <code>token</code> beside it and points each source at its export (<code>greenhelp-agent sample</code> shows every kind of source).</li>` +
		`<li>Check it reaches this central and reads its exports: <code>greenhelp-agent check --ping --config site.yaml</code>; then send: <code>greenhelp-agent once</code>, and keep it running: <code>greenhelp-agent run</code> (or the service files in <code>deploy/</code>, or <code>service install</code> on Windows).</li></ol>` +
		`<p>A year of bills or meter readings sent at once is enough for a first inventory. The README's "The site agent" has the details.</p>`
	v.Intro = template.HTML(intro)
	t := table{Title: "Sites registered", Head: []string{"site", "status", "why"}}
	for _, n := range d.Sites {
		t.Rows = append(t.Rows, []string{n.Name + " (" + n.ID + ")", n.Status, n.Why})
	}
	if len(t.Rows) == 0 {
		t.Rows = append(t.Rows, []string{"none yet", "", "greenhelp sites add (step 1)"})
	}
	v.Tables = []table{t}
	return renderPage(w, v, nil)
}

// RenderSite writes the ambassador's site page.
func RenderSite(w io.Writer, d SiteData, l Links) error {
	v := newView(d.Page, fmt.Sprintf("%s — %d", d.Site.Name, d.Year), l)
	a := d.Assignment
	intro := fmt.Sprintf("<p>Profile <b>%s</b> (%s). %s.</p>", template.HTMLEscapeString(a.Profile), template.HTMLEscapeString(d.ProfileName), template.HTMLEscapeString(a.Explain))
	if a.Override != nil {
		intro += fmt.Sprintf("<p>Pinned to %s by an override (computed: %s): %s</p>", template.HTMLEscapeString(a.Override.Profile), template.HTMLEscapeString(a.Computed), template.HTMLEscapeString(a.Override.Reason))
	}
	rank := 1
	for _, p := range d.Peers {
		if p.KgPerSeat < d.Site.KgPerSeat {
			rank++
		}
	}
	intro += fmt.Sprintf("<div class=kpis><div><b>%s</b> tCO2e market-based</div><div><b>%.0f</b> kgCO2e per seat — rank %d of %d in its profile</div>",
		f1(d.Site.TotalT), d.Site.KgPerSeat, rank, len(d.Peers))
	// The trajectory's verdict only once there is a year after the base.
	var last *planning.YearStatus
	for i := range d.Track.Years {
		if y := d.Track.Years[i]; y.Year == d.Year && y.Checked() {
			last = &d.Track.Years[i]
		}
	}
	switch {
	case len(d.Track.Years) == 0:
		intro += "<div><b>no trajectory yet</b>: it starts from the site's first full calendar year of data</div>"
	case last != nil:
		intro += fmt.Sprintf("<div><b>%+.1f %%</b> vs allowed (%s)</div>", last.GapPct, last.Verdict())
	case d.Year == d.Track.BaseYear:
		intro += fmt.Sprintf("<div>%d is the base year: the trajectory is checked from %d</div>", d.Year, d.Year+1)
	}
	var cur *ghg.Inventory
	for _, inv := range d.ByYear {
		if inv.Year == d.Year {
			cur = inv
		}
	}
	if cur != nil {
		intro += fmt.Sprintf("<div><b>%.0f %%</b> of the footprint rests on defaults</div>", defaultsShare(cur)*100)
	}
	intro += "</div>"
	v.Intro = template.HTML(intro)
	lev := table{Title: "Levers, in the profile's order", Head: []string{"lever", "potential tCO2e/yr", "assumptions"}}
	for _, l := range d.Levers {
		lev.Rows = append(lev.Rows, []string{l.Name, f1(l.PotentialT), l.Assumptions})
	}
	fr := table{Title: "Data freshness per source", Head: []string{"source", "last day covered", "records"}}
	for _, f := range d.Freshness {
		fr.Rows = append(fr.Rows, []string{f.Source, f.LastDay, fmt.Sprint(f.Records)})
	}
	dist := table{Title: "Distance to each profile", Head: []string{"profile", "distance"}}
	ids := make([]string, 0, len(a.Distances))
	for id := range a.Distances {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { // nearest first; equal distances by id
		if di, dj := a.Distances[ids[i]], a.Distances[ids[j]]; di != dj {
			return di < dj
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		dist.Rows = append(dist.Rows, []string{id, fmt.Sprintf("%.2f", a.Distances[id])})
	}
	v.Tables = []table{lev, dist, fr}
	if t := nextTable(d.Site.Name, d.Levers); t != nil {
		v.Lead = append(v.Lead, *t)
	}
	if t := changeTable(d.Change); t != nil {
		v.Tables = append([]table{*t}, v.Tables...)
	}
	if t := actionsTable(d.Plan); t != nil {
		v.Tables = append(v.Tables, *t)
	}
	if po := powerOffTable(d.ByYear, d.Year); po != nil {
		v.Tables = append([]table{*po}, v.Tables...)
	}
	if wt := weatherTable(d.ByYear, d.Year); wt != nil {
		v.Tables = append([]table{*wt}, v.Tables...)
	}
	if t := itTable(cur, "the site's"); t != nil {
		v.Tables = append([]table{*t}, v.Tables...)
	}
	if t := defaultsTable(cur); t != nil {
		v.Tables = append([]table{*t}, v.Tables...)
	}
	cs := []Chart{
		TrajectoryChart("site_trajectory", d.Track, d.Method),
		ScopesChart("site_scopes", d.ByYear),
		PowerOffChart("site_poweroff", d.PowerOffMonthly),
		TeleworkChart("site_telework", d.ByYear),
		LeversChart("site_levers", d.Levers),
		CompensationChart("site_compensation", d.Plan),
		PeersChart("site_peers", d.Peers, d.Site.ID),
	}
	if c, ok := PUEChart("site_pue", d.ByYear); ok {
		cs = append(cs, c)
	}
	return renderPage(w, v, cs)
}

// RenderProfiles writes the profiles page.
func RenderProfiles(w io.Writer, d ProfilesData, l Links) error {
	v := newView(d.Page, fmt.Sprintf("Profiles — %d", d.Year), l)
	t := table{Title: "The four profiles", Head: []string{"profile", "centre", "grid gCO2e/kWh", "HDD", "CDD", "home-working kgCO2e/h", "levers in order", "sites"}}
	var ids []string
	for _, p := range d.Profiles {
		ids = append(ids, p.ID)
		var names []string
		for _, s := range d.Sites {
			if s.Profile == p.ID {
				names = append(names, s.Name)
			}
		}
		t.Rows = append(t.Rows, []string{p.ID + " — " + p.Name, p.Centre.City + ", " + p.Centre.Country, fmt.Sprintf("%.0f", p.Features.GridGPerKWh),
			fmt.Sprintf("%.0f", p.Features.HDD), fmt.Sprintf("%.0f", p.Features.CDD), fmt.Sprintf("%.3f", p.HomeworkingKgPerHour),
			leverList(p.Levers), siteList(names)})
	}
	v.Tables = []table{t}
	return renderPage(w, v, []Chart{ProfileDistribution("profiles_distribution", d.Sites, ids), SitesMap("profiles_map", d.Sites, ids)})
}

func profileOrder(sites []SiteSummary) []string {
	order := []string{"low-carbon-grid", "fossil-grid-mild", "fossil-grid-tropical", "coal-grid"}
	seen := map[string]bool{}
	for _, id := range order {
		seen[id] = true
	}
	for _, s := range sites {
		if !seen[s.Profile] {
			seen[s.Profile] = true
			order = append(order, s.Profile)
		}
	}
	return order
}

var pageTpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>greenhelp — {{.Heading}}</title>
<script src="{{.Assets}}echarts.min.js"></script>
{{if .World}}<script src="{{.Assets}}world.js"></script>{{end}}
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f7f7f5}
header{background:#0b3d2e;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
header a{color:#fff;font-weight:600;text-decoration:none}header select{font-size:1rem}
main{max-width:1240px;margin:0 auto;padding:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:1rem}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:.8rem;min-width:0}
.card h2{font-size:1.05rem;margin:.2rem 0}.card p.cap{color:#555;font-size:.85rem;margin:.2rem 0 .5rem}
.kpis{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0 1rem}.kpis div{background:#fff;border-radius:8px;padding:.6rem .9rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
.tables{overflow-x:auto}footer{color:#666;font-size:.8rem;padding:1rem}
</style></head><body>
<header><a href="{{.Home}}">greenhelp</a><a href="{{.Home}}">Group</a><a href="{{.Profiles}}">Profiles</a>
<label>Site <select id="site-filter"><option value="">—</option>{{range .Sites}}<option value="{{call $.SiteLink .ID}}">{{.Name}}</option>{{end}}</select></label>
{{if not .Static}}<label>Year <select id="year-select">{{range .Years}}<option{{if eq . $.Year}} selected{{end}}>{{.}}</option>{{end}}</select></label>{{end}}
<span>{{.Method}}</span></header>
<main><h1>{{.Heading}}</h1>{{.Intro}}
{{if .Lead}}<div class="grid">{{range .Lead}}<section class="card tables"><h2>{{.Title}}</h2><table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table></section>{{end}}</div><br>{{end}}
<div class="grid">{{range .Charts}}<section class="card"><h2>{{.Title}}</h2><p class="cap">{{.Caption}}</p>{{.Element}}</section>{{end}}</div>
{{range .Tables}}<section class="card tables"><h2>{{.Title}}</h2><table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table></section>{{end}}
</main><footer>Generated {{.Generated}} by greenhelp. Figures in tCO2e unless stated; Scope 2 market-based unless stated.</footer>
{{range .Charts}}{{.Script}}{{end}}
<script{{if .Nonce}} nonce="{{.Nonce}}"{{end}}>
var greenhelpSites=new Map({{.SiteLinks}});
document.getElementById('site-filter').addEventListener('change',function(){if(this.value)location.href=this.value;});
(function(){var y=document.getElementById('year-select');if(y)y.addEventListener('change',function(){location.search='year='+encodeURIComponent(this.value);});})();
function greenhelpCSVText(id){var c=echarts.getInstanceByDom(document.getElementById(id));if(!c)return '';var o=c.getOption(),s=o.series||[],rows=[];
var ax=(o.xAxis||[]).concat(o.yAxis||[]).filter(function(a){return a.type==='category'&&a.data;})[0];
var val=function(d){if(d===null||d===undefined)return '';if(typeof d==='object'&&!Array.isArray(d))d=d.value;if(Array.isArray(d))return d.join(' ');return d;};
if(ax){rows.push([ax.name||'category'].concat(s.map(function(e){return e.name||'';})));ax.data.forEach(function(cat,i){rows.push([typeof cat==='object'?cat.value:cat].concat(s.map(function(e){return val((e.data||[])[i]);})));});}
else{rows.push(['series','name','value']);s.forEach(function(e){(e.data||[]).forEach(function(d){rows.push([e.name||'',(d&&d.name)||'',val(d)]);});});}
return rows.map(function(r){return r.map(function(v){v=(v===null||v===undefined||v==='-')?'':String(v);if(/^[=+\-@\t\r]/.test(v)&&isNaN(Number(v)))v="'"+v;return /[",\n\r]/.test(v)?'"'+v.replace(/"/g,'""')+'"':v;}).join(',');}).join('\n')+'\n';}
function greenhelpCSV(id){var a=document.createElement('a');a.href=URL.createObjectURL(new Blob([greenhelpCSVText(id)],{type:'text/csv'}));a.download=id+'.csv';document.body.appendChild(a);a.click();a.remove();}
document.querySelectorAll('[_echarts_instance_]').forEach(function(el){var c=echarts.getInstanceByDom(el);if(!c)return;c.on('click',function(p){var k=[p.name,p.seriesName,p.data&&p.data.name];for(var i=0;i<k.length;i++){if(typeof k[i]==='string'&&greenhelpSites.has(k[i])){location.href=greenhelpSites.get(k[i]);return;}}});});
window.addEventListener('resize',function(){document.querySelectorAll('[_echarts_instance_]').forEach(function(el){var c=echarts.getInstanceByDom(el);if(c)c.resize();});});
</script>
</body></html>
`))
