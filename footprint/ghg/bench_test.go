package ghg

import (
	"bytes"
	"fmt"
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

// BenchmarkMerge merges 1,000 sites' inventories of a year (the group
// page merges one a year): the Johannesburg example's records computed
// for sites in 40 countries, each its own lines (its commuting lines'
// basis names its person-days, as a profile's default split does: a line
// of its own) and notes.
func BenchmarkMerge(b *testing.B) {
	acts := benchActivities(b)
	lib := factors.Default()
	countries := []string{"ZA", "FR", "DE", "GB", "US", "IN", "BR", "JP", "CN", "AU", "ES", "IT", "NL", "BE", "PL", "SE", "NO", "FI", "DK", "AT",
		"CH", "IE", "PT", "CZ", "HU", "RO", "GR", "TR", "MX", "CA", "AR", "CL", "CO", "PE", "PH", "ID", "TH", "VN", "KR", "SG"}
	invs := make([]*Inventory, 1000)
	for i := range invs {
		c := countries[i%len(countries)]
		site := declaration.Site{ID: fmt.Sprintf("s%04d", i), Name: "s", Country: c, FTE: 950,
			Commute: &declaration.CommuteSurvey{Modes: []declaration.CommuteMode{{Mode: "car_petrol", Share: 0.4, OneWayKm: 20},
				{Mode: "bus", Share: 0.3, OneWayKm: 10}, {Mode: "rail", Share: 0.2, OneWayKm: 30}, {Mode: "walk", Share: 0.1, OneWayKm: 2}}},
			Workstations: []declaration.Workstation{{Class: "desktop", WattsOn: 65, WattsOff: 1}, {Class: "monitor", WattsOn: 22, WattsOff: 0.5}}}
		inv, err := Calculate(site, acts, 2024, lib, Assumptions{}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for j := range inv.Lines { // as a profile's default split says: the site's person-days in the basis
			if l := &inv.Lines[j]; l.Scope == Scope3Commuting {
				l.Basis = fmt.Sprintf("%d on-site person-days × %s", 200*(500+i), l.Basis)
			}
		}
		invs[i] = inv
	}
	g := Merge("group", "Group", 2024, invs)
	b.Logf("%d lines, %d notes of %d inventories of %d lines", len(g.Lines), len(g.Notes), len(invs), len(invs[0].Lines))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Merge("group", "Group", 2024, invs)
	}
}
