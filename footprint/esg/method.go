package esg

import (
	"sort"
	"strings"

	"github.com/greenhelp/greenhelp/footprint/factors"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// MethodRestatement is one year's factor row restated by a later change
// of calculation method (factors.Restatement), summed over the group's
// lines that used it: what the year was published with, what it is now.
type MethodRestatement struct {
	Year     int
	FactorID string
	Scope    ghg.Scope
	Unit     string
	Quantity float64
	factors.Restatement
}

// PublishedT and RestatedT are the tonnes at the published and the
// restated factor.
func (m MethodRestatement) PublishedT() float64 { return m.Quantity * m.PublishedKgPerUnit / 1000 }
func (m MethodRestatement) RestatedT() float64  { return m.Quantity * m.KgPerUnit / 1000 }

// MethodRestatements collects the restated lines of the group's
// inventories (one per year, any order), per year, scope and factor row.
func MethodRestatements(invs ...*ghg.Inventory) []MethodRestatement {
	type key struct {
		year  int
		id    string
		scope ghg.Scope
	}
	by := map[key]*MethodRestatement{}
	for _, inv := range invs {
		if inv == nil {
			continue
		}
		for _, l := range inv.Lines {
			if l.Restated == nil {
				continue
			}
			k := key{inv.Year, l.FactorID, l.Scope}
			m := by[k]
			if m == nil {
				m = &MethodRestatement{Year: inv.Year, FactorID: l.FactorID, Scope: l.Scope, Unit: l.Unit, Restatement: *l.Restated}
				by[k] = m
			}
			m.Quantity += l.Quantity
		}
	}
	out := make([]MethodRestatement, 0, len(by))
	for _, m := range by {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if c := ghg.CompareScopes(a.Scope, b.Scope); c != 0 {
			return c < 0
		}
		return a.FactorID < b.FactorID
	})
	return out
}

// methodRestatements lists the figures a change of calculation method
// restated (GHG Protocol Corporate Standard ch. 5): every year of the
// series from the base year up to the export's, the base included, as
// first computed with the year's own factor row and as now reported.
func (d Dataset) methodRestatements() Table {
	tb := Table{Name: "method_restatements", Head: []string{"year", "entity", "scope", "factor row", "method change", "quantity", "unit",
		"published factor (kg/unit)", "restated factor (kg/unit)", "published (tCO2e)", "restated (tCO2e)", "difference (tCO2e)", "reason"}}
	for _, m := range d.MethodRestatements {
		if m.Year > d.Year {
			continue
		}
		tb.Rows = append(tb.Rows, []any{m.Year, "group", string(m.Scope), m.FactorID, strings.Join(m.Methods, "; "), t(m.Quantity), m.Unit,
			m.PublishedKgPerUnit, m.KgPerUnit, t(m.PublishedT()), t(m.RestatedT()), t(m.RestatedT() - m.PublishedT()), m.Reason()})
	}
	return tb
}
