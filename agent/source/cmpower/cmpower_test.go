package cmpower

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// testTypes maps the tests' TypeOfEvent0 values. They are the tests' own:
// Microsoft does not publish the values the view holds, so a site maps
// its own under types:.
var testTypes = map[string]State{"type-on": On, "type-active": InUse, "type-sleep": Sleep, "type-monitor": Monitor, "type-other": Ignore}

// header is the export query's header (the view's column names).
var header = func() string {
	cols := []string{"Name0", "Date0", "TypeOfEvent0"}
	for h := 0; h < 24; h++ {
		cols = append(cols, hourName(h)+"0")
	}
	return strings.Join(append(cols, "minutesTotal0"), ",") + "\n"
}()

// line is a CSV row of the export: every hour def, but those set
// ("from-to": minutes, the hours from to to inclusive), with minutesTotal0
// their sum.
func line(machine, date, typ, def string, set ...string) string {
	cells := make([]string, 24)
	for h := range cells {
		cells[h] = def
	}
	for _, s := range set {
		hrs, v, _ := strings.Cut(s, ":")
		a, b, ok := strings.Cut(hrs, "-")
		if !ok {
			b = a
		}
		var from, to int
		fmt.Sscan(a, &from)
		fmt.Sscan(b, &to)
		for h := from; h <= to; h++ {
			cells[h] = v
		}
	}
	total := 0
	for _, c := range cells {
		var n int
		fmt.Sscan(c, &n)
		total += n
	}
	return fmt.Sprintf("%s,%s,%s,%s,%d\n", machine, date, typ, strings.Join(cells, ","), total)
}

// read reads the files given in order with cfg (testTypes and rest off
// unless set) and returns its spans written "machine[ monitor] state
// hh:mm–hh:mm" in Paris, the summary and the problems.
func read(t *testing.T, cfg Config, files ...string) ([]string, Summary, []Problem) {
	t.Helper()
	if cfg.Types == nil {
		cfg.Types = testTypes
	}
	r, err := New(cfg)
	require.NoError(t, err)
	for i, f := range files {
		require.NoError(t, r.Read(context.Background(), strings.NewReader(f), fmt.Sprintf("f%d.csv", i+1)))
	}
	var got []string
	var spans []Span
	sum := r.Spans(paris, func(s Span) { spans = append(spans, s) })
	sort.SliceStable(spans, func(i, j int) bool { // each device's spans together
		return spans[i].Machine < spans[j].Machine || spans[i].Machine == spans[j].Machine && !spans[i].Monitor && spans[j].Monitor
	})
	for _, s := range spans {
		dev := s.Machine
		if s.Monitor {
			dev += " monitor"
		}
		to := s.To.In(paris).Format("15:04")
		if to == "00:00" && !s.To.Equal(s.From) {
			to = "24:00"
		}
		got = append(got, fmt.Sprintf("%s %s %s %s–%s", s.From.In(paris).Format("01-02"), dev, s.State, s.From.In(paris).Format("15:04"), to))
	}
	return got, sum, r.Problems()
}

