package central

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/profiles"
)

// lossyFields are the fields reachable from a stored result that JSON
// does not carry as they are: unexported, `json:"-"`, or of a type with a
// JSON or text form of its own.
func lossyFields(t reflect.Type) []string {
	seen := map[reflect.Type]bool{}
	var out []string
	marshaler := reflect.TypeFor[json.Marshaler]()
	texter := reflect.TypeFor[encoding.TextMarshaler]()
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		if t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler) {
			out = append(out, path+" ("+t.String()+": MarshalJSON)")
			return
		}
		if t.Implements(texter) || reflect.PointerTo(t).Implements(texter) {
			out = append(out, path+" ("+t.String()+": MarshalText)")
			return
		}
		if seen[t] {
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(t.Elem(), path+"[]")
		case reflect.Map:
			walk(t.Key(), path+"{key}")
			walk(t.Elem(), path+"{}")
		case reflect.Interface:
			out = append(out, path+" (interface)")
		case reflect.Struct:
			for i := range t.NumField() {
				f := t.Field(i)
				p := t.String() + "." + f.Name
				if !f.IsExported() {
					out = append(out, p+" (unexported)")
					continue
				}
				if f.Tag.Get("json") == "-" {
					out = append(out, p+` (json:"-")`)
					continue
				}
				walk(f.Type, p)
			}
		}
	}
	walk(t, t.String())
	sort.Strings(out)
	return out
}

// TestResultTypesRoundTrip lists what of a stored result JSON would not
// carry exactly, and checks each is carried another way (results.go): a
// new field of that kind in an inventory, a declaration, an assignment or
// the assumptions fails here until the blob carries it.
func TestResultTypesRoundTrip(t *testing.T) {
	got := append(lossyFields(reflect.TypeFor[siteBlob]()), lossyFields(reflect.TypeFor[yearBlob]())...)
	for _, f := range got {
		switch {
		case strings.HasSuffix(f, "(footprint.Date: MarshalText)"): // its text reads back as the same day, the zero day as ""
		case strings.HasSuffix(f, "(json.RawMessage: MarshalJSON)"): // a stored year, decoded on its own
		case f == "profiles.Assignment.Features (profiles.Features: MarshalJSON)": // yearBlob.Features
		default:
			t.Errorf("%s: a stored result would not carry it as it is: carry it another way (as yearBlob.Features) and list it here", f)
		}
	}
}

func TestFeaturesAreStoredAsTheyAre(t *testing.T) {
	tests := []struct {
		name string
		f    profiles.Features
	}{
		{"unknown features (NaN) and the inventory's grid", profiles.Features{GridGPerKWh: 44.18, HDD: math.NaN(), CDD: 56, CarShare: math.NaN(), InventoryGridGPerKWh: 52.1}},
		{"every feature known", profiles.Features{GridGPerKWh: 0.1 + 0.2, HDD: 2533, CDD: 0, CarShare: 0.35, Insulation: "C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := exactFeatures(tt.f)
			require.NoError(t, err)
			raw, err := json.Marshal(m)
			require.NoError(t, err)
			var back map[string]string
			require.NoError(t, json.Unmarshal(raw, &back))
			got, err := featuresOf(back)
			require.NoError(t, err)
			// NaN is not equal to itself: compare the bits.
			w, g := reflect.ValueOf(tt.f), reflect.ValueOf(got)
			for i := range w.NumField() {
				if w.Field(i).Kind() == reflect.Float64 {
					assert.Equal(t, math.Float64bits(w.Field(i).Float()), math.Float64bits(g.Field(i).Float()), w.Type().Field(i).Name)
				} else {
					assert.Equal(t, w.Field(i).Interface(), g.Field(i).Interface())
				}
			}
		})
	}
}
