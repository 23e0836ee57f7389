package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/greenhelp/greenhelp/footprint"
)

// Ack is the central's answer to a batch it stored, now or before
// (POST /api/v1/sites/{site}/batches, 200 application/json): the agent
// deletes a batch from its outbox on this answer only, naming the batch.
type Ack struct {
	ID       string `json:"id"`
	Status   string `json:"status"` // AckAccepted or AckDuplicate
	Accepted int    `json:"accepted"`
}

// The outcomes an Ack names.
const (
	// AckAccepted: the batch was stored now.
	AckAccepted = "accepted"
	// AckDuplicate: the same id and content were stored before; nothing changed.
	AckDuplicate = "duplicate"
)

// MaxAckSize bounds the answer to a batch that is read: the central's is
// well under 1 KiB, and an answer longer than this is not the central's.
const MaxAckSize = 64 << 10

// ErrNotAck is an answer that is not the central's acknowledgement.
var ErrNotAck = errors.New(`not the central's acknowledgement (want {"id", "status", "accepted"})`)

// DecodeAck reads the central's answer to a batch: one JSON object of at
// most MaxAckSize bytes, with the batch id and a status as strings; a
// member named twice, invalid UTF-8, a wrong type or text after the
// object is refused. Members the central may add later are allowed, so
// that a newer central never stops older agents from acknowledging.
func DecodeAck(raw []byte) (Ack, error) {
	if len(raw) > MaxAckSize {
		return Ack{}, fmt.Errorf("%w: %d bytes or more, at most %d", ErrNotAck, len(raw), MaxAckSize)
	}
	var w struct {
		ID       *string `json:"id"`
		Status   *string `json:"status"`
		Accepted *int    `json:"accepted"`
	}
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if err := jsonv2.UnmarshalDecode(dec, &w); err != nil {
		return Ack{}, fmt.Errorf("%w: %w", ErrNotAck, err)
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return Ack{}, fmt.Errorf("%w: data after the object (offset %d)", ErrNotAck, dec.InputOffset())
	}
	switch {
	case w.ID == nil:
		return Ack{}, fmt.Errorf("%w: no id", ErrNotAck)
	case w.Status == nil:
		return Ack{}, fmt.Errorf("%w: no status", ErrNotAck)
	}
	a := Ack{ID: *w.ID, Status: *w.Status}
	if w.Accepted != nil {
		a.Accepted = *w.Accepted
	}
	return a, nil
}

// For checks the acknowledgement is of batch id and says it was stored
// (accepted or duplicate): nil, or what is wrong, in words.
func (a Ack) For(id string) error {
	switch {
	case a.ID != id:
		return fmt.Errorf("%w: it names batch %q, not %q", ErrNotAck, footprint.Clip(a.ID), id)
	case a.Status != AckAccepted && a.Status != AckDuplicate:
		return fmt.Errorf("%w: status %q, want %q or %q", ErrNotAck, footprint.Clip(a.Status), AckAccepted, AckDuplicate)
	case a.Accepted < 0:
		return fmt.Errorf("%w: accepted %d, a count cannot be negative", ErrNotAck, a.Accepted)
	}
	return nil
}
