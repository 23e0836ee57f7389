package ghg

import (
	"fmt"

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
		}
		f, err := c.lookup("travel", item, c.site.Country, false)
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
