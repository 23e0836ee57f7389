package collector

import (
	"testing"

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
	{"segments", "travel", ",", "", Common{DateFormat: "DD-MMM-YYYY", Constants: map[string]string{"mode": "flight"},
		Columns: Columns{Date: "Travel Date", BookingDate: "Booking Date", From: "Origin", To: "Destination", DistanceMi: "Segment Miles", Cabin: "Class"}}, &travelCollector{}},
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
	f.Add([]byte("Traveller,Booking Date,Travel Date,Origin,Destination,Segment Miles,Class\n\"Cruz, Ana\",20-Jan-2025,,MNL,ENI,261,Economy\n" +
		"\"Cruz, Ana\",20-Jan-2025,03-Feb-2025,MNL,DOH,\"5,412\",Business\nX,20-Jan-2025,,QQQ,,-3,First\n"))
	f.Add([]byte("Timestamp,Mode,km,Days,Home\n3/10/2025 9:14:02,Jeepney,8,5,\n3/10/2025 9:20:45,MRT/LRT,,5,Makati\n" +
		"3/11/2025 8:05:33,Hoverboard,6,5,\n3/11/2025 8:05:33,Walk,-1,9,\n,Own car,400,2,\n"))
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