// A day's rows become spans of the computer's and its monitor's states,
// hour by hour, by hand.
func TestADayBecomesSpansByHand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   Config
		files []string
		want  []string
		sum   Summary
	}{
		{
			// On 08:00–18:00 (10 × 60 minutes), someone at it 09:00–12:00,
			// its monitor on with it but 12:00–13:00; off the rest of the
			// day (rest: off). The monitor is in use while someone is at
			// the computer (09–12) and its screen is on.
			name: "a machine on 08:00-18:00 with its monitor off an hour",
			files: []string{header +
				line("PC-0001", "2025-03-14", "type-on", "0", "8-17:60") +
				line("PC-0001", "2025-03-14", "type-active", "0", "9-11:60") +
				line("PC-0001", "2025-03-14", "type-monitor", "0", "8-11:60", "13-17:60")},
			want: []string{
				"03-14 PC-0001 off 00:00–08:00", "03-14 PC-0001 on 08:00–09:00", "03-14 PC-0001 in_use 09:00–12:00", "03-14 PC-0001 on 12:00–18:00", "03-14 PC-0001 off 18:00–24:00",
				"03-14 PC-0001 monitor off 00:00–08:00", "03-14 PC-0001 monitor on 08:00–09:00", "03-14 PC-0001 monitor in_use 09:00–12:00",
				"03-14 PC-0001 monitor off 12:00–13:00", "03-14 PC-0001 monitor on 13:00–18:00", "03-14 PC-0001 monitor off 18:00–24:00",
			},
			sum: Summary{Machines: 1, Days: 1, Monitors: 1, From: "2025-03-14", To: "2025-03-14"},
		},
		{
			// Turned on at 08:20 (hour 8: 40 minutes on) and off at 18:30
			// (hour 18: 30 minutes): the hour before was off, so hour 8
			// starts off; hour 18 starts on.
			name: "an hour's minutes follow the state the hour before ended in",
			files: []string{header +
				line("PC-0002", "2025-03-14", "type-on", "0", "8:40", "9-17:60", "18:30")},
			want: []string{"03-14 PC-0002 off 00:00–08:20", "03-14 PC-0002 on 08:20–18:30", "03-14 PC-0002 off 18:30–24:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-14", To: "2025-03-14"},
		},
		{
			// Asleep the whole Saturday: one span.
			name: "a sleeping machine",
			files: []string{header +
				line("PC-0003", "2025-03-15", "type-on", "0") +
				line("PC-0003", "2025-03-15", "type-sleep", "60")},
			want: []string{"03-15 PC-0003 sleep 00:00–24:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-15", To: "2025-03-15"},
		},
		{
			// The inventory ran at 20:00: hours 20–23 are empty (not
			// reported): nothing is said of them, 4 computer-hours
			// unreported.
			name: "a day with missing hours",
			files: []string{header +
				line("PC-0004", "2025-03-14", "type-on", "0", "8-17:60", "20-23:")},
			want: []string{"03-14 PC-0004 off 00:00–08:00", "03-14 PC-0004 on 08:00–18:00", "03-14 PC-0004 off 18:00–20:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-14", To: "2025-03-14", Unreported: 4},
		},
		{
			// rest: unknown: an hour's minutes no type gives are not
			// counted (hour 8: 40 on, 20 unknown; the zeros elsewhere
			// leave whole hours unknown).
			name: "rest unknown leaves the hour's other minutes out",
			cfg:  Config{Rest: Unknown},
			files: []string{header +
				line("PC-0005", "2025-03-14", "type-on", "0", "8:40", "9-10:60")},
			want: []string{"03-14 PC-0005 on 08:00–08:40", "03-14 PC-0005 on 09:00–11:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-14", To: "2025-03-14"},
		},
		{
			// Asleep at 22:00 on Friday (rest: sleep), woken 10 minutes
			// in Saturday's hour 0: that hour starts asleep, as Friday
			// ended.
			name: "a day follows the one before",
			cfg:  Config{Rest: Sleep},
			files: []string{header +
				line("PC-0006", "2025-03-14", "type-on", "0", "8-21:60") +
				line("PC-0006", "2025-03-15", "type-on", "0", "0:10")},
			want: []string{"03-14 PC-0006 sleep 00:00–08:00", "03-14 PC-0006 on 08:00–22:00", "03-14 PC-0006 sleep 22:00–24:00",
				"03-15 PC-0006 sleep 00:00–00:50", "03-15 PC-0006 on 00:50–01:00", "03-15 PC-0006 sleep 01:00–24:00"},
			sum: Summary{Machines: 1, Days: 2, From: "2025-03-14", To: "2025-03-15"},
		},
		{
			// User active 50 minutes in an hour on 30: in use counted as
			// the 30 on minutes (capped once); the hour before was off,
			// so the hour starts off.
			name: "in use is at most the on minutes",
			files: []string{header +
				line("PC-0007", "2025-03-14", "type-on", "0", "9:30") +
				line("PC-0007", "2025-03-14", "type-active", "0", "9:50")},
			want: []string{"03-14 PC-0007 off 00:00–09:30", "03-14 PC-0007 in_use 09:30–10:00", "03-14 PC-0007 off 10:00–24:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-14", To: "2025-03-14", Capped: 1},
		},
		{
			// The view's rows of one day exported twice over (the same
			// minutes): counted once. Then a later file brings the day
			// again, on two more hours: it replaces the first file's.
			name: "a row repeated is counted once, a later file's day replaces the earlier",
			files: []string{
				header + line("PC-0008", "2025-03-14", "type-on", "0", "8-9:60") + line("PC-0008", "2025-03-14", "type-on", "0", "8-9:60"),
				header + line("PC-0008", "2025-03-14", "type-on", "0", "8-11:60"),
			},
			want: []string{"03-14 PC-0008 off 00:00–08:00", "03-14 PC-0008 on 08:00–12:00", "03-14 PC-0008 off 12:00–24:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-14", To: "2025-03-14"},
		},
		{
			// The spring change (Paris, 30 March 2025): 02:00–03:00 does
			// not exist, the day lasts 23 hours; on all day but that hour.
			name: "the day the clocks go forward has 23 hours",
			files: []string{header +
				line("PC-0009", "2025-03-30", "type-on", "60", "2:0")},
			want: []string{"03-30 PC-0009 on 00:00–24:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-30", To: "2025-03-30"},
		},
		{
			// A computer named in two cases is one computer (NetBIOS
			// names are case-insensitive): its day's two rows are one
			// repeated.
			name: "names are matched without regard to case",
			files: []string{header +
				line("PC-0010", "2025-03-14", "type-on", "60") + line("pc-0010", "2025-03-14", "type-on", "60")},
			want: []string{"03-14 PC-0010 on 00:00–24:00"},
			sum:  Summary{Machines: 1, Days: 1, From: "2025-03-14", To: "2025-03-14"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, sum, problems := read(t, tt.cfg, tt.files...)
			assert.Empty(t, problems)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.sum, sum)
		})
	}
}

