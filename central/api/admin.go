package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/structure"
)

// The admin API: an operator registers, re-keys, closes and reopens sites,
// records offsets, closes a reporting year, rebuilds the rollups, issues
// and revokes API tokens and reads the audit log without a shell on the
// central's host, as central/server's route table allows (an admin — the
// admin.token, an admin's API token or session —; closing a year esg; a
// site's token rotation its ambassador too). The same
// routes answer on the central's local operator socket (LocalOperator)
// without a token: the commands of `greenhelp` that change the store go
// through it while a central serves the data directory.

// AdminSite is the answer of POST /api/v1/admin/sites and …/rotate: the
// site's token, shown only in this answer.
type AdminSite struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Country string `json:"country,omitempty"`
	Token   string `json:"token,omitempty"`
	// ClosedOn is set by …/close (empty after …/reopen).
	ClosedOn string `json:"closed_on,omitempty"`
}

// AdminEvent is the body and the answer of POST
// /api/v1/admin/sites/{site}/events (and …/events/remove, without note):
// an event of the site's life (footprint/planning's kinds) on a day.
type AdminEvent struct {
	Site string `json:"site,omitempty"`
	Kind string `json:"kind"`
	On   string `json:"on"`
	Note string `json:"note,omitempty"`
}

// AdminOffset is the body and the answer of POST /api/v1/admin/offsets.
type AdminOffset struct {
	ID       int64   `json:"id,omitempty"`
	Year     int     `json:"year"`
	T        float64 `json:"t"`
	Registry string  `json:"registry"`
	Project  string  `json:"project"`
	Vintage  int     `json:"vintage"`
}

// AdminRollups is the answer of POST /api/v1/admin/rollups/rebuild.
type AdminRollups struct {
	Sites   int     `json:"sites"`
	Seconds float64 `json:"seconds"`
}

// adminRoutes are the admin API's routes, registered on the public mux
// (behind admin.token) and on the local operator socket.
func (h *Handler) adminRoutes(handle func(pattern string, hf http.HandlerFunc)) {
	handle("POST /api/v1/admin/sites", h.adminAddSite)
	handle("POST /api/v1/admin/sites/{site}/rotate", h.adminRotate)
	handle("POST /api/v1/admin/sites/{site}/close", h.adminClose)
	handle("POST /api/v1/admin/sites/{site}/reopen", h.adminReopen)
	handle("POST /api/v1/admin/sites/{site}/events", h.adminEvent)
	handle("POST /api/v1/admin/sites/{site}/events/remove", h.adminRemoveEvent)
	handle("POST /api/v1/admin/offsets", h.adminAddOffset)
	handle("POST /api/v1/admin/years/{year}/close", h.adminCloseYear)
	handle("POST /api/v1/admin/rollups/rebuild", h.adminRebuildRollups)
	handle("POST /api/v1/admin/tokens", h.adminIssueToken)
	handle("GET /api/v1/admin/tokens", h.adminTokens)
	handle("POST /api/v1/admin/tokens/{id}/revoke", h.adminRevokeToken)
	handle("GET /api/v1/admin/audit", h.adminAudit)
}

// OperatorActorHeader names, on the operator socket only, the user whose
// command asks (for the audit log): whoever can open the socket is
// trusted with the store's files anyway.
const OperatorActorHeader = "X-Greenhelp-Actor"

// localOperator marks a request that came through the local operator
// socket: only that server sets it.
type localOperator struct{}

// LocalOperator is the handler of the central's local operator socket
// (a Unix socket in the data directory, or in a private folder, readable
// by the central's user only): the admin routes, without a token — whoever
// can open the socket can write the store's files anyway.
func (h *Handler) LocalOperator() http.Handler {
	mux := http.NewServeMux()
	h.adminRoutes(func(pattern string, hf http.HandlerFunc) { mux.HandleFunc(pattern, hf) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "operator socket"
		if who := r.Header.Get(OperatorActorHeader); who != "" {
			name = footprint.Printable(footprint.Clip(who)) + " (operator socket)"
		}
		ctx := central.WithActor(context.WithValue(r.Context(), localOperator{}, true), central.Actor{Name: name, Via: "socket"})
		mux.ServeHTTP(w, r.WithContext(ctx))
	})
}

// decodeAdmin reads a small JSON body into v as strictly as ingestion
// reads a batch: one JSON object, no unknown field, nothing after it. An
// empty body is an empty object (for the routes whose fields are all
// optional, the route checks what it needs).
func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	const limit = 64 << 10
	raw, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	switch {
	case err != nil:
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: " + err.Error()})
		return false
	case len(raw) > limit:
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{Error: fmt.Sprintf("body over %d bytes: an admin request is one small JSON object", limit)})
		return false
	case len(strings.TrimSpace(string(raw))) == 0:
		return true
	}
	// encoding/json/v2's rules: a member named twice, an unknown member,
	// a name in another case, or anything after the object is refused.
	if err := jsonv2.Unmarshal(raw, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: " + err.Error()})
		return false
	}
	return true
}

// actor names who asked, for the log.
func actor(r *http.Request) string {
	return central.ActorOf(r.Context()).Name
}

