package collector

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// fuzzSources are one source of each collector, as the example declares
// them, reading the fuzzed bytes.
var fuzzSources = []struct {
	id, collector, delimiter, encoding string
	common                             Common
	options                            Options
}{
	{"bills", "energy", ";", "latin-1", Common{Decimal: ",", DateFormat: "DD/MM/YYYY", Columns: Columns{Start: "start", End: "end", Quantity: "kwh"}},
		&energyCollector{Kind: "electricity", Item: "grid", Unit: "kWh"}},
	{"pm", "workstation", ",", "", Common{Columns: Columns{Device: "device", Time: "time", Event: "event"}}, &workstationCollector{Class: "desktop"}},
	{"wfm", "telework", ",", "", Common{Columns: Columns{Date: "date", Remote: "remote", Onsite: "onsite"}}, &teleworkCollector{}},
	{"travel", "travel", ",", "", Common{Columns: Columns{Date: "date", Mode: "mode", From: "from", To: "to", DistanceKm: "km", Cabin: "cabin", Nights: "nights", Country: "country"}}, &travelCollector{}},
	{"meralco", "energy", ",", "", Common{DateFormat: "MMM D, YYYY", Columns: Columns{Period: "Billing Period", Quantity: "kWh"}},
		&energyCollector{Kind: "electricity", Item: "grid", Unit: "kWh"}},
	{"roster", "telework", ",", "", Common{DateFormat: "M/D/YYYY", Columns: Columns{Date: "Date", Person: "Employee ID", WorkLocation: "Work Location"}},
		&teleworkCollector{Locations: map[string]string{"office": "onsite", "wfh": "remote", "leave": "ignore"}}},
	{"flights", "travel", ",", "", Common{DateFormat: "DD-MMM-YYYY", Constants: map[string]string{"mode": "flight"}, Columns: Columns{Date: "Booking Date", From: "Origin", To: "Destination"}}, &travelCollector{}},
	{"hh", "interval", ",", "", Common{TimeFormat: "DD/MM/YYYY HH:mm", Columns: Columns{Time: "time", Quantity: "kwh"}}, &intervalCollector{Unit: "kWh", Timestamp: "start", Gaps: "estimate"}},
	{"segments", "travel", ",", "", Common{DateFormat: "DD-MMM-YYYY", Constants: map[string]string{"mode": "flight"},
		Columns: Columns{Date: "Travel Date", BookingDate: "Booking Date", From: "Origin", To: "Destination", DistanceMi: "Segment Miles", Cabin: "Class"}}, &travelCollector{}},
	{"genset", "energy", ",", "", Common{DateFormat: "M/D/YYYY", Columns: Columns{Date: "Date", Quantity: "Fuel Consumed (L)"}},
		&energyCollector{Kind: "fuel", Item: "diesel", Unit: "L", EventLog: true}},
	{"refrigerant", "energy", ",", "", Common{DateFormat: "M/D/YYYY", Columns: Columns{Date: "Date", Item: "Refrigerant", Quantity: "Qty Added (kg)"}},
		&energyCollector{Kind: "refrigerant", Unit: "kg", EventLog: true}},
	{"survey", "commute_survey", ",", "", Common{DateFormat: "M/D/YYYY", TimeFormat: "M/D/YYYY H:mm:ss",
		Columns: Columns{Date: "Timestamp", Mode: "Mode", DistanceKm: "km", DaysOnSite: "Days", Home: "Home"}},
		&commuteSurveyCollector{Modes: map[string]string{"mrt/lrt": "metro"}, Places: map[string]float64{"makati": 2}}},
}

