package ghg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
)

// A site silent from 20 October 2023: its 73 days without records stand in
// at its 2022 lines × 73/365 = 0.2, marked estimated, beside what it sent.
func TestASilentPartOfTheYearIsEstimatedFromTheLastFullYear(t *testing.T) {
	t.Parallel()
	last := &Inventory{Year: 2022, Site: "s", SiteName: "S", Country: "GR", FactorSet: "f", Lines: []Line{
		{Kind: "fuel", Item: "diesel", Quantity: 4000, Unit: "L", Scope: Scope1, T: 10, Quality: footprint.QualityMeasured, Records: 12},
		{Kind: "electricity", Item: "grid", Quantity: 50000, Unit: "kWh", Scope: Scope2Location, T: 20, Quality: footprint.QualityMeasured, Records: 12},
		{Kind: "electricity", Item: "grid", Quantity: 50000, Unit: "kWh", Scope: Scope2Market, T: 15, Quality: footprint.QualityMeasured, Records: 12},
	}}
	last.Totals()
	sent := &Inventory{Year: 2023, Site: "s", SiteName: "S", Country: "GR", FactorSet: "f",
		Lines:   []Line{{Kind: "fuel", Item: "diesel", Quantity: 2000, Unit: "L", Scope: Scope1, T: 5, Quality: footprint.QualityMeasured, Records: 1}},
		Records: []LineRecord{{Line: 0, Kind: "fuel", Item: "diesel", Quantity: 2000, T: 5}}}
	sent.Totals()
	got := WithEstimate(sent, last, 2023, 73, "estimated: no records 2023-10-20–2023-12-31, from its 2022 inventory")
	// Scope 1: 5 sent + 10 × 0.2 = 7; Scope 2: 20 × 0.2 = 4 and 15 × 0.2 = 3.
	assert.InDelta(t, 7, got.Scope1T, 1e-12)
	assert.InDelta(t, 4, got.Scope2LocationT, 1e-12)
	assert.InDelta(t, 3, got.Scope2MarketT, 1e-12)
	assert.InDelta(t, 10, got.TotalMarketT, 1e-12)
	require.NotNil(t, got.Estimated)
	assert.Equal(t, Estimated{FromYear: 2022, Days: 73, Share: 0.2, T: 5, Basis: "estimated: no records 2023-10-20–2023-12-31, from its 2022 inventory"}, *got.Estimated, "2 + 3 market-based")
	assert.InDelta(t, 6.0/11, got.Quality.EstimatedShare, 1e-12, "of the location-based 5 + 2 + 4 = 11 t, 2 + 4 estimated")
	require.Len(t, got.Lines, 4)
	// The record still points at the measured diesel line it made.
	l := got.Lines[got.Records[0].Line]
	assert.Equal(t, footprint.QualityMeasured, l.Quality)
	assert.InDelta(t, 5, l.T, 1e-12)
	assert.Len(t, sent.Lines, 1, "the inventory sent is not changed")
	// Nothing sent at all: the whole year from 2022.
	whole := WithEstimate(nil, last, 2023, 365, "estimated")
	assert.InDelta(t, last.TotalMarketT, whole.TotalMarketT, 1e-12)
	assert.Equal(t, "s", whole.Site)
	assert.Equal(t, 2023, whole.Year)
	// The group sums its sites' estimates.
	g := Merge("group", "Group", 2023, []*Inventory{got, whole})
	require.NotNil(t, g.Estimated)
	assert.InDelta(t, 5+25, g.Estimated.T, 1e-12)
}
