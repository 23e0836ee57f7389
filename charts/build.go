package charts

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
)

// Okabe–Ito palette: distinguishable with the common colour-vision
// deficiencies.
var (
	palette   = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}
	onTrack   = "#0072B2" // blue
	offTrack  = "#D55E00" // vermillion
	profColor = map[string]string{"low-carbon-grid": "#009E73", "fossil-grid-mild": "#E69F00", "fossil-grid-tropical": "#CC79A7", "coal-grid": "#000000"}
)

// Chart is a built chart: its id, title and go-echarts chart (render.go
// writes it into a page).
type Chart struct {
	ID, Title, Caption string
	c                  echart
}

// Option is the chart's ECharts option JSON (stable: fixed ids), the
// package's functions as their code in strings.
func (c Chart) Option() string {
	s, err := c.optionText()
	if err != nil {
		return fmt.Sprintf("{\"error\": %q}", err.Error())
	}
	return s
}

func initOpts(id string) charts.GlobalOpts {
	return charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "400px"})
}

func common(id string) []charts.GlobalOpts {
	return []charts.GlobalOpts{initOpts(id),
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", ValueFormatter: jsFunc("function (v) { return (typeof v === 'number') ? v.toLocaleString(undefined, {maximumFractionDigits: 1}) : v; }")}),
		// Every legend entry in view (wrapped at the bottom, never paged):
		// the toolbox has the top right.
		charts.WithLegendOpts(legend()),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "4%", ContainLabel: opts.Bool(true), Top: "40", Bottom: "80"}),
		charts.WithAnimation(false),
		charts.WithToolboxOpts(toolbox(id)),
	}
}

// legend is the charts' legend: plain (wrapping), at the bottom.
func legend() opts.Legend {
	return opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "plain"}
}

// csvIcon is a sheet with rows (ECharts path syntax).
const csvIcon = "path://M4,2H14L20,8V22H4Z M14,2V8H20 M7,12H17 M7,15H17 M7,18H17"

// toolbox offers every chart as an image, as a table (data view) and as
// CSV (greenhelpCSV, in the page's script).
func toolbox(id string) opts.Toolbox {
	return opts.Toolbox{Show: opts.Bool(true), Left: "right", Top: "0", Feature: &opts.ToolBoxFeature{
		SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Type: "png", Name: id, Title: "Save as image"},
		DataView:    &opts.ToolBoxFeatureDataView{Show: opts.Bool(true), Title: "Data", Lang: []string{"Data", "Close", "Refresh"}, BackgroundColor: "#fff"},
		UserDefined: map[string]opts.ToolBoxFeatureUserDefined{"myCSV": {Show: opts.Bool(true), Title: "Download CSV", Icon: csvIcon,
			OnClick: jsFunc("function () { greenhelpCSV('" + id + "'); }")}},
	}}
}

func r1(v float64) float64 { return math.Round(v*10) / 10 }

// TrajectoryChart draws actual emissions against the allowed line, with
// next year's projection dashed.
func TrajectoryChart(id string, tr planning.Track, method string) Chart {
	line := charts.NewLine()
	line.SetGlobalOptions(append(common(id),
		charts.WithYAxisOpts(opts.YAxis{Name: "tCO2e", Type: "value"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: "year"}))...)
	var years []string
	var actual, allowed, proj []opts.LineData
	for _, y := range tr.Years {
		years = append(years, fmt.Sprint(y.Year))
		actual = append(actual, opts.LineData{Value: r1(y.ActualT)})
		allowed = append(allowed, opts.LineData{Value: r1(y.AllowedT)})
		proj = append(proj, opts.LineData{Value: "-"})
	}
	if n := len(tr.Years); n > 0 {
		proj[n-1] = opts.LineData{Value: r1(tr.Years[n-1].ActualT)}
		years = append(years, fmt.Sprint(tr.NextYear))
		actual = append(actual, opts.LineData{Value: "-"})
		allowed = append(allowed, opts.LineData{Value: r1(tr.NextYearRequiredT)})
		proj = append(proj, opts.LineData{Value: r1(tr.ProjectedNextT)})
	}
	line.SetXAxis(years).
		AddSeries("actual", actual, charts.WithLineStyleOpts(opts.LineStyle{Width: 3})).
		AddSeries("allowed ("+method+")", allowed, charts.WithLineStyleOpts(opts.LineStyle{Width: 2})).
		AddSeries("projection (trend)", proj, charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 2}))
	return Chart{ID: id, Title: "Emissions against the trajectory", Caption: "tCO2e, market-based: actual emissions, the allowed line (" + method + ") and next year's projection from the last three years' trend (dashed).", c: line}
}

