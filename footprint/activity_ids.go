package footprint

import (
	"regexp"
	"strings"
)

// IDRule is what a data-centre room's or a colocation contract's id may
// be: an identifier, like a site id (it names a series on the site page
// and a row of its tables).
const IDRule = "want 1–64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit (an id, like a site's)"

// itIDAttrs are the attributes that name a declared room or contract.
var itIDAttrs = map[Kind]string{KindDataCentre: "room", KindColocation: "contract"}

// validateITIDs checks that a datacentre record's room and a colocation
// record's contract are ids (given: requiredAttrs says when one is missing).
func (a Activity) validateITIDs(p func(string) string) Problems {
	var errs Problems
	if k, ok := itIDAttrs[a.Kind]; ok {
		if v, ok := a.Attrs[k]; ok && strings.TrimSpace(v) != "" && !siteIDPattern.MatchString(v) {
			errs.Add(p("attrs."+k), Clip(v), "%s", IDRule)
		}
	}
	return errs
}

var siteIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// SiteIDRule is what a site id may be.
const SiteIDRule = "want 1–64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit"

// ValidSiteID says whether id is a site id (SiteIDRule).
func ValidSiteID(id string) bool { return siteIDPattern.MatchString(id) }
