package central_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
)

const adminToken = "0123456789abcdef0123456789abcdef-admin"

func adminCall(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return resp.StatusCode, doc
}

// The admin API registers a site (its token works for ingestion at once),
// rotates the token (the old one stops working), closes and reopens the
// site; without the admin token it answers 401, and off (no token
// configured) 404 saying how to turn it on.
func TestTheAdminAPIManagesSitesWithoutAShell(t *testing.T) {
	svc := testService(t, func(c *Config) { c.Admin.Token = adminToken })
	srv := httptest.NewServer(newHandler(svc))
	defer srv.Close()
	base := srv.URL + "/api/v1/admin/sites"

	code, doc := adminCall(t, base, "wrong", `{"id":"pt-lis","name":"Lisbon","country":"PT"}`)
	assert.Equal(t, http.StatusUnauthorized, code, doc)
	code, doc = adminCall(t, base, adminToken, `{"id":"pt-lis","name":"Lisbon","country":"Portugal"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, doc["error"], "Portugal")
	code, doc = adminCall(t, base, adminToken, `{"id":"pt-lis","name":"Lisbon","country":"PT","seats":5}`)
	assert.Equal(t, http.StatusBadRequest, code, "unknown field")

	code, doc = adminCall(t, base, adminToken, `{"id":"pt-lis","name":"Lisbon","country":"PT"}`)
	require.Equal(t, http.StatusCreated, code, doc)
	tok := doc["token"].(string)
	owner, err := svc.Store.Authenticate(context.Background(), tok)
	require.NoError(t, err)
	assert.Equal(t, "pt-lis", owner)
	code, _ = adminCall(t, base, adminToken, `{"id":"pt-lis","name":"Lisbon","country":"PT"}`)
	assert.Equal(t, http.StatusConflict, code)

	code, doc = adminCall(t, base+"/pt-lis/rotate", adminToken, "")
	require.Equal(t, http.StatusOK, code, doc)
	owner, _ = svc.Store.Authenticate(context.Background(), tok)
	assert.Empty(t, owner, "the old token stopped working")
	owner, _ = svc.Store.Authenticate(context.Background(), doc["token"].(string))
	assert.Equal(t, "pt-lis", owner)
	code, _ = adminCall(t, base+"/xx-none/rotate", adminToken, "")
	assert.Equal(t, http.StatusNotFound, code)

	code, doc = adminCall(t, base+"/pt-lis/close", adminToken, `{"on":"2025-07-01"}`)
	require.Equal(t, http.StatusOK, code, doc)
	st, err := svc.Store.Site(context.Background(), "pt-lis")
	require.NoError(t, err)
	assert.Equal(t, footprint.NewDate(2025, 7, 1), st.ClosedOn)
	code, _ = adminCall(t, base+"/pt-lis/close", adminToken, `{"on":"July"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = adminCall(t, base+"/pt-lis/reopen", adminToken, "")
	require.Equal(t, http.StatusOK, code)
	st, _ = svc.Store.Site(context.Background(), "pt-lis")
	assert.True(t, st.ClosedOn.IsZero())

	// Its events: declared, refused when they do not hold together, taken
	// back; a reopening takes its exit back.
	code, doc = adminCall(t, base+"/pt-lis/events", adminToken, `{"kind":"acquired","on":"2024-04-01","note":"bought from Acme"}`)
	require.Equal(t, http.StatusOK, code, doc)
	assert.Equal(t, map[string]any{"site": "pt-lis", "kind": "acquired", "on": "2024-04-01", "note": "bought from Acme"}, doc)
	code, doc = adminCall(t, base+"/pt-lis/events", adminToken, `{"kind":"sold","on":"2025-01-01"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, doc["error"], `event kind "sold": want one of acquired, divested, opened, closed, outsourced, insourced`)
	code, doc = adminCall(t, base+"/pt-lis/events", adminToken, `{"kind":"divested","on":"2024-01-01"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, doc["error"], "divested on 2024-01-01 is not after its acquired on 2024-04-01")
	code, doc = adminCall(t, base+"/pt-lis/events", adminToken, `{"kind":"divested","on":"2025-10-01"}`)
	require.Equal(t, http.StatusOK, code, doc)
	code, _ = adminCall(t, base+"/xx-none/events", adminToken, `{"kind":"opened","on":"2025-10-01"}`)
	assert.Equal(t, http.StatusNotFound, code)
	st, _ = svc.Store.Site(context.Background(), "pt-lis")
	require.Len(t, st.Events, 2)
	code, _ = adminCall(t, base+"/pt-lis/reopen", adminToken, "")
	require.Equal(t, http.StatusOK, code)
	code, doc = adminCall(t, base+"/pt-lis/events/remove", adminToken, `{"kind":"acquired","on":"2024-04-01"}`)
	require.Equal(t, http.StatusOK, code, doc)
	st, _ = svc.Store.Site(context.Background(), "pt-lis")
	assert.Empty(t, st.Events, "the divestment went with the reopening, the acquisition taken back")
	code, _ = adminCall(t, base+"/pt-lis/events/remove", adminToken, `{"kind":"acquired","on":"2024-04-01"}`)
	assert.Equal(t, http.StatusNotFound, code)

	off := httptest.NewServer(newHandler(testService(t, nil)))
	defer off.Close()
	resp, err := http.Post(off.URL+"/api/v1/admin/sites", "application/json", bytes.NewReader([]byte(`{}`)))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
