package ghg

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/internal/fixture"
	"github.com/greenhelp/greenhelp/footprint/weather"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// weatherYear is a site's year for the normalisation tests: the outdoor
// temperature read daily (monthly means as given, days alternating ±1.5 °C
// around them so the month's mean is what is tested, a 31-day month's
// last day at the mean), natural gas billed monthly at 300 kWh a day +
// 25 kWh per heating degree day, and electricity metered daily at
// 4,000 kWh a day + 10 kWh per cooling degree day.
func weatherYear(year int, means [12]float64) []footprint.Activity {
	var acts []footprint.Activity
	for m := time.January; m <= time.December; m++ {
		first := footprint.NewDate(year, m, 1)
		next := footprint.NewDate(year, m+1, 1)
		n := first.DaysUntil(next)
		mean := means[m-1]
		hdd := float64(n) * max(0, 18-mean)
		cdd := float64(n) * max(0, mean-18)
		acts = append(acts, footprint.Activity{Kind: footprint.KindFuel, Item: "natural_gas", Start: first, End: next,
			Quantity: 300*float64(n) + 25*hdd, Unit: footprint.UnitKWh, Source: "gas-bills", Quality: footprint.QualityMeasured})
		for day := 0; day < n; day++ {
			t := mean
			if !(n%2 == 1 && day == n-1) {
				if day%2 == 0 {
					t += 1.5
				} else {
					t -= 1.5
				}
			}
			d := first.AddDays(day)
			acts = append(acts,
				footprint.Activity{Kind: footprint.KindWeather, Item: "outdoor_temp", Start: d, End: d.AddDays(1), Quantity: t, Unit: footprint.UnitCelsius, Source: "roof-station", Quality: footprint.QualityMeasured},
				footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: d, End: d.AddDays(1), Quantity: 4000 + 10*cdd/float64(n), Unit: footprint.UnitKWh, Source: "meter", Quality: footprint.QualityMeasured})
		}
	}
	return acts
}

// A cold 2022 and a mild 2023 (every month 2 °C warmer), by hand, base 18 °C:
//
//	2022 means  2  3  7 10 14 18 20 20 16 12  7  3
//	     HDD  496 420 341 240 124  0  0  0 60 186 330 465 = 2,662; CDD Jul 62 + Aug 62 = 124
//	2023 means  4  5  9 12 16 20 22 22 18 14  9  5
//	     HDD  434 364 279 180 62  0  0  0  0 124 270 403 = 2,116; CDD Jun 60 + Jul 124 + Aug 124 = 308
//
// Normal (declared): HDD 2,400, CDD 200.
//
//	gas 2022: 300 × 365 + 25 × 2,662 = 109,500 + 66,550 = 176,050 kWh; normalised 176,050 + 25 × (2,400 − 2,662) = 169,500
//	gas 2023: 109,500 + 25 × 2,116 = 162,400 kWh (−7.75 %); normalised 162,400 + 25 × (2,400 − 2,116) = 169,500 (0 %)
//	electricity 2022: 4,000 × 365 + 10 × 124 = 1,461,240; normalised + 10 × (200 − 124) = 1,462,000
//	electricity 2023: 1,460,000 + 10 × 308 = 1,463,080; normalised − 10 × (308 − 200) = 1,462,000
var (
	coldMeans = [12]float64{2, 3, 7, 10, 14, 18, 20, 20, 16, 12, 7, 3}
	mildMeans = [12]float64{4, 5, 9, 12, 16, 20, 22, 22, 18, 14, 9, 5}
	normal    = weather.NormalClimate{HDD: 2400, CDD: 200, Source: "declared in site.yaml"}
)

func carrier(t *testing.T, w *weather.Weather, kind, item string) weather.NormalisedEnergy {
	t.Helper()
	for _, c := range w.Carriers {
		if c.Kind == kind && c.Item == item {
			return c
		}
	}
	t.Fatalf("no carrier %s/%s in %+v", kind, item, w.Carriers)
	return weather.NormalisedEnergy{}
}