// ScopesChart stacks emissions by scope and category per year, a series
// per scope of the table (ghg.Scopes); Scope 2 location-based and
// market-based are both in the legend, market shown.
func ScopesChart(id string, byYear []*ghg.Inventory) Chart {
	scopes := ghg.Scopes()
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(id),
		charts.WithLegendOpts(func() opts.Legend {
			l := legend()
			l.Selected = map[string]bool{}
			for _, s := range scopes {
				if s.Location != s.Market { // Scope 2: one method shown
					l.Selected[s.Chart] = s.Market
				}
			}
			return l
		}()),
		charts.WithYAxisOpts(opts.YAxis{Name: "tCO2e", Type: "value"}))...)
	var years []string
	series := make([][]opts.BarData, len(scopes))
	for _, inv := range byYear {
		years = append(years, fmt.Sprint(inv.Year))
		for i, s := range scopes {
			series[i] = append(series[i], opts.BarData{Value: r1(s.Of(inv))})
		}
	}
	bar.SetXAxis(years)
	for i, s := range scopes {
		bar.AddSeries(s.Chart, series[i], charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
	}
	return Chart{ID: id, Title: "Emissions by scope and category", Caption: "Click a legend entry to switch Scope 2 between market-based (shown) and location-based.", c: bar}
}

// GapChart ranks sites by their gap to their own trajectory.
func GapChart(id string, sites []SiteSummary) Chart {
	var ss []SiteSummary
	for _, s := range sites {
		if s.GapPct != nil {
			ss = append(ss, s)
		}
	}
	sort.Slice(ss, func(i, j int) bool {
		if *ss[i].GapPct != *ss[j].GapPct {
			return *ss[i].GapPct < *ss[j].GapPct
		}
		return ss[i].ID < ss[j].ID
	})
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(id),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", max(240, 28*len(ss)+80))}),
		charts.WithXAxisOpts(opts.XAxis{Name: "%", Type: "value"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0"}}))...)
	var names []string
	var data []opts.BarData
	for _, s := range ss {
		c := onTrack
		if *s.GapPct > 0 {
			c = offTrack
		}
		names = append(names, s.Name)
		data = append(data, opts.BarData{Name: s.Name, Value: r1(*s.GapPct), ItemStyle: &opts.ItemStyle{Color: c}})
	}
	bar.SetXAxis(names).AddSeries("gap to trajectory (%)", data).XYReversal()
	return Chart{ID: id, Title: "Sites ranked by gap to their trajectory", Caption: "Gap in % of the allowed emissions. Above 0 (vermillion): over the allowed emissions; below 0 (blue): on track.", c: bar}
}

// SitesMap places sites on the map of the world's countries (when the
// boundaries are embedded: WorldMap), coloured by profile, sized by
// tCO2e; without them, on latitude/longitude axes.
func SitesMap(id string, sites []SiteSummary, profileIDs []string) Chart {
	return sitesMap(id, sites, profileIDs, WorldMap())
}

func sitesMap(id string, sites []SiteSummary, profileIDs []string, world bool) Chart {
	maxT := 1.0
	for _, s := range sites {
		maxT = math.Max(maxT, s.TotalT)
	}
	tooltip := charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: jsFunc("function (p) { var e = echarts.format.encodeHTML; return e(p.name) + '<br/>' + e(p.seriesName) + '<br/>' + e(p.value[2].toLocaleString()) + ' tCO2e'; }")})
	if world {
		g := charts.NewGeo()
		g.SetGlobalOptions(append(common(id), tooltip,
			charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "420px"}),
			charts.WithGeoComponentOpts(opts.GeoComponent{Map: "world", ItemStyle: &opts.ItemStyle{Color: "#e8ebe6", BorderColor: "#9aa39a"}}))...)
		for _, p := range profileIDs {
			var data []opts.GeoData
			for _, s := range sites {
				if s.Profile == p {
					data = append(data, opts.GeoData{Name: s.Name, Value: []float64{r1(s.Longitude), r1(s.Latitude), r1(s.TotalT)}})
				}
			}
			g.AddSeries(p, "scatter", data,
				charts.WithItemStyleOpts(opts.ItemStyle{Color: profColor[p], Opacity: opts.Float(0.85)}),
				func(s *charts.SingleSeries) {
					s.SymbolSize = jsFunc(fmt.Sprintf("function (v) { return 8 + 32 * Math.sqrt(v[2] / %g); }", r1(maxT)))
				})
		}
		return Chart{ID: id, Title: "Sites by profile", Caption: "On the map of the world's countries (Natural Earth 1:110m); colour by profile; size by tCO2e. Click a site for its page.", c: g}
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(append(common(id), tooltip,
		charts.WithXAxisOpts(opts.XAxis{Name: "longitude", Type: "value", Min: -180, Max: 180}),
		charts.WithYAxisOpts(opts.YAxis{Name: "latitude", Type: "value", Min: -60, Max: 75}))...)
	for _, p := range profileIDs {
		var data []opts.ScatterData
		for _, s := range sites {
			if s.Profile == p {
				data = append(data, opts.ScatterData{Name: s.Name, Value: []any{r1(s.Longitude), r1(s.Latitude), r1(s.TotalT)},
					SymbolSize: 8 + int(32*math.Sqrt(s.TotalT/maxT))})
			}
		}
		sc.AddSeries(p, data, charts.WithItemStyleOpts(opts.ItemStyle{Color: profColor[p], Opacity: opts.Float(0.8)}))
	}
	return Chart{ID: id, Title: "Sites by profile", Caption: "Position by latitude and longitude (the country boundaries are not in this build: scripts/assets.sh); colour by profile; size by tCO2e.", c: sc}
}

