package wire

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

func TestTheContentHashSurvivesTheWire(t *testing.T) {
	t.Parallel()
	site := &declaration.Site{ID: "pt-lis-oriente", Name: "Lisbon Oriente", Country: "PT", Seats: 700}
	tests := []struct {
		name string
		b    Batch
	}{
		{"a declaration alone (activities null on one side, [] on the other)", Batch{ID: NewID(), Site: site}},
		{"records with attributes", Batch{ID: NewID(), Activities: []footprint.Activity{{Kind: footprint.KindWorkstation, Item: "desktop",
			Start: footprint.NewDate(2024, 3, 4), End: footprint.NewDate(2024, 3, 5), Quantity: 0.1 + 0.2, Unit: footprint.UnitDeviceH,
			Source: "pm", Quality: footprint.QualityMeasured, Attrs: map[string]string{"state": "off", "location": "home"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.b.Seal()
			raw, err := json.Marshal(tt.b)
			require.NoError(t, err)
			got, err := Decode(raw)
			require.NoError(t, err)
			assert.Equal(t, tt.b.SHA256, ContentHash(got.Site, got.Activities))
		})
	}
}

func TestBatchIdsAreMintedUniqueAndValid(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		require.False(t, seen[id], "ids never repeat")
		seen[id] = true
		require.NoError(t, Batch{ID: id}.Validate("x"))
	}
}

func TestAMissingQuantityIsAnErrorNotAZero(t *testing.T) {
	t.Parallel()
	_, err := Decode([]byte(`{"id":"A","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","unit":"L","source":"g","quality":"measured"}]}`))
	var inv *InvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, 0, inv.Problems[0].Index)
	assert.Equal(t, "quantity", inv.Problems[0].Field)
}

// A member sent twice (a hand-edited or concatenated record) is refused,
// naming it, rather than resolved silently to one of its values; so are
// unknown members and text after the object.
func TestAmbiguousOrUnknownMembersAreRefusedByName(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"id":"A","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","quantity":10,"quantity":1000,"unit":"L","source":"g","quality":"measured"}]}`: `"quantity"`,
		`{"id":"A","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","quantiy":10,"unit":"L","source":"g","quality":"measured"}]}`:                  `"quantiy"`,
		`{"id":"A","id":"B","activities":[]}`:                   `"id"`,
		`{"id":"A","activities":[]} {"id":"B","activities":[]}`: `data after the batch object`,
	} {
		_, err := Decode([]byte(body))
		require.ErrorIs(t, err, ErrNotBatch, body)
		assert.Contains(t, err.Error(), want, body)
	}
}

// Check answers the content hash with the verdict: the same as
// ContentHash whether the batch is sealed, unsealed or refused; a seal
// that does not match is refused.
func TestCheckGivesTheContentHashOnce(t *testing.T) {
	t.Parallel()
	act := footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: footprint.NewDate(2024, 1, 1), End: footprint.NewDate(2024, 2, 1),
		Quantity: 1200, Unit: footprint.UnitKWh, Source: "bills", Quality: footprint.QualityMeasured}
	b := Batch{ID: NewID(), Activities: []footprint.Activity{act}}
	want := ContentHash(nil, b.Activities)
	h, err := b.Check("fr-x")
	require.NoError(t, err)
	assert.Equal(t, want, h)
	b.Seal()
	h, err = b.Check("fr-x")
	require.NoError(t, err)
	assert.Equal(t, want, h)

	b.SHA256 = ContentHash(nil, nil)
	_, err = b.Check("fr-x")
	require.ErrorContains(t, err, "does not match the batch's content")

	bad := act
	bad.Quantity = -1
	b = Batch{ID: NewID(), Activities: []footprint.Activity{act, bad}}
	h, err = b.Check("fr-x")
	require.ErrorContains(t, err, "activities[1].quantity")
	assert.Equal(t, ContentHash(nil, b.Activities), h)
}
