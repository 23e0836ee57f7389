package weather

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// MeasuredClimate is a site's climate from its own outdoor temperatures:
// the mean degree days of its full measured years (every month with
// readings on 80 % of its days, monthly-mean method, base 18 °C).
type MeasuredClimate struct {
	HDD, CDD float64
	Years    []int
	Sources  []string
}

// Describe says where the figures come from, for an explanation.
func (m MeasuredClimate) Describe() string {
	span := strconv.Itoa(m.Years[0])
	if n := len(m.Years); n > 1 {
		span += "–" + strconv.Itoa(m.Years[n-1])
	}
	return fmt.Sprintf("measured at the site: mean of %d full year(s) %s of daily outdoor temperature (%s), monthly-mean degree days base 18 °C",
		len(m.Years), span, strings.Join(m.Sources, ", "))
}

// MeasuredYears returns the actual degree days of every year of acts
// whose twelve months all have their temperature readings, read once.
func MeasuredYears(acts []footprint.Activity) map[int]MeasuredClimate {
	months := map[[2]int]*tempMonth{}
	sources := map[[2]int]map[string]bool{}
	for _, a := range acts {
		if a.Kind != footprint.KindWeather || !tempOK(a) {
			continue
		}
		k := [2]int{a.Start.Year(), int(a.Start.Time().Month())}
		if months[k] == nil {
			months[k], sources[k] = &tempMonth{}, map[string]bool{}
		}
		months[k].add(a)
		sources[k][a.Source] = true
	}
	out := map[int]MeasuredClimate{}
	seen := map[int]bool{}
	for k := range months {
		seen[k[0]] = true
	}
	for y := range seen {
		var m MeasuredClimate
		src := map[string]bool{}
		full := true
		for mo := 1; mo <= 12; mo++ {
			t := months[[2]int{y, mo}]
			n := footprint.NewDate(y, time.Month(mo), 1).DaysUntil(footprint.NewDate(y, time.Month(mo)+1, 1))
			if t == nil || !t.used(n) {
				full = false
				break
			}
			h, c := t.degreeDays(n)
			m.HDD += h
			m.CDD += c
			for s := range sources[[2]int{y, mo}] {
				src[s] = true
			}
		}
		if !full {
			continue
		}
		m.Years = []int{y}
		for s := range src {
			m.Sources = append(m.Sources, s)
		}
		sort.Strings(m.Sources)
		out[y] = m
	}
	return out
}

// MeasuredUpTo is the mean of the full measured years up to and
// including year (ok false when there is none): a year's profile never
// depends on later weather.
func MeasuredUpTo(years map[int]MeasuredClimate, year int) (MeasuredClimate, bool) {
	var out MeasuredClimate
	src := map[string]bool{}
	for y, m := range years {
		if y > year {
			continue
		}
		out.HDD += m.HDD
		out.CDD += m.CDD
		out.Years = append(out.Years, y)
		for _, s := range m.Sources {
			src[s] = true
		}
	}
	n := len(out.Years)
	if n == 0 {
		return out, false
	}
	out.HDD, out.CDD = math.Round(out.HDD/float64(n)), math.Round(out.CDD/float64(n))
	sort.Ints(out.Years)
	for s := range src {
		out.Sources = append(out.Sources, s)
	}
	sort.Strings(out.Sources)
	return out, true
}

// tempMonth is a month's temperature readings: their sum, their count
// and the days they were read on.
type tempMonth struct {
	sum     float64
	records int
	days    uint32 // bit i: day i+1
}

// add counts a daily record, or a rollup of them.
func (t *tempMonth) add(a footprint.Activity) {
	t.sum += a.Quantity
	if a.Rolled != nil {
		t.records += a.Rolled.Records
		t.days |= a.Rolled.Days
		return
	}
	t.records++
	t.days |= 1 << (a.Start.Time().Day() - 1)
}

func (t tempMonth) mean() float64 { return t.sum / float64(t.records) }

// used reports whether the month's readings stand for it: readings on
// minWeatherDays of its n days.
func (t tempMonth) used(n int) bool {
	return t.records > 0 && float64(bits.OnesCount32(t.days)) >= minWeatherDays*float64(n)
}

// degreeDays are the month's HDD and CDD by the monthly-mean method.
func (t tempMonth) degreeDays(n int) (hdd, cdd float64) {
	m := t.mean()
	return float64(n) * math.Max(0, DegreeDayBase-m), float64(n) * math.Max(0, m-DegreeDayBase)
}

// tempOK reports whether a temperature record (or a rollup of them: its
// mean) is usable.
func tempOK(a footprint.Activity) bool {
	mean := a.Quantity / float64(a.Count())
	return a.Item == "outdoor_temp" && a.Count() > 0 && !math.IsNaN(mean) && mean >= footprint.MinOutdoorTemp && mean <= footprint.MaxOutdoorTemp
}
