package ghg

import (
	"fmt"
	"strings"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/factors"
)

func (c *calc) homeworking() error {
	if c.remoteDays == 0 {
		return nil
	}
	hours := c.site.HoursPerDay
	basisHours := fmt.Sprintf("%g h per person-day", hours)
	if hours == 0 {
		hours = declaration.DefaultHoursPerDay
		basisHours = fmt.Sprintf("%g h per person-day (default: site declares no hours_per_day)", hours)
	}
	q := c.teleQ["remote"]
	var f factorRef
	if c.as.HomeworkingKgPerHour > 0 {
		f = factorRef{id: "profile/" + c.as.Profile + "/homeworking", kg: c.as.HomeworkingKgPerHour, source: c.as.HomeworkingSource}
	} else {
		m, err := c.lib.Lookup("homeworking", "total", factors.World, c.year)
		if err != nil {
			return fmt.Errorf("home-working: %w", err)
		}
		f = fromMatch(m)
		c.notes["home-working uses the UK DESNZ factor (UK homes, heating-dominated): assign a profile for a climate-adapted factor"] = true
	}
	c.addLine(Scope3Homeworking, "telework", "remote", c.remoteDays*hours, "person_hour", f, q,
		fmt.Sprintf("%.1f remote person-days × %s", c.remoteDays, basisHours), 0)
	return nil
}

func (c *calc) commuting() error {
	days, q := c.onsiteDays, c.teleQ["onsite"]
	daysBasis := fmt.Sprintf("%.1f on-site person-days", days)
	if _, recorded := c.teleQ["onsite"]; !recorded {
		if _, remote := c.teleQ["remote"]; remote || c.site.FTE == 0 || c.records == 0 {
			return nil // attendance recorded as remote only, no one, or no data at all for the period
		}
		days = c.site.FTE * WorkingDaysPerFTE * c.periodShare
		q = footprint.QualityDefault
		daysBasis = fmt.Sprintf("%.1f person-days estimated (%g FTE × %g working days a year: no attendance recorded)", days, c.site.FTE, WorkingDaysPerFTE)
		c.notes["commuting: no on-site person-days recorded; estimated from FTE × 220 working days"] = true
	}
	if days == 0 {
		return nil
	}
	survey, surveyQ, origin := c.site.Commute, footprint.QualityEstimated, "site survey"
	if survey == nil {
		if c.as.Commute == nil {
			c.notes["commuting: no commute survey and no profile default; commuting not computed"] = true
			return nil
		}
		survey, surveyQ, origin = c.as.Commute, footprint.QualityDefault, "profile "+c.as.Profile+" default split"
	}
	if survey.Source != "" {
		origin = fmt.Sprintf("site survey read from source %s, %d respondents", survey.Source, survey.Respondents)
	}
	if !survey.Date.IsZero() {
		origin += " of " + survey.Date.String()
	}
	for _, m := range survey.Modes {
		pkm := days * m.Share * 2 * m.OneWayKm
		item, unit, qty := m.Mode, "pkm", pkm
		basis := fmt.Sprintf("%s × %.0f%% × 2 × %g km (%s)", daysBasis, m.Share*100, m.OneWayKm, origin)
		switch m.Mode {
		case "carpool":
			occ := m.Occupancy
			if occ == 0 {
				occ = 2
			}
			item, unit, qty = "car", "vkm", pkm/occ
			basis += fmt.Sprintf(", %g people per car", occ)
		case "rail":
			// Commuting by train is suburban or regional rail, not
			// high-speed (rail_high_speed): ADEME's RER/Transilien
			// factor is about 3× its TGV factor.
			item = "rail_suburban"
		case "rail_high_speed":
			item = "rail"
		case "motorbike_taxi":
			// The rider is driven: the motorbike's km are the passenger's.
			item = "motorbike"
			basis += ", one passenger per motorbike-km"
		}
		f, err := c.commuteFactor(item)
		if err != nil {
			return fmt.Errorf("commuting mode %s: %w", m.Mode, err)
		}
		if f.unit == "vkm" && unit == "pkm" {
			unit = "vkm"
			basis += ", 1 occupant: pkm = vehicle-km"
		}
		c.addLine(Scope3Commuting, "commute", m.Mode, qty, unit, f, worse(q, surveyQ), basis, 0)
	}
	return nil
}

// commuteStandIns are the library's modes that stand in for local commute
// modes no factor of the library covers, and why: no published per-km
// figure for them could be read (jeepneys, UV Express vans and tricycles
// have Philippine studies of fuel use and occupancy, none in the library).
// A row of the mode for the site's country (--factors) replaces the
// stand-in.
var commuteStandIns = map[string]struct{ item, why string }{
	"paratransit": {"bus", "no factor for jeepney-like paratransit in the library: DESNZ's average local bus (UK) per passenger-km stands in"},
	"minibus":     {"bus", "no factor for a shared minibus (UV Express) in the library: DESNZ's average local bus (UK) per passenger-km stands in"},
	"tricycle":    {"motorbike", "no factor for a tricycle in the library: DESNZ's average motorbike per vehicle-km, one passenger, stands in (a tricycle carries more people and weighs more)"},
}

// commuteFactor is the factor of a commute mode: the library's row for the
// site's country or the world, else its stand-in, said on the line.
func (c *calc) commuteFactor(item string) (factorRef, error) {
	if s, ok := commuteStandIns[item]; ok && !c.lib.HasRegion("travel", item, c.site.Country) && !c.lib.HasRegion("travel", item, factors.World) {
		f, err := c.lookup("travel", s.item, c.site.Country, false)
		if err != nil {
			return f, err
		}
		f.fallback = strings.TrimPrefix(f.fallback+"; "+s.why+" (a row travel,"+item+","+c.site.Country+" in a --factors file replaces it)", "; ")
		return f, nil
	}
	return c.lookup("travel", item, c.site.Country, false)
}
