package profiles

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

func site(id, city, country string) declaration.Site {
	return declaration.Site{ID: id, Name: city, City: city, Country: country, Timezone: "UTC", Seats: 100}
}

func assign(t *testing.T, s declaration.Site) Assignment {
	t.Helper()
	f, src := SiteFeatures(s, factors.Default(), 2024)
	a, err := Assign(s.ID, f, src, Default(), s.Profile)
	require.NoError(t, err)
	return a
}

func TestTheFourRepresentativeCitiesAssignToTheirOwnProfile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		city, country string
		want          string
	}{
		{"Paris is the low-carbon-grid centre", "Paris", "FR", "low-carbon-grid"},
		{"Casablanca is the fossil-grid-mild centre", "Casablanca", "MA", "fossil-grid-mild"},
		{"Manila is the fossil-grid-tropical centre", "Manila", "PH", "fossil-grid-tropical"},
		{"Johannesburg is the coal-grid centre", "Johannesburg", "ZA", "coal-grid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := assign(t, site("s", tt.city, tt.country))
			assert.Equal(t, tt.want, a.Profile)
			assert.Equal(t, tt.want, a.Computed)
			assert.Nil(t, a.Override)
			// With no survey nor insulation, the site sits on its centre
			// in grid and climate: distance 0.
			assert.InDelta(t, 0, a.Distances[tt.want], 1e-9)
			assert.Len(t, a.Distances, 4)
		})
	}
}

func TestSitesBetweenProfilesAreAssignedWithTheirExplanation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		site      declaration.Site
		want      string
		decidedBy string
		// wantDist is the hand-computed distance to the chosen profile.
		wantDist float64
	}{
		{"Lisbon's clean grid outweighs its mild climate", site("pt", "Lisbon", "PT"), "low-carbon-grid", "grid_g_per_kwh",
			math.Sqrt(2*sq((112.29-44.18)/150) + sq((777-2533)/1000.0) + sq((566-56)/1000.0))},
		{"Dakar's heat puts it with Manila", site("sn", "Dakar", "SN"), "fossil-grid-tropical", "cdd",
			math.Sqrt(2*sq((535.4-613.38)/150) + sq(0) + sq((2344-3366)/1000.0))},
		{"Durban's coal grid outweighs its warm climate", site("za", "Durban", "ZA"), "coal-grid", "grid_g_per_kwh",
			math.Sqrt(2*sq(0) + sq((61-915)/1000.0) + sq((1106-200)/1000.0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := assign(t, tt.site)
			assert.Equal(t, tt.want, a.Profile)
			assert.Equal(t, tt.decidedBy, a.DecidedBy)
			assert.InDelta(t, tt.wantDist, a.Distances[tt.want], 1e-9)
			for id, d := range a.Distances {
				assert.GreaterOrEqual(t, d, a.Distances[tt.want], id)
			}
			assert.Contains(t, a.Explain, tt.want)
			assert.Contains(t, a.Explain, tt.decidedBy)
		})
	}
}

func sq(x float64) float64 { return x * x }

func TestDakarUsesSenegalsLatestGridYearAndSaysSo(t *testing.T) {
	t.Parallel()
	a := assign(t, site("sn", "Dakar", "SN"))
	assert.Contains(t, a.Sources["grid_g_per_kwh"], "electricity/grid/SN/2023")
	assert.Contains(t, a.Sources["grid_g_per_kwh"], "no 2024 factor for SN")
}

