package collector

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
)

// intervalCollector reads a meter's interval data — a Green Button feed,
// an Enedis load curve or daily index, a BMS or supplier's half-hourly
// CSV — and rolls it up to a record per local day of the site (its
// site.timezone, days of 23 and 25 hours included): an interval across
// midnight is shared between its days by time, an interval given twice
// is counted once, and a day with intervals missing is never sent short:
// it is rejected or, with gaps: estimate, filled at its own average power
// and sent as estimated (interval_read.go reads the rows,
// interval_days.go makes the days).
type intervalCollector struct {
	// Kind and Item are every record's: electricity and grid by default
	// (a kWh kind: electricity, datacentre, colocation).
	Kind string `mapstructure:"kind"`
	Item string `mapstructure:"item"`
	// Unit of the quantity column unless the source gives it: W or kW
	// (average power over the interval), Wh, kWh or MWh (the interval's
	// energy, or the index).
	Unit string `mapstructure:"unit"`
	// Timestamp says which end of its interval columns.time is: start or
	// end (required with columns.time unless the source says).
	Timestamp string `mapstructure:"timestamp"`
	// Interval is every interval's length (e.g. 30m); unset, the most
	// common step between consecutive readings.
	Interval time.Duration `mapstructure:"interval"`
	// Reading is interval (default: a value per interval) or index (a
	// cumulative meter index read at columns.time).
	Reading string `mapstructure:"reading"`
	// Gaps is what a day with intervals missing becomes: reject (default:
	// not sent, said with the count) or estimate (filled at the day's
	// average power, sent as estimated).
	Gaps string `mapstructure:"gaps"`
	// MaxMissing, with gaps: estimate, rejects a day missing more than it.
	MaxMissing time.Duration `mapstructure:"max_missing"`
	// Attrs are attributes every record carries (room for a data centre's
	// meter, contract for a colocation contract).
	Attrs map[string]string `mapstructure:"attrs"`
}

func init() { register("interval", func() Options { return &intervalCollector{} }) }

const (
	readingInterval = "interval"
	readingIndex    = "index"
	gapsReject      = "reject"
	gapsEstimate    = "estimate"
	stampStart      = "start"
	stampEnd        = "end"
	// maxInterval is the longest interval a reading may stand for: a
	// day, of 25 hours at the autumn change (daily totals read better
	// with the energy collector and a date column).
	maxInterval = 25 * time.Hour
)

// meterUnits are the units a reading may come in: power (an average over
// the interval, W) or energy (Wh), with the factor to W or Wh.
var meterUnits = map[string]struct {
	power bool
	mult  float64
}{
	"w": {true, 1}, "kw": {true, 1e3},
	"wh": {false, 1}, "kwh": {false, 1e3}, "mwh": {false, 1e6},
}

func (o *intervalCollector) Defaults(*Common) {
	if o.Kind == "" {
		o.Kind = string(footprint.KindElectricity)
	}
	if o.Item == "" {
		o.Item = "grid"
	}
	if o.Reading == "" {
		o.Reading = readingInterval
	}
	if o.Gaps == "" {
		o.Gaps = gapsReject
	}
}

func (o *intervalCollector) Check(env Env, add source.AddFunc) {
	gives := func(f string) bool { return slices.Contains(env.Gives, f) }
	requireColumns(env, add, "start|time", "quantity")
	cols := env.Common.Columns.Mapped()
	if len(env.Gives) > 0 {
		for _, f := range []string{"start", "end", "time", "quantity", "unit"} {
			if cols[f] != "" {
				add("columns."+f, cols[f], "the %s source gives its own %s: leave columns out", env.Type, strings.Join(env.Gives, ", "))
				break
			}
		}
	}
	if cols["start"] != "" && cols["end"] == "" {
		add("columns.end", "", "missing: an interval given by its start needs its end column too (or give columns.time with timestamp: start)")
	}
	if u, ok := meterUnits[strings.ToLower(o.Unit)]; o.Unit != "" && !ok {
		add("unit", o.Unit, "want W or kW (average power over the interval), or Wh, kWh or MWh (energy)")
	} else if o.Unit == "" && cols["unit"] == "" && !gives("unit") {
		add("unit", "", "missing: W or kW (average power over the interval), or Wh, kWh or MWh (the interval's energy)")
	} else if ok && u.power && o.Reading == readingIndex {
		add("unit", o.Unit, "an index is energy: want Wh, kWh or MWh")
	}
	if o.Reading != readingInterval && o.Reading != readingIndex {
		add("reading", o.Reading, "want interval (a value per interval) or index (a cumulative meter index)")
	}
	switch {
	case o.Timestamp != "" && o.Timestamp != stampStart && o.Timestamp != stampEnd:
		add("timestamp", o.Timestamp, "want start or end: which end of its interval columns.time gives")
	case o.Timestamp == "" && cols["time"] != "" && o.Reading == readingInterval && !gives("stamp"):
		add("timestamp", "", "missing: start or end: which end of its interval columns.time gives (a half-hourly export stamped 00:30 for 00:00–00:30 is end)")
	}
	if o.Interval < 0 || o.Interval > maxInterval || o.Interval > 0 && o.Interval < time.Second {
		add("interval", o.Interval.String(), "want a length between 1s and 25h (e.g. 30m), or leave it out to infer it from the readings")
	}
	if o.Gaps != gapsReject && o.Gaps != gapsEstimate {
		add("gaps", o.Gaps, "want reject (a day with intervals missing is not sent) or estimate (sent as estimated, filled at the day's average power)")
	}
	if o.MaxMissing < 0 || o.MaxMissing > 0 && o.Gaps != gapsEstimate {
		add("max_missing", o.MaxMissing.String(), "a positive length, with gaps: estimate only")
	}
	if u, ok := footprint.UnitOf(footprint.Kind(o.Kind), o.Item); !ok || u != footprint.UnitKWh {
		add("item", o.Kind+"/"+o.Item, "want a kind and item counted in kWh (electricity: grid or onsite_solar; datacentre; colocation)")
	}
}

func (o *intervalCollector) New(env Env) Collector {
	m := &meter{state: newState(env), o: o}
	m.attrs = maps.Clone(o.Attrs)
	return m
}

func (*intervalCollector) Sample() string {
	return `  # A meter's interval data rolled up to a record per local day (the
  # site's timezone; days of 23 and 25 hours at the clock changes). A
  # generic CSV — a BMS trend log, a supplier's half-hourly file — says
  # what its columns are; the greenbutton and enedis types say it
  # themselves (greenhelp-agent sample greenbutton enedis).
  - id: main-incomer
    type: csv
    collector: interval
    path: exports/bms-main-incomer-*.csv
    time_format: DD/MM/YYYY HH:mm   # local time of the site, or RFC 3339 with its offset
    columns: {time: Date/Time, quantity: Energy (kWh)}
    unit: kWh                       # W, kW: average power; Wh, kWh, MWh: energy per interval
    timestamp: start                # start or end: which end of its interval the time is
    interval: 30m                   # default: the most common step between readings
    reading: interval               # default; index: a cumulative meter index
    gaps: reject                    # default: a day with intervals missing is not sent;
                                    # estimate: filled at its average power, sent as estimated
    # max_missing: 2h               # with gaps: estimate, a day missing more is rejected
    kind: electricity               # default
    item: grid                      # default
`
}
