package agent

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/spf13/viper"

	"github.com/greenhelp/greenhelp/agent/collector"
	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/internal/config"
)

// SourceConfig is one block of `sources:` in site.yaml: the keys every
// block has, and the options of its source type and of its collector,
// each decoded strictly from the same block (Telegraf's manner: a
// plugin's keys are its own struct). Where to add a source type or a
// collector: docs/ARCHITECTURE.md.
type SourceConfig struct {
	ID        string `mapstructure:"id"`
	Type      string `mapstructure:"type"`
	Collector string `mapstructure:"collector"`
	// Common are the keys every collector reads: columns, decimal,
	// date_format, time_format, quality.
	collector.Common `mapstructure:",squash"`

	// Source is the type's own keys (nil: no such type).
	Source source.Options `mapstructure:"-"`
	// Options is the collector's own keys (nil: no such collector).
	Options collector.Options `mapstructure:"-"`
}

// decodeSource decodes the block raw at sources[i] strictly: a key
// neither the block, its source type nor its collector reads is refused,
// naming who reads it when another type or collector does.
func decodeSource(raw any, i int, file string) (SourceConfig, []footprint.FieldError) {
	var s SourceConfig
	m, _ := raw.(map[string]any)
	name := func(k string) string { v, _ := m[k].(string); return v }
	src, _ := source.New(name("type"))
	col, _ := collector.New(name("collector"))
	parts := []any{&s}
	if src != nil {
		parts = append(parts, src)
	}
	if col != nil {
		parts = append(parts, col)
	}
	// One struct of the parts side by side, under the block's path, so
	// that internal/config names every problem as it does for the file.
	path := fmt.Sprintf("sources[%d]", i)
	fields := make([]reflect.StructField, len(parts))
	for j, p := range parts {
		fields[j] = reflect.StructField{Name: fmt.Sprintf("P%d", j), Type: reflect.TypeOf(p).Elem(), Tag: `mapstructure:",squash"`}
	}
	outer := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "B", Type: reflect.StructOf(fields),
		Tag: reflect.StructTag(fmt.Sprintf("mapstructure:%q", path))}}))
	v := viper.New()
	v.Set(path, raw)
	err := config.Decode(v, "", outer.Interface(), file)
	for j, p := range parts {
		reflect.ValueOf(p).Elem().Set(outer.Elem().Field(0).Field(j))
	}
	s.Source, s.Options = src, col
	if err == nil {
		return s, nil
	}
	ve, ok := err.(*footprint.ValidationError)
	if !ok {
		return s, []footprint.FieldError{{Path: path, Message: err.Error()}}
	}
	var errs []footprint.FieldError
	for _, e := range ve.Errors {
		key, top := strings.CutPrefix(e.Path, path+".")
		if top && !strings.ContainsAny(key, ".[") && strings.HasPrefix(e.Message, "unknown key") {
			if e, keep := s.readElsewhere(i, key, e); keep {
				errs = append(errs, e)
			}
			continue
		}
		errs = append(errs, e)
	}
	return s, errs
}

// readElsewhere rewrites the error of a key this block's type and
// collector do not read when another type or collector does: it names
// who reads it (and is dropped when the block's own type or collector is
// unknown: that is the error then).
func (s SourceConfig) readElsewhere(i int, key string, e footprint.FieldError) (footprint.FieldError, bool) {
	var types, collectors []string
	for _, n := range source.Types() {
		if o, _ := source.New(n); hasKey(o, key) {
			types = append(types, n)
		}
	}
	for _, n := range collector.Names() {
		if o, _ := collector.New(n); hasKey(o, key) {
			collectors = append(collectors, n)
		}
	}
	switch {
	case len(collectors) > 0 && s.Options == nil, len(types) > 0 && s.Source == nil:
		return e, false
	case len(collectors) > 0:
		e.Message = fmt.Sprintf("only the %s %s %s (this source's collector is %q)", andList(collectors), plural(collectors, "collector reads", "collectors read"), key, s.Collector)
	case len(types) > 0:
		e.Message = fmt.Sprintf("only the %s %s %s (this source's type is %q)", andList(types), plural(types, "source type reads", "source types read"), key, s.Type)
	default:
		return e, true
	}
	e.Path = s.path(i) + "." + key
	return e, true
}

// andList writes names as "a", "a and b", "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func plural(names []string, one, many string) string {
	if len(names) == 1 {
		return one
	}
	return many
}

// hasKey reports whether the options struct o decodes key.
func hasKey(o any, key string) bool {
	var has func(t reflect.Type) bool
	has = func(t reflect.Type) bool {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
			if strings.Contains(opts, "squash") && has(f.Type) || name == key {
				return true
			}
		}
		return false
	}
	return has(reflect.TypeOf(o))
}

// path names the block in messages: its index and id.
func (s SourceConfig) path(i int) string {
	if s.ID != "" {
		return fmt.Sprintf("sources[%d](%s)", i, footprint.Clip(s.ID))
	}
	return fmt.Sprintf("sources[%d]", i)
}

func (s *SourceConfig) applyDefaults() {
	s.Common.Defaults()
	if s.Source != nil {
		s.Source.Defaults()
	}
	if s.Options != nil {
		s.Options.Defaults(&s.Common)
	}
}

// env is what the source is read in.
func (s SourceConfig) env(base, timezone string) source.Env {
	return source.Env{Base: base, Decimal: s.Decimal, Timezone: timezone}
}

// collectorEnv is what the collector works in.
func (s SourceConfig) collectorEnv(site declaration.Site) collector.Env {
	env := collector.Env{ID: s.ID, Type: s.Type, Collector: s.Collector, Common: s.Common, Site: site}
	if d, ok := s.Source.(source.Giving); ok {
		env.Gives = d.Gives()
	}
	return env
}

func (s SourceConfig) validate(p, base, timezone string) []footprint.FieldError {
	var errs []footprint.FieldError
	add := func(field, value, format string, args ...any) { // a source.AddFunc
		errs = append(errs, footprint.FieldError{Path: p + "." + field, Value: value, Message: fmt.Sprintf(format, args...)})
	}
	if s.ID == "" {
		add("id", "", "missing: a short name for the source (it becomes the records' source)")
	}
	if s.Source != nil {
		s.Source.Check(s.env(base, timezone), add)
	} else {
		add("type", s.Type, "want one of %s%s", strings.Join(SourceTypes(), ", "), hint(s.Type, SourceTypes()))
	}
	if s.Options == nil {
		add("collector", s.Collector, "want one of %s%s", strings.Join(Collectors(), ", "), hint(s.Collector, Collectors()))
	}
	s.Common.Check(add)
	if s.Options != nil {
		s.Options.Check(s.collectorEnv(declaration.Site{}), add)
	}
	return errs
}

func hint(got string, candidates []string) string {
	if s := footprint.Closest(got, candidates); s != "" && got != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// SourceTypes and Collectors are the registered names, sorted.
func SourceTypes() []string { return source.Types() }
func Collectors() []string  { return collector.Names() }

// Sample returns the commented `sources:` block of a source type or a
// collector by name (`greenhelp-agent sample NAME`), Telegraf-style.
func Sample(name string) (string, error) {
	if o, ok := source.New(name); ok {
		return o.Sample(), nil
	}
	if o, ok := collector.New(name); ok {
		return o.Sample(), nil
	}
	all := append(SourceTypes(), Collectors()...)
	return "", fmt.Errorf("%q: no source type or collector of that name: want one of %s%s", name, strings.Join(all, ", "), hint(name, all))
}

// sortErrors orders problems by path, as internal/config does.
func sortErrors(errs []footprint.FieldError) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
}
