// Package web is the central's pages: the group's dashboard, a site's
// page, the profiles page and the start page, drawn by charts from the
// application service's plain results (central.GroupView …), and the
// security headers every answer of the public listener carries
// (docs/ARCHITECTURE.md, "Pages").
package web

import (
	"errors"
	"net/http"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/charts"
)

// Host is where the pages are served: its one mapping of an error to a
// status and a message (api.Handler is one).
type Host interface {
	Failure(w http.ResponseWriter, err error) (int, string)
}

// Routes are the pages and the assets by pattern, unguarded:
// central/server puts each behind the access its route table gives it.
func Routes(h Host, svc *central.Service) map[string]http.HandlerFunc {
	routes := map[string]http.HandlerFunc{}
	served := charts.ServedLinks(charts.AssetsBase("/assets/", svc.Log))
	page := func(fn func(w http.ResponseWriter, r *http.Request, year int, links charts.Links) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			links := served
			links.Nonce = cspNonce(r.Context()) // the page's inline scripts run under the answer's policy
			year := 0
			if q := r.URL.Query().Get("year"); q != "" {
				y, err := central.ParseYear(q)
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				year = y
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if err := fn(w, r, year, links); err != nil {
				status, msg := h.Failure(w, err) // the API's mapping
				http.Error(w, msg, status)
			}
		}
	}
	routes["GET /{$}"] = page(func(w http.ResponseWriter, r *http.Request, y int, links charts.Links) error {
		g, err := svc.GroupPage(r.Context(), y)
		if errors.Is(err, central.ErrNoData) && y == 0 {
			// A central without a full year yet: how to get there.
			sv, serr := svc.StartPage(r.Context())
			if serr != nil {
				return serr
			}
			return charts.RenderStart(w, StartData(sv, requestURL(r)), links)
		}
		if err != nil {
			return err
		}
		return charts.RenderGroup(w, GroupData(g, false), links)
	})
	routes["GET /sites/{site}"] = page(func(w http.ResponseWriter, r *http.Request, y int, links charts.Links) error {
		s, err := svc.SitePage(r.Context(), r.PathValue("site"), y)
		if err != nil {
			return err
		}
		return charts.RenderSite(w, SiteData(s, false), links)
	})
	routes["GET /profiles"] = page(func(w http.ResponseWriter, r *http.Request, y int, links charts.Links) error {
		p, err := svc.ProfilesPage(r.Context(), y)
		if err != nil {
			return err
		}
		return charts.RenderProfiles(w, ProfilesData(p, false), links)
	})
	routes["GET /assets/"] = charts.AssetsHandler().ServeHTTP
	return routes
}

// requestURL is the central's URL as the request reached it (the start
// page tells the agents where to send).
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
