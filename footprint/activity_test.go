package footprint

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func TestActivityValidationNamesFieldValueAndFix(t *testing.T) {
	t.Parallel()
	good := act(KindElectricity, "grid", "2024-01-01", "2024-02-01", 10, UnitKWh, nil)
	tests := []struct {
		name   string
		mutate func(*Activity)
		want   []string
	}{
		{"a good record has no problem", func(*Activity) {}, nil},
		{"an unknown kind suggests the nearest", func(a *Activity) { a.Kind = "electricty" }, []string{"r.kind: electricty: unknown kind", `did you mean "electricity"`}},
		{"an unknown item lists the kind's items", func(a *Activity) { a.Item = "grdi" }, []string{"r.item: grdi", `"grid", "onsite_solar"`, `did you mean "grid"`}},
		{"a unit that does not fit the kind", func(a *Activity) { a.Unit = UnitLitre }, []string{"r.unit: L", "electricity/grid is measured in kWh"}},
		{"a negative quantity", func(a *Activity) { a.Quantity = -4 }, []string{"r.quantity: -4", "must be ≥ 0"}},
		{"a NaN quantity", func(a *Activity) { a.Quantity = math.NaN() }, []string{"r.quantity: NaN", "finite"}},
		{"an infinite quantity", func(a *Activity) { a.Quantity = math.Inf(1) }, []string{"r.quantity: +Inf", "finite"}},
		{"end equal to start", func(a *Activity) { a.End = a.Start }, []string{"r.end: 2024-01-01", "must be after start"}},
		{"a period over a year", func(a *Activity) { a.End = d("2025-01-02") }, []string{"r.end: 2025-01-02", "at most one year"}},
		{"a missing source", func(a *Activity) { a.Source = " " }, []string{"r.source", "name the meter"}},
		{"a bad quality", func(a *Activity) { a.Quality = "guessed" }, []string{"r.quality: guessed", `"measured", "estimated", "default"`}},
		{"an attribute the kind does not take", func(a *Activity) { a.Attrs = map[string]string{"state": "on"} }, []string{"r.attrs.state: on", "takes no attributes"}},
		{"a workstation state out of the list", func(a *Activity) {
			*a = act(KindWorkstation, "desktop", "2024-01-01", "2024-01-02", 1, UnitDeviceH, map[string]string{"state": "asleep"})
		}, []string{"r.attrs.state: asleep", `"on", "off", "sleep", "missed"`}},
		{"a class on a domestic flight", func(a *Activity) {
			*a = act(KindTravel, "flight_domestic", "2024-01-01", "2024-01-02", 1, UnitPKm, map[string]string{"class": "business"})
		}, []string{"r.attrs.class: business", "only short- and long-haul flights"}},
		{"first class on a short haul", func(a *Activity) {
			*a = act(KindTravel, "flight_short_haul", "2024-01-01", "2024-01-02", 1, UnitPKm, map[string]string{"class": "first"})
		}, []string{"r.attrs.class: first", `flight_short_haul takes one of "economy", "business"`}},
		{"a hotel in an unknown country", func(a *Activity) {
			*a = act(KindTravel, "hotel", "2024-01-01", "2024-01-02", 1, UnitRoomNight, map[string]string{"country": "XX"})
		}, []string{"r.attrs.country: XX", "alpha-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good
			tt.mutate(&a)
			errs := a.Validate("r")
			if tt.want == nil {
				assert.Empty(t, errs)
				return
			}
			require.NotEmpty(t, errs)
			msg := (&ValidationError{Errors: errs}).Error()
			for _, w := range tt.want {
				assert.Contains(t, msg, w)
			}
		})
	}
}

