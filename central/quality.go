package central

import (
	"context"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// DataQuality is the central's data-quality report of a site: the stored
// records that break the activity contract (set aside by every
// calculation) and the figures off by an order of magnitude against the
// site's declaration or its own history — the same checks the agent runs
// before sending, here on everything stored, whichever agent sent it.
type DataQuality struct {
	Records      int                               `json:"records"`
	Invalid      int                               `json:"invalid_records"`
	FirstInvalid string                            `json:"first_invalid,omitempty"`
	Implausible  []declaration.PlausibilityWarning `json:"implausible"`
}

// dataQuality checks a site's stored records against the contract and,
// with its latest declaration, for plausibility.
func (s *Service) dataQuality(ctx context.Context, site store.Site, recs []store.Record) (DataQuality, error) {
	q := DataQuality{Records: len(recs), Implausible: []declaration.PlausibilityWarning{}}
	decl, err := s.declaration(ctx, site, s.now().Year())
	if err != nil {
		return q, err
	}
	valid := make([]footprint.Activity, 0, len(recs))
	for _, r := range recs {
		if errs := r.Validate(string(r.Kind) + "/" + r.Item + " " + r.Start.String()); len(errs) > 0 {
			if q.Invalid == 0 {
				q.FirstInvalid = errs[0].Error()
			}
			q.Invalid++
			continue
		}
		valid = append(valid, r.Activity)
	}
	q.Implausible = append(q.Implausible, declaration.Plausibility(decl, valid, nil)...)
	return q, nil
}
