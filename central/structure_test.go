package central_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/esg"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/wire"
)

// structureService is a central on 10 January 2026 with post to send a
// site's records (registering it first) and inv to read a site's market-
// based total of a year from its own records.
func structureService(t *testing.T) (*Service, func(id string, acts []footprint.Activity), func(id string, y int) float64) {
	t.Helper()
	svc := testService(t, nil)
	ctx := context.Background()
	svc.Clock = func() time.Time { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) }
	n := 0
	post := func(id string, acts []footprint.Activity) {
		t.Helper()
		if _, err := svc.Store.AddSite(ctx, id, id, "FR"); err != nil {
			require.ErrorContains(t, err, "exists")
		}
		site := declaration.Site{ID: id, Name: id, Country: "FR", Timezone: "Europe/Paris", Seats: 100}
		n++
		_, err := svc.Ingest(ctx, id, wire.Batch{ID: "b" + string(rune('a'+n)), Site: &site, Activities: acts})
		require.NoError(t, err)
	}
	inv := func(id string, y int) float64 {
		t.Helper()
		i, err := svc.SiteInventory(ctx, id, y)
		require.NoError(t, err)
		require.Positive(t, i.TotalMarketT, "%s %d", id, y)
		return i.TotalMarketT
	}
	return svc, post, inv
}

func years(ys ...[]footprint.Activity) []footprint.Activity {
	var out []footprint.Activity
	for _, y := range ys {
		out = append(out, y...)
	}
	return out
}

// until keeps the records that start before a day.
func until(acts []footprint.Activity, d footprint.Date) []footprint.Activity {
	var out []footprint.Activity
	for _, a := range acts {
		if a.Start.Before(d) {
			out = append(out, a)
		}
	}
	return out
}

func siteYearOf(t *testing.T, sys []structure.SiteYear, site string, year int) structure.SiteYear {
	t.Helper()
	for _, sy := range sys {
		if sy.Site == site && sy.Year == year {
			return sy
		}
	}
	t.Fatalf("no site-year %s %d in %+v", site, year, sys)
	return structure.SiteYear{}
}

func datapoint(d esg.Dataset, name string) *float64 {
	for _, p := range d.Summary() {
		if p.Name == name {
			return p.Value
		}
	}
	return nil
}

// A site that stops sending is a completeness gap, never a divestment: the
// base year keeps it, its silent months are estimated from its last full
// year, and the trajectory, the page, the inventory API and the export all
// say which site-years are estimated.
func TestASilentSiteIsEstimatedAndTheBaseYearStaysAsItWas(t *testing.T) {
	svc, post, inv := structureService(t)
	ctx := context.Background()
	// a sends every year; s stops after September 2025; q after 2023.
	post("a", years(yearOf(2023, 10000, 1000), yearOf(2024, 10000, 1000), yearOf(2025, 9000, 1000)))
	post("s", years(yearOf(2023, 5000, 500), yearOf(2024, 5000, 500), until(yearOf(2025, 5000, 500), footprint.NewDate(2025, 10, 1))))
	post("q", yearOf(2023, 3000, 300))
	a23, s23, q23 := inv("a", 2023), inv("s", 2023), inv("q", 2023)
	s24, a25, s25 := inv("s", 2024), inv("a", 2025), inv("s", 2025)

	rep, err := svc.Trajectory(ctx, "")
	require.NoError(t, err)
	// The base is 2023 as sent, q and s in it; nothing restates it.
	assert.InDelta(t, a23+s23+q23, rep.Group.BaseT, 1e-9)
	require.NotNil(t, rep.Recalculation)
	assert.False(t, rep.Recalculation.Restated)
	assert.Empty(t, rep.Recalculation.Changes, "silence is no structural change")
	// 2025: a's records; s's nine months and its 2024 × 92/365 for October
	// to December; q's 2023 (its last full year) × 365/365.
	want25 := a25 + s25 + s24*92/365 + q23
	require.Len(t, rep.Group.Years, 3)
	assert.InDelta(t, want25, rep.Group.Years[2].ActualT, 1e-9)
	assert.InDelta(t, (a23+s23+q23)*0.955*0.955, rep.Group.Years[2].AllowedT, 1e-9, "the base as it was, 4.5 %/yr")

	s2025 := siteYearOf(t, rep.SiteYears, "s", 2025)
	assert.Equal(t, structure.PartlyEstimated, s2025.Status)
	assert.Equal(t, 2024, s2025.EstimatedFrom)
	assert.Equal(t, []structure.Period{{From: footprint.NewDate(2025, 10, 1), To: footprint.NewDate(2026, 1, 1)}}, s2025.Gaps)
	assert.InDelta(t, s24*92/365, s2025.EstimatedT, 1e-9)
	for _, y := range []int{2024, 2025} {
		q := siteYearOf(t, rep.SiteYears, "q", y)
		assert.Equal(t, structure.Estimated, q.Status, "%d", y)
		assert.InDelta(t, q23, q.T, 1e-9, "%d: q's 2023 × its days / the year's days = its 2023", y)
	}

	page, err := svc.GroupPage(ctx, 2025)
	require.NoError(t, err)
	var said []string
	for _, sy := range page.SiteYears {
		said = append(said, sy.Site+" "+sy.Status)
	}
	assert.Equal(t, []string{"q estimated", "q estimated", "s partly estimated"}, said, "the page lists the site-years it estimates (2024: q; 2025: q, s)")

	gi, err := svc.Inventory(ctx, 2025)
	require.NoError(t, err)
	assert.InDelta(t, want25, gi.Group.TotalMarketT, 1e-9, "the inventory API counts the same")

	d, err := svc.ESGDataset(ctx, 2025, "", "test")
	require.NoError(t, err)
	assert.InDelta(t, want25, d.Group.TotalMarketT, 1e-9)
	est := datapoint(d, "EstimatedGHGEmissionsOfSilentSitesMarketBased")
	require.NotNil(t, est)
	assert.InDelta(t, s24*92/365+q23, *est, 1e-6)
	rows := table(t, d, "site_years").Rows
	var estimated []string
	for _, r := range rows {
		if r[2] != structure.Reported {
			estimated = append(estimated, r[1].(string)+" "+r[2].(string))
		}
	}
	assert.Equal(t, []string{"q estimated", "q estimated", "s partly estimated"}, estimated, "the export lists them too, every site-year up to 2025")
	assert.Len(t, rows, 3+3+2+1, "a and s 2023–2025, q 2023–2025")
}

