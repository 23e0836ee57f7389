package central_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/internal/cli"
)

// The site page's plan and `greenhelp plan` on the same files are one
// rule (planning.ForSite): the same levers, years and the site's own
// actions.
func TestTheSitePagePlansAsThePlanCommandDoes(t *testing.T) {
	svc := exampleService(t)
	page, err := svc.SitePage(context.Background(), "za-jnb-sandton", 2024)
	require.NoError(t, err)
	require.NotEmpty(t, page.Plan.Years)

	var out, errOut bytes.Buffer
	code := cli.Execute(context.Background(), []string{"plan", "--site", "../examples/johannesburg/site.yaml",
		"--activities", "../examples/johannesburg/activities.csv", "--format", "json",
		"--mode", svc.Method.Mode, "--rate", jsonNumber(svc.Method.Rate)}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	var cmd planning.Plan
	require.NoError(t, json.Unmarshal(out.Bytes(), &cmd))

	assert.Equal(t, cmd.BaseYear, page.Plan.BaseYear)
	assert.Equal(t, cmd.CurrentYear, page.Plan.CurrentYear)
	assert.InDelta(t, cmd.BaseT, page.Plan.BaseT, 1e-9)
	assert.InDelta(t, cmd.CurrentT, page.Plan.CurrentT, 1e-9)
	require.Len(t, page.Plan.Levers, len(cmd.Levers))
	for i, l := range cmd.Levers {
		assert.Equal(t, l.ID, page.Plan.Levers[i].ID)
		assert.InDelta(t, l.PotentialT, page.Plan.Levers[i].PotentialT, 1e-9, l.ID)
	}
	assert.Equal(t, cmd.CompensationYear, page.Plan.CompensationYear)
	require.NotEmpty(t, cmd.Actions, "the example declares actions")
	require.Len(t, page.Plan.Actions, len(cmd.Actions), "the page sets the site's own actions against the line too")
	for i, a := range cmd.Actions {
		assert.Equal(t, a.ID, page.Plan.Actions[i].ID)
		assert.Equal(t, a.ObservedBasis, page.Plan.Actions[i].ObservedBasis)
	}
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
