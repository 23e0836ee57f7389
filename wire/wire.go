// Package wire is the contract between the site agent and the central
// (docs/ARCHITECTURE.md, "The wire contract"): the batch both sides exchange, its id and
// content hash, and the strict decoding and validation the central applies
// before anything is stored. Both binaries import it, so the two sides
// cannot drift apart.
package wire

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/oklog/ulid/v2"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Batch is the body of POST /api/v1/sites/{site}/batches.
type Batch struct {
	// ID is minted once, when the agent writes the batch to its outbox
	// (a ULID): never derived from the content, so a value that returns to
	// an earlier one is still a new batch.
	ID string `json:"id"`
	// SHA256 is the content hash (ContentHash): the central stores it with
	// the id, answers "duplicate" for the same id and hash and refuses the
	// same id with another hash.
	SHA256     string               `json:"sha256,omitempty"`
	Site       *declaration.Site    `json:"site,omitempty"`
	Activities []footprint.Activity `json:"activities"`
}

// MaxIDLength bounds a batch id (a ULID has 26 characters).
const MaxIDLength = 64

// NewID mints a batch id: a ULID (time-ordered, 80 random bits).
func NewID() string {
	return ulid.MustNew(ulid.Timestamp(time.Now()), rand.Reader).String()
}

// ContentHash is the hex SHA-256 of the batch's content — its declaration
// and activities in their canonical JSON form — independent of the id and
// of how the body was formatted or compressed.
func ContentHash(site *declaration.Site, acts []footprint.Activity) string {
	if acts == nil {
		acts = []footprint.Activity{} // null and [] are the same content
	}
	raw, err := json.Marshal(struct {
		Site       *declaration.Site    `json:"site,omitempty"`
		Activities []footprint.Activity `json:"activities"`
	}{site, acts})
	if err != nil {
		// Activities and sites hold strings, numbers and dates only: an
		// encoding error is a non-finite number, which Validate refuses;
		// hash its text so that the batch is still identified.
		raw = fmt.Appendf(nil, "%v", err)
	}
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// Seal sets the batch's content hash.
func (b *Batch) Seal() { b.SHA256 = ContentHash(b.Site, b.Activities) }

// Problem is one thing wrong with a batch: Index is the activity's
// position, -1 for the batch itself or its declaration.
type Problem struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// InvalidError is a batch refused whole, with every problem found.
type InvalidError struct {
	Problems []Problem
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s): nothing of this batch was stored", len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			fmt.Fprintf(&b, "; … %d more", len(e.Problems)-5)
			break
		}
		fmt.Fprintf(&b, "; %s", p.Message)
	}
	return b.String()
}

// ErrNotBatch is a body that is not a batch at all.
var ErrNotBatch = errors.New(`not a batch (want {"id", "sha256", "site", "activities"})`)

// activity is the wire form of an activity, decoded strictly: a missing
// quantity is an error, never a zero.
type activity struct {
	Kind     footprint.Kind    `json:"kind"`
	Item     string            `json:"item"`
	Start    footprint.Date    `json:"start"`
	End      footprint.Date    `json:"end"`
	Quantity *float64          `json:"quantity"`
	Unit     footprint.Unit    `json:"unit"`
	Source   string            `json:"source"`
	Quality  footprint.Quality `json:"quality"`
	Attrs    map[string]string `json:"attrs"`
}