// PowerOffChart shows avoided MWh (bars) and tCO2e (line) per month.
func PowerOffChart(id string, months []MonthPoint) Chart {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(id),
		charts.WithYAxisOpts(opts.YAxis{Name: "MWh", Type: "value"}))...)
	bar.ExtendYAxis(opts.YAxis{Name: "tCO2e", Type: "value", Position: "right"})
	var x []string
	var mwh []opts.BarData
	var t []opts.LineData
	for _, m := range months {
		x = append(x, m.Month)
		mwh = append(mwh, opts.BarData{Value: math.Round(m.AvoidedKWh/100) / 10})
		t = append(t, opts.LineData{Value: r1(m.AvoidedT)})
	}
	bar.SetXAxis(x).AddSeries("MWh avoided", mwh)
	line := charts.NewLine()
	line.SetXAxis(x).AddSeries("tCO2e avoided", t, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
	bar.Overlap(line)
	return Chart{ID: id, Title: "PC power-off: energy and emissions avoided per month", Caption: "MWh (bars) and tCO2e (line) avoided: a lever result, reported beside the inventory, never subtracted from it.", c: bar}
}

// ComplianceChart shows each site's power-off compliance.
func ComplianceChart(id string, sites []SiteSummary) Chart {
	var ss []SiteSummary
	for _, s := range sites {
		if s.Compliance != nil {
			ss = append(ss, s)
		}
	}
	// Lowest compliance on top, every site named (horizontal bars).
	sort.Slice(ss, func(i, j int) bool {
		if *ss[i].Compliance != *ss[j].Compliance {
			return *ss[i].Compliance > *ss[j].Compliance
		}
		return ss[i].ID < ss[j].ID
	})
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(id),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", max(240, 28*len(ss)+80))}),
		charts.WithXAxisOpts(opts.XAxis{Name: "%", Type: "value", Min: 0, Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0"}}))...)
	var names []string
	var data []opts.BarData
	for _, s := range ss {
		names = append(names, s.Name)
		data = append(data, opts.BarData{Name: s.Name, Value: r1(*s.Compliance * 100)})
	}
	bar.SetXAxis(names).AddSeries("power-off compliance (%)", data).XYReversal()
	return Chart{ID: id, Title: "Power-off compliance per site", Caption: "Share of device-hours in power-off windows that were actually off; lowest on top.", c: bar}
}

// TeleworkChart sets the remote share against commuting and home-working
// emissions per year.
func TeleworkChart(id string, byYear []*ghg.Inventory) Chart {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(id),
		charts.WithYAxisOpts(opts.YAxis{Name: "tCO2e", Type: "value"}))...)
	bar.ExtendYAxis(opts.YAxis{Name: "%", Type: "value", Position: "right", Min: 0, Max: 100})
	var x []string
	var commute, home []opts.BarData
	var share []opts.LineData
	for _, inv := range byYear {
		x = append(x, fmt.Sprint(inv.Year))
		commute = append(commute, opts.BarData{Value: r1(inv.Scope3CommutingT)})
		home = append(home, opts.BarData{Value: r1(inv.Scope3HomeworkingT)})
		s := 0.0
		if inv.Telework.RemoteShare != nil {
			s = *inv.Telework.RemoteShare * 100
		}
		share = append(share, opts.LineData{Value: r1(s)})
	}
	bar.SetXAxis(x).AddSeries("commuting", commute, charts.WithBarChartOpts(opts.BarChart{Stack: "s37"})).
		AddSeries("home-working", home, charts.WithBarChartOpts(opts.BarChart{Stack: "s37"}))
	line := charts.NewLine()
	line.SetXAxis(x).AddSeries("remote share (%)", share, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
	bar.Overlap(line)
	return Chart{ID: id, Title: "Telework against commuting and home-working", Caption: "Scope 3.7 emissions (bars) and the share of person-days worked from home (line).", c: bar}
}

// LeversChart shows each lever's remaining potential, in order.
func LeversChart(id string, levers []planning.Lever) Chart {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(id),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Name: "tCO2e/yr", Type: "value"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))...)
	var names []string
	var data []opts.BarData
	for _, l := range levers {
		c := onTrack
		if l.PotentialT < 0 {
			c = offTrack
		}
		names = append(names, l.Name)
		data = append(data, opts.BarData{Value: r1(l.PotentialT), ItemStyle: &opts.ItemStyle{Color: c}})
	}
	bar.SetXAxis(names).AddSeries("potential (tCO2e/yr)", data).XYReversal()
	return Chart{ID: id, Title: "What each lever can still deliver", Caption: "Sized from the site's own data; negative (vermillion) would raise emissions.", c: bar}
}

