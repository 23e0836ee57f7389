package central

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// The admin API: an operator registers, re-keys, closes and reopens sites
// without a shell on the central's host, behind admin.token (env
// GREENHELP_ADMIN_TOKEN). Without it the routes answer 404.

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

func (h *Handler) admin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		want := h.svc.Cfg.Admin.Token
		if want == "" {
			writeJSON(w, http.StatusNotFound, apiError{Error: "the admin API is off: set admin.token (or GREENHELP_ADMIN_TOKEN) on the central"})
			return
		}
		got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		a, b := sha256.Sum256([]byte(strings.TrimSpace(got))), sha256.Sum256([]byte(want))
		if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
			h.metrics.rejections.WithLabelValues("admin_unauthorized").Inc()
			h.svc.Log.Warn("admin token refused", "path", r.URL.Path, "remote", r.RemoteAddr)
			writeJSON(w, http.StatusUnauthorized, apiError{Error: "missing or wrong admin token"})
			return
		}
		next(w, r)
	}
}

// decodeAdmin reads a small JSON body into v, refusing unknown fields.
func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: " + err.Error()})
		return false
	}
	return true
}

func (h *Handler) adminError(w http.ResponseWriter, site string, err error) {
	switch {
	case errors.Is(err, store.ErrExists):
		writeJSON(w, http.StatusConflict, apiError{Error: err.Error()})
	case errors.Is(err, store.ErrNotFound):
		writeJSON(w, http.StatusNotFound, apiError{Error: err.Error()})
	default:
		h.storeFailed(w, site, err)
	}
}

func (h *Handler) adminAddSite(w http.ResponseWriter, r *http.Request) {
	var in AdminSite
	if !decodeAdmin(w, r, &in) {
		return
	}
	probe := footprint.Site{ID: in.ID, Name: in.Name, Country: in.Country, Timezone: "UTC", Seats: 1}
	if err := probe.Validate("site"); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	tok, err := h.svc.Catalog.AddSite(r.Context(), in.ID, in.Name, in.Country)
	if err != nil {
		h.adminError(w, in.ID, err)
		return
	}
	h.svc.Log.Info("site added through the admin API", "site", in.ID, "remote", r.RemoteAddr)
	writeJSON(w, http.StatusCreated, AdminSite{ID: in.ID, Name: in.Name, Country: in.Country, Token: tok})
}

func (h *Handler) adminRotate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("site")
	tok, err := h.svc.Catalog.RotateToken(r.Context(), id)
	if err != nil {
		h.adminError(w, id, err)
		return
	}
	h.svc.Log.Info("site token rotated through the admin API", "site", id, "remote", r.RemoteAddr)
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
		writeJSON(w, http.StatusBadRequest, apiError{Error: fmt.Sprintf("on: %q: want the closing day YYYY-MM-DD (its records from that day on are not counted)", in.On)})
		return
	}
	if err := h.svc.Catalog.CloseSite(r.Context(), id, on); err != nil {
		h.adminError(w, id, err)
		return
	}
	h.svc.Changed()
	writeJSON(w, http.StatusOK, AdminSite{ID: id, ClosedOn: on.String()})
}

func (h *Handler) adminReopen(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("site")
	if err := h.svc.Catalog.CloseSite(r.Context(), id, footprint.Date{}); err != nil {
		h.adminError(w, id, err)
		return
	}
	h.svc.Changed()
	writeJSON(w, http.StatusOK, AdminSite{ID: id})
}
