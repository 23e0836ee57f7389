package agent

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// sentSite is the declaration of the batches a queued, nil when none
// carries one.
func sentSite(t *testing.T, a *Agent) *declaration.Site {
	t.Helper()
	pending, err := a.Outbox.Pending()
	require.NoError(t, err)
	var site *declaration.Site
	for _, e := range pending {
		b, _, err := a.Outbox.Load(e)
		require.NoError(t, err)
		if b.Site != nil {
			site = b.Site
		}
	}
	return site
}

// A form's commute survey goes into the declaration the agent sends: the
// split weighted by days on site (by hand, testdata/collect/
// commute-survey-form: 39 on-site days a week; jeepney 5 + 5 = 10 → 10/39
// at 9 km; car 3 days at 22 km and 2 at Alabang's 24 → (66 + 48) / 5 =
// 22.8 km). Read again unchanged, nothing is sent again; when the export
// goes away, the last survey read stays in the declaration.
func TestACommuteSurveyGoesIntoTheDeclaration(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "commute-survey-form")
	a, err := New(cfg, quiet())
	require.NoError(t, err)
	ctx := context.Background()

	c := a.Collect(ctx)
	require.Len(t, c.Health, 1)
	require.NoError(t, a.RecordCollection(c))
	_, err = a.Enqueue(c.Activities)
	require.NoError(t, err)
	site := sentSite(t, a)
	require.NotNil(t, site)
	require.NotNil(t, site.Commute)
	sv := site.Commute
	assert.Equal(t, "commute-survey", sv.Source)
	assert.Equal(t, 10, sv.Respondents)
	assert.Equal(t, "2025-03-13", sv.Date.String())
	require.Len(t, sv.Modes, 7)
	assert.Equal(t, "paratransit", sv.Modes[0].Mode)
	assert.InDelta(t, 10.0/39, sv.Modes[0].Share, 1e-12)
	assert.InDelta(t, 9, sv.Modes[0].OneWayKm, 1e-12)
	for _, m := range sv.Modes {
		if m.Mode == "car_petrol" {
			assert.InDelta(t, 5.0/39, m.Share, 1e-12)
			assert.InDelta(t, 22.8, m.OneWayKm, 1e-12)
		}
	}
	require.NoError(t, site.Validate("sent"), "the central accepts the declaration")

	// The batch is acknowledged; the same survey read again sends nothing.
	pending, err := a.Outbox.Pending()
	require.NoError(t, err)
	for _, e := range pending {
		b, _, err := a.Outbox.Load(e)
		require.NoError(t, err)
		a.onAck(b)
		require.NoError(t, a.Outbox.Ack(e))
	}
	c = a.Collect(ctx)
	require.NoError(t, a.RecordCollection(c))
	es, err := a.Enqueue(c.Activities)
	require.NoError(t, err)
	assert.Empty(t, es, "the same answers make the same declaration")

	// The export goes away: the survey read last stays, nothing is sent.
	require.NoError(t, os.Remove(filepath.Join(filepath.Dir(cfg.path), "responses.csv")))
	c = a.Collect(ctx)
	require.NotNil(t, c.Health[0].Survey)
	require.NoError(t, a.RecordCollection(c))
	es, err = a.Enqueue(c.Activities)
	require.NoError(t, err)
	assert.Empty(t, es)
}

// A typed site.commute beside a survey source, or two survey sources, is
// refused: the site has one survey.
func TestOneCommuteSurveyPerSite(t *testing.T) {
	t.Parallel()
	cfg := loadCase(t, "commute-survey-form")
	cfg.Site.Commute = &declaration.CommuteSurvey{Modes: []declaration.CommuteMode{{Mode: "bus", Share: 1, OneWayKm: 10}}}
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "site.commute declares the survey already")

	cfg = loadCase(t, "commute-survey-form")
	second := cfg.Sources[0]
	second.ID = "again"
	cfg.Sources = append(cfg.Sources, second)
	err = cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sources[0] is the site's commute survey already")
}