// CompensationChart is the planner's curve: the reduction the trajectory
// needs each year, what the levers cover and what must be compensated.
func CompensationChart(id string, p planning.Plan) Chart {
	line := charts.NewLine()
	line.SetGlobalOptions(append(common(id),
		charts.WithYAxisOpts(opts.YAxis{Name: "tCO2e/yr", Type: "value"}))...)
	var x []string
	var needed, covered, missing []opts.LineData
	for _, y := range p.Years {
		x = append(x, fmt.Sprint(y.Year))
		needed = append(needed, opts.LineData{Value: r1(y.NeededT)})
		covered = append(covered, opts.LineData{Value: r1(y.CoveredT)})
		missing = append(missing, opts.LineData{Value: r1(y.MissingT)})
	}
	line.SetXAxis(x).
		AddSeries("reduction needed", needed, charts.WithLineStyleOpts(opts.LineStyle{Width: 3})).
		AddSeries("covered by known levers", covered, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.25)})).
		AddSeries("to compensate", missing, charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 2}))
	cap := "tCO2e/yr below current emissions. Known levers cover the trajectory through " + fmt.Sprint(p.Horizon) + "."
	if p.CompensationYear != nil {
		cap = fmt.Sprintf("tCO2e/yr below current emissions. Known levers stop covering the trajectory in %d: compensation from then on.", *p.CompensationYear)
	}
	return Chart{ID: id, Title: "Easy at first, then a challenge: the compensation curve", Caption: cap, c: line}
}

