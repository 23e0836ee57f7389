package agent

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// Enedis load curves of a Lyon site (Europe/Paris), as the portal
// exports them (the identification preamble, a byte-order mark, CRLF,
// Horodate at each interval's end with its offset): the daily kWh are
// the hand sums of each local day's intervals.
func TestEnedisLoadCurveDailyKWhAreTheLocalDaysSums(t *testing.T) {
	t.Parallel()
	c := collectCase(t, "enedis-load-curve-dst")
	// 29 March: 48 half-hours at 2000 W, 2000 W × 0.5 h = 1000 Wh each:
	// 48 kWh (the first ends at 00:30+01:00, the last at 00:00+01:00 on
	// the 30th). 30 March, 02:00 → 03:00 (+01:00 → +02:00), 23 h: 46 at
	// 3000 W × 0.5 h = 1500 Wh: 69 kWh (its last ends at 00:00+02:00 on
	// the 31st).
	assert.Equal(t, map[string]float64{"2025-03-29": 48, "2025-03-30": 69}, kwhByDay(c.Activities, "linky-spring"))
	// 25 October: 48 at 1000 W × 0.5 h = 500 Wh: 24 kWh. 26 October, 03:00
	// → 02:00 (+02:00 → +01:00), 25 h: 50 at 1200 W × 0.5 h = 600 Wh: 30
	// kWh (02:00 and 02:30 written with +02:00, then again with +01:00).
	// "Pas en minutes" 30 given.
	assert.Equal(t, map[string]float64{"2025-10-25": 24, "2025-10-26": 30}, kwhByDay(c.Activities, "linky-autumn"))
}

// The daily index export: a day's kWh is the difference of its EAS T
// readings at the day's two midnights, the 23-hour day alike; the
// supplier's calendar and the daily maximum power after it are not read.
func TestEnedisDailyIndexGivesTheDifferences(t *testing.T) {
	t.Parallel()
	c := collectCase(t, "enedis-daily-index")
	// EAS T: 28 150 685 (28 March 00:00+01:00), 28 162 685, 28 174 185,
	// 28 186 685 (31 March 00:00+02:00), 28 199 685 (1 April).
	// 28 March: 28 162 685 − 28 150 685 = 12 000 Wh; 29 March: 11 500 Wh;
	// 30 March (23 h): 28 186 685 − 28 174 185 = 12 500 Wh; 31 March:
	// 13 000 Wh.
	assert.Equal(t, map[string]float64{"2025-03-28": 12, "2025-03-29": 11.5, "2025-03-30": 12.5, "2025-03-31": 13}, kwhByDay(c.Activities, "linky-index"))
	assert.Equal(t, 5, c.Health[0].RowsRead)
}

// enedisCurve writes a load-curve export of the portal from the local
// time from (Europe/Paris), n intervals of 30 minutes, each watts(i)
// (empty: no value).
func enedisCurve(t *testing.T, from string, n int, watts func(i int) string) string {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	start, err := time.ParseInLocation("2006-01-02 15:04", from, loc)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("Identifiant PRM;Type de donnees;Date de debut;Date de fin;Grandeur physique;Grandeur metier;Etape metier;Unite;Pas en minutes\r\n")
	b.WriteString("00000000000000;Courbe de charge;01/02/2025;03/02/2025;Energie active;Consommation;Comptage Brut;W;\r\n\r\nHorodate;Valeur\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s;%s\r\n", start.Add(time.Duration(i)*30*time.Minute).Format(time.RFC3339), watts(i))
	}
	return b.String()
}

// Two monthly downloads that overlap by a day and a curve with a hole:
// the overlapping intervals are counted once and said; the day with an
// empty Valeur is estimated (gaps: estimate) and said.
func TestEnedisOverlappingDownloadsAndAHole(t *testing.T) {
	t.Parallel()
	block := strings.Replace(sample(t, "enedis"), "gaps: reject   ", "gaps: estimate ", 1)
	hole := func(i int) string {
		if i == 60 { // 2 February 05:30–06:00: no value
			return ""
		}
		return "1000"
	}
	acts, h := trySample(t, block, map[string]string{
		// 1 and 2 February, then 2 and 3 February.
		"exports/enedis/Enedis_Conso_Heure_20250201-20250203.csv": enedisCurve(t, "2025-02-01 00:00", 96, hole),
		"exports/enedis/Enedis_Conso_Heure_20250202-20250204.csv": enedisCurve(t, "2025-02-02 00:00", 96, hole2(hole)),
	})
	require.Empty(t, h.Rejections)
	// 1 February: 48 × 1000 W × 0.5 h = 24 kWh. 2 February: the hole in
	// the first file is in the second's (its interval 12): 47 × 0.5 kWh =
	// 23.5 kWh over 23.5 h, filled to 24 h: 24 kWh, estimated. 3 February:
	// 24 kWh.
	assert.Equal(t, map[string]float64{"2025-02-01": 24, "2025-02-02": 24, "2025-02-03": 24}, kwhByDay(acts, "linky"))
	for _, a := range acts {
		assert.Equal(t, map[bool]footprint.Quality{true: footprint.QualityEstimated, false: footprint.QualityMeasured}[a.Start.String() == "2025-02-02"], a.Quality, a.Start)
	}
	require.Len(t, h.Notes, 2)
	assert.Equal(t, "2025-02-02: 47 interval(s) given twice with the same value, counted once", h.Notes[0].Reason)
	assert.Equal(t, "day 2025-02-02", h.Notes[1].Where)
	assert.Contains(t, h.Notes[1].Reason, "23h30m of 24h read (1 interval(s) of 30m missing): sent as estimated, 23.500 kWh read + 0.500 kWh filled")
}

// hole2 is the second file's values: its interval i is the first's
// i + 48, the hole included.
func hole2(first func(int) string) func(int) string {
	return func(i int) string { return first(i + 48) }
}

// A file with no section of the data read says what it has.
func TestEnedisWithoutTheSectionSaysWhatItHas(t *testing.T) {
	t.Parallel()
	export := "Identifiant PRM;Type de donnees;Date de debut;Date de fin;Grandeur physique;Grandeur metier;Etape metier;Unite\n" +
		"00000000000000;Puissance maximale quotidienne;01/09/2019;21/08/2020;Puissance maximale atteinte;Consommation;Comptage Brut;VA\n" +
		"Horodate;Valeur\n2019-09-01T15:17:24+02:00;3695\n"
	_, h := trySample(t, sample(t, "enedis"), map[string]string{"exports/enedis/pmax.csv": export})
	assert.Equal(t, `pmax.csv: no "Courbe de charge" section of consumption: it has "Puissance maximale quotidienne" (Consommation, VA) at line 3`, h.Error)
}