func TestClimateComesFromTheSiteThenTheCityThenTheCountry(t *testing.T) {
	t.Parallel()
	lyon := site("x", "Lyon", "FR")
	lyon.Latitude, lyon.Longitude = 45.7640, 4.8357
	means, err := MonthlyMeans(lyon.Latitude, lyon.Longitude)
	require.NoError(t, err)
	lyonHDD, _ := DegreeDays(means)
	lyonHDD = math.Round(lyonHDD)
	bm, err := MonthlyMeans(4.6097, -74.0817)
	require.NoError(t, err)
	bogotaHDD, _ := DegreeDays(bm)
	bogotaHDD = math.Round(bogotaHDD)
	declared := site("x", "Paris", "FR")
	declared.Climate = &declaration.Climate{HDD: 2000, CDD: 100}
	tests := []struct {
		name    string
		site    declaration.Site
		hdd     float64
		source  string
		unknown bool
	}{
		{"declared wins", declared, 2000, "declared in site.yaml", false},
		{"the city table, accents folded", site("x", "  durban ", "ZA"), 61, "city table: Durban", false},
		{"the country's reference city", site("x", "Lyon", "FR"), 2533, "country default (Paris stands in for FR: the site gives no coordinates)", false},
		{"the climate grid at the coordinates", lyon, lyonHDD, "climate grid at 45.76, 4.84: NCEP-NCAR Reanalysis 1", false},
		{"the country's capital, on the grid", site("x", "Medellín", "CO"), bogotaHDD, "so Bogotá, CO's capital (4.61, -74.08; GeoNames 3688689", false},
		{"nothing known (a country without a capital: Bouvet Island)", site("x", "", "BV"), math.NaN(), "unknown", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdd, _, src, ok := Climate(tt.site)
			assert.Equal(t, !tt.unknown, ok)
			assert.Contains(t, src, tt.source)
			if !tt.unknown {
				assert.Equal(t, tt.hdd, hdd)
			}
		})
	}
	// An unknown climate leaves hdd/cdd out of the distance instead of guessing.
	a := assign(t, site("co", "Bogotá", "CO"))
	assert.NotEmpty(t, a.Profile)
}

func TestAnOverrideKeepsBothTheComputedAndThePinnedProfile(t *testing.T) {
	t.Parallel()
	s := site("pt", "Lisbon", "PT")
	s.Profile = &declaration.ProfilePin{Pin: "fossil-grid-mild", Reason: "gas-heated building, AC-heavy summers"}
	a := assign(t, s)
	assert.Equal(t, "fossil-grid-mild", a.Profile)
	assert.Equal(t, "low-carbon-grid", a.Computed)
	require.NotNil(t, a.Override)
	assert.Equal(t, "gas-heated building, AC-heavy summers", a.Override.Reason)

	s.Profile.Pin = "arctic"
	f, src := SiteFeatures(s, factors.Default(), 2024)
	_, err := Assign(s.ID, f, src, Default(), s.Profile)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `profile override "arctic": unknown profile`)
}

func TestHomeworkingFactorIsComputedFromClimateAndGrid(t *testing.T) {
	t.Parallel()
	p, ok := Default().Get("low-carbon-grid")
	require.True(t, ok)
	// Paris: 0.03144/0.20705 kWh/h × 0.04418 + 0.30234 × 2533/2254 + 0.5 × 56/3366 × 0.04418.
	want := 0.03144/0.20705*0.04418 + 0.30234*2533/2254 + 0.5*56/3366*0.04418
	assert.InDelta(t, want, p.HomeworkingKgPerHour, 1e-12)
	trop, _ := Default().Get("fossil-grid-tropical")
	assert.InDelta(t, 0.03144/0.20705*0.61338+0.5*0.61338, trop.HomeworkingKgPerHour, 1e-12)
	as := p.Assumptions()
	assert.Equal(t, "low-carbon-grid", as.Profile)
	assert.NotNil(t, as.Commute)
	assert.Contains(t, as.HomeworkingSource, "DESNZ")
}

