package collector

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

func TestTravelCollectorSaysWhatItNeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cols map[string]string
		want []string
	}{
		{"a flight without its airports nor a distance", map[string]string{"date": "d", "mode": "m", "from": "o"}, []string{"columns.distance_km"}},
		{"a booking date stands for a date", map[string]string{"booking_date": "b", "mode": "m", "distance_mi": "mi"}, nil},
		{"no date at all", map[string]string{"mode": "m", "from": "o", "to": "d"}, []string{"columns.date"}},
		{"a distance in two units", map[string]string{"date": "d", "mode": "m", "distance_km": "km", "distance_mi": "mi"}, []string{"columns.distance_mi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			add := func(field, value, format string, _ ...any) { got = append(got, field) }
			(&travelCollector{}).Check(testEnv("csv", "travel", tt.cols), add)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestGreatCircleMNLToSINByHand computes Manila–Singapore from the table's
// coordinates: MNL 14.5086° N 121.0200° E, SIN 1.3502° N 103.9940° E.
//
//	Δφ = −13.1584°, Δλ = −17.0260°
//	sin²(Δφ/2) = sin²(−6.5792°) = 0.0131278
//	cos φ1 × cos φ2 × sin²(Δλ/2) = 0.968110 × 0.999722 × sin²(−8.5130°)
//	                             = 0.968110 × 0.999722 × 0.0219140 = 0.0212093
//	h = 0.0131278 + 0.0212093 = 0.0343371
//	d = 2 × 6371 × asin(√h) = 2 × 6371 × asin(0.185303) = 2 × 6371 × 0.186380 = 2,374.85 km
//	× 1.08 (DESNZ uplift) = 2,564.84 km counted
func TestGreatCircleMNLToSINByHand(t *testing.T) {
	t.Parallel()
	mnl, ok := LookupAirport("mnl")
	require.True(t, ok)
	sin, ok := LookupAirport(" SIN ")
	require.True(t, ok)
	assert.Equal(t, "PH", mnl.Country)
	assert.Equal(t, "Singapore Changi Airport", sin.Name)
	assert.InDelta(t, 2374.85, GreatCircleKm(mnl, sin), 0.01)
	assert.InDelta(t, 2564.84, GreatCircleKm(mnl, sin)*FlightUplift, 0.01)
	assert.InDelta(t, GreatCircleKm(sin, mnl), GreatCircleKm(mnl, sin), 1e-9)
}

// travelRows collects rows (field → value) through the travel collector
// mapping cols, the source's layout DD-MMM-YYYY.
func travelRows(t *testing.T, cols map[string]string, rows ...map[string]string) ([]footprint.Activity, []source.Rejection, []string) {
	t.Helper()
	env := testEnv("csv", "travel", cols)
	env.Common.DateFormat = "DD-MMM-YYYY"
	env.Common.Defaults()
	env.ID, env.Site = "agency", declaration.Site{ID: "ph-mnl", Country: "PH", Timezone: "Asia/Manila"}
	col := (&travelCollector{}).New(env)
	for i, r := range rows {
		col.Add(source.NewRow("b.csv:"+strconv.Itoa(i+2), r))
	}
	acts, rej, err := col.Result()
	require.NoError(t, err)
	return acts, rej, col.(Warner).Warnings()
}

func TestTravelRowsBecomeFlightsByHaulAndDistance(t *testing.T) {
	t.Parallel()
	cols := map[string]string{"date": "Travel Date", "booking_date": "Booking Date", "mode": "Mode", "from": "Origin",
		"to": "Destination", "distance_mi": "Segment Miles", "cabin": "Class"}
	row := func(travel, mode, from, to, miles, class string) map[string]string {
		return map[string]string{"date": travel, "booking_date": "02-Jan-2025", "mode": mode, "from": from, "to": to, "distance_mi": miles, "cabin": class}
	}
	tests := []struct {
		name  string
		row   map[string]string
		item  string
		km    float64
		attrs map[string]string
	}{
		// Both airports known: their great circle + 8 %, the export's miles
		// unused: 2,374.85 × 1.08 (TestGreatCircleMNLToSINByHand).
		{"airports known: the great circle, not the miles", row("09-Jan-2025", "flight", "MNL", "SIN", "1,484", "Economy"), "flight_short_haul", 2564.84, map[string]string{"class": "economy"}},
		// MNL–CEB, both in PH: domestic, no class.
		{"both airports in one country: domestic", row("09-Jan-2025", "flight", "MNL", "CEB", "351", "Business"), "flight_domestic", 612.17, nil},
		// ENI (El Nido) is a small airport the table lacks: 261 mi ×
		// 1.609344 km/mi × 1.08 = 453.64 km, haul by distance.
		{"an airport the table lacks: the segment's miles + 8 %", row("14-Apr-2025", "flight", "MNL", "ENI", "261", "Economy"), "flight_short_haul", 453.64, map[string]string{"class": "economy"}},
		// First on a short haul is counted as business (DESNZ short haul
		// has economy and business only).
		{"first class on a short haul", row("24-Mar-2025", "flight", "MNL", "NRT", "1,880", "First"), "flight_short_haul", 3294.85, map[string]string{"class": "business"}},
		// No travel date: the booking date, said on the record.
		{"no travel date: the booking date", row("", "flight", "BKK", "KUL", "758", "Economy"), "flight_short_haul", 1318.21, map[string]string{"class": "economy", "dated": "booking"}},
		// A train of 100 miles: 100 × 1.609344 = 160.93 km, no uplift.
		{"a train in miles", row("09-Jan-2025", "train", "", "", "100", ""), "rail", 160.93, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			acts, rej, _ := travelRows(t, cols, tt.row)
			require.Empty(t, rej)
			require.Len(t, acts, 1)
			assert.Equal(t, tt.item, acts[0].Item)
			assert.InDelta(t, tt.km, acts[0].Quantity, 0.01)
			assert.Equal(t, tt.attrs, acts[0].Attrs)
		})
	}
}

func TestUnknownAirportsAreNamed(t *testing.T) {
	t.Parallel()
	cols := map[string]string{"date": "d", "mode": "m", "from": "o", "to": "t", "distance_mi": "mi"}
	fl := func(from, to, mi string) map[string]string {
		return map[string]string{"date": "09-Jan-2025", "mode": "flight", "from": from, "to": to, "distance_mi": mi}
	}
	acts, rej, warns := travelRows(t, cols, fl("MNL", "QQQ", ""), fl("ZZZ", "QQQ", ""), fl("MNL", "ENI", "261"), fl("MNL", "SIN", ""))
	// MNL–ENI from its miles and MNL–SIN from the airports, one short-haul
	// record of the day: 453.64 + 2,564.84 = 3,018.48 km.
	require.Len(t, acts, 1)
	assert.InDelta(t, 3018.48, acts[0].Quantity, 0.01)
	require.Len(t, rej, 2)
	assert.Equal(t, "b.csv:2", rej[0].Where)
	assert.Contains(t, rej[0].Reason, "MNL–QQQ: no airport QQQ in the embedded table")
	assert.Contains(t, rej[1].Reason, "ZZZ–QQQ: no airport ZZZ or QQQ")
	assert.Equal(t, []string{"airport codes not in the embedded table, in 4 rows: ENI (1 row), QQQ (2 rows), ZZZ (1 row); correct the code, or give those segments' distance (columns.distance_km or distance_mi)"}, warns)
}

func TestBookingDatesOnlyAreSaid(t *testing.T) {
	t.Parallel()
	cols := map[string]string{"booking_date": "b", "mode": "m", "from": "o", "to": "t"}
	acts, rej, warns := travelRows(t, cols,
		map[string]string{"booking_date": "02-Jan-2025", "mode": "flight", "from": "MNL", "to": "CEB"},
		map[string]string{"booking_date": "02-Jan-2025", "mode": "flight", "from": "CEB", "to": "MNL"})
	require.Empty(t, rej)
	require.Len(t, acts, 1, "two domestic segments booked the same day sum to one record")
	assert.Equal(t, map[string]string{"dated": "booking"}, acts[0].Attrs)
	assert.InDelta(t, 2*612.17, acts[0].Quantity, 0.01)
	require.Len(t, warns, 1)
	assert.Contains(t, warns[0], "dates are booking dates (columns.booking_date, no columns.date): 2 rows counted on the day booked")
}

// TestTheAirportTableReadsWhole: every row of the embedded table is an
// airport with a three-letter code, a country and coordinates on Earth.
func TestTheAirportTableReadsWhole(t *testing.T) {
	t.Parallel()
	rows, err := csv.NewReader(bytes.NewReader(airportsCSV)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"iata", "name", "country", "lat", "lon"}, rows[0])
	assert.Len(t, airports(), len(rows)-1, "every row read, no code twice")
	assert.Greater(t, len(rows)-1, 3000)
	for _, a := range airports() {
		assert.Len(t, a.IATA, 3)
		assert.Len(t, a.Country, 2, a.IATA)
		assert.False(t, math.Abs(a.Lat) > 90 || math.Abs(a.Lon) > 180, "%s: %g, %g", a.IATA, a.Lat, a.Lon)
	}
	for _, code := range []string{"DOH", "HKG", "SFO", "BKK", "NRT", "ICN", "SYD", "LAX", "KUL"} { // the trial's unknown codes
		_, ok := LookupAirport(code)
		assert.True(t, ok, code)
	}
}