func (h *Handler) adminAddSite(w http.ResponseWriter, r *http.Request) {
	var in AdminSite
	if !decodeAdmin(w, r, &in) {
		return
	}
	if in.Token != "" || in.ClosedOn != "" {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: a new site takes id, name and country only (its token is made by the central)"})
		return
	}
	tok, err := h.svc.AddSite(r.Context(), in.ID, in.Name, in.Country)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("site added through the admin API", "site", in.ID, "by", actor(r))
	writeJSON(w, http.StatusCreated, AdminSite{ID: in.ID, Name: in.Name, Country: in.Country, Token: tok})
}

func (h *Handler) adminRotate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("site")
	if !decodeAdmin(w, r, &struct{}{}) {
		return
	}
	tok, err := h.svc.RotateToken(r.Context(), id)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("site token rotated through the admin API", "site", id, "by", actor(r))
	writeJSON(w, http.StatusOK, AdminSite{ID: id, Token: tok})
}

func (h *Handler) adminClose(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("site")
	var in struct {
		On string `json:"on"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	on, err := footprint.ParseDate(in.On)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: fmt.Sprintf("on: %q: want the closing day YYYY-MM-DD (its records from that day on are not counted)", footprint.Clip(in.On))})
		return
	}
	if err := h.svc.CloseSite(r.Context(), id, on); err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("site closed through the admin API", "site", id, "on", on.String(), "by", actor(r))
	writeJSON(w, http.StatusOK, AdminSite{ID: id, ClosedOn: on.String()})
}

func (h *Handler) adminReopen(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("site")
	if !decodeAdmin(w, r, &struct{}{}) {
		return
	}
	if err := h.svc.ReopenSite(r.Context(), id); err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("site reopened through the admin API", "site", id, "by", actor(r))
	writeJSON(w, http.StatusOK, AdminSite{ID: id})
}

// event reads an event's body: its kind and day (and note, unless
// removing), answering 400 itself when they are not one.
func event(w http.ResponseWriter, r *http.Request, removing bool) (AdminEvent, structure.Kind, footprint.Date, bool) {
	var in AdminEvent
	if !decodeAdmin(w, r, &in) {
		return in, "", footprint.Date{}, false
	}
	kind, err := structure.ParseKind(in.Kind)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "kind: " + footprint.Printable(err.Error())})
		return in, "", footprint.Date{}, false
	}
	on, err := footprint.ParseDate(in.On)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: fmt.Sprintf("on: %q: want the event's day YYYY-MM-DD (an entry's first day counted, an exit's first day not counted)", footprint.Clip(in.On))})
		return in, "", footprint.Date{}, false
	}
	if (removing && in.Note != "") || in.Site != "" {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: an event takes kind, on and (when declared) note; the site is the path's"})
		return in, "", footprint.Date{}, false
	}
	in.Site, in.Kind, in.On = r.PathValue("site"), string(kind), on.String()
	return in, kind, on, true
}

func (h *Handler) adminEvent(w http.ResponseWriter, r *http.Request) {
	in, kind, on, ok := event(w, r, false)
	if !ok {
		return
	}
	if err := h.svc.AddSiteEvent(r.Context(), in.Site, kind, on, in.Note); err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("site event declared through the admin API", "site", in.Site, "kind", in.Kind, "on", in.On, "by", actor(r))
	writeJSON(w, http.StatusOK, in)
}

func (h *Handler) adminRemoveEvent(w http.ResponseWriter, r *http.Request) {
	in, kind, on, ok := event(w, r, true)
	if !ok {
		return
	}
	if err := h.svc.RemoveSiteEvent(r.Context(), in.Site, kind, on); err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("site event taken back through the admin API", "site", in.Site, "kind", in.Kind, "on", in.On, "by", actor(r))
	writeJSON(w, http.StatusOK, in)
}

func (h *Handler) adminAddOffset(w http.ResponseWriter, r *http.Request) {
	var in AdminOffset
	if !decodeAdmin(w, r, &in) {
		return
	}
	if in.ID != 0 {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: id: an offset's id is given by the central"})
		return
	}
	id, err := h.svc.AddOffset(r.Context(), store.Offset{Year: in.Year, T: in.T, Registry: in.Registry, Project: in.Project, Vintage: in.Vintage})
	if err != nil {
		h.fail(w, err)
		return
	}
	in.ID = id
	h.svc.Log.Info("offset recorded through the admin API", "id", id, "year", in.Year, "by", actor(r))
	writeJSON(w, http.StatusCreated, in)
}

func (h *Handler) adminCloseYear(w http.ResponseWriter, r *http.Request) {
	y := r.PathValue("year")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || y[0] < '0' || y[0] > '9' || year < 1990 || year > 2100 {
		writeJSON(w, http.StatusBadRequest, apiError{Error: fmt.Sprintf("year %q: want the reporting year to close, e.g. 2024", footprint.Clip(r.PathValue("year")))})
		return
	}
	if !decodeAdmin(w, r, &struct{}{}) {
		return
	}
	cy, err := h.svc.CloseYear(r.Context(), year, h.svc.Now())
	if err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("reporting year closed through the admin API", "year", year, "by", actor(r))
	writeJSON(w, http.StatusOK, cy)
}

func (h *Handler) adminRebuildRollups(w http.ResponseWriter, r *http.Request) {
	if !decodeAdmin(w, r, &struct{}{}) {
		return
	}
	start := time.Now()
	n, err := h.svc.RebuildRollups(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("rollups rebuilt through the admin API", "sites", n, "by", actor(r))
	writeJSON(w, http.StatusOK, AdminRollups{Sites: n, Seconds: time.Since(start).Seconds()})
}
