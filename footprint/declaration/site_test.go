package declaration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSiteValidationReportsEveryProblemWithItsPath(t *testing.T) {
	t.Parallel()
	bad := -40.0
	tests := []struct {
		name   string
		mutate func(*Site)
		want   []string
	}{
		{"a good site", func(*Site) {}, nil},
		{"a lower-case country", func(s *Site) { s.Country = "za" }, []string{"site.country: za", `did you mean "ZA"`}},
		{"an unknown country", func(s *Site) { s.Country = "XZ" }, []string{"site.country: XZ", "alpha-2"}},
		{"an unknown time zone", func(s *Site) { s.Timezone = "Africa/Joburg" }, []string{"site.timezone: Africa/Joburg", "IANA"}},
		{"negative watts", func(s *Site) { s.Workstations[0].WattsOn = -40 }, []string{"site.workstations[0].watts_on: -40 W: must be between 0 and 1000 W"}},
		{"a misspelt class", func(s *Site) { s.Workstations[0].Class = "destkop" }, []string{"site.workstations[0].class: destkop", `did you mean "desktop"`}},
		{"a percentage instead of a share", func(s *Site) { s.Electricity.GreenShare = 40 }, []string{"site.electricity.green_share: 40", "a share, not a percentage"}},
		{"a supplier factor without source", func(s *Site) { s.Electricity.SupplierSource = ""; s.Electricity.SupplierKgPerKWh = &bad },
			[]string{"site.electricity.supplier_kg_per_kwh: -40", "site.electricity.supplier_source"}},
		{"commute shares not adding up", func(s *Site) { s.Commute.Modes[0].Share = 0.9 }, []string{"site.commute.modes: shares sum to 1.400", "add up to 1"}},
		{"an unknown commute mode", func(s *Site) { s.Commute.Modes[0].Mode = "carpol" }, []string{"site.commute.modes[0].mode: carpol", `did you mean "carpool"`}},
		{"a bad power-off time", func(s *Site) { s.PowerOff.Windows[0].From = "8pm" }, []string{"site.power_off.windows[0].from: 8pm", "HH:MM"}},
		{"a bad weekday", func(s *Site) { s.PowerOff.Windows[0].Days = []string{"monday"} }, []string{"site.power_off.windows[0].days[0]: monday"}},
		{"several problems at once", func(s *Site) { s.Seats = 0; s.ID = "Bad ID" }, []string{"2 problem(s)", "site.seats: 0", "site.id: Bad ID"}},
		{"a refrigerant charge", func(s *Site) {
			s.Refrigerants = []RefrigerantCharge{{Gas: "R410A", ChargeKg: 180}, {Gas: "R32", ChargeKg: 12.5}}
		}, nil},
		{"a misspelt refrigerant", func(s *Site) { s.Refrigerants = []RefrigerantCharge{{Gas: "R410a", ChargeKg: 180}} },
			[]string{"site.refrigerants[0].gas: R410a", `did you mean "R410A"`}},
		{"a refrigerant twice", func(s *Site) {
			s.Refrigerants = []RefrigerantCharge{{Gas: "R32", ChargeKg: 5}, {Gas: "R32", ChargeKg: 7}}
		},
			[]string{"site.refrigerants[1].gas: R32", "already declared in refrigerants[0]"}},
		{"a charge of nothing", func(s *Site) { s.Refrigerants = []RefrigerantCharge{{Gas: "R32"}} },
			[]string{"site.refrigerants[0].charge_kg: 0 kg", "must be > 0"}},
		{"a charge in grams", func(s *Site) { s.Refrigerants = []RefrigerantCharge{{Gas: "R410A", ChargeKg: 180000}} },
			[]string{"site.refrigerants[0].charge_kg: 180000 kg", "at most 100000 kg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSite()
			tt.mutate(&s)
			err := s.Validate("site.yaml")
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func validSite() Site {
	s := testSite()
	s.Commute.Modes = append([]CommuteMode(nil), s.Commute.Modes...)
	s.Workstations = append([]Workstation(nil), s.Workstations...)
	s.PowerOff = PowerOffSchedule{Windows: []PowerOffWindow{{Days: []string{"mon", "fri"}, From: "20:00", To: "07:00"}, {Days: []string{"sun"}, AllDay: true}}}
	return s
}

func TestParseClock(t *testing.T) {
	t.Parallel()
	m, err := ParseClock("07:30")
	require.NoError(t, err)
	assert.Equal(t, 450, m)
	for _, bad := range []string{"7", "25:00", "07:60", "7:5", ""} {
		_, err := ParseClock(bad)
		assert.Error(t, err, bad)
	}
}
