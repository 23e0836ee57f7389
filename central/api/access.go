package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/internal/csvsafe"
)

// AdminToken is the body of POST /api/v1/admin/tokens and its answer: the
// token with its secret, shown only in this answer.
type AdminToken struct {
	Role   string   `json:"role"`
	Sites  []string `json:"sites,omitempty"`
	Note   string   `json:"note,omitempty"`
	ID     string   `json:"id,omitempty"`
	Secret string   `json:"token,omitempty"`
}

func (h *Handler) adminIssueToken(w http.ResponseWriter, r *http.Request) {
	var in AdminToken
	if !decodeAdmin(w, r, &in) {
		return
	}
	if in.ID != "" || in.Secret != "" {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "body: a token takes role, sites (an ambassador's) and note; its id and secret are made by the central"})
		return
	}
	t, secret, err := h.svc.IssueAPIToken(r.Context(), in.Role, in.Sites, in.Note)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("API token issued", "id", t.ID, "role", t.Role, "by", actor(r))
	writeJSON(w, http.StatusCreated, AdminToken{Role: t.Role, Sites: t.Sites, Note: t.Note, ID: t.ID, Secret: secret})
}

func (h *Handler) adminTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := h.svc.APITokens(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	if ts == nil {
		ts = []store.APIToken{}
	}
	writeJSON(w, http.StatusOK, ts)
}

func (h *Handler) adminRevokeToken(w http.ResponseWriter, r *http.Request) {
	if !decodeAdmin(w, r, &struct{}{}) {
		return
	}
	id := r.PathValue("id")
	if err := h.svc.RevokeAPIToken(r.Context(), id); err != nil {
		h.fail(w, err)
		return
	}
	h.svc.Log.Info("API token revoked", "id", id, "by", actor(r))
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "revoked": "yes"})
}

// adminAudit answers the audit log, oldest first (?since=ID&limit=N).
func (h *Handler) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since int64
	limit := 0
	var err error
	if s := q.Get("since"); s != "" {
		if since, err = strconv.ParseInt(s, 10, 64); err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Error: fmt.Sprintf("since %s: want the id of the last entry read (0: from the start)", footprint.QuoteClip(s))})
			return
		}
	}
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Error: fmt.Sprintf("limit %s: want a number of entries, 1 to 10000", footprint.QuoteClip(s))})
			return
		}
	}
	es, err := h.svc.AuditLog(r.Context(), since, limit)
	if err != nil {
		h.fail(w, err)
		return
	}
	if es == nil {
		es = []store.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, es)
}

// export answers the year's ESG export (?year=&format=json|xlsx&site=)
// as a download, and audits it.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	year, err := central.ParseYear(q.Get("year"))
	if err != nil || q.Get("year") == "" {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "year: want ?year=YYYY, the reporting year to export"})
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "json" {
		writeJSON(w, http.StatusBadRequest, apiError{Error: fmt.Sprintf("format %s: want xlsx or json (csv is a folder of files: greenhelp export --format csv)", footprint.QuoteClip(format))})
		return
	}
	site := q.Get("site")
	d, err := h.svc.ESGDataset(r.Context(), year, site, "")
	if err != nil {
		h.fail(w, err)
		return
	}
	var body []byte
	ctype := "application/json"
	if format == "json" {
		body, err = d.JSON()
	} else {
		body, err = d.XLSX()
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	detail := "year " + strconv.Itoa(year) + ", " + format
	if site != "" {
		detail += ", site " + site
	}
	h.svc.Exported(r.Context(), year, detail)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="greenhelp-esg-%d.%s"`, year, format))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// recordsCSV answers a site's activity records of a year (?year=, default
// the year before this one) in the activity CSV (footprint.CSVColumns),
// cells a spreadsheet would run guarded (csvsafe).
func (h *Handler) recordsCSV(w http.ResponseWriter, r *http.Request) {
	year, err := yearParam(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	site := r.PathValue("site")
	acts, err := h.svc.SiteRecords(r.Context(), site, year)
	if err != nil {
		h.fail(w, err)
		return
	}
	var b strings.Builder
	cw := csv.NewWriter(&b)
	_ = cw.Write(footprint.CSVColumns)
	for _, a := range acts {
		_ = cw.Write([]string{string(a.Kind), a.Item, a.Start.String(), a.End.String(), strconv.FormatFloat(a.Quantity, 'f', -1, 64),
			string(a.Unit), csvsafe.Text(a.Source), string(a.Quality), csvsafe.Text(footprint.FormatAttrs(a.Attrs))})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d-records.csv"`, site, year))
	_, _ = w.Write([]byte(b.String()))
}
