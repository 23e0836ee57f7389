package wire

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeAndValidate: no body panics the decoder or the validator, and
// a batch they accept can always be encoded again (a non-finite number
// would make every output that carries it fail) with the same content
// hash.
func FuzzDecodeAndValidate(f *testing.F) {
	f.Add([]byte(`{"id":"01JD3V8Q3ZJ4M5Q7Y8X9A0B1C2","activities":[{"kind":"fuel","item":"diesel","start":"2024-01-01","end":"2024-02-01","quantity":10,"unit":"L","source":"g","quality":"measured"}]}`))
	f.Add([]byte(`{"id":"A","activities":[{"kind":"workstation","item":"desktop","start":"2024-03-04","end":"2024-03-05","quantity":2200,"unit":"device_h","source":"pm","quality":"measured","attrs":{"state":"off"}}]}`))
	f.Add([]byte(`{"id":"A","activities":[]} trailing`))
	f.Add([]byte(`{"id":"A","activities":[{"quantity":1e306}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := Decode(body)
		if err != nil {
			return
		}
		if err := b.Validate("za-x"); err != nil {
			return
		}
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("an accepted batch does not encode: %v", err)
		}
		again, err := Decode(raw)
		if err != nil {
			t.Fatalf("an accepted batch does not decode again: %v", err)
		}
		if ContentHash(again.Site, again.Activities) != ContentHash(b.Site, b.Activities) {
			t.Fatalf("the content hash changed on a round trip")
		}
	})
}