func TestAMildWinterIsNotProgressOnceNormalisedByHand(t *testing.T) {
	t.Parallel()
	cold := weather.Normalise(weatherYear(2022, coldMeans), 2022, normal)
	mild := weather.Normalise(weatherYear(2023, mildMeans), 2023, normal)
	require.NotNil(t, cold)
	require.NotNil(t, mild)
	require.Empty(t, cold.Why)
	require.Empty(t, mild.Why)
	assert.InDelta(t, 2662, *cold.HDD, 1e-9)
	assert.InDelta(t, 124, *cold.CDD, 1e-9)
	assert.InDelta(t, 2116, *mild.HDD, 1e-9)
	assert.InDelta(t, 308, *mild.CDD, 1e-9)
	assert.Equal(t, []string{"roof-station"}, cold.Sources)
	assert.Equal(t, 31, cold.Months[0].DaysRead)
	assert.InDelta(t, 2, *cold.Months[0].MeanC, 1e-9)

	gc, gm := carrier(t, cold, "fuel", "natural_gas"), carrier(t, mild, "fuel", "natural_gas")
	assert.InDelta(t, 176050, gc.Actual, 1e-6)
	assert.InDelta(t, 162400, gm.Actual, 1e-6)
	assert.InDelta(t, 300, gc.PerDay, 1e-6)
	assert.InDelta(t, 25, gc.PerHDD, 1e-6)
	assert.InDelta(t, 0, gc.PerCDD, 1e-6)
	assert.InDelta(t, 66550, gc.Heating, 1e-3)
	assert.InDelta(t, 52900, gm.Heating, 1e-3)
	assert.Equal(t, 12, gc.FitMonths)
	assert.InDelta(t, 1, gc.R2, 1e-9)
	require.NotNil(t, gc.Normalised)
	require.NotNil(t, gm.Normalised)
	assert.InDelta(t, 169500, *gc.Normalised, 1e-3)
	assert.InDelta(t, 169500, *gm.Normalised, 1e-3)
	// The actual change reads as a 7.75 % cut; normalised, there is none.
	assert.InDelta(t, -0.0775, gm.Actual/gc.Actual-1, 5e-5)
	assert.InDelta(t, 0, *gm.Normalised / *gc.Normalised - 1, 1e-9)

	ec, em := carrier(t, cold, "electricity", ""), carrier(t, mild, "electricity", "")
	assert.InDelta(t, 1461240, ec.Actual, 1e-6)
	assert.InDelta(t, 1463080, em.Actual, 1e-6)
	assert.InDelta(t, 10, ec.PerCDD, 1e-6)
	assert.InDelta(t, 0, ec.PerHDD, 1e-6)
	assert.InDelta(t, 1240, ec.Cooling, 1e-3)
	assert.InDelta(t, 1462000, *ec.Normalised, 1e-3)
	assert.InDelta(t, 1462000, *em.Normalised, 1e-3)
}

func TestARealCutStaysACutOnceNormalised(t *testing.T) {
	t.Parallel()
	// The mild year again, its gas baseload cut from 300 to 250 kWh a
	// day (a new hot-water system): normalised 169,500 − 50 × 365 =
	// 151,250 kWh, a 10.77 % cut where the actual figures say 18.1 %.
	acts := weatherYear(2023, mildMeans)
	for i := range acts {
		if acts[i].Item == "natural_gas" {
			acts[i].Quantity -= 50 * float64(acts[i].Days())
		}
	}
	w := weather.Normalise(acts, 2023, normal)
	g := carrier(t, w, "fuel", "natural_gas")
	assert.InDelta(t, 144150, g.Actual, 1e-6)
	assert.InDelta(t, 151250, *g.Normalised, 1e-3)
}

func TestNormalisationSaysWhyItCannotBeDone(t *testing.T) {
	t.Parallel()
	acts := weatherYear(2022, coldMeans)
	// March's readings: 20 of 31 days only.
	var kept []footprint.Activity
	for _, a := range acts {
		if a.Kind == footprint.KindWeather && a.Start.Time().Month() == time.March && a.Start.Time().Day() > 20 {
			continue
		}
		kept = append(kept, a)
	}
	w := weather.Normalise(kept, 2022, normal)
	require.NotNil(t, w)
	assert.Contains(t, w.Why, "covers 11 of the year's 12 months")
	assert.Nil(t, w.HDD)
	assert.False(t, w.Months[2].Used)
	assert.Empty(t, w.Carriers)

	w = weather.Normalise(acts, 2022, weather.NormalClimate{HDD: -1, Source: "unknown"})
	assert.Contains(t, w.Why, "no long-term climate")

	assert.Nil(t, weather.Normalise(acts, 2021, normal), "no reading in the year: nothing to say")

	// Gas billed for 8 months only: no fit.
	var partial []footprint.Activity
	for _, a := range acts {
		if a.Item == "natural_gas" && a.Start.Time().Month() > time.August {
			continue
		}
		partial = append(partial, a)
	}
	g := carrier(t, weather.Normalise(partial, 2022, normal), "fuel", "natural_gas")
	assert.Nil(t, g.Normalised)
	assert.Contains(t, g.Why, "8 month(s)")
}

func TestATemperatureIsADailyMeanInCelsius(t *testing.T) {
	t.Parallel()
	a := footprint.Activity{Kind: footprint.KindWeather, Item: "outdoor_temp", Start: fixture.D("2025-01-01"), End: fixture.D("2025-01-02"), Quantity: -12.5, Unit: footprint.UnitCelsius, Source: "bms", Quality: footprint.QualityMeasured}
	assert.Empty(t, a.Validate("r"), "a frosty day is a negative figure, not an error")
	f := a
	f.Quantity = 75 // °F
	require.Len(t, f.Validate("r"), 1)
	assert.Contains(t, f.Validate("r")[0].Error(), "°F or K")
	w := a
	w.End = fixture.D("2025-02-01")
	require.Len(t, w.Validate("r"), 1)
	assert.Contains(t, w.Validate("r")[0].Error(), "one day")
	e := footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: fixture.D("2025-01-01"), End: fixture.D("2025-01-02"), Quantity: -1, Unit: footprint.UnitKWh, Source: "m", Quality: footprint.QualityMeasured}
	assert.Len(t, e.Validate("r"), 1, "energy stays ≥ 0")
}