// FuzzCSVSources: no export panics a source parser or a collector, and
// every record a collector emits keeps the activity contract.
func FuzzCSVSources(f *testing.F) {
	f.Add([]byte("start;end;kwh\n01/01/2024;01/02/2024;22 855,8\n"))
	f.Add([]byte("device,time,event\nPC-1,2024-03-04 20:00:00,shutdown\nPC-1,2024-03-05 07:30:00,startup\n"))
	f.Add([]byte("date,remote,onsite\n2024-03-01,11,37\n"))
	f.Add([]byte("date,mode,from,to,km,cabin,nights,country\n2024-03-05,flight,CDG,LHR,,economy,,\n2024-03-05,hotel,,,,,2,GB\n"))
	f.Add([]byte("date,remote,onsite\n2024-03-31,\"11,37\n"))
	f.Add([]byte("Account 42\n\n\"Billing Period\",\"kWh\"\n\"Dec 5, 2024 - Jan 4, 2025\",\"48,230.50\"\n\"Jan 5 - Feb 4, 2025\",\"47,110.25\"\nTotal,\"95,340.75\"\n"))
	f.Add([]byte("Date,Employee ID,Work Location\n1/6/2025,E1,Office\n1/6/2025,E1,WFH\n1/6/2025,E2,Leave\nGrand Total,3,\n"))
	f.Add([]byte("Booking Date,Origin,Destination\n09-Jan-2025,MNL,CEB\n09-janv.-2025,MNL,SIN\n"))
	f.Add([]byte("time,kwh\n26/10/2025 01:00,0.4\n26/10/2025 01:30,0.4\n26/10/2025 01:00,0.4\n30/03/2025 02:30,1\n"))
	f.Add([]byte("Traveller,Booking Date,Travel Date,Origin,Destination,Segment Miles,Class\n\"Cruz, Ana\",20-Jan-2025,,MNL,ENI,261,Economy\n" +
		"\"Cruz, Ana\",20-Jan-2025,03-Feb-2025,MNL,DOH,\"5,412\",Business\nX,20-Jan-2025,,QQQ,,-3,First\n"))
	f.Add([]byte("Timestamp,Mode,km,Days,Home\n3/10/2025 9:14:02,Jeepney,8,5,\n3/10/2025 9:20:45,MRT/LRT,,5,Makati\n" +
		"3/11/2025 8:05:33,Hoverboard,6,5,\n3/11/2025 8:05:33,Walk,-1,9,\n,Own car,400,2,\n"))
	f.Add([]byte("GENSET LOG,,\n,,\nDate,Run Hours,Fuel Consumed (L)\n1/11/2025,1.0,118\n7/24/2025,7.5,975\n11/11/2025,4.0,\"1,500\"\n"))
	f.Add([]byte("Date,Refrigerant,Qty Added (kg)\n1/21/2025,R-410A,4.5\n,,\n3/18/2025,r-32,1.2\n3/19/2025,R-1234yf,1\n, ,\n"))
	site := declaration.Site{ID: "fr-x", Name: "X", Country: "FR", Timezone: "Europe/Paris", Seats: 100,
		Workstations: []declaration.Workstation{{Class: "desktop", Count: 100, WattsOn: 60}}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, s := range fuzzSources {
			common := s.common
			common.Defaults()
			s.options.Defaults(&common)
			tab, err := source.Parse(raw, "fuzz.csv", s.delimiter, s.encoding, common.Columns.Mapped())
			if err != nil {
				continue
			}
			for _, r := range tab.Rows {
				common.Apply(r)
			}
			acts, _ := Collect(s.options, Env{ID: s.id, Type: "csv", Collector: s.collector, Common: common, Site: site}, tab)
			for _, a := range acts {
				if errs := a.Validate("fuzz"); len(errs) > 0 {
					t.Fatalf("%s: an emitted record breaks the contract: %v", s.id, errs)
				}
			}
			_ = declaration.Plausibility(site, acts, nil)
			col := s.options.New(Env{ID: s.id, Type: "csv", Collector: s.collector, Common: common, Site: site})
			if sv, ok := col.(Surveyor); ok {
				for _, r := range tab.Rows {
					col.Add(r)
				}
				if got := sv.Survey(); got != nil {
					withSurvey := site
					withSurvey.Commute = got
					if err := withSurvey.Validate("fuzz"); err != nil {
						t.Fatalf("%s: the survey breaks the declaration: %v", s.id, err)
					}
				}
			}
		}
	})
}

