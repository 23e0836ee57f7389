package agent

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// fuzzSources are one source of each collector, as the example declares
// them, reading the fuzzed bytes.
var fuzzSources = []SourceConfig{
	{ID: "bills", Type: "csv", Collector: "energy", Delimiter: ";", Decimal: ",", Encoding: "latin-1", DateFormat: "DD/MM/YYYY",
		Kind: "electricity", Item: "grid", Unit: "kWh", Columns: Columns{Start: "start", End: "end", Quantity: "kwh"}},
	{ID: "pm", Type: "csv", Collector: "workstation", Class: "desktop", Columns: Columns{Device: "device", Time: "time", Event: "event"}},
	{ID: "wfm", Type: "csv", Collector: "telework", Columns: Columns{Date: "date", Remote: "remote", Onsite: "onsite"}},
	{ID: "travel", Type: "csv", Collector: "travel", Columns: Columns{Date: "date", Mode: "mode", From: "from", To: "to", DistanceKm: "km", Cabin: "cabin", Nights: "nights", Country: "country"}},
}

// FuzzCSVSources: no export panics a source parser or a collector, and
// every record a collector emits keeps the activity contract.
func FuzzCSVSources(f *testing.F) {
	f.Add([]byte("start;end;kwh\n01/01/2024;01/02/2024;22 855,8\n"))
	f.Add([]byte("device,time,event\nPC-1,2024-03-04 20:00:00,shutdown\nPC-1,2024-03-05 07:30:00,startup\n"))
	f.Add([]byte("date,remote,onsite\n2024-03-01,11,37\n"))
	f.Add([]byte("date,mode,from,to,km,cabin,nights,country\n2024-03-05,flight,CDG,LHR,,economy,,\n2024-03-05,hotel,,,,,2,GB\n"))
	f.Add([]byte("date,remote,onsite\n2024-03-31,\"11,37\n"))
	site := declaration.Site{ID: "fr-x", Country: "FR", Timezone: "Europe/Paris", Seats: 100,
		Workstations: []declaration.Workstation{{Class: "desktop", Count: 100, WattsOn: 60}}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, s := range fuzzSources {
			s.applyDefaults()
			tab, err := s.parse(raw, "fuzz.csv", s.Columns.mapped())
			if err != nil {
				continue
			}
			acts, _ := collect(s, site, tab)
			for _, a := range acts {
				if errs := a.Validate("fuzz"); len(errs) > 0 {
					t.Fatalf("%s: an emitted record breaks the contract: %v", s.ID, errs)
				}
			}
			_ = declaration.Plausibility(site, acts, nil)
		}
	})
}

// FuzzConfig: no site.yaml panics the loader; it loads or says why.
func FuzzConfig(f *testing.F) {
	raw, err := os.ReadFile("../examples/agent/site.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte("site:\n  id: x\n  power_of: {}\n"))
	f.Add([]byte("sources:\n  - {id: a, type: csv, collector: energy, decimal: \",\", delimiter: \",\"}\n"))
	f.Fuzz(func(t *testing.T, yaml []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "site.yaml")
		if err := os.WriteFile(path, yaml, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _ = Load(path, false)
	})
}
