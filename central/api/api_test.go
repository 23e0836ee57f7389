package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/wire"
)

// Issue 26: one mapping of an error to a status, whatever wraps it.
func TestErrorStatusIsTheOneMapping(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("site fr-lil: %w", err) }
	cases := map[int][]error{
		http.StatusBadRequest:            {central.ErrInvalid, wire.ErrNotBatch, &wire.InvalidError{}},
		http.StatusRequestEntityTooLarge: {central.ErrTooMany},
		http.StatusNotFound:              {store.ErrNotFound, central.ErrNoData, planning.ErrNoHistory},
		http.StatusConflict:              {store.ErrConflict, store.ErrExists, store.ErrYearClosed},
		http.StatusInternalServerError:   {store.ErrPermanent, errors.New("unforeseen")},
		http.StatusServiceUnavailable:    {store.ErrUnavailable, context.DeadlineExceeded, context.Canceled},
	}
	for want, errs := range cases {
		for _, err := range errs {
			assert.Equal(t, want, errorStatus(err), "%v", err)
			assert.Equal(t, want, errorStatus(wrap(err)), "wrapped: %v", err)
		}
	}
}

func TestAnAnswerThatCannotBeEncodedIsA500WithAMessage(t *testing.T) {
	rec := httptest.NewRecorder()
	writeJSON(rec, http.StatusOK, map[string]float64{"t": math.Inf(1)})
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Contains(t, rec.Body.String(), "could not be encoded")
	assert.True(t, json.Valid(rec.Body.Bytes()))
}
