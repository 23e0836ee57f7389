package declaration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInstrumentsAreCheckedForMarketVintageAndVolume(t *testing.T) {
	t.Parallel()
	good := Instrument{Type: "GO", Year: 2025, MWh: 900, Vintage: "2025", Country: "PT"}
	tests := []struct {
		name    string
		country string // the site's
		share   func(*ElectricityContract)
		in      []Instrument
		want    []string // nil: valid
	}{
		{"a Portuguese GO at a French site: one EU/EEA market", "FR", nil, []Instrument{good}, nil},
		{"a GO used in South Africa is refused, naming site, instrument, market and country", "ZA", nil, []Instrument{good},
			[]string{"site.electricity.instruments[0].type: GO issued in PT", "site s is in ZA", "EU/EEA guarantee-of-origin market"}},
		{"a GO in the Philippines is refused", "PH", nil, []Instrument{{Type: "go", Year: 2025, MWh: 1, Vintage: "2025"}},
			[]string{"instruments[0].type: go", "site s is in PH", "EU/EEA guarantee-of-origin market"}},
		{"a Swiss GO at a Swiss site: its own register", "CH", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "2025", Country: "CH"}}, nil},
		{"a Swiss GO at a French site is refused", "FR", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "2025", Country: "CH"}},
			[]string{"instruments[0].type: GO issued in CH", "guarantee-of-origin register of CH"}},
		{"a REC outside the US and Canada is refused", "FR", nil, []Instrument{{Type: "REC", Year: 2025, MWh: 1, Vintage: "2025", Country: "US"}},
			[]string{"instruments[0].type: REC issued in US", "site s is in FR", "United States and Canada"}},
		{"a Canadian REC at a US site is fine", "US", nil, []Instrument{{Type: "REC", Year: 2025, MWh: 1, Vintage: "2025", Country: "CA"}}, nil},
		{"a REGO in Great Britain is fine", "GB", nil, []Instrument{{Type: "REGO", Year: 2025, MWh: 1, Vintage: "2025"}}, nil},
		{"an I-REC of another country is refused", "PH", nil, []Instrument{{Type: "I-REC", Year: 2025, MWh: 1, Vintage: "2025", Country: "ZA"}},
			[]string{"instruments[0].type: I-REC issued in ZA", "site s is in PH", "the country that issued it (ZA"}},
		{"a vintage two years old is refused", "FR", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "2023"}},
			[]string{"instruments[0].vintage: 2023", "generated in 2023, too far from the 2025 consumption"}},
		{"a vintage of the year before's autumn is fine", "FR", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "2024-09"}}, nil},
		{"a vintage of the year before's spring is refused", "FR", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "2024-05"}},
			[]string{"instruments[0].vintage: 2024-05", "outside 2024-07 to 2026-03"}},
		{"a vintage three months after the year is fine", "FR", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "2026-03"}}, nil},
		{"a vintage that is no date", "FR", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "last year"}},
			[]string{"instruments[0].vintage: last year", "YYYY"}},
		{"no volume, no year, an unknown type", "FR", nil, []Instrument{{Type: "GOO", Vintage: "2025"}},
			[]string{"instruments[0].type: GOO", `did you mean "GO"`, "instruments[0].year: 0", "instruments[0].mwh: 0"}},
		{"one cancellation declared twice", "FR", nil, []Instrument{{Type: "GO", Year: 2025, MWh: 1, Vintage: "2025", Reference: "cancel-7"}, {Type: "GO", Year: 2025, MWh: 1, Vintage: "2025", Reference: "cancel-7"}},
			[]string{"instruments[1].reference: cancel-7", "already declared in instruments[0]"}},
		{"a share and instruments together", "FR", func(c *ElectricityContract) { c.GreenShare, c.Instrument = 0.5, "GO" }, []Instrument{good},
			[]string{"site.electricity.green_share: 0.5", "either green_share"}},
		{"the share form's GO outside its market", "ZA", func(c *ElectricityContract) { c.GreenShare, c.Instrument = 0.5, "GO" }, nil,
			[]string{"site.electricity.instrument: GO", "site s is in ZA", "EU/EEA"}},
		{"the share form's name greenhelp does not know is not checked", "ZA", func(c *ElectricityContract) { c.GreenShare, c.Instrument = 0.5, "green tariff" }, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := Site{ID: "s", Name: "S", Country: tt.country, Timezone: "UTC", Seats: 10}
			site.Electricity.Instruments = tt.in
			if tt.share != nil {
				tt.share(&site.Electricity)
			}
			err := site.Validate("site.yaml")
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// A vintage of any text never panics, and one accepted lies in the
// window: July of the year before to March of the year after.
func FuzzVintageProblem(f *testing.F) {
	for _, s := range []string{"2025", "2024-07", "2026-03", "2024-06", "2025-13", "20x5", "", "2025-", "-01", "9999-99"} {
		f.Add(s, 2025)
	}
	f.Fuzz(func(t *testing.T, v string, year int) {
		if VintageProblem(v, year) != "" {
			return
		}
		y, m, monthly, err := parseVintage(v)
		require.NoError(t, err)
		if !monthly {
			assert.Equal(t, year, y)
			return
		}
		at := y*12 + m
		assert.True(t, at >= (year-1)*12+7 && at <= (year+1)*12+3, "%s for %d", v, year)
	})
}
