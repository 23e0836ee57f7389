package charts

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// Everything in a chart's option is data — site names, rooms, sources —
// except the functions this package writes (tooltip formatters, the CSV
// button): the pages never use go-echarts' own rendering, which writes the
// option unescaped into the page and turns any string between __f__
// markers into code. Instead the option is JSON with <, >, & and U+2028/9
// escaped, and each of the package's functions is assigned to its place
// after it, by path.

// fnTag marks the functions this package writes: random for each process
// and never written out, so that no text — whatever it contains, __f__
// markers included — can pass for one.
var fnTag = func() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("charts: no random source for the function tag: " + err.Error()) // crypto/rand never fails on the supported systems
	}
	return "greenhelp-fn-" + hex.EncodeToString(b) + ":"
}()

// fnMarker is how go-echarts wraps a function string (opts.FuncOpts).
const fnMarker = "__f__"

// jsFunc is one of the package's own functions for a chart option.
func jsFunc(code string) types.FuncStr { return opts.FuncOpts(fnTag + code) }

// ownFunc returns the code of one of the package's functions, or false
// for any other string (data, shown as text).
func ownFunc(s string) (string, bool) {
	if !strings.HasPrefix(s, fnMarker+fnTag) || !strings.HasSuffix(s, fnMarker) || len(s) < 2*len(fnMarker)+len(fnTag) {
		return "", false
	}
	return s[len(fnMarker)+len(fnTag) : len(s)-len(fnMarker)], true
}

// echart is what the package needs of a go-echarts chart.
type echart interface {
	Validate()
	JSON() map[string]interface{}
}

// base returns the chart's go-echarts configuration (its id and size).
func base(c echart) *charts.BaseConfiguration {
	switch x := c.(type) {
	case *charts.Bar:
		return &x.BaseConfiguration
	case *charts.Line:
		return &x.BaseConfiguration
	case *charts.Scatter:
		return &x.BaseConfiguration
	case *charts.Geo:
		return &x.BaseConfiguration
	}
	return nil
}

// placedFunc is one of the package's functions and where in the option it
// goes.
type placedFunc struct {
	path []any // string keys and int indexes
	code string
}

// option returns the chart's option as a generic JSON value with the
// package's functions taken out (nil in their place) and listed with their
// paths.
func option(c echart) (any, []placedFunc, error) {
	c.Validate()
	raw, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, nil, fmt.Errorf("chart option: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers written as go-echarts wrote them
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, fmt.Errorf("chart option: %w", err)
	}
	var fns []placedFunc
	var walk func(v any, path []any) any
	walk = func(v any, path []any) any {
		switch x := v.(type) {
		case string:
			if code, ok := ownFunc(x); ok {
				fns = append(fns, placedFunc{path: append([]any(nil), path...), code: code})
				return nil
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys) // the functions in a stable order
			for _, k := range keys {
				x[k] = walk(x[k], append(path, k))
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i], append(path, i))
			}
		}
		return v
	}
	v = walk(v, nil)
	return v, fns, nil
}

// scriptJSON is v as JSON for a script element or a JavaScript string:
// encoding/json escapes <, >, & (so no </script> or <!-- can close or
// change the element) and U+2028/U+2029.
func scriptJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// jsPath is the JavaScript member path of a placed function, each key a
// JSON string literal.
func jsPath(path []any) (string, error) {
	var b strings.Builder
	for _, p := range path {
		switch k := p.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(k) + "]")
		case string:
			q, err := scriptJSON(k)
			if err != nil {
				return "", err
			}
			b.WriteString("[" + q + "]")
		}
	}
	return b.String(), nil
}

// optionText is the option as JSON with the package's functions as their
// code, in strings (the golden files and tests read it; it is never run).
func (c Chart) optionText() (string, error) {
	v, fns, err := option(c.c)
	if err != nil {
		return "", err
	}
	for _, f := range fns {
		setPath(v, f.path, f.code)
	}
	return scriptJSON(v)
}

func setPath(v any, path []any, val any) {
	for i, p := range path {
		last := i == len(path)-1
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return
			}
			if last {
				m[k] = val
				return
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return
			}
			if last {
				a[k] = val
				return
			}
			v = a[k]
		}
	}
}

var elementTpl = template.Must(template.New("element").Parse(`<div class="container"><div class="item" id="{{.ID}}" style="width:{{.Width}};height:{{.Height}}"></div></div>`))

// render returns the chart's element and its script (with nonce, when
// given, for the page's Content-Security-Policy).
func (c Chart) render(nonce string) (element, script template.HTML, err error) {
	b := base(c.c)
	if b == nil {
		return "", "", fmt.Errorf("chart %s: not a chart type the pages know", c.ID)
	}
	v, fns, err := option(c.c)
	if err != nil {
		return "", "", fmt.Errorf("chart %s: %w", c.ID, err)
	}
	in := b.Initialization
	width, height, theme, renderer := in.Width, in.Height, in.Theme, in.Renderer
	if renderer == "" {
		renderer = "canvas"
	}
	var eb bytes.Buffer
	if err := elementTpl.Execute(&eb, struct{ ID, Width, Height string }{c.ID, width, height}); err != nil {
		return "", "", err
	}
	js, err := scriptJSON(v)
	if err != nil {
		return "", "", fmt.Errorf("chart %s: %w", c.ID, err)
	}
	id, _ := scriptJSON(c.ID)
	th, _ := scriptJSON(theme)
	rd, _ := scriptJSON(renderer)
	var sb strings.Builder
	sb.WriteString("<script")
	if nonce != "" {
		sb.WriteString(` nonce="` + template.HTMLEscapeString(nonce) + `"`)
	}
	sb.WriteString(">(function () {\n\"use strict\";\n")
	sb.WriteString("var chart = echarts.init(document.getElementById(" + id + "), " + th + ", {renderer: " + rd + "});\n")
	sb.WriteString("var option = " + js + ";\n")
	for _, f := range fns {
		p, err := jsPath(f.path)
		if err != nil {
			return "", "", fmt.Errorf("chart %s: %w", c.ID, err)
		}
		if strings.Contains(f.code, "</") || strings.Contains(f.code, "<!--") {
			return "", "", fmt.Errorf("chart %s: a function at %s would close its script element", c.ID, p)
		}
		sb.WriteString("option" + p + " = " + f.code + ";\n")
	}
	sb.WriteString("chart.setOption(option);\n})();</script>")
	return template.HTML(eb.String()), template.HTML(sb.String()), nil
}
