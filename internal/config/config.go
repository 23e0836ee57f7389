// Package config decodes greenhelp's YAML files strictly: viper reads them,
// unknown keys are errors with a suggestion, type errors name their path,
// and every problem in a file is reported at once.
package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Read loads a YAML file into a new viper instance.
func Read(path string) (*viper.Viper, error) {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// Decode decodes the subtree at key (the whole file when key is "") into
// out, a pointer to a struct with mapstructure tags. Unknown keys and
// values of the wrong type are returned together as a
// *footprint.ValidationError naming source.
func Decode(v *viper.Viper, key string, out any, source string) error {
	var raw any
	if key == "" {
		raw = v.AllSettings()
	} else {
		raw = v.Get(key)
	}
	if raw == nil {
		return &footprint.ValidationError{Source: source, Errors: []footprint.FieldError{{Path: key, Message: "missing section"}}}
	}
	errs := Unknown(raw, reflect.TypeOf(out).Elem(), key)
	// Decode section by section: a hook error (a bad size, say) stops
	// mapstructure, and every problem should be reported at once.
	rv := reflect.ValueOf(out).Elem()
	m, isMap := raw.(map[string]any)
	if rv.Kind() != reflect.Struct || !isMap {
		errs = append(errs, decodeInto(raw, out, key)...)
	} else {
		for i := 0; i < rv.NumField(); i++ {
			name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("mapstructure"), ",")
			if v, ok := m[name]; ok && name != "" && rv.Field(i).CanAddr() {
				errs = append(errs, decodeInto(v, rv.Field(i).Addr().Interface(), join(key, name))...)
			}
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
		return &footprint.ValidationError{Source: source, Errors: errs}
	}
	return nil
}

func decodeInto(raw, out any, path string) []footprint.FieldError {
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:           out,
		TagName:          "mapstructure",
		WeaklyTypedInput: true,
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			dateHook, mapstructure.StringToTimeDurationHookFunc(), mapstructure.TextUnmarshallerHookFunc()),
	})
	if err != nil {
		return []footprint.FieldError{{Path: path, Message: err.Error()}}
	}
	if err := dec.Decode(raw); err != nil {
		return decodeErrors(err, path)
	}
	return nil
}

var dateType = reflect.TypeOf(footprint.Date{})

// dateHook turns YAML timestamps and strings into footprint.Date.
func dateHook(from, to reflect.Type, data any) (any, error) {
	if to != dateType {
		return data, nil
	}
	switch d := data.(type) {
	case time.Time:
		return footprint.NewDate(d.Year(), d.Month(), d.Day()), nil
	case string:
		return footprint.ParseDate(d)
	}
	return data, nil
}

func decodeErrors(err error, prefix string) []footprint.FieldError {
	var out []footprint.FieldError
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var de *mapstructure.DecodeError
		if errors.As(e, &de) {
			msg := de.Unwrap().Error()
			var ute *mapstructure.UnconvertibleTypeError
			var pe *mapstructure.ParseError
			switch {
			case errors.As(de.Unwrap(), &ute):
				msg = fmt.Sprintf("want a value of type %s, got %v", friendlyType(ute.Expected.Type()), ute.Value)
			case errors.As(de.Unwrap(), &pe):
				msg = fmt.Sprintf("want a value of type %s, got %v", friendlyType(pe.Expected.Type()), pe.Value)
			}
			out = append(out, footprint.FieldError{Path: join(prefix, de.Name()), Message: msg})
			return
		}
		out = append(out, footprint.FieldError{Path: prefix, Message: e.Error()})
	}
	walk(err)
	return out
}

func friendlyType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "whole number"
	case reflect.Float64, reflect.Float32:
		return "number"
	case reflect.Bool:
		return "true/false"
	case reflect.Slice:
		return "list"
	case reflect.Struct, reflect.Map:
		return "mapping"
	}
	return t.String()
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	if name == "" {
		return prefix
	}
	return prefix + "." + name
}

// Unknown returns a FieldError for every key of raw (decoded YAML) that t,
// a struct type with mapstructure tags, does not have — recursing into
// nested structs, pointers and lists — with the closest known key as a
// suggestion.
func Unknown(raw any, t reflect.Type, path string) []footprint.FieldError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []footprint.FieldError
	switch t.Kind() {
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			return nil // a type error, reported by the decoder
		}
		fields := map[string]reflect.Type{}
		var names []string
		collectFields(t, fields, &names)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fields[strings.ToLower(k)]
			if !ok {
				msg := "unknown key"
				if s := footprint.Closest(k, names); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else {
					msg += ": known keys are " + strings.Join(names, ", ")
				}
				out = append(out, footprint.FieldError{Path: join(path, k), Message: msg})
				continue
			}
			out = append(out, Unknown(m[k], ft, join(path, k))...)
		}
	case reflect.Slice:
		list, ok := raw.([]any)
		if !ok {
			return nil
		}
		for i, el := range list {
			out = append(out, Unknown(el, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

func collectFields(t reflect.Type, fields map[string]reflect.Type, names *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "squash") && f.Type.Kind() == reflect.Struct {
			collectFields(f.Type, fields, names)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
		*names = append(*names, name)
	}
	sort.Strings(*names)
}

// LoadSite reads the site declaration under the top-level "site:" key of a
// site.yaml (the file the agent also reads: other top-level keys are the
// agent's and are ignored here) and validates it.
func LoadSite(path string) (declaration.Site, error) {
	v, err := Read(path)
	if err != nil {
		return declaration.Site{}, err
	}
	var s declaration.Site
	if !v.IsSet("site") {
		return s, &footprint.ValidationError{Source: path, Errors: []footprint.FieldError{{Path: "site", Message: "missing: the declaration lives under a top-level \"site:\" key"}}}
	}
	if err := Decode(v, "site", &s, path); err != nil {
		return s, err
	}
	if err := s.Validate(path); err != nil {
		return s, err
	}
	return s, nil
}