// Decode reads one batch from a body: unknown fields, text after the
// object and activities without a quantity are refused. The result still
// needs Validate.
func Decode(raw []byte) (Batch, error) {
	var w struct {
		ID         string            `json:"id"`
		SHA256     string            `json:"sha256"`
		Site       *declaration.Site `json:"site"`
		Activities []activity        `json:"activities"`
	}
	// encoding/json's successor (go-json-experiment/json, the proposed
	// encoding/json/v2): half the time of v1 on a batch, and stricter —
	// a member named twice or invalid UTF-8 is refused, not resolved
	// silently; an error names the member's JSON pointer.
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if err := jsonv2.UnmarshalDecode(dec, &w, jsonv2.RejectUnknownMembers(true)); err != nil {
		return Batch{}, fmt.Errorf("%w: %w", ErrNotBatch, err)
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return Batch{}, fmt.Errorf("%w: data after the batch object (offset %d): send one object per request", ErrNotBatch, dec.InputOffset())
	}
	b := Batch{ID: w.ID, SHA256: w.SHA256, Site: w.Site, Activities: make([]footprint.Activity, len(w.Activities))}
	var missing []Problem
	for i, a := range w.Activities {
		if a.Quantity == nil {
			missing = append(missing, Problem{Index: i, Field: "quantity",
				Message: fmt.Sprintf("activities[%d].quantity: missing: every record carries its quantity (0 is sent as 0)", i)})
			continue
		}
		b.Activities[i] = footprint.Activity{Kind: a.Kind, Item: a.Item, Start: a.Start, End: a.End, Quantity: *a.Quantity,
			Unit: a.Unit, Source: a.Source, Quality: a.Quality, Attrs: a.Attrs}
	}
	if len(missing) > 0 {
		return b, &InvalidError{Problems: missing}
	}
	return b, nil
}

// Validate checks a decoded batch for the path's site: the id, the
// content hash when the body carries one, every activity (footprint's
// contract: units, finite plausible quantities, bounded key fields, dates
// 1990–2100) and the declaration. It returns nil or an *InvalidError.
func (b Batch) Validate(site string) error {
	_, err := b.Check(site)
	return err
}

// Check is Validate that also returns the batch's content hash
// (ContentHash), worked out once and alongside the records' checks.
func (b Batch) Check(site string) (string, error) {
	hashed := make(chan string, 1)
	go func() { hashed <- ContentHash(b.Site, b.Activities) }()
	var hash string
	get := func() string {
		if hash == "" {
			hash = <-hashed
		}
		return hash
	}
	err := b.check(site, get)
	return get(), err
}

func (b Batch) check(site string, contentHash func() string) error {
	var bad []Problem
	add := func(i int, field, format string, args ...any) {
		bad = append(bad, Problem{Index: i, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case b.ID == "":
		add(-1, "id", "id: missing: every batch has an id, minted once when it is queued")
	case len(b.ID) > MaxIDLength:
		add(-1, "id", "id: %d characters: at most %d (a ULID has 26)", len(b.ID), MaxIDLength)
	case strings.IndexFunc(b.ID, func(r rune) bool { return !isIDRune(r) }) >= 0:
		add(-1, "id", "id: %q: use letters, digits, '-', '_' and '.' only", b.ID)
	}
	if b.SHA256 != "" && b.SHA256 != contentHash() {
		add(-1, "sha256", "sha256: %.16s…: does not match the batch's content (altered in transit, or a different content under this id)", b.SHA256)
	}
	for i, a := range b.Activities {
		if len(a.Validate("activities")) == 0 { // the path is only spelt out for a problem
			continue
		}
		for _, fe := range a.Validate(fmt.Sprintf("activities[%d]", i)) {
			bad = append(bad, Problem{Index: i, Field: strings.TrimPrefix(fe.Path, fmt.Sprintf("activities[%d].", i)), Message: fe.Error()})
		}
	}
	if b.Site != nil {
		if b.Site.ID != site {
			add(-1, "site.id", "site.id: %q: the declaration must be the path's site %q", footprint.Clip(b.Site.ID), site)
		} else if err := b.Site.Validate("site"); err != nil {
			var ve *footprint.ValidationError
			if !errors.As(err, &ve) {
				add(-1, "site", "site: %v", err)
			} else {
				for _, fe := range ve.Errors {
					add(-1, fe.Path, "%s", fe.Error())
				}
			}
		}
	}
	if len(bad) > 0 {
		return &InvalidError{Problems: bad}
	}
	return nil
}

func isIDRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
}