func TestABadProfilesFileIsRefusedWithEveryProblem(t *testing.T) {
	t.Parallel()
	good := string(embeddedProfiles)
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"three profiles", cutProfiles(good, 3), []string{"3 profiles: a set defines exactly 4"}},
		{"an unknown key", strings.Replace(good, "name: Coal-heavy grid", "nmae: Coal-heavy grid", 1), []string{"field nmae not found"}},
		{"a duplicate id", strings.Replace(good, "id: coal-grid", "id: low-carbon-grid", 1), []string{`"low-carbon-grid" already used by profiles[0]`}},
		{"an unknown lever", strings.Replace(good, "levers: [power_off,", "levers: [power_of,", 1), []string{`"power_of": want one of`}},
		{"commute shares off", strings.Replace(good, "{mode: metro,      share: 0.35", "{mode: metro,      share: 0.95", 1), []string{"add up to 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "p.yaml")
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// cutProfiles keeps the first n profiles of a profiles.yaml.
func cutProfiles(y string, n int) string {
	parts := strings.Split(y, "\n  - id: ")
	return strings.Join(parts[:n+1], "\n  - id: ")
}

func TestTheSitesOwnClimateSetsItsHomeworkingFactorWhenKnown(t *testing.T) {
	t.Parallel()
	p, _ := Default().Get("low-carbon-grid")
	lisbon := site("pt", "Lisbon", "PT")
	f, _ := SiteFeatures(lisbon, factors.Default(), 2024)
	as := p.AssumptionsFor(f)
	want := 0.03144/0.20705*0.11229 + 0.30234*777/2254 + 0.5*566/3366*0.11229
	assert.InDelta(t, want, as.HomeworkingKgPerHour, 1e-12)
	assert.Contains(t, as.HomeworkingSource, "site climate and grid")

	unknown := site("bv", "", "BV")
	f, _ = SiteFeatures(unknown, factors.Default(), 2024)
	as = p.AssumptionsFor(f)
	assert.Equal(t, p.HomeworkingKgPerHour, as.HomeworkingKgPerHour, "no climate known: the profile's centre stands in")
}

// Held-out cities in every climate, in twelve countries, none of them in
// the city table: each is placed by its own climate (the grid at its
// coordinates) with its grid, and the assignment says where the climate
// came from. Tropical cities go to the tropical profile on their cooling
// degree days; cold low-carbon grids to the low-carbon profile; mild and
// arid fossil grids to the mild one; a cold coal grid to the coal one.
func TestHeldOutCitiesGetTheirProfileFromTheirOwnClimate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		city, country, climate string
		lat, lon               float64
		profile                string
	}{
		{"Kuala Lumpur", "MY", "tropical", 3.1390, 101.6869, "fossil-grid-tropical"},
		{"Abidjan", "CI", "tropical", 5.3600, -4.0083, "fossil-grid-tropical"},
		{"Santo Domingo", "DO", "tropical", 18.4861, -69.9312, "fossil-grid-tropical"},
		{"Mumbai", "IN", "tropical", 19.0760, 72.8777, "fossil-grid-tropical"},
		{"Cairo", "EG", "arid", 30.0444, 31.2357, "fossil-grid-mild"},
		{"Monterrey", "MX", "arid", 25.6866, -100.3161, "fossil-grid-mild"},
		{"Tunis", "TN", "temperate", 36.8065, 10.1815, "fossil-grid-mild"},
		{"Madrid", "ES", "temperate", 40.4168, -3.7038, "low-carbon-grid"},
		{"Brussels", "BE", "temperate", 50.8503, 4.3517, "low-carbon-grid"},
		{"Stockholm", "SE", "continental", 59.3293, 18.0686, "low-carbon-grid"},
		{"Toronto", "CA", "continental", 43.6532, -79.3832, "low-carbon-grid"},
		{"Warsaw", "PL", "continental", 52.2297, 21.0122, "coal-grid"},
	} {
		s := site("x", c.city, c.country)
		s.Latitude, s.Longitude = c.lat, c.lon
		a := assign(t, s)
		assert.Equal(t, c.profile, a.Profile, "%s (%s): %s", c.city, c.climate, a.Explain)
		assert.Contains(t, a.Sources["hdd"], "climate grid at", c.city)
		switch c.climate {
		case "tropical":
			assert.Contains(t, a.Explain, "cdd separates them most", c.city)
			assert.Zero(t, a.Features.HDD, c.city)
		case "continental":
			assert.Greater(t, a.Features.HDD, 3500.0, c.city)
		}
	}
}

// A country whose inventory factor is national (ZA: DFFE 2023 combustion
// 0.942 + Ember upstream 0.05719 = 0.99919) is placed among the profiles
// by Ember's lifecycle intensity like every other country (709.37 g for
// 2024), and its home-working counted at the inventory's factor.
func TestProfilesCompareGridsOnOneBasisAndHomeworkingUsesTheInventorysFactor(t *testing.T) {
	t.Parallel()
	f, src := SiteFeatures(site("za", "Johannesburg", "ZA"), factors.Default(), 2024)
	assert.InDelta(t, 709.37, f.GridGPerKWh, 1e-9)
	assert.Equal(t, "electricity/grid.ember/ZA/2024", src["grid_g_per_kwh"])
	assert.InDelta(t, 999.19, f.InventoryGridGPerKWh, 1e-9)
	_, basis := Homeworking(f)
	assert.Contains(t, basis, "× 0.999 kg/kWh")
}