// An acquisition of a unit that existed in the base year restates the
// base by its base-year emissions from its own (pre-acquisition) records,
// and the years between by its own; a divestment takes the unit out of
// the base and the years between; one export's E1-4 base is the
// trajectory's.
func TestAnAcquisitionAndADivestmentRestateTheBaseFromTheUnitsOwnRecords(t *testing.T) {
	svc, post, inv := structureService(t)
	ctx := context.Background()
	post("a", years(yearOf(2023, 10000, 1000), yearOf(2024, 10000, 1000), yearOf(2025, 9500, 1000)))
	post("c", years(yearOf(2023, 8000, 800), yearOf(2024, 8000, 800), yearOf(2025, 7800, 800))) // its records before 2025 are the seller's years
	post("d", years(yearOf(2023, 6000, 600), yearOf(2024, 6000, 600)))
	a23, a24, a25 := inv("a", 2023), inv("a", 2024), inv("a", 2025)
	c23, c24, c25 := inv("c", 2023), inv("c", 2024), inv("c", 2025) // read before the acquisition is declared: its own figures
	d23, d24 := inv("d", 2023), inv("d", 2024)
	on := footprint.NewDate(2025, 1, 1)
	require.NoError(t, svc.AddSiteEvent(ctx, "c", structure.Acquired, on, "bought from Acme"))
	require.NoError(t, svc.AddSiteEvent(ctx, "d", structure.Divested, on, ""))
	assert.ErrorIs(t, svc.AddSiteEvent(ctx, "d", structure.Closed, footprint.NewDate(2025, 6, 1), ""), ErrInvalid, "one exit a site")

	g24, err := svc.Inventory(ctx, 2024)
	require.NoError(t, err)
	assert.InDelta(t, a24+d24, g24.Group.TotalMarketT, 1e-9, "2024 as reported: c was not the group's yet, d still was")

	rep, err := svc.Trajectory(ctx, "")
	require.NoError(t, err)
	r := rep.Recalculation
	require.NotNil(t, r)
	assert.True(t, r.Restated)
	// (c23 + d23) / (a23 + d23) of the base moved: far above 5 %.
	assert.InDelta(t, (c23+d23)/(a23+d23), r.CumulativeShare, 1e-12)
	assert.InDelta(t, a23+d23, r.OriginalBaseT, 1e-9)
	// Base: a23 + d23 + c23 − d23; 2024: a24 + d24 + c24 − d24; 2025 as reported.
	assert.InDelta(t, a23+c23, r.BaseT, 1e-9)
	assert.InDelta(t, a24+c24, r.Years[1].RestatedT, 1e-9)
	assert.InDelta(t, a24+d24, r.Years[1].ReportedT, 1e-9)
	assert.InDelta(t, a25+c25, r.Years[2].RestatedT, 1e-9)
	assert.InDelta(t, a23+c23, rep.Group.BaseT, 1e-9, "the group's track runs on the restated base")
	require.Len(t, r.Changes, 2)
	assert.Equal(t, "acquired", r.Changes[0].Kind)
	assert.InDelta(t, c23, r.Changes[0].BaseT, 1e-9)
	assert.Equal(t, "divested", r.Changes[1].Kind)
	assert.InDelta(t, d23, r.Changes[1].BaseT, 1e-9)
	assert.Equal(t, structure.Outside, siteYearOf(t, rep.SiteYears, "c", 2024).Status)

	d, err := svc.ESGDataset(ctx, 2025, "", "test")
	require.NoError(t, err)
	base := datapoint(d, "BaseYearGHGEmissionsMarketBased")
	require.NotNil(t, base)
	for _, row := range table(t, d, "trajectory").Rows {
		if row[0] == "group" {
			assert.Equal(t, *base, row[3], "E1-4's base is the trajectory table's, year %v", row[4])
		}
	}
	assert.InDelta(t, a23+c23, *base, 1e-6)
	var restated bool
	for _, row := range table(t, d, "restatements").Rows {
		if row[0] == 2024 && row[1] == "group" {
			restated = true
			assert.InDelta(t, a24+d24, row[3], 1e-6, "as reported")
			assert.InDelta(t, a24+c24, row[4], 1e-6, "on the present structure")
		}
	}
	assert.True(t, restated, "the restated 2024 is listed")
	assert.InDelta(t, a25+c25, d.Group.TotalMarketT, 1e-9, "2025 counts c from its acquisition, d no more")
}

