package ghg

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

// BenchmarkCalculateSiteYear computes the Johannesburg example (≈3,000
// daily and monthly records) for one year.
func BenchmarkCalculateSiteYear(b *testing.B) {
	acts := benchActivities(b)
	lib := factors.Default()
	site := declaration.Site{ID: "za", Name: "za", Country: "ZA", FTE: 950,
		Commute:      &declaration.CommuteSurvey{Modes: []declaration.CommuteMode{{Mode: "car_petrol", Share: 1, OneWayKm: 20}}},
		Workstations: []declaration.Workstation{{Class: "desktop", WattsOn: 65, WattsOff: 1}, {Class: "monitor", WattsOn: 22, WattsOff: 0.5}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Calculate(site, acts, 2024, lib, Assumptions{}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadActivitiesCSV parses the same example file.
func BenchmarkReadActivitiesCSV(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "johannesburg", "activities.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := footprint.ReadActivitiesCSV(bytes.NewReader(raw), "bench.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

func benchActivities(b *testing.B) []footprint.Activity {
	f, err := os.Open(filepath.Join("..", "..", "examples", "johannesburg", "activities.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	acts, err := footprint.ReadActivitiesCSV(f, "bench.csv")
	if err != nil {
		b.Fatal(err)
	}
	return acts
}

// BenchmarkDefaultLibrary parses the embedded factor library.
func BenchmarkDefaultLibrary(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = factors.Default()
	}
}