// A row that cannot be used is refused with its file and line, the
// column, the value and what would be right; its computer's day is left
// out whole, never half counted.
func TestRowsThatCannotBeUsedAreRefusedWithTheirDay(t *testing.T) {
	t.Parallel()
	early := strings.Repeat(line("PC-0099", "2025-03-13", "type-on", "0"), checkRows) // past the rows checked first
	tests := []struct {
		name     string
		file     string
		problems []string // each "where: start of the reason"
		want     []string
		left     int
	}{
		{
			// Two rows of one type for a day with other minutes: which is
			// right the export does not say; adding them would count the
			// computer twice. The day is left out: its other row too.
			name: "a second row of one type with other minutes",
			file: header + line("PC-0001", "2025-03-14", "type-on", "0", "8-17:60") +
				line("PC-0001", "2025-03-14", "type-monitor", "0", "8-17:60") +
				line("PC-0001", "2025-03-14", "type-on", "0", "8-18:60"),
			problems: []string{
				`f1.csv:4: a second row of TypeOfEvent0 "type-on" for PC-0001 on 2025-03-14 (the first at f1.csv:2) with other minutes: the day is left out`,
				"f1.csv:2: left out with its computer's day: two rows of one type at f1.csv:2 and f1.csv:4",
				"f1.csv:3: left out with its computer's day: two rows of one type at f1.csv:2 and f1.csv:4",
			},
			left: 1,
		},
		{
			name: "more minutes than the hour lasts",
			file: header + line("PC-0001", "2025-03-14", "type-on", "0", "8:75"),
			problems: []string{
				`f1.csv:2: hr8_90: 75 minutes: the hour 08:00–09:00 of 2025-03-14 lasts 60 minutes in Europe/Paris (TypeOfEvent0 "type-on"): the day is left out`,
			},
			left: 1,
		},
		{
			name: "an hour that is not a whole number of minutes",
			file: header + line("PC-0001", "2025-03-14", "type-on", "0", "8:1.5") + line("PC-0001", "2025-03-14", "type-monitor", "0"),
			problems: []string{
				`f1.csv:2: hr8_90: "1.5": want the minutes of that hour, a whole number from 0 to 60 (120 in the hour the clocks go back; empty: not reported)`,
				"f1.csv:3: left out with its computer's day: a row with an hour that does not read at f1.csv:2",
			},
			left: 1,
		},
		{
			name: "states adding up to more than the hour",
			file: header + line("PC-0001", "2025-03-14", "type-on", "0", "8:50") + line("PC-0001", "2025-03-14", "type-sleep", "0", "8:20"),
			problems: []string{
				"f1.csv:2: hr8_90: on 50 + asleep 20 + off 0 minutes = 70: more than the hour's 60 (2025-03-14): the day is left out",
				"f1.csv:3: left out with its computer's day: an hour's states adding up to more than the hour at f1.csv:2",
			},
			left: 1,
		},
		{
			name: "minutes in the hour the clocks skipped",
			file: header + line("PC-0001", "2025-03-30", "type-on", "60"),
			problems: []string{
				`f1.csv:2: hr2_30: 60 minutes: the hour 02:00–03:00 of 2025-03-30 lasts 0 minutes in Europe/Paris (the clocks went forward: is timezone: the PCs' own?) (TypeOfEvent0 "type-on"): the day is left out`,
			},
			left: 1,
		},
		{
			name: "a TypeOfEvent0 not mapped, past the first rows",
			file: header + early + line("PC-0001", "2025-03-14", "type-new", "0") + line("PC-0001", "2025-03-14", "type-on", "60"),
			problems: []string{
				`f1.csv:22: TypeOfEvent0: "type-new": not mapped under types: map it to on, in_use, sleep, off, monitor, ignore`,
				"f1.csv:23: left out with its computer's day: a row of a TypeOfEvent0 not mapped at f1.csv:22",
			},
			want: []string{"03-13 PC-0099 off 00:00–24:00"},
			left: 1,
		},
		{
			name:     "an empty name",
			file:     header + line("", "2025-03-14", "type-on", "0"),
			problems: []string{"f1.csv:2: Name0: empty: want the computer's name"},
		},
		{
			name:     "a date with a time",
			file:     header + early + line("PC-0001", "2025-03-14 13:00:00", "type-on", "0"),
			problems: []string{`f1.csv:22: Date0: "2025-03-14 13:00:00": the time is not midnight`},
			want:     []string{"03-13 PC-0099 off 00:00–24:00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, sum, problems := read(t, Config{}, tt.file)
			require.Len(t, problems, len(tt.problems), "%v", problems)
			for i, p := range problems {
				assert.True(t, strings.HasPrefix(p.Where+": "+p.Reason, tt.problems[i]), "%s: %s\nwant %s", p.Where, p.Reason, tt.problems[i])
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.left, sum.Left)
		})
	}
}

