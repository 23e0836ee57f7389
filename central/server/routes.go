package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/auth"
)

// Route is one route of the public listener and what it needs.
type Route struct {
	Pattern string
	Access  auth.Access
}

// RouteTable is every route of the public listener and who may use it
// (central/auth's Access): the router is built from it, and a route
// without a row (or a row without a route) stops the central at start.
// An ambassador sees its sites only: a group-level route that lists
// per-site data (the group and profiles pages, inventory and trajectory
// without ?site=, changes, profiles, the export) refuses it (403); the
// list of sites shows it its own.
func RouteTable(cfg *central.Config) []Route {
	metrics := auth.Public
	if cfg.Viewer.ProtectMetrics {
		metrics = auth.Viewer
	}
	return []Route{
		{"GET /healthz", auth.Public},
		{"GET /metrics", metrics},
		{"GET /assets/", auth.Public},
		{"GET /auth/login", auth.Public},
		{"GET /auth/callback", auth.Public},
		{"GET /auth/logout", auth.Public},
		{"POST /auth/logout", auth.Public}, // a session's, with its CSRF token (checked by the route)
		{"GET /auth/session", auth.Anyone},

		{"POST /api/v1/sites/{site}/batches", auth.Agent},
		{"GET /api/v1/sites/{site}/ping", auth.Agent},

		{"GET /{$}", auth.Viewer},
		{"GET /profiles", auth.Viewer},
		{"GET /sites/{site}", auth.Site},

		{"GET /api/v1/sites", auth.Anyone}, // an ambassador's own sites only
		{"GET /api/v1/sites/{site}", auth.Site},
		{"GET /api/v1/sites/{site}/records.csv", auth.Site},
		{"GET /api/v1/records", auth.Site},
		{"GET /api/v1/inventory", auth.Site},
		{"GET /api/v1/trajectory", auth.Site},
		{"GET /api/v1/changes", auth.Viewer},
		{"GET /api/v1/profiles", auth.Viewer},

		{"GET /api/v1/export", auth.ESG},
		{"POST /api/v1/admin/years/{year}/close", auth.ESG},

		{"POST /api/v1/admin/sites/{site}/rotate", auth.SiteOperator},
		{"POST /api/v1/admin/sites", auth.Admin},
		{"POST /api/v1/admin/sites/{site}/close", auth.Admin},
		{"POST /api/v1/admin/sites/{site}/reopen", auth.Admin},
		{"POST /api/v1/admin/sites/{site}/events", auth.Admin},
		{"POST /api/v1/admin/sites/{site}/events/remove", auth.Admin},
		{"POST /api/v1/admin/offsets", auth.Admin},
		{"POST /api/v1/admin/rollups/rebuild", auth.Admin},
		{"POST /api/v1/admin/tokens", auth.Admin},
		{"GET /api/v1/admin/tokens", auth.Admin},
		{"POST /api/v1/admin/tokens/{id}/revoke", auth.Admin},
		{"GET /api/v1/admin/audit", auth.Admin},
	}
}

// buildRouter is the mux of table's routes, each handler behind its
// access; every handler needs a row and every row a handler.
func buildRouter(table []Route, handlers map[string]http.HandlerFunc, a *auth.Auth) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	var problems []string
	seen := map[string]bool{}
	for _, rt := range table {
		hf, ok := handlers[rt.Pattern]
		switch {
		case seen[rt.Pattern]:
			problems = append(problems, "route "+rt.Pattern+": twice in the table")
			continue
		case !ok:
			problems = append(problems, "route "+rt.Pattern+": in the table, but nothing serves it")
			continue
		}
		seen[rt.Pattern] = true
		mux.HandleFunc(rt.Pattern, a.Guard(rt.Access, hf))
	}
	for p := range handlers {
		if !seen[p] && !slices.ContainsFunc(table, func(r Route) bool { return r.Pattern == p }) {
			problems = append(problems, "route "+p+": served, but not in the route table (central/server/routes.go): say who may use it")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("the route table: %s", strings.Join(problems, "; "))
	}
	return mux, nil
}

// merge joins the route maps of the API, the pages and the sign-in; a
// pattern served twice is an error.
func merge(maps ...map[string]http.HandlerFunc) (map[string]http.HandlerFunc, error) {
	out := map[string]http.HandlerFunc{}
	for _, m := range maps {
		for p, hf := range m {
			if _, dup := out[p]; dup {
				return nil, fmt.Errorf("route %s: served twice", p)
			}
			out[p] = hf
		}
	}
	return out, nil
}
