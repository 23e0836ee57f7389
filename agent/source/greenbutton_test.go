package source

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A DstRuleType names a day; the rules of North America and of the EU,
// decoded by hand from the bit map (month 28–31, operator 25–27, day of
// month 20–24, weekday 17–19 with Monday = 1, hour 12–16).
func TestDSTRulesNameTheirDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule string
		year int
		want string
	}{
		// 0x360E2000: month 3, operator 3 (the second), weekday 7
		// (Sunday), 2 h: the second Sunday of March 2025 is the 9th.
		{"US start", "360E2000", 2025, "2025-03-09"},
		// 0xB40E2000: month 11, operator 2 (the first), Sunday: 2 November.
		{"US end", "B40E2000", 2025, "2025-11-02"},
		// 0x3E0E1000: month 3, operator 7 (the last), Sunday: 30 March.
		{"EU start", "3E0E1000", 2025, "2025-03-30"},
		// 0xAE0E1000: the last Sunday of October 2025: the 26th.
		{"EU end", "0xAE0E1000", 2025, "2025-10-26"},
		// 0x41500000: month 4, operator 0 (the day of the month), 21.
		{"a fixed day", "41500000", 2025, "2025-04-21"},
		// 0x421A0000: month 4, operator 1 (on or after), the 1st, weekday
		// 5 (Friday): 4 April 2025.
		{"a weekday on or after a day", "421A0000", 2025, "2025-04-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := parseDSTRule(tt.rule)
			require.NoError(t, err)
			d, err := ruleDate(r, tt.year)
			require.NoError(t, err)
			assert.Equal(t, tt.want, d.Format("2006-01-02"))
		})
	}
	_, err := ruleDate(0xE0000000, 2025)
	assert.ErrorContains(t, err, "month 14")
	_, err = parseDSTRule("spring")
	assert.ErrorContains(t, err, `DST rule "spring": want 8 hexadecimal digits`)
}

const feedHead = `<feed xmlns="http://www.w3.org/2005/Atom">`

// rtEntry is a ReadingType entry.
func rtEntry(id, acc, flow, mult string) string {
	return `<entry><link rel="self" href="https://u.example/espi/1_1/resource/ReadingType/` + id + `"/><content><ReadingType xmlns="http://naesb.org/espi">` +
		`<accumulationBehaviour>` + acc + `</accumulationBehaviour><commodity>1</commodity><flowDirection>` + flow + `</flowDirection>` +
		`<powerOfTenMultiplier>` + mult + `</powerOfTenMultiplier><uom>72</uom></ReadingType></content></entry>`
}

// mrEntries are a MeterReading of usage point up linked to reading type
// rt, and one interval block of it with the readings given.
func mrEntries(up, mr, rt, readings string) string {
	base := "https://u.example/espi/1_1/resource/Subscription/9/UsagePoint/" + up + "/MeterReading/" + mr
	return `<entry><link rel="self" href="` + base + `"/><link rel="related" href="https://u.example/espi/1_1/resource/ReadingType/` + rt + `"/>` +
		`<content><MeterReading xmlns="http://naesb.org/espi"/></content></entry>` +
		`<entry><link rel="up" href="` + base + `/IntervalBlock"/><content><IntervalBlock xmlns="http://naesb.org/espi">` + readings + `</IntervalBlock></content></entry>`
}