// What is wrong with the setting rather than a row stops the source on a
// file's first rows, saying what to set: a header without the query's
// columns, a date in a culture not set, a TypeOfEvent0 not mapped.
func TestTheFirstRowsCheckTheSetting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		file string
		want string // the error, in full or its start
	}{
		{"a header without the hours", Config{}, "Name0,Date0,TypeOfEvent0,minutesTotal0\nPC-1,2025-03-14,type-on,0\n",
			"f1.csv:1: header has no column hr0_10, hr1_20"},
		{"another name column", Config{Machine: "Netbios_Name0"}, header,
			"f1.csv:1: header has no column Netbios_Name0 (the computer's name: set machine_column to the export's)"},
		{"a culture's date without culture", Config{}, header + line("PC-1", "3/14/2025 12:00:00 AM", "type-on", "0"),
			`f1.csv:2: Date0: "3/14/2025 12:00:00 AM" is in a culture's format: set culture: to the exporting machine's (de-DE, en-GB, en-US, fr-FR, invariant)`},
		{"a date in another culture", Config{Culture: "en-US"}, header + line("PC-1", "14.03.2025 00:00:00", "type-on", "0"),
			`f1.csv:2: Date0: "14.03.2025 00:00:00": want a day as yyyy-mm-dd or en-US's date`},
		{"a type not mapped", Config{}, header + line("PC-1", "2025-03-14", "Computer Idle", "0"),
			`f1.csv:2: TypeOfEvent0: "Computer Idle": not mapped under types: map it to on, in_use, sleep, off, monitor, ignore`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := tt.cfg
			cfg.Types = testTypes
			r, err := New(cfg)
			require.NoError(t, err)
			err = r.Read(context.Background(), strings.NewReader(tt.file), "f1.csv")
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "%v\nwant %s", err, tt.want)
		})
	}
}

