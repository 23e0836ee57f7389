package central

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/structure"
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

// TestResultTypesHaveAPlan checks that every type a stored result holds
// is kept as it is (codec.go): a new unexported field or an interface in
// an inventory, a declaration, an assignment or the assumptions fails
// here, not in a view. lossyFields lists what JSON would have lost.
func TestResultTypesHaveAPlan(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[siteBlob](), reflect.TypeFor[yearBlob](), reflect.TypeFor[groupBlob]()} {
		_, err := planOf(typ)
		require.NoError(t, err, typ.String())
		t.Logf("%s: JSON would not carry as they are: %v", typ, lossyFields(typ))
	}
}

type codecCase struct {
	Features profiles.Features
	Nil      []int
	Empty    []int
	NilMap   map[string]float64
	Map      map[string]float64
	NilPtr   *ghg.Inventory
	Zero     *ghg.Inventory
	Day      footprint.Date
	NoDay    footprint.Date
	Bytes    []byte
	Neg      int
}

func TestTheCodecKeepsValuesAsTheyAre(t *testing.T) {
	in := codecCase{
		Features: profiles.Features{GridGPerKWh: 0.1 + 0.2, HDD: math.NaN(), CarShare: math.Inf(-1), Insulation: "C", InventoryGridGPerKWh: 52.1},
		Empty:    []int{}, Map: map[string]float64{"b": 2, "a": math.Copysign(0, -1)}, Zero: &ghg.Inventory{Lines: []ghg.Line{}},
		Day: footprint.NewDate(2024, 2, 29), Bytes: []byte{0, 255}, Neg: -7,
	}
	e := &encoder{strs: map[string]uint64{}}
	body, err := encodeInto(e, &in)
	require.NoError(t, err)
	strs, rest, err := unseal(e.seal(body))
	require.NoError(t, err)
	var out codecCase
	require.NoError(t, decodeFrom(rest, strs, &out))
	// NaN is not equal to itself: its bits.
	assert.Equal(t, math.Float64bits(in.Features.HDD), math.Float64bits(out.Features.HDD))
	assert.True(t, math.IsInf(out.Features.CarShare, -1))
	assert.Equal(t, 0.1+0.2, out.Features.GridGPerKWh, "every bit of a float")
	assert.Equal(t, 52.1, out.Features.InventoryGridGPerKWh, `a json:"-" field too`)
	assert.Equal(t, "C", out.Features.Insulation)
	assert.Nil(t, out.Nil)
	assert.NotNil(t, out.Empty)
	assert.Empty(t, out.Empty)
	assert.Nil(t, out.NilMap)
	assert.Equal(t, in.Map, out.Map)
	assert.True(t, math.Signbit(out.Map["a"]), "minus zero")
	assert.Nil(t, out.NilPtr)
	require.NotNil(t, out.Zero)
	assert.NotNil(t, out.Zero.Lines, "an empty list is not a missing one (JSON writes [] and null)")
	assert.Equal(t, in.Day, out.Day)
	assert.True(t, out.NoDay.IsZero())
	assert.Equal(t, in.Bytes, out.Bytes)
	assert.Equal(t, -7, out.Neg)
	// The same value, the same bytes (maps by key).
	again, err := encodeInto(&encoder{strs: map[string]uint64{}}, &out)
	require.NoError(t, err)
	assert.Equal(t, len(body), len(again))
}

func TestAPlanRefusesWhatItCannotKeep(t *testing.T) {
	type hidden struct{ x int }
	type anything struct{ V any }
	tests := []struct {
		name string
		typ  reflect.Type
		want string
	}{
		{"an unexported field", reflect.TypeFor[hidden](), "unexported"},
		{"an interface", reflect.TypeFor[anything](), "interface"},
		{"a function", reflect.TypeFor[func()](), "func"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planOf(tt.typ)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// FuzzDecodeSite: a stored result's bytes, whatever they are, decode or
// are refused with an error, never a panic.
func FuzzDecodeSite(f *testing.F) {
	sy := newSiteYear(store.Site{ID: "s"})
	sy.full, sy.months, sy.first = []int{2024}, []int{2024 * 12, 2024*12 + 1}, footprint.NewDate(2024, 1, 1)
	sy.byYear[2024] = &siteCalc{decl: declaration.Site{ID: "s", Name: "S", Country: "FR"},
		inv: &ghg.Inventory{Year: 2024, Site: "s", TotalMarketT: 1.5, Lines: []ghg.Line{{Kind: "fuel", Item: "diesel", T: 1.5}}, Notes: []string{"a note"}}}
	sy.monthlyBy[2024] = []MonthPoint{{Month: "2024-01", AvoidedKWh: 3}}
	good, err := sy.encode()
	require.NoError(f, err)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(resultMagic + "\x00\x01\x05hello\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		sy, err := decodeSite(store.Site{ID: "s"}, "k", raw)
		if err != nil {
			return
		}
		for y, r := range sy.raw {
			_, _ = decodeYear(r, sy.strs)
			_ = y
		}
	})
}

func TestACoverageReadBackIsTheRecordsCoverage(t *testing.T) {
	rec := func(from, to footprint.Date) footprint.Activity { return footprint.Activity{Start: from, End: to} }
	tests := []struct {
		name string
		acts []footprint.Activity
	}{
		{"nothing", nil},
		{"a day", []footprint.Activity{rec(footprint.NewDate(2024, 3, 12), footprint.NewDate(2024, 3, 13))}},
		{"a bill across new year and a gap", []footprint.Activity{rec(footprint.NewDate(2023, 12, 15), footprint.NewDate(2024, 2, 15)),
			rec(footprint.NewDate(2024, 6, 1), footprint.NewDate(2024, 7, 1)), rec(footprint.NewDate(2024, 7, 31), footprint.NewDate(2024, 8, 1))}},
		{"months out of order, one twice", []footprint.Activity{rec(footprint.NewDate(2025, 1, 1), footprint.NewDate(2025, 2, 1)),
			rec(footprint.NewDate(2022, 5, 3), footprint.NewDate(2022, 5, 4)), rec(footprint.NewDate(2025, 1, 9), footprint.NewDate(2025, 1, 10))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// reflect.DeepEqual reads the coverage's own (unexported) months.
			assert.True(t, reflect.DeepEqual(structure.CoverageOf(tt.acts), coverageOf(monthsOf(tt.acts))))
		})
	}
}
