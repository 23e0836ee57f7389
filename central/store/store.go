// Package store is the central service's data as the service uses it:
// the Store interface (ingest a batch all or nothing, read records and
// rollups, site operations), the types it speaks, the kinds of store
// failure (errors.go), the pure rollup arithmetic (rollup.go) and the
// data directory's one-writer lock (lock.go). It imports no database:
// the backends live in store/sqlite (the catalog and rollups, and the
// records by default), store/influx (the records in InfluxDB) and
// store/postgres (everything in one PostgreSQL database); see
// docs/ARCHITECTURE.md, "Package map".
package store

import (
	"context"
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

// Store is the central's data: the catalog (sites, tokens, declarations,
// the batch log, overrides, offsets, closed years), the activity records
// and their rollups. Every backend passes the conformance suite in
// conformance_test.go. Its errors are classified once, where the backend
// fails (errors.go): ErrUnavailable may pass by itself, ErrPermanent not.
type Store interface {
	Catalog
	Rollups
	Access
	Results
	// Ingest records a received batch all or nothing: when b's id is new,
	// its records (acts, of site b.Site), the rollups they touch, its log
	// entry and, when decl is not nil, a new declaration version. It
	// returns duplicate = true, changing nothing, for an id already logged
	// with the same content hash, and ErrConflict for an id logged with
	// another. Writing a key again replaces its value.
	Ingest(ctx context.Context, b BatchLog, decl *declaration.Site, acts []footprint.Activity) (duplicate bool, err error)
	// Read returns the records matching q, in key order: site, kind, item,
	// start, end, source, attrs.
	Read(ctx context.Context, q Query) ([]Record, error)
	// Check reads and writes the store as a request would (the check of
	// /healthz): write is not tried when read failed.
	Check(ctx context.Context) (read, write error)
	// Path is the file the store keeps in the data directory.
	Path() string
	// Close releases the store.
	Close() error
}

// Catalog is the store's sites and what is kept of them.
type Catalog interface {
	// AddSite adds a site and returns its token, shown once (ErrExists
	// for an id in use).
	AddSite(ctx context.Context, id, name, country string) (string, error)
	// RotateToken replaces a site's token and returns the new one.
	RotateToken(ctx context.Context, id string) (string, error)
	// Authenticate returns the site a token belongs to, or "" if none.
	Authenticate(ctx context.Context, tok string) (string, error)
	// Sites lists the sites by id.
	Sites(ctx context.Context) ([]Site, error)
	// Site returns one site (ErrNotFound).
	Site(ctx context.Context, id string) (Site, error)
	// CloseSite closes a site on a date (zero: reopens it).
	CloseSite(ctx context.Context, id string, on footprint.Date) error
	// AddSiteEvent records one of a site's events, which Site and Sites
	// return with it (ErrNotFound for an unknown site, ErrExists for its
	// kind on that day again); RemoveSiteEvent takes one back
	// (ErrNotFound when there is none).
	AddSiteEvent(ctx context.Context, site string, e SiteEvent) error
	RemoveSiteEvent(ctx context.Context, site, kind string, on footprint.Date) error
	// Activity returns what the central last received from each site.
	Activity(ctx context.Context) (map[string]SiteActivity, error)
	// Versions returns a site's declaration versions, oldest effective
	// first; DeclarationFor the one in force for year (DeclarationIn).
	Versions(ctx context.Context, site string) ([]SiteVersion, error)
	DeclarationFor(ctx context.Context, site string, year int) (declaration.Site, bool, error)
	// Batches returns a site's batch log, newest first, at most limit.
	Batches(ctx context.Context, site string, limit int) ([]BatchLog, error)
	// SetOverride pins a site to a profile; Override returns the pin.
	SetOverride(ctx context.Context, site, profile, reason string) error
	Override(ctx context.Context, site string) (*declaration.ProfilePin, error)
	// AddOffset records retired compensation; Offsets returns a year's
	// (0: all).
	AddOffset(ctx context.Context, o Offset) (int64, error)
	Offsets(ctx context.Context, year int) ([]Offset, error)
	// CloseYear records a year's published figures, once
	// (ErrYearClosed); ClosedYears returns those up to a year (0: all).
	CloseYear(ctx context.Context, y ClosedYear) error
	ClosedYears(ctx context.Context, upTo int) ([]ClosedYear, error)
}

// Rollups are what every view reads instead of the raw records (see
// rollup.go), kept up to date by Ingest.
type Rollups interface {
	// ReadRollup returns, as activities for the calculation, site's
	// monthly rows and kept records overlapping [q.From, q.To), of
	// q.Kinds (none: all): the rows first, each part in key order.
	ReadRollup(ctx context.Context, site string, q Query) ([]footprint.Activity, error)
	// RollupRows and RollupSpans are the two parts ReadRollup reads.
	RollupRows(ctx context.Context, site string, q Query) ([]RollupRow, error)
	RollupSpans(ctx context.Context, site string, q Query) ([]Record, error)
	// RebuildRollups recomputes site's rollups from every record stored
	// for it, all or nothing.
	RebuildRollups(ctx context.Context, site string) error
	// RollupsBuilt reports whether the rollups hold every stored record
	// (false after the upgrade that created them, until every site was
	// rebuilt and SetRollupsBuilt).
	RollupsBuilt(ctx context.Context) (bool, error)
	SetRollupsBuilt(ctx context.Context) error
}

// DBFile is the name of the store's SQLite file (the catalog, always)
// inside the data directory, beside LockFile.
const DBFile = "greenhelp.db"

// InfluxConfig locates an InfluxDB (1.8+ with Flux enabled, or 2.x) that
// holds the records (store/influx).
type InfluxConfig struct {
	URL string `mapstructure:"url"`
	// Token is a 2.x API token, or "user:password" (or empty) for 1.8.
	Token string `mapstructure:"token"`
	// Org is the 2.x organisation (ignored by 1.8).
	Org string `mapstructure:"org"`
	// Bucket is the 2.x bucket, or "database/retention-policy" for 1.8.
	Bucket string `mapstructure:"bucket"`
}

// Site is a site of the catalog.
type Site struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Country   string    `json:"country"`
	CreatedAt time.Time `json:"created_at"`
	// ClosedOn is the day the site closed (zero: open): records from that
	// day on are not counted.
	ClosedOn footprint.Date `json:"closed_on,omitzero"`
	// Events are its declared events (acquired, divested, opened,
	// outsourced, insourced: footprint/planning's kinds; its closure is
	// ClosedOn), by day then kind.
	Events []SiteEvent `json:"events,omitempty"`
}

