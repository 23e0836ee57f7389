package central_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/wire"
)

// TestTheAdminAPIAndIngestionRefuseUnprintableNames: a site name with an
// escape sequence, a direction override or 60 KB is refused by the admin
// API and in an agent's declaration, the value quoted; a name that merely
// starts like a formula is a name.
func TestTheAdminAPIAndIngestionRefuseUnprintableNames(t *testing.T) {
	svc := testService(t, func(c *Config) { c.Admin.Token = adminToken })
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	base := srv.URL + "/api/v1/admin/sites"

	for _, c := range []struct{ name, want string }{
		{`Lisbon\u001b[2J`, `site.name: \"Lisbon\\x1b[2J\": contains the control character \\x1b`},
		{`Lisbon\u202egnp.exe`, `contains the direction override U+202E`},
		{strings.Repeat("L", 60_000), "60000 characters: at most 128"},
	} {
		code, doc := adminCall(t, base, adminToken, `{"id":"pt-lis","name":"`+c.name+`","country":"PT"}`)
		assert.Equal(t, http.StatusBadRequest, code)
		b, _ := json.Marshal(doc["error"])
		assert.Contains(t, string(b), c.want)
	}
	_, err := svc.Store.Site(context.Background(), "pt-lis")
	require.ErrorIs(t, err, store.ErrNotFound, "nothing stored")
	code, doc := adminCall(t, base, adminToken, `{"id":"pt-lis","name":"=HYPERLINK(\"http://x\",\"y\")","country":"PT"}`)
	require.Equal(t, http.StatusCreated, code, doc)

	// An agent's declaration.
	site, err := config.LoadSite(filepath.Join("..", "examples", "paris", "site.yaml"))
	require.NoError(t, err)
	tok, err := svc.Store.AddSite(context.Background(), site.ID, site.Name, site.Country)
	require.NoError(t, err)
	site.Name = "Paris\u009b2J"
	site.Profile = nil
	body, err := json.Marshal(wire.Batch{ID: "b1", Site: &site})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/sites/"+site.ID+"/batches", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, string(answer))
	assert.Contains(t, string(answer), `site.name: \"Paris\\u009b2J\": contains the control character \\u009b`)
}

// TestAnOffsetsRegistryAndProjectAreNames: bounded and printable, refused
// with the flag and the value quoted.
func TestAnOffsetsRegistryAndProjectAreNames(t *testing.T) {
	svc := testService(t, nil)
	ctx := context.Background()
	for _, c := range []struct {
		registry, project, want string
	}{
		{"Verra\x1b[2J", "VCS-1", `offset: registry (--registry) "Verra\x1b[2J": contains the control character \x1b`},
		{"Verra", "VCS\u202e1", `offset: project (--project) "VCS\u202e1": contains the direction override U+202E`},
		{"Verra", strings.Repeat("p", 200), "200 characters: at most 128"},
	} {
		_, err := svc.AddOffset(ctx, store.Offset{Year: 2024, T: 10, Registry: c.registry, Project: c.project, Vintage: 2023})
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
		assert.ErrorIs(t, err, ErrInvalid)
	}
	// Tonnes, years: every problem at once, each field named.
	_, err := svc.AddOffset(ctx, store.Offset{Year: 2024, T: math.Inf(1), Registry: "Verra", Project: "VCS-1", Vintage: 2025})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "t (--t) +Inf: want the tonnes of CO2e retired, a number > 0")
	assert.Contains(t, err.Error(), "vintage (--vintage) 2025: want the credits' vintage year, from 1990 to the year retired")
	_, err = svc.AddOffset(ctx, store.Offset{Year: 2024, T: 1e300, Registry: "Verra", Project: "VCS-1", Vintage: 2023})
	assert.ErrorContains(t, err, "t (--t) 1e+300: over 30000000 t: tonnes, not kilograms?")
	offs, err := svc.Store.Offsets(ctx, 2024)
	require.NoError(t, err)
	assert.Empty(t, offs, "nothing stored")
	_, err = svc.AddOffset(ctx, store.Offset{Year: 2024, T: 10, Registry: "Gold Standard", Project: "GS-1234 cookstoves Sénégal", Vintage: 2023})
	assert.NoError(t, err)
}
