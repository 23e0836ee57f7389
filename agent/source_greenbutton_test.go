package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Green Button downloads of a New York site (America/New_York: UTC−5,
// −4 from the second Sunday of March to the first of November), as a
// utility writes them: the daily kWh are the hand sums of each local
// day's intervals, its 23 and 25-hour days included.
func TestGreenButtonDailyKWhAreTheLocalDaysSums(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want map[string]float64
	}{
		// Hourly, uom 72 (Wh), powerOfTenMultiplier 0. 8 March (EST,
		// 05:00Z to 05:00Z): 24 × 1000 Wh = 24 kWh. 9 March, 02:00 EST →
		// 03:00 EDT, 23 h (05:00Z to 04:00Z): 23 × 1500 Wh = 34.5 kWh. 10
		// March (EDT): 24 × 2000 Wh = 48 kWh. The feed's second meter
		// reading, flowDirection 19 (energy sent to the grid, 400 Wh an
		// hour), is not consumption: not read.
		{"greenbutton-dst-spring", map[string]float64{"2025-03-08": 24, "2025-03-09": 34.5, "2025-03-10": 48}},
		// 15-minute, powerOfTenMultiplier −3: a value of 250000 is 250 Wh.
		// 1 November: 96 × 250 Wh = 24 kWh. 2 November, 02:00 EDT →
		// 01:00 EST, 25 h: 100 × 300 Wh = 30 kWh. 3 November: 96 × 200 Wh
		// = 19.2 kWh.
		{"greenbutton-dst-autumn", map[string]float64{"2025-11-01": 24, "2025-11-02": 30, "2025-11-03": 19.2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := collectCase(t, tt.name)
			assert.Equal(t, tt.want, kwhByDay(c.Activities, "meter-main"))
		})
	}
}

// The flow: production source reads the reverse flow of the same feed:
// 400 Wh an hour, 24 × 0.4 = 9.6 kWh, then 23 × 0.4 = 9.2 kWh on 9 March.
func TestGreenButtonProductionReadsTheReverseFlow(t *testing.T) {
	t.Parallel()
	feed, err := os.ReadFile(filepath.Join("testdata", "collect", "greenbutton-dst-spring", "exports", "greenbutton-2025-03.xml"))
	require.NoError(t, err)
	block := sample(t, "greenbutton")
	block = strings.Replace(block, "flow: consumption ", "flow: production  ", 1)
	block = strings.Replace(block, "collector: interval\n", "collector: interval\n    item: onsite_solar\n", 1)
	acts, h := trySampleIn(t, siteIn("America/New_York"), block, map[string]string{"exports/greenbutton-2025-03.xml": string(feed)})
	require.True(t, h.OK(), "%+v", h)
	assert.Equal(t, map[string]float64{"2025-03-08": 9.6, "2025-03-09": 9.2, "2025-03-10": 9.6}, kwhByDay(acts, "meter-main"))
}

// A feed whose local time is not the site's zone is refused whole: its
// days would be cut at the wrong hour.
func TestGreenButtonFeedOfAnotherZoneIsRefused(t *testing.T) {
	t.Parallel()
	feed, err := os.ReadFile(filepath.Join("testdata", "collect", "greenbutton-dst-spring", "exports", "greenbutton-2025-03.xml"))
	require.NoError(t, err)
	acts, h := trySampleIn(t, siteIn("America/Chicago"), sample(t, "greenbutton"), map[string]string{"exports/greenbutton-2025-03.xml": string(feed)})
	assert.Empty(t, acts)
	assert.Contains(t, h.Error, "greenbutton-2025-03.xml:25: LocalTimeParameters: the feed's local time in 2025 is UTC−05:00 and UTC−04:00 (changing on 2025-03-09 and 2025-11-02), but site.timezone America/Chicago is UTC−06:00 and UTC−05:00 (changing on 2025-03-09 and 2025-11-02)")
}

// A feed without energy in Wh for the flow read says what it has.
func TestGreenButtonWithoutTheReadingSaysWhatItHas(t *testing.T) {
	t.Parallel()
	feed := `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><link rel="self" href="ReadingType/1"/><content><ReadingType xmlns="http://naesb.org/espi">
    <accumulationBehaviour>4</accumulationBehaviour><flowDirection>1</flowDirection><uom>169</uom></ReadingType></content></entry>
  <entry><link rel="up" href="UsagePoint/1/MeterReading/1/IntervalBlock"/><content><IntervalBlock xmlns="http://naesb.org/espi">
    <IntervalReading><timePeriod><duration>3600</duration><start>1741410000</start></timePeriod><value>12</value></IntervalReading>
  </IntervalBlock></content></entry>
</feed>`
	_, h := trySample(t, sample(t, "greenbutton"), map[string]string{"exports/greenbutton-gas.xml": feed})
	assert.Contains(t, h.Error, "greenbutton-gas.xml: no interval block of electricity delivered in Wh (uom 72, flowDirection 1, accumulationBehaviour 4 or 1); it has: ReadingType/1 (uom 169, flowDirection 1, accumulationBehaviour 4)")
}

// siteIn is the sample site in a US time zone.
func siteIn(zone string) string {
	return strings.NewReplacer("timezone: Europe/Paris", "timezone: "+zone, "country: FR", "country: US").Replace(sampleSite)
}