func reading(start, dur int64, value string) string {
	v := ""
	if value != "" {
		v = "<value>" + value + "</value>"
	}
	return "<IntervalReading><timePeriod><duration>" + itoa(dur) + "</duration><start>" + itoa(start) + "</start></timePeriod>" + v + "</IntervalReading>"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Readings become rows with their bounds, their Wh (the value × 10 to the
// power of ten given) and their kind; a value left out is a gap; the
// blocks are those of the flow read.
func TestGreenButtonReadingsBecomeRows(t *testing.T) {
	t.Parallel()
	const t0 = 1741410000 // 2025-03-08T05:00:00Z
	feed := feedHead + rtEntry("1", "4", "1", "-3") + rtEntry("2", "4", "19", "0") + rtEntry("3", "1", "1", "0") +
		mrEntries("1", "1", "1", reading(t0, 900, "1250")+reading(t0+900, 900, "")) +
		mrEntries("1", "2", "2", reading(t0, 900, "7")) + "</feed>"
	tab, err := ParseGreenButton([]byte(feed), "gb.xml", "consumption", nil)
	require.NoError(t, err)
	require.Len(t, tab.Rows, 2)
	// 1250 × 10⁻³ = 1.25 Wh, written as the collector reads it.
	assert.Equal(t, map[string]string{"reading": "interval", "start": "2025-03-08T05:00:00Z", "end": "2025-03-08T05:15:00Z", "quantity": "1250e-3", "unit": "Wh"}, tab.Rows[0].Fields())
	assert.Equal(t, "", tab.Rows[1].Get("quantity"))
	assert.Equal(t, "gb.xml:1 (IntervalReading 2)", tab.Rows[1].Where())

	tab, err = ParseGreenButton([]byte(feed), "gb.xml", "production", nil)
	require.NoError(t, err)
	require.Len(t, tab.Rows, 1)
	assert.Equal(t, "7e0", tab.Rows[0].Get("quantity"))

	// A register (bulkQuantity) is an index read at the period's end.
	reg := feedHead + rtEntry("3", "1", "1", "0") + mrEntries("1", "3", "3", reading(t0, 86400, "28150685")) + "</feed>"
	tab, err = ParseGreenButton([]byte(reg), "gb.xml", "consumption", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"reading": "index", "time": "2025-03-09T05:00:00Z", "quantity": "28150685e0", "unit": "Wh"}, tab.Rows[0].Fields())
}

// A feed of two meters is read one meter per source.
func TestGreenButtonOfTwoMetersNeedsTheUsagePoint(t *testing.T) {
	t.Parallel()
	const t0 = 1741410000
	feed := feedHead + rtEntry("1", "4", "1", "0") +
		mrEntries("1", "1", "1", reading(t0, 3600, "10")) + mrEntries("2", "1", "1", reading(t0, 3600, "20")) + "</feed>"
	_, err := ParseGreenButton([]byte(feed), "gb.xml", "consumption", nil)
	assert.ErrorContains(t, err, `gb.xml: 2 usage points with consumption energy: UsagePoint/1 (""), UsagePoint/2 (""): one source reads one meter; set usage_point:`)
	fd, err := readFeed(strings.NewReader(feed), "gb.xml")
	require.NoError(t, err)
	var rows []string
	_, err = fd.rows("gb.xml", "consumption", "2", nil, func(r Row) { rows = append(rows, r.Get("quantity")) })
	require.NoError(t, err)
	assert.Equal(t, []string{"20e0"}, rows)
}

func TestGreenButtonThatIsNotAFeed(t *testing.T) {
	t.Parallel()
	tests := []struct{ raw, want string }{
		{`<html><body>Sign in</body></html>`, "x.xml: the root element is <html>: want a Green Button (ESPI) Atom <feed>"},
		{``, "x.xml: empty: want a Green Button (ESPI) Atom feed"},
		{feedHead + `<entry><content><IntervalBlock><IntervalReading><value>ten</value></IntervalReading></IntervalBlock></content></entry></feed>`, "x.xml:1: entry: strconv.ParseInt"},
		{feedHead + `<entry>`, "x.xml:1: entry: XML syntax error on line 1: unexpected EOF"},
	}
	for _, tt := range tests {
		_, err := ParseGreenButton([]byte(tt.raw), "x.xml", "consumption", nil)
		assert.ErrorContains(t, err, tt.want)
	}
}

func TestHrefTail(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "UsagePoint/1/MeterReading/01", hrefTail("https://h.example/DataCustodian/espi/1_1/resource/Subscription/5/UsagePoint/1/MeterReading/01?x=1", 4))
	assert.Equal(t, "ReadingType/07", hrefTail("ReadingType/07/", 2))
}