func TestTheInventoryCarriesTheNormalisationAndItsTonnes(t *testing.T) {
	t.Parallel()
	site := fixture.Site()
	site.Workstations = nil
	inv, err := Calculate(site, weatherYear(2023, mildMeans), 2023, factors.Default(), Assumptions{Climate: normal}, Options{})
	require.NoError(t, err)
	require.NotNil(t, inv.Weather)
	g := carrier(t, inv.Weather, "fuel", "natural_gas")
	gas := fixture.KG(t, "fuel", "natural_gas", "ZA", 2023)
	// The mild winter spared 162,400 − 169,500 = −7,100 kWh of gas.
	require.NotNil(t, g.WeatherT)
	assert.InDelta(t, -7100*gas/1000, *g.WeatherT, 1e-9)
	e := carrier(t, inv.Weather, "electricity", "")
	grid := fixture.KG(t, "electricity", "grid.combustion", "ZA", 2023) // the Scope 2 line's factor
	assert.InDelta(t, 1080*grid/1000, *e.WeatherT, 1e-9)
	// The temperatures are no emission line and no record of one.
	for _, l := range inv.Lines {
		assert.NotEqual(t, "weather", l.Kind)
	}
}

// rollUp sums records lying in one month per (kind, item, source, month),
// as the central's rollups do (central/store/rollup.go).
func rollUp(acts []footprint.Activity) []footprint.Activity {
	type k struct {
		kind        footprint.Kind
		item, src   string
		year, month int
	}
	idx := map[k]int{}
	var out []footprint.Activity
	for _, a := range acts {
		key := k{a.Kind, a.Item, a.Source, a.Start.Year(), int(a.Start.Time().Month())}
		i, ok := idx[key]
		if !ok {
			first := footprint.NewDate(a.Start.Year(), a.Start.Time().Month(), 1)
			i = len(out)
			idx[key] = i
			out = append(out, footprint.Activity{Kind: a.Kind, Item: a.Item, Source: a.Source, Unit: a.Unit, Quality: a.Quality,
				Start: first, End: footprint.NewDate(first.Year(), first.Time().Month()+1, 1), Rolled: &footprint.Rolled{}})
		}
		r := &out[i]
		r.Quantity += a.Quantity
		r.Rolled.Records++
		for d := a.Start; d.Before(a.End); d = d.AddDays(1) {
			r.Rolled.Days |= 1 << (d.Time().Day() - 1)
		}
	}
	return out
}

func TestRollupsNormaliseLikeTheRawRecords(t *testing.T) {
	t.Parallel()
	acts := weatherYear(2023, mildMeans)
	raw := weather.Normalise(acts, 2023, normal)
	rolled := weather.Normalise(rollUp(acts), 2023, normal)
	require.NotNil(t, rolled)
	require.Empty(t, rolled.Why)
	assert.InDelta(t, *raw.HDD, *rolled.HDD, 1e-9)
	for i := range raw.Carriers {
		assert.InDelta(t, *raw.Carriers[i].Normalised, *rolled.Carriers[i].Normalised, 1e-6)
	}
	years := weather.MeasuredYears(rollUp(append(weatherYear(2022, coldMeans), acts...)))
	m, ok := weather.MeasuredUpTo(years, 2023)
	require.True(t, ok)
	assert.Equal(t, []int{2022, 2023}, m.Years)
	assert.InDelta(t, (2662+2116)/2.0, m.HDD, 0.5)
	assert.InDelta(t, (124+308)/2.0, m.CDD, 0.5)
	assert.Contains(t, m.Describe(), "2 full year(s) 2022–2023")
	m, _ = weather.MeasuredUpTo(years, 2022)
	assert.Equal(t, []int{2022}, m.Years, "a year's climate never uses later weather")
	_, ok = weather.MeasuredUpTo(years, 2021)
	assert.False(t, ok)
}

// A site sending temperatures without a known long-term climate: the
// inventory says why and still encodes (JSON has no NaN).
func TestWeatherWithoutAKnownClimateStillEncodes(t *testing.T) {
	t.Parallel()
	site := fixture.Site()
	site.Workstations = nil
	inv, err := Calculate(site, weatherYear(2023, mildMeans), 2023, factors.Default(),
		Assumptions{Climate: weather.NormalClimate{HDD: math.NaN(), CDD: math.NaN(), Source: "unknown: no coordinates"}}, Options{})
	require.NoError(t, err)
	require.NotNil(t, inv.Weather)
	assert.Contains(t, inv.Weather.Why, "no long-term climate")
	_, err = json.Marshal(inv)
	require.NoError(t, err)
	inv, err = Calculate(site, weatherYear(2023, mildMeans), 2023, factors.Default(), Assumptions{}, Options{})
	require.NoError(t, err)
	_, err = json.Marshal(inv)
	require.NoError(t, err)
	assert.False(t, inv.Weather.Normal.Known())
}
