package ghg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

// What rests on defaults, line by line: home-working always (a draw per
// hour at home is assumed), commuting when its split is the profile's or
// its days are estimated from the FTE; the share is of the location-based
// total, the sum of the parts.
func TestWhatRestsOnDefaults(t *testing.T) {
	t.Parallel()
	day := func(kind footprint.Kind, item string, q float64, unit footprint.Unit) footprint.Activity {
		return footprint.Activity{Kind: kind, Item: item, Start: footprint.NewDate(2025, 3, 3), End: footprint.NewDate(2025, 3, 4),
			Quantity: q, Unit: unit, Source: "s", Quality: footprint.QualityMeasured}
	}
	split := &declaration.CommuteSurvey{Modes: []declaration.CommuteMode{{Mode: "bus", Share: 1, OneWayKm: 10}}}
	profile := Assumptions{Profile: "fossil-grid-tropical", HomeworkingKgPerHour: 0.2, HomeworkingSource: "test profile", Commute: split}
	tests := []struct {
		name  string
		site  func(*declaration.Site)
		acts  []footprint.Activity
		parts []string
	}{
		{"the profile's split and home-working",
			func(*declaration.Site) {},
			[]footprint.Activity{day(footprint.KindTelework, "onsite", 100, footprint.UnitPersonDay), day(footprint.KindTelework, "remote", 50, footprint.UnitPersonDay),
				day(footprint.KindElectricity, "grid", 1000, footprint.UnitKWh)},
			[]string{"commuting: the profile's assumed modal split and distances (no commute survey)",
				"home-working: profile fossil-grid-tropical's assumed draw per hour at home, for every hour at home (the line's factor source says how), and the default working hours a day"}},
		{"a survey, but no attendance: the days are estimated",
			func(s *declaration.Site) { s.FTE, s.Commute = 10, split },
			[]footprint.Activity{day(footprint.KindElectricity, "grid", 1000, footprint.UnitKWh)},
			[]string{"commuting: on-site days estimated from the FTE (no attendance recorded)"}},
		{"measured electricity only", func(*declaration.Site) {},
			[]footprint.Activity{day(footprint.KindElectricity, "grid", 1000, footprint.UnitKWh)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := declaration.Site{ID: "ph-mnl", Name: "Manila", Country: "PH", Timezone: "Asia/Manila", Seats: 600}
			tt.site(&site)
			inv, err := Calculate(site, tt.acts, 2025, factors.Default(), profile, Options{})
			require.NoError(t, err)
			if tt.parts == nil {
				assert.Nil(t, inv.OnDefaults)
				return
			}
			require.NotNil(t, inv.OnDefaults)
			var got []string
			sum := 0.0
			for _, p := range inv.OnDefaults.Parts {
				got = append(got, p.What)
				sum += p.T
			}
			assert.ElementsMatch(t, tt.parts, got)
			assert.InDelta(t, sum, inv.OnDefaults.T, 1e-12)
			assert.InDelta(t, sum/inv.TotalLocationT, inv.OnDefaults.Share, 1e-12)
			assert.Greater(t, inv.OnDefaults.Share, 0.0)
			assert.Less(t, inv.OnDefaults.Share, 1.0, "the metered electricity rests on no default")
		})
	}
}
