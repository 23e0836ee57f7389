package source

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// manualSource is monthly figures typed into site.yaml from the bills.
type manualSource struct {
	Values []ManualValue `mapstructure:"values"`
	// Kind, Item and Unit are every value's unless it gives its own.
	Kind string `mapstructure:"kind"`
	Item string `mapstructure:"item"`
	Unit string `mapstructure:"unit"`
}

// ManualValue is one month of a manual source.
type ManualValue struct {
	Month    string  `mapstructure:"month"` // YYYY-MM
	Kind     string  `mapstructure:"kind"`
	Item     string  `mapstructure:"item"`
	Quantity float64 `mapstructure:"quantity"`
	Unit     string  `mapstructure:"unit"`
}

func init() { register("manual", func() Options { return &manualSource{} }) }

func (s *manualSource) Defaults() {}

func (s *manualSource) Check(_ Env, add AddFunc) {
	if len(s.Values) == 0 {
		add("values", "", "missing: monthly values {month: 2024-01, item: grid, quantity: 1234, unit: kWh}")
	}
	for i, v := range s.Values {
		if _, err := time.Parse("2006-01", v.Month); err != nil {
			add(fmt.Sprintf("values[%d].month", i), v.Month, "want YYYY-MM")
		}
	}
}

func (s *manualSource) Stream(_ context.Context, _ Env, _ map[string]string, emit func(Row)) ([]Rejection, error) {
	for i, v := range s.Values {
		kind, item, unit := v.Kind, v.Item, v.Unit
		if kind == "" {
			kind = s.Kind
		}
		if item == "" {
			item = s.Item
		}
		if unit == "" {
			unit = s.Unit
		}
		emit(NewRow(fmt.Sprintf("values[%d]", i), map[string]string{
			"month": v.Month, "kind": kind, "item": item, "unit": unit,
			"quantity": strconv.FormatFloat(v.Quantity, 'f', -1, 64)}))
	}
	return nil, nil
}

func (*manualSource) Sample() string {
	return `  # Figures typed in from the bills and maintenance reports, by month.
  - id: bills-manual
    type: manual
    collector: energy
    kind: fuel                      # the default of every value
    item: natural_gas
    unit: kWh
    values:
      - {month: 2024-01, quantity: 9800}
      - {month: 2024-02, quantity: 8700}
      - {month: 2024-06, kind: refrigerant, item: R32, quantity: 0.6, unit: kg}
`
}
