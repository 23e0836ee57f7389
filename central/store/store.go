// Package store holds the central service's data: the catalog (sites and
// their declaration versions, hashed site tokens, the batch log, profile
// overrides, offsets) in SQLite, and the activity series behind the Series
// interface, in the same SQLite file by default or in InfluxDB.
package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Record is a stored activity of a site.
type Record struct {
	Site string `json:"site"`
	footprint.Activity
}

// Query selects records: sites (none: all), kinds (none: all), and the
// records whose period overlaps [From, To) (or starts in it: Starting).
type Query struct {
	Sites []string
	Kinds []footprint.Kind
	From  footprint.Date
	To    footprint.Date
	// Starting selects the records that start in [From, To) instead of
	// those overlapping it (what a batch's rollups are recomputed from).
	Starting bool
}

// Series stores activity records, one per key: writing a key again
// replaces its value. Every backend passes the conformance suite in
// conformance_test.go.
type Series interface {
	// Write stores every record of acts for site, all or none.
	Write(ctx context.Context, site string, acts []footprint.Activity) error
	// Read returns the records matching q, in key order: site, kind, item,
	// start, end, source, attrs.
	Read(ctx context.Context, q Query) ([]Record, error)
	// Close releases the backend.
	Close() error
}

// TxWriter is a Series that can write inside the catalog's transaction
// (the SQLite series, in the same file): a batch's records, its log entry
// and its declaration then commit or roll back together.
type TxWriter interface {
	WriteTx(ctx context.Context, tx *sql.Tx, site string, acts []footprint.Activity) error
	// ReadTx is Read inside tx.
	ReadTx(ctx context.Context, tx *sql.Tx, q Query) ([]Record, error)
}

// ErrUnavailable wraps a backend failure the caller may retry (the HTTP
// layer answers 503 with Retry-After).
var ErrUnavailable = errors.New("store unavailable")

// ErrNotFound is returned for an unknown site.
var ErrNotFound = errors.New("not found")

// Site is a site of the catalog.
type Site struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Country   string    `json:"country"`
	CreatedAt time.Time `json:"created_at"`
	// ClosedOn is the day the site closed (zero: open): records from that
	// day on are not counted.
	ClosedOn footprint.Date `json:"closed_on,omitzero"`
}

// SiteVersion is one version of a site's declaration, with the date it
// took effect.
type SiteVersion struct {
	Site          string           `json:"site"`
	EffectiveFrom footprint.Date   `json:"effective_from"`
	ReceivedAt    time.Time        `json:"received_at"`
	Hash          string           `json:"hash"`
	Declaration   declaration.Site `json:"declaration"`
}

// BatchLog is one received batch.
type BatchLog struct {
	ID         string    `json:"id"`
	Site       string    `json:"site"`
	ReceivedAt time.Time `json:"received_at"`
	Count      int       `json:"count"`
	SHA256     string    `json:"sha256"`
}

// Offset is compensation retired: shown beside the inventory, never
// netted from gross emissions.
type Offset struct {
	ID       int64   `json:"id"`
	Year     int     `json:"year"`
	T        float64 `json:"t"`
	Registry string  `json:"registry"`
	Project  string  `json:"project"`
	Vintage  int     `json:"vintage"`
}
