package declaration

import (
	"testing"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func month(m int, kwh float64) footprint.Activity {
	return footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, time.Month(1+m), 1),
		End: footprint.NewDate(2024, time.Month(2+m), 1), Quantity: kwh, Unit: footprint.UnitKWh, Source: "bills", Quality: footprint.QualityMeasured}
}

func diesel(m int, l float64) footprint.Activity {
	a := month(m, l)
	a.Kind, a.Item, a.Unit = footprint.KindFuel, "diesel", footprint.UnitLitre
	return a
}

func TestPlausibilityComparesFiguresWithTheDeclarationAndTheSourcesHistory(t *testing.T) {
	t.Parallel()
	site := Site{ID: "fr-x", Seats: 120, FTE: 110, HoursPerDay: 7.5,
		Workstations: []Workstation{{Class: "desktop", Count: 120, WattsOn: 60}}}
	// 120 desktops × 60 W: 54 kWh in a 7.5-hour day, 172.8 kWh all day.
	typical := []footprint.Activity{month(0, 22000), month(1, 21000), month(2, 20000)}
	tests := []struct {
		name    string
		acts    []footprint.Activity
		history map[string]float64
		want    string // "" for no warning
	}{
		{"bills of the right order of magnitude", typical, nil, ""},
		{"bills a thousand times too high for the fleet", []footprint.Activity{month(0, 22e6)}, nil, "check the unit"},
		{"one month in MWh among months in kWh", append(append([]footprint.Activity{}, typical...), month(3, 21)), nil, "check the unit"},
		{"one genset refill in millilitres among refills in litres", []footprint.Activity{diesel(0, 400), diesel(1, 420), diesel(2, 380), diesel(3, 410000)}, nil, "against a median"},
		{"a source whose level jumped since the last runs", typical, map[string]float64{"bills|electricity|grid": 70}, "did the unit or decimal setting"},
		{"a source at its usual level", typical, map[string]float64{"bills|electricity|grid": 690}, ""},
		{"more device hours than the fleet can run", []footprint.Activity{{Kind: footprint.KindWorkstation, Item: "desktop",
			Start: footprint.NewDate(2024, 3, 4), End: footprint.NewDate(2024, 3, 5), Quantity: 120 * 25, Unit: footprint.UnitDeviceH, Source: "pm",
			Quality: footprint.QualityMeasured, Attrs: map[string]string{"state": "on"}}}, nil, "more than 24 h each"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Plausibility(site, tt.acts, tt.history)
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			require.NotEmpty(t, got)
			assert.Contains(t, got[0].Message, tt.want)
		})
	}
}
