package factors

import (
	"fmt"
	"strconv"
	"strings"
)

// Restatement says that a row's factor was restated by a later change of
// calculation method in its series (a row marked ChangeMethod).
//
// The GHG Protocol Corporate Standard (WRI/WBCSD, revised edition 2004),
// chapter 5 "Tracking Emissions Over Time", lists changes in calculation
// methodology and improvements in the accuracy of emission factors among
// the changes that recalculate the base year and the years after it, and
// keeps real changes (organic growth or decline, a grid that
// decarbonises) out of any recalculation. A method change therefore
// applies to every year before it, the base year included, while the
// real changes between those earlier years stay as they were: the earlier
// year's published factor is scaled by the method change's ratio, the new
// method's row over the row of the year before it (new/old). The whole
// step at the method change's year is read as method, none of it as
// real: the publisher's back-cast of its new method to the earlier years
// is what this approximates, and it is used when given as rows of their
// own (an override file's rows for the earlier years, marked real, are
// restated too unless they are the new method's: give them the new
// method's values and mark the first of them method).
type Restatement struct {
	// PublishedKgPerUnit is the row's own factor, as published for its
	// year; the match's KgPerUnit is the restated one.
	PublishedKgPerUnit float64 `json:"published_kg_per_unit"`
	// KgPerUnit is the restated factor; Ratio KgPerUnit over
	// PublishedKgPerUnit (the product of the method changes' new/old
	// ratios; 0 when the published factor is 0).
	KgPerUnit float64 `json:"kg_per_unit"`
	Ratio     float64 `json:"ratio"`
	// Methods are the ids of the rows that changed the method, in year
	// order.
	Methods []string `json:"methods"`
}

// Reason is the restatement in words, for a line's note and the export.
func (r Restatement) Reason() string {
	how := fmt.Sprintf("the published factor %s × %s = %s", g(r.PublishedKgPerUnit), g(r.Ratio), g(r.KgPerUnit))
	if r.PublishedKgPerUnit == 0 {
		how = fmt.Sprintf("the published factor 0 has no ratio: the new method's %s", g(r.KgPerUnit))
	}
	return fmt.Sprintf("methodology change (%s): %s; GHG Protocol Corporate Standard ch. 5: a change of calculation method recalculates the base year and every year after it", strings.Join(r.Methods, ", "), how)
}

func g(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// restated applies to rs[at] (rs sorted by year) every later method change
// of its series. A method change over a zero factor has no ratio: the new
// method's factor is then taken as it is, and the later changes scale it.
func restated(rs []Row, at int) (float64, *Restatement) {
	kg := rs[at].KgPerUnit
	var methods []string
	for i := at + 1; i < len(rs); i++ {
		if rs[i].Change != ChangeMethod {
			continue
		}
		methods = append(methods, rs[i].ID())
		if old := rs[i-1].KgPerUnit; old > 0 {
			kg *= rs[i].KgPerUnit / old
		} else {
			kg = rs[i].KgPerUnit
		}
	}
	if len(methods) == 0 {
		return kg, nil
	}
	r := &Restatement{PublishedKgPerUnit: rs[at].KgPerUnit, KgPerUnit: kg, Methods: methods}
	if r.PublishedKgPerUnit > 0 {
		r.Ratio = kg / r.PublishedKgPerUnit
	}
	return kg, r
}

// indexOf is the index of the series' row of year (rs holds one per year).
func indexOf(rs []Row, year int) int {
	for i, r := range rs {
		if r.Year == year {
			return i
		}
	}
	return 0
}
