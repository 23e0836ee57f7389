package influx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// format1 writes acts of site as Series wrote them before format 2:
// the end date as a tag.
func format1(t *testing.T, s *Series, site string, acts []footprint.Activity) {
	var lp strings.Builder
	esc := strings.NewReplacer("=", `\=`, ",", `\,`, " ", `\ `)
	for _, a := range acts {
		fmt.Fprintf(&lp, "%s,end=%s,item=%s,site=%s,source=%s", a.Kind, a.End, esc.Replace(a.Item), site, esc.Replace(a.Source))
		if at := footprint.FormatAttrs(a.Attrs); at != "" {
			fmt.Fprintf(&lp, ",attrs=%s", esc.Replace(at))
		}
		fmt.Fprintf(&lp, " quantity=%v,unit=%q,quality=%q %d\n", a.Quantity, a.Unit, a.Quality, a.Start.Time().Unix())
	}
	db, _, _ := strings.Cut(s.cfg.Bucket, "/")
	resp, err := http.Post(s.cfg.URL+"/write?precision=s&db="+db, "text/plain", strings.NewReader(lp.String()))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(body))
}

// seriesTagged counts the series of the database carrying tag.
func seriesTagged(t *testing.T, s *Series, tag string) int {
	db, _, _ := strings.Cut(s.cfg.Bucket, "/")
	resp, err := http.PostForm(s.cfg.URL+"/query", url.Values{"db": {db}, "q": {fmt.Sprintf(`SHOW SERIES WHERE %q =~ /.+/`, tag)}})
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	return strings.Count(string(body), tag+"=")
}

// Format 2 keeps a site's daily records of one item in one series; the
// points written in format 1 read the same, are shadowed by a re-sent
// record (never counted twice), and are rewritten and dropped once by
// UpgradeFormat.
func TestInfluxFormat1PointsAreReadShadowedAndUpgraded(t *testing.T) {
	if os.Getenv("GREENHELP_TEST_INFLUX_URL") == "" {
		t.Skip("no InfluxDB: `make test` starts a real influxd 1.8.10 and sets GREENHELP_TEST_INFLUX_URL")
	}
	ctx := context.Background()
	s := openSeries(t)
	var acts []footprint.Activity
	for d := footprint.NewDate(2024, 1, 1); d.Before(footprint.NewDate(2024, 3, 1)); d = d.AddDays(1) {
		for _, st := range []string{"on", "off"} {
			acts = append(acts, footprint.Activity{Kind: footprint.KindWorkstation, Item: "desktop", Start: d, End: d.AddDays(1), Quantity: 10,
				Unit: footprint.UnitDeviceH, Source: "power log", Quality: footprint.QualityMeasured, Attrs: map[string]string{"state": st}})
		}
	}
	bill := footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 1, 15), End: footprint.NewDate(2024, 2, 14), Quantity: 4200,
		Unit: footprint.UnitKWh, Source: "bills", Quality: footprint.QualityMeasured}
	acts = append(acts, bill)

	// Format 2: one series per (item, attrs, length), not per record.
	require.NoError(t, s.Write(ctx, "paris", acts))
	assert.Equal(t, 3, seriesTagged(t, s, "days"))
	want, err := s.Read(ctx, store.Query{Sites: []string{"paris"}})
	require.NoError(t, err)
	require.Len(t, want, len(acts))

	// The same records in format 1, for another site: read the same.
	format1(t, s, "lyon", acts)
	assert.Equal(t, len(acts), seriesTagged(t, s, "end"))
	old, err := s.Read(ctx, store.Query{Sites: []string{"lyon"}})
	require.NoError(t, err)
	require.Len(t, old, len(acts))
	for i := range old {
		old[i].Site = "paris"
	}
	assert.Equal(t, want, old)

	// A correction re-sent after the upgrade of the binary: the format-2
	// point shadows the format-1 point of its key, in every query.
	fixed := bill
	fixed.Quantity = 4300
	require.NoError(t, s.Write(ctx, "lyon", []footprint.Activity{fixed}))
	for _, q := range []store.Query{{Sites: []string{"lyon"}}, {Sites: []string{"lyon"}, Kinds: []footprint.Kind{footprint.KindElectricity}, From: footprint.NewDate(2024, 2, 1), To: footprint.NewDate(2024, 3, 1)}} {
		got, err := s.Read(ctx, q)
		require.NoError(t, err)
		var bills []float64
		for _, r := range got {
			if r.Kind == footprint.KindElectricity {
				bills = append(bills, r.Quantity)
			}
		}
		assert.Equal(t, []float64{4300}, bills, "%+v", q)
	}
	before, err := s.Read(ctx, store.Query{Sites: []string{"lyon"}})
	require.NoError(t, err)

	// The upgrade: rewritten, old series dropped, the records unchanged;
	// run again, it has nothing to do.
	moved, dropped, err := s.UpgradeFormat(ctx, []string{"paris", "lyon"})
	require.NoError(t, err)
	assert.Equal(t, len(acts)-1, moved, "the shadowed point is not rewritten")
	assert.True(t, dropped)
	assert.Equal(t, 0, seriesTagged(t, s, "end"))
	after, err := s.Read(ctx, store.Query{Sites: []string{"lyon"}})
	require.NoError(t, err)
	assert.Equal(t, before, after)
	moved, _, err = s.UpgradeFormat(ctx, []string{"paris", "lyon"})
	require.NoError(t, err)
	assert.Zero(t, moved)
}

// openSeries connects to the influxd the test script started
// (GREENHELP_TEST_INFLUX_URL), in a database of its own.
func openSeries(t *testing.T) *Series {
	base := os.Getenv("GREENHELP_TEST_INFLUX_URL")
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := "gh_" + hex.EncodeToString(b)
	resp, err := http.PostForm(base+"/query", url.Values{"q": {fmt.Sprintf("CREATE DATABASE %q WITH SHARD DURATION 52w", db)}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	s, err := OpenSeries(context.Background(), store.InfluxConfig{URL: base, Bucket: db + "/autogen"})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}