func TestReadActivitiesCSVReportsEveryBadLine(t *testing.T) {
	t.Parallel()
	head := "kind,item,start,end,quantity,unit,source,quality,attrs\n"
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"a missing column", "kind,item,start,end,unit,source,quality\n", []string{"in.csv:1: header: missing column(s) quantity"}},
		{"an empty file", "", []string{"in.csv: empty file"}},
		{"a date that does not parse", head + "fuel,diesel,2024-13-01,2024-02-01,1,L,x,measured,\n", []string{"in.csv:2: start: 2024-13-01: not a date: want YYYY-MM-DD"}},
		{"a decimal comma", head + "fuel,diesel,2024-01-01,2024-02-01,\"1,5\",L,x,measured,\n", []string{"in.csv:2: quantity: 1,5", "decimal comma"}},
		{"bad attrs", head + "workstation,desktop,2024-01-01,2024-01-02,1,device_h,x,measured,state\n", []string{"in.csv:2: attrs: state", "key=value"}},
		{"two bad lines are both reported", head + "fuel,diesel,2024-01-01,2024-02-01,-1,L,x,measured,\nfuel,petrol,2024-01-01,2024-02-01,1,kWh,x,measured,\n",
			[]string{"2 problem(s)", "in.csv:2: quantity: -1", "in.csv:3: unit: kWh: fuel/petrol is measured in L"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := ReadActivitiesCSV(strings.NewReader(tt.csv), "in.csv")
			require.Error(t, err)
			assert.Nil(t, acts, "nothing is returned from a file with a bad record")
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestReadActivitiesCSVAcceptsColumnsInAnyOrder(t *testing.T) {
	t.Parallel()
	in := "quantity,unit,kind,item,start,end,source,quality,employee_name\n12.5,kWh,electricity,grid,2024-01-01,2024-01-02,m1,measured,ignored\n"
	acts, err := ReadActivitiesCSV(strings.NewReader(in), "in.csv")
	require.NoError(t, err)
	require.Len(t, acts, 1)
	assert.Equal(t, 12.5, acts[0].Quantity)
	assert.Equal(t, 1, acts[0].Days())
}

func TestAKeyIgnoresQuantityAndQualityButNotAttrs(t *testing.T) {
	t.Parallel()
	a := act(KindWorkstation, "desktop", "2024-01-01", "2024-01-02", 5, UnitDeviceH, map[string]string{"state": "off", "location": "home"})
	b := a
	b.Quantity, b.Quality = 7, QualityEstimated
	b.Attrs = map[string]string{"location": "home", "state": "off"}
	assert.Equal(t, a.Key("s"), b.Key("s"))
	assert.Equal(t, "location=home;state=off", a.Key("s").Attrs)
	c := a
	c.Attrs = map[string]string{"state": "missed", "location": "home"}
	assert.NotEqual(t, a.Key("s"), c.Key("s"))
}

func TestDedupeKeepsTheLastRecordOfAKey(t *testing.T) {
	t.Parallel()
	a := act(KindFuel, "diesel", "2024-01-01", "2024-02-01", 100, UnitLitre, nil)
	corrected := a
	corrected.Quantity = 120
	other := act(KindFuel, "diesel", "2024-02-01", "2024-03-01", 50, UnitLitre, nil)
	out, replaced := Dedupe([]Activity{a, other, corrected})
	assert.Equal(t, 1, replaced)
	require.Len(t, out, 2)
	assert.Equal(t, 120.0, out[0].Quantity)
}

func TestAttrsRoundTrip(t *testing.T) {
	t.Parallel()
	m, err := ParseAttrs(" state=off ; location=home ")
	require.NoError(t, err)
	assert.Equal(t, "location=home;state=off", FormatAttrs(m))
	_, err = ParseAttrs("state=off;state=on")
	assert.ErrorContains(t, err, "given twice")
}

func TestFullYearsNeedEveryMonthCovered(t *testing.T) {
	t.Parallel()
	acts := []Activity{
		act(KindElectricity, "grid", "2023-12-15", "2024-01-15", 1, UnitKWh, nil),
		act(KindElectricity, "grid", "2024-01-15", "2024-12-15", 1, UnitKWh, nil),
		act(KindElectricity, "grid", "2024-12-15", "2025-01-15", 1, UnitKWh, nil),
		act(KindFuel, "diesel", "2026-01-01", "2027-01-01", 1, UnitLitre, nil),
	}
	assert.Equal(t, []int{2024, 2026}, FullYears(acts))
	assert.Empty(t, FullYears(acts[:1]))
}

// Issue 13, item 3: an unterminated quote panicked `greenhelp calc`
// (FieldPos before the error check).
func TestAnUnterminatedQuoteIsReportedWithItsLine(t *testing.T) {
	t.Parallel()
	in := "kind,item,start,end,quantity,unit,source,quality\n" +
		"fuel,diesel,2024-01-01,2024-02-01,10,L,genset,measured\n" +
		"fuel,diesel,2024-02-01,2024-03-01,\"10,L,genset,measured\n"
	_, err := ReadActivitiesCSV(strings.NewReader(in), "activities.csv")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "activities.csv:3")
	assert.Contains(t, err.Error(), "quote")
}

// FuzzReadActivitiesCSV: no input panics the reader, and every record it
// returns keeps the activity contract.
func FuzzReadActivitiesCSV(f *testing.F) {
	f.Add("kind,item,start,end,quantity,unit,source,quality,attrs\nelectricity,grid,2024-01-01,2024-02-01,99960,kWh,eskom-main,measured,\n")
	f.Add("kind,item,start,end,quantity,unit,source,quality,attrs\nworkstation,desktop,2024-03-04,2024-03-05,2200,device_h,pm-tool,measured,state=off;location=site\n")
	f.Add("kind,item,start,end,quantity,unit,source,quality\nfuel,diesel,2024-02-01,2024-03-01,\"10,L,genset,measured\n")
	f.Fuzz(func(t *testing.T, in string) {
		acts, err := ReadActivitiesCSV(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		for _, a := range acts {
			if errs := a.Validate("fuzz"); len(errs) > 0 {
				t.Fatalf("a returned record breaks the contract: %v", errs)
			}
		}
	})
}

func TestFormatAttrsIsCanonicalWhateverTheMapOrder(t *testing.T) {
	t.Parallel()
	for want, attrs := range map[string]map[string]string{
		"":                       nil,
		"state=on":               {"state": "on"},
		"location=home;state=on": {"state": "on", "location": "home"},
		"=;a=b":                  {"": "", "a": "b"},
		"a=1;b=2;c=3":            {"c": "3", "a": "1", "b": "2"},
	} {
		for range 20 { // map iteration order varies
			assert.Equal(t, want, FormatAttrs(attrs))
		}
	}
}

func TestLaterIsTheLaterOfTwoDates(t *testing.T) {
	jan, feb := NewDate(2024, time.January, 31), NewDate(2024, time.February, 1)
	assert.Equal(t, feb, jan.Later(feb))
	assert.Equal(t, feb, feb.Later(jan))
	assert.Equal(t, jan, jan.Later(Date{}), "a zero date is earlier than any")
}