// PeersChart ranks the sites of a profile by kgCO2e per seat.
func PeersChart(id string, peers []SiteSummary, highlight string) Chart {
	ps := append([]SiteSummary(nil), peers...)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].KgPerSeat != ps[j].KgPerSeat {
			return ps[i].KgPerSeat < ps[j].KgPerSeat
		}
		return ps[i].ID < ps[j].ID
	})
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(id),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Name: "kg/seat", Type: "value"}))...)
	var names []string
	var data []opts.BarData
	for _, s := range ps {
		c := "#56B4E9"
		if s.ID == highlight {
			c = "#0072B2"
		}
		names = append(names, s.Name)
		data = append(data, opts.BarData{Value: math.Round(s.KgPerSeat), ItemStyle: &opts.ItemStyle{Color: c}})
	}
	bar.SetXAxis(names).AddSeries("kgCO2e per seat", data)
	return Chart{ID: id, Title: "Rank among sites of the same profile", Caption: "Market-based kgCO2e per seat; this site in dark blue.", c: bar}
}

// ProfileDistribution shows kgCO2e per seat of the sites of each profile.
func ProfileDistribution(id string, sites []SiteSummary, profileIDs []string) Chart {
	sc := charts.NewScatter()
	sc.SetGlobalOptions(append(common(id),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: jsFunc("function (p) { return echarts.format.encodeHTML(p.name) + ': ' + Math.round(p.value[1]) + ' kgCO2e/seat'; }")}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: profileIDs}),
		charts.WithYAxisOpts(opts.YAxis{Name: "kg/seat", Type: "value"}))...)
	for _, p := range profileIDs {
		var data []opts.ScatterData
		for _, s := range sites {
			if s.Profile == p {
				data = append(data, opts.ScatterData{Name: s.Name, Value: []any{p, math.Round(s.KgPerSeat)}, SymbolSize: 14})
			}
		}
		sc.AddSeries(p, data, charts.WithItemStyleOpts(opts.ItemStyle{Color: profColor[p]}))
	}
	return Chart{ID: id, Title: "kgCO2e per seat by profile", Caption: "One dot per site.", c: sc}
}

// PUEChart is each own data centre's PUE month by month over the years
// (its trend), when the site has one.
func PUEChart(id string, byYear []*ghg.Inventory) (Chart, bool) {
	var x []string
	byRoom := map[string]map[string]float64{}
	var rooms []string
	for _, inv := range byYear {
		if inv.IT == nil {
			continue
		}
		for _, d := range inv.IT.DataCentres {
			if byRoom[d.ID] == nil {
				byRoom[d.ID] = map[string]float64{}
				rooms = append(rooms, d.ID)
			}
			for _, m := range d.Months {
				if m.PUE != nil {
					byRoom[d.ID][fmt.Sprintf("%d-%02d", inv.Year, m.Month)] = *m.PUE
				}
			}
		}
	}
	if len(rooms) == 0 {
		return Chart{}, false
	}
	seen := map[string]bool{}
	for _, r := range rooms {
		for k := range byRoom[r] {
			if !seen[k] {
				seen[k] = true
				x = append(x, k)
			}
		}
	}
	sort.Strings(x)
	line := charts.NewLine()
	line.SetGlobalOptions(append(common(id),
		charts.WithXAxisOpts(opts.XAxis{Name: "month"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "PUE", Type: "value", Min: 1}))...)
	line.SetXAxis(x)
	for _, r := range rooms {
		var data []opts.LineData
		for _, k := range x {
			if v, ok := byRoom[r][k]; ok {
				data = append(data, opts.LineData{Value: math.Round(v*100) / 100})
			} else {
				data = append(data, opts.LineData{Value: "-"})
			}
		}
		line.AddSeries(r, data)
	}
	return Chart{ID: id, Title: "Data-centre PUE, month by month", Caption: "Facility energy ÷ IT energy from the rooms' own meters: 1.0 would be all power reaching the servers.", c: line}, true
}