// Export-Csv's forms read alike: Windows PowerShell 5.1's #TYPE line, a
// UTF-8 BOM, UTF-16 with its BOM, the date in en-US's general format (a
// DateTime written by Export-Csv) or its short date, the class's column
// names without the 0, other columns left unread.
func TestExportCsvFormsReadAlike(t *testing.T) {
	t.Parallel()
	want := []string{"03-14 PC-1 off 00:00–08:00", "03-14 PC-1 on 08:00–18:00", "03-14 PC-1 off 18:00–24:00"}
	iso := header + line("PC-1", "2025-03-14", "type-on", "0", "8-17:60")
	wmi := strings.NewReplacer("Date0", "Date", "TypeOfEvent0", "TypeOfEvent", "minutesTotal0", "minutesTotal").Replace(header)
	for h := 0; h < 24; h++ {
		wmi = strings.Replace(wmi, hourName(h)+"0,", hourName(h)+",", 1)
	}
	utf16 := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return string(b)
	}
	tests := []struct {
		name, culture, file string
	}{
		{"ISO dates", "", iso},
		{"a #TYPE line", "", "#TYPE System.Data.DataRow\n" + iso},
		{"a UTF-8 BOM", "", "\xEF\xBB\xBF" + iso},
		{"UTF-16 with its BOM", "", utf16(iso)},
		{"en-US general date", "en-US", strings.Replace(iso, "2025-03-14", "3/14/2025 12:00:00 AM", 1)},
		{"en-US short date", "en-US", strings.Replace(iso, "2025-03-14", "3/14/2025", 1)},
		{"fr-FR general date", "fr-FR", strings.Replace(iso, "2025-03-14", "14/03/2025 00:00:00", 1)},
		{"the class's names and an extra column", "", strings.Replace(wmi, "Name0,", "Name0,ResourceID,", 1) + strings.Replace(line("PC-1", "2025-03-14", "type-on", "0", "8-17:60"), "PC-1,", "PC-1,16777220,", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, _, problems := read(t, Config{Culture: tt.culture}, tt.file)
			assert.Empty(t, problems)
			assert.Equal(t, want, got)
		})
	}
}

// check's figures: rows ignored by type, repeated, replaced; a
// minutesTotal0 that is not the sum of the hours is counted, the hours
// read.
func TestWhatIsLeftOutIsCounted(t *testing.T) {
	t.Parallel()
	r, err := New(Config{Types: testTypes})
	require.NoError(t, err)
	f1 := header + line("PC-1", "2025-03-14", "type-on", "0") + line("PC-1", "2025-03-14", "type-other", "5") +
		line("PC-1", "2025-03-14", "type-other", "5") + line("PC-1", "2025-03-15", "type-on", "0")
	f2 := header + strings.Replace(line("PC-1", "2025-03-15", "type-on", "0", "9:60"), ",60\n", ",61\n", 1) // minutesTotal0 61, the hours 60
	require.NoError(t, r.Read(context.Background(), strings.NewReader(f1), "f1.csv"))
	require.NoError(t, r.Read(context.Background(), strings.NewReader(f2), "f2.csv"))
	sum := r.Spans(paris, func(Span) {})
	assert.Equal(t, map[string]int{`rows of TypeOfEvent0 "type-other" (types: ignore)`: 2, "rows replaced by a later file's (a later inventory of the same day)": 1}, r.Ignored())
	assert.Equal(t, Summary{Machines: 1, Days: 2, From: "2025-03-14", To: "2025-03-15", Mismatch: 1, FirstMismatch: "f2.csv:2 (minutesTotal0 61, the hours 60)"}, sum)
}