// The prior-year figures of an export are the closed year's published
// figures, or differ from them by a listed restatement; a site that opened
// mid-year counts its half year in both.
func TestThePriorYearIsThePublishedYearOrAListedRestatement(t *testing.T) {
	svc, post, _ := structureService(t)
	ctx := context.Background()
	post("a", years(yearOf(2024, 10000, 1000), yearOf(2025, 9500, 1000)))
	post("r", years(yearOf(2024, 4000, 400)[6:12], yearOf(2025, 4000, 400))) // opened in July 2024
	cy, err := svc.CloseYear(ctx, 2024, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	published := cy.Figures["group"]["total_market_t"]

	d, err := svc.ESGDataset(ctx, 2025, "", "test")
	require.NoError(t, err)
	prior := datapoint(d, "TotalGHGEmissionsMarketBasedPriorYear")
	require.NotNil(t, prior)
	assert.InDelta(t, published, *prior, 1e-6, "the comparative is what 2024 published, r's half year included")
	assert.Empty(t, d.Restatements)

	// A corrected December bill for a: 2024 now differs from what was
	// published, and the export lists it.
	fix := yearOf(2024, 10000, 1000)[11]
	fix.Quantity = 12000
	post("a", []footprint.Activity{fix})
	d, err = svc.ESGDataset(ctx, 2025, "", "test")
	require.NoError(t, err)
	prior = datapoint(d, "TotalGHGEmissionsMarketBasedPriorYear")
	require.NotNil(t, prior)
	require.Greater(t, *prior, published)
	var listed bool
	for _, rs := range d.Restatements {
		if rs.Year == 2024 && rs.Entity == "group" && rs.Figure == "total_market_t" {
			listed = true
			assert.InDelta(t, published, rs.PublishedT, 1e-9)
			assert.InDelta(t, *prior, rs.CurrentT, 1e-6, "the comparative is the listed restatement's current figure")
		}
	}
	assert.True(t, listed)
}

// An acquisition in the middle of a month counts the unit's records from
// that day: its March of 31 daily readings of 100 kWh, acquired on the
// 15th, counts 17 of them (the month's rollup read as its records).
func TestAnAcquisitionMidMonthCountsFromItsDay(t *testing.T) {
	svc, post, _ := structureService(t)
	ctx := context.Background()
	var acts []footprint.Activity
	for d := footprint.NewDate(2025, 3, 1); d.Before(footprint.NewDate(2025, 4, 1)); d = d.AddDays(1) {
		acts = append(acts, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: d, End: d.AddDays(1),
			Quantity: 100, Unit: footprint.UnitKWh, Source: "meter", Quality: footprint.QualityMeasured})
	}
	post("c", acts)
	require.NoError(t, svc.AddSiteEvent(ctx, "c", structure.Acquired, footprint.NewDate(2025, 3, 15), ""))
	inv, err := svc.SiteInventory(ctx, "c", 2025)
	require.NoError(t, err)
	var kwh float64
	for _, l := range inv.Lines {
		if l.Kind == "electricity" && l.Scope == "2-location" {
			kwh += l.Quantity
		}
	}
	assert.InDelta(t, 17*100, kwh, 1e-9, "15 to 31 March")
}