// SiteEvent is an event of a site's life the group declares: the day it
// was acquired, divested, opened, outsourced or insourced.
type SiteEvent struct {
	Kind       string         `json:"kind"`
	On         footprint.Date `json:"on"`
	Note       string         `json:"note,omitempty"`
	RecordedAt time.Time      `json:"recorded_at"`
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

// SiteActivity is what the central last received from a site.
type SiteActivity struct {
	Batches      int       `json:"batches"`
	LastReceived time.Time `json:"last_received,omitzero"`
	// Records are the records the site's batches carried (a correction
	// counts again), from the batch log.
	Records int64 `json:"records_received"`
	// NewestDay is the last day a stored record covers (zero: none).
	NewestDay footprint.Date `json:"newest_day,omitzero"`
}

// ClosedYear is a reporting year as it was published: per entity (site id
// or "group") the figures by name (scope1_t, total_market_t, …).
type ClosedYear struct {
	Year        int                           `json:"year"`
	ClosedAt    time.Time                     `json:"closed_at"`
	InputDigest string                        `json:"input_digest"`
	FactorSet   string                        `json:"factor_set"`
	GWPSet      string                        `json:"gwp_set"`
	Figures     map[string]map[string]float64 `json:"figures"`
}

// DeclarationIn is the declaration in force for year of the versions of
// a site (in Versions' order): the latest effective on or before 1
// January of the next year, else the earliest; ok is false when the site
// never sent one.
func DeclarationIn(vs []SiteVersion, year int) (declaration.Site, bool) {
	if len(vs) == 0 {
		return declaration.Site{}, false
	}
	_, end := footprint.YearBounds(year)
	pick := vs[0]
	for _, v := range vs {
		if v.EffectiveFrom.Before(end) {
			pick = v
		}
	}
	return pick.Declaration, true
}
