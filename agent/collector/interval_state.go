package collector

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
)

// meterState is what a meter saves between runs (resume.go): the spans
// read, what is still pending, and what was inferred.
type meterState struct {
	Pending []point `json:"pending,omitempty"`
	// Spans are from and to, in Unix seconds (nanoseconds with Nanos:
	// when one is not a whole second), and their energy.
	Spans     [][2]int64                  `json:"spans"`
	Wh        []float64                   `json:"wh"`
	SpreadAt  []int                       `json:"spread,omitempty"`
	Nanos     bool                        `json:"nanos,omitempty"`
	Step      time.Duration               `json:"step,omitempty"`
	IndexStep time.Duration               `json:"index_step,omitempty"`
	Last      *point                      `json:"last,omitempty"`
	LastAt    int64                       `json:"last_at,omitempty"`
	Dups      map[footprint.Date]dupCount `json:"dups,omitempty"`
	Reading   string                      `json:"reading,omitempty"`
}

// Save settles the readings and returns the state; a rejected row keeps
// none (the next run reads whole).
func (m *meter) Save() (json.RawMessage, error) {
	m.settle()
	if len(m.rejects) > 0 {
		return nil, errRejected
	}
	st := meterState{Pending: m.pending, Step: m.step, IndexStep: m.indexStep, Last: m.last, LastAt: m.lastAt, Dups: m.dups, Reading: m.reading}
	for _, s := range m.spans {
		if s.From%1e9 != 0 || s.To%1e9 != 0 {
			st.Nanos = true
			break
		}
	}
	div := int64(1e9)
	if st.Nanos {
		div = 1
	}
	st.Spans, st.Wh = make([][2]int64, len(m.spans)), make([]float64, len(m.spans))
	for i, s := range m.spans {
		st.Spans[i], st.Wh[i] = [2]int64{s.From / div, s.To / div}, s.Wh
		if s.Spread {
			st.SpreadAt = append(st.SpreadAt, i)
		}
	}
	return json.Marshal(st)
}

// Restore sets a saved state on a new meter.
func (m *meter) Restore(raw json.RawMessage) error {
	var st meterState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	if len(st.Wh) != len(st.Spans) {
		return fmt.Errorf("saved state: %d spans, %d energies", len(st.Spans), len(st.Wh))
	}
	mult := int64(1e9)
	if st.Nanos {
		mult = 1
	}
	m.spans = make([]span, len(st.Spans))
	for i, s := range st.Spans {
		m.spans[i] = span{From: s[0] * mult, To: s[1] * mult, Wh: st.Wh[i]}
		if m.spans[i].To <= m.spans[i].From || i > 0 && m.spans[i].From < m.spans[i-1].To {
			return fmt.Errorf("saved state: span %d out of order", i)
		}
	}
	for _, i := range st.SpreadAt {
		if i < 0 || i >= len(m.spans) {
			return fmt.Errorf("saved state: spread span %d of %d", i, len(m.spans))
		}
		m.spans[i].Spread = true
	}
	m.pending, m.step, m.indexStep, m.last, m.lastAt, m.dups, m.reading = st.Pending, st.Step, st.IndexStep, st.Last, st.LastAt, st.Dups, st.Reading
	return nil
}