// FuzzMeterSources: no Green Button feed or Enedis export panics its
// reader or the interval collector, and every record the collector makes
// of them keeps the activity contract.
func FuzzMeterSources(f *testing.F) {
	// Small seeds (the fuzzer minimises what it finds new for up to a
	// minute: large inputs stall it): the head of each fixture's export.
	for _, p := range []struct {
		path  string
		lines int
	}{
		{"enedis-load-curve-dst/exports/enedis-autumn/Enedis_Conso_Heure_20251025-20251027_00000000000000.csv", 10},
		{"enedis-daily-index/exports/Enedis_Index_20250328-20250401_00000000000000.csv", 19},
	} {
		raw, err := os.ReadFile(filepath.Join("..", "testdata", "collect", p.path))
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(strings.Join(strings.SplitAfter(string(raw), "\n")[:p.lines], "")))
	}
	f.Add([]byte(fuzzFeed))
	f.Add([]byte(`<feed><entry><link rel="self" href="ReadingType/1"/><content><ReadingType><accumulationBehaviour>4</accumulationBehaviour><uom>72</uom><powerOfTenMultiplier>9</powerOfTenMultiplier></ReadingType><IntervalBlock><IntervalReading><timePeriod><duration>90000</duration><start>-1</start></timePeriod><value>140737488355327</value></IntervalReading></IntervalBlock><LocalTimeParameters><dstEndRule>FFFFFFFF</dstEndRule><dstOffset>0</dstOffset><dstStartRule>E0000000</dstStartRule><tzOffset>3600</tzOffset></LocalTimeParameters></content></entry></feed>`))
	f.Add([]byte("Horodate;Valeur\n2025-03-30T02:30:00+01:00;12\n2025-03-30T03:00:00+02:00;\nPeriode;x\nDu;y\n"))
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	site := declaration.Site{ID: "us-x", Country: "US", Timezone: "America/New_York", Seats: 100}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var tables []source.Table
		if tab, err := source.ParseGreenButton(raw, "fuzz.xml", "consumption", newYork); err == nil {
			tables = append(tables, tab)
		}
		for _, data := range []string{"load_curve", "index"} {
			if tab, err := source.ParseEnedis(raw, "fuzz.csv", data); err == nil {
				tables = append(tables, tab)
			}
		}
		for _, tab := range tables {
			for _, gaps := range []string{"reject", "estimate"} {
				o := &intervalCollector{Gaps: gaps}
				common := Common{}
				common.Defaults()
				o.Defaults(&common)
				env := Env{ID: "meter", Type: "greenbutton", Collector: "interval", Common: common, Site: site,
					Gives: []string{"start", "end", "time", "quantity", "unit", "stamp", "step", "reading"}}
				acts, _ := Collect(o, env, tab)
				for _, a := range acts {
					if errs := a.Validate("fuzz"); len(errs) > 0 {
						t.Fatalf("an emitted record breaks the contract: %v", errs)
					}
				}
			}
		}
	})
}

// fuzzFeed is a Green Button feed cut to its bones: a usage point, its
// local time, a meter reading, its reading type and an interval block.
const fuzzFeed = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
 <entry><link href="UsagePoint/1" rel="self"/><title>Main</title><content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content></entry>
 <entry><link href="LocalTimeParameters/1" rel="self"/><content><LocalTimeParameters xmlns="http://naesb.org/espi"><dstEndRule>B40E2000</dstEndRule><dstOffset>3600</dstOffset><dstStartRule>360E2000</dstStartRule><tzOffset>-18000</tzOffset></LocalTimeParameters></content></entry>
 <entry><link href="UsagePoint/1/MeterReading/1" rel="self"/><link href="ReadingType/7" rel="related"/><content><MeterReading xmlns="http://naesb.org/espi"/></content></entry>
 <entry><link href="ReadingType/7" rel="self"/><content><ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour><commodity>1</commodity><flowDirection>1</flowDirection><intervalLength>3600</intervalLength><powerOfTenMultiplier>-3</powerOfTenMultiplier><uom>72</uom></ReadingType></content></entry>
 <entry><link href="UsagePoint/1/MeterReading/1/IntervalBlock" rel="up"/><content><IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>10800</duration><start>1741413600</start></interval>
  <IntervalReading><timePeriod><duration>3600</duration><start>1741413600</start></timePeriod><value>1000000</value></IntervalReading>
  <IntervalReading><timePeriod><duration>3600</duration><start>1741417200</start></timePeriod><value>1500000</value></IntervalReading>
  <IntervalReading><timePeriod><duration>3600</duration><start>1741420800</start></timePeriod></IntervalReading>
 </IntervalBlock></content></entry>
</feed>
`
