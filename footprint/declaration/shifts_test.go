package declaration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	weeknights = PowerOffWindow{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "20:00", To: "07:00"}
	weekends   = PowerOffWindow{Days: []string{"sat", "sun"}, AllDay: true}
)

// A Manila-like site: 600 seats, 200 staffed around the clock, 150 on a
// night shift (22:00–07:00, off by day), 150 on days (the site's
// windows), the rest sleeping seats (the site's windows).
func shiftSchedule() PowerOffSchedule {
	return PowerOffSchedule{Windows: []PowerOffWindow{weeknights, weekends}, Groups: []PowerOffGroup{
		{ID: "24x7", OU: "OU=24x7,OU=Manila,DC=corp", NeverOff: true, Seats: 200},
		{ID: "night", Devices: []string{"MNL-N-*"}, Seats: 150,
			Windows: []PowerOffWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "08:00", To: "21:00"}, weekends}},
		{ID: "day", Devices: []string{"MNL-0201", "mnl-0202"}, Seats: 150},
		{ID: "rostered", Devices: []string{"MNL-R-??"}, Staffed: []PowerOffWindow{{Days: []string{"wed"}, From: "22:00", To: "02:00"}}},
	}}
}

func TestAMachineBelongsToTheFirstGroupThatNamesIt(t *testing.T) {
	t.Parallel()
	sched := shiftSchedule()
	tests := []struct {
		name, device, ou string
		want             int
	}{
		{"by its OU", "MNL-0101", "OU=24x7,OU=Manila,DC=corp", 0},
		{"by a unit under the group's OU, spaced and in another case", "MNL-0102", "ou=Team A, OU=24x7, ou=manila, DC=CORP", 0},
		{"not by an OU that merely ends alike", "MNL-0103", "OU=Not24x7,OU=Manila,DC=corp", -1},
		{"by a pattern", "MNL-N-17", "", 1},
		{"by a name in a list, whatever its case", "MNL-0202", "", 2},
		{"by ? for one character", "MNL-R-07", "", 3},
		{"not by ? for two", "MNL-R-107", "", -1},
		{"a machine no group names keeps the site's windows", "MNL-0301", "OU=Floor3,OU=Manila,DC=corp", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, sched.GroupOf(tt.device, tt.ou))
		})
	}
}

// Hand-computed window hours of each group on a Wednesday and a Saturday
// in Manila (UTC+8, no DST).
func TestAGroupsWindowsAreItsOwnLessItsStaffedHours(t *testing.T) {
	t.Parallel()
	manila, err := time.LoadLocation("Asia/Manila")
	require.NoError(t, err)
	sched := shiftSchedule()
	tests := []struct {
		name  string
		group int
		day   string
		hours float64
	}{
		{"the site's windows on a Wednesday: 00–07 and 20–24", -1, "2025-03-05", 7 + 4},
		{"24/7 seats are never off", 0, "2025-03-05", 0},
		{"night seats are off by day: 08–21", 1, "2025-03-05", 13},
		{"night seats on a Saturday: all day", 1, "2025-03-08", 24},
		{"day seats keep the site's windows", 2, "2025-03-05", 11},
		// 00–07 and 20–24 less the roster's 22–24: 7 + 2.
		{"a rostered Wednesday night is not a window", 3, "2025-03-05", 7 + 2},
		// 00–07 less the roster's 00–02 (Wednesday's shift into Thursday), and 20–24: 5 + 4.
		{"…nor its morning after", 3, "2025-03-06", 5 + 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := time.ParseInLocation("2006-01-02", tt.day, manila)
			require.NoError(t, err)
			assert.InDelta(t, tt.hours, length(sched.GroupIntervals(tt.group, d, manila)).Hours(), 1e-9)
		})
	}
	wed, err := time.ParseInLocation("2006-01-02", "2025-03-05", manila)
	require.NoError(t, err)
	// One seat's mean on a Wednesday over 600 seats: 200 × 0 + 150 × 13 +
	// 150 × 11 + 100 (ungrouped) × 11 = 4,700 h ÷ 600 = 7.8333 h (the
	// rostered group declares no seats).
	assert.InDelta(t, 4700.0/600, sched.MeanHours(wed, manila, 600), 1e-9)
	assert.InDelta(t, 11, PowerOffSchedule{Windows: []PowerOffWindow{weeknights}}.MeanHours(wed, manila, 600), 1e-9, "without groups: the site's hours")
}

func TestPowerOffGroupsAreChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		groups []PowerOffGroup
		want   []string
	}{
		{"good groups", shiftSchedule().Groups, nil},
		{"a group without an id", []PowerOffGroup{{Devices: []string{"A*"}, NeverOff: true}}, []string{"site.power_off.groups[0].id: missing"}},
		{"an id twice", []PowerOffGroup{{ID: "n", Devices: []string{"A*"}, NeverOff: true}, {ID: "n", OU: "OU=x", NeverOff: true}},
			[]string{"site.power_off.groups[1].id: n", "already used by groups[0]"}},
		{"nothing names its machines", []PowerOffGroup{{ID: "n", NeverOff: true}}, []string{"site.power_off.groups[0].devices: missing", "ou"}},
		{"a bad pattern", []PowerOffGroup{{ID: "n", Devices: []string{"MNL-[N"}, NeverOff: true}}, []string{"site.power_off.groups[0].devices[0]: MNL-[N", "pattern"}},
		{"never off with windows", []PowerOffGroup{{ID: "n", Devices: []string{"A*"}, NeverOff: true, Windows: []PowerOffWindow{weekends}}},
			[]string{"site.power_off.groups[0].never_off: true", "not both"}},
		{"a bad staffed time", []PowerOffGroup{{ID: "n", Devices: []string{"A*"}, Staffed: []PowerOffWindow{{Days: []string{"mon"}, From: "10pm", To: "07:00"}}}},
			[]string{"site.power_off.groups[0].staffed[0].from: 10pm", "HH:MM"}},
		{"more seats than the site's", []PowerOffGroup{{ID: "n", Devices: []string{"A*"}, NeverOff: true, Seats: 101}},
			[]string{"site.power_off.groups: 101 seats", "more than site.seats (100)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := validSite()
			s.PowerOff.Groups = tt.groups
			if tt.name == "good groups" {
				s.Seats = 600
			}
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
	s := validSite()
	s.PowerOff.Windows = nil
	s.PowerOff.Groups = []PowerOffGroup{{ID: "n", Devices: []string{"A*"}}}
	err := s.Validate("site.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "site.power_off.groups[0].windows: missing: the site has no power_off.windows to inherit")
}
