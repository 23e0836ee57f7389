package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver

	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Catalog is the SQLite catalog.
type Catalog struct {
	db       *sql.DB
	path     string
	readOnly bool
}

// DBFile is the name of the SQLite file inside the data directory.
const DBFile = "greenhelp.db"

// migrations are applied in order; the catalog records the version
// reached. Never edit a released migration: add one.
var migrations = []string{
	// 1: catalog and SQLite series.
	`CREATE TABLE sites (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		country TEXT NOT NULL,
		created_at TEXT NOT NULL,
		token_hash TEXT NOT NULL
	);
	CREATE TABLE site_versions (
		site TEXT NOT NULL REFERENCES sites(id),
		effective_from TEXT NOT NULL,
		received_at TEXT NOT NULL,
		hash TEXT NOT NULL,
		declaration TEXT NOT NULL,
		PRIMARY KEY (site, hash)
	);
	CREATE TABLE batches (
		site TEXT NOT NULL REFERENCES sites(id),
		id TEXT NOT NULL,
		received_at TEXT NOT NULL,
		count INTEGER NOT NULL,
		sha256 TEXT NOT NULL,
		PRIMARY KEY (site, id)
	);
	CREATE TABLE profile_overrides (
		site TEXT PRIMARY KEY REFERENCES sites(id),
		profile TEXT NOT NULL,
		reason TEXT NOT NULL,
		set_at TEXT NOT NULL
	);
	CREATE TABLE offsets (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		year INTEGER NOT NULL,
		t REAL NOT NULL,
		registry TEXT NOT NULL,
		project TEXT NOT NULL,
		vintage INTEGER NOT NULL
	);
	CREATE TABLE activities (
		site TEXT NOT NULL,
		kind TEXT NOT NULL,
		item TEXT NOT NULL,
		start TEXT NOT NULL,
		end TEXT NOT NULL,
		source TEXT NOT NULL,
		attrs TEXT NOT NULL,
		quantity REAL NOT NULL,
		unit TEXT NOT NULL,
		quality TEXT NOT NULL,
		PRIMARY KEY (site, kind, item, start, end, source, attrs)
	);
	CREATE INDEX activities_start ON activities(start);`,
	// 2: batch ids are minted (ULIDs) and sha256 is the content hash
	// (wire.ContentHash). Rows logged before held the hash of the raw body
	// of a batch whose id was derived from its content: marked legacy, an
	// agent's retry of one after the upgrade is a duplicate, not a 409.
	`UPDATE batches SET sha256 = 'legacy:' || sha256;`,
	// 3: closed reporting years: the figures as published, so that a later
	// correction or method change shows as a restatement.
	`CREATE TABLE IF NOT EXISTS closed_years (
		year INTEGER PRIMARY KEY,
		closed_at TEXT NOT NULL,
		input_digest TEXT NOT NULL,
		factor_set TEXT NOT NULL,
		gwp_set TEXT NOT NULL,
		figures TEXT NOT NULL
	);`,
	// 4: the rollups every view reads (rollup.go). Created empty: the
	// service rebuilds them from the series at its first start
	// (rollup_state.built = 0), as `greenhelp rollups rebuild` does.
	`CREATE TABLE IF NOT EXISTS rollup_months (
		site TEXT NOT NULL,
		kind TEXT NOT NULL,
		item TEXT NOT NULL,
		source TEXT NOT NULL,
		attrs TEXT NOT NULL,
		unit TEXT NOT NULL,
		quality TEXT NOT NULL,
		month TEXT NOT NULL,
		quantity REAL NOT NULL,
		records INTEGER NOT NULL,
		days INTEGER NOT NULL,
		PRIMARY KEY (site, kind, item, source, attrs, unit, quality, month)
	);
	CREATE INDEX IF NOT EXISTS rollup_months_month ON rollup_months(site, month);
	CREATE TABLE IF NOT EXISTS rollup_spans (
		site TEXT NOT NULL,
		kind TEXT NOT NULL,
		item TEXT NOT NULL,
		start TEXT NOT NULL,
		end TEXT NOT NULL,
		source TEXT NOT NULL,
		attrs TEXT NOT NULL,
		quantity REAL NOT NULL,
		unit TEXT NOT NULL,
		quality TEXT NOT NULL,
		PRIMARY KEY (site, kind, item, start, end, source, attrs)
	);
	CREATE TABLE IF NOT EXISTS rollup_state (built INTEGER NOT NULL, built_at TEXT NOT NULL DEFAULT '');
	INSERT INTO rollup_state(built) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM rollup_state);`,
	// 5: the format of the points an InfluxDB series holds (InfluxSeries):
	// 1 until the service has run InfluxSeries.UpgradeFormat once.
	`CREATE TABLE IF NOT EXISTS series_state (influx_format INTEGER NOT NULL);
	INSERT INTO series_state(influx_format) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM series_state);`,
	// 6: rollup_months stored in its key's order (WITHOUT ROWID): a view
	// reads a site's rows in that order, and in a rowid table each row was
	// a lookup from the key's index into the table (a third of a cold
	// trajectory's time at 200 sites × 10 years).
	`CREATE TABLE rollup_months_6 (
		site TEXT NOT NULL,
		kind TEXT NOT NULL,
		item TEXT NOT NULL,
		source TEXT NOT NULL,
		attrs TEXT NOT NULL,
		unit TEXT NOT NULL,
		quality TEXT NOT NULL,
		month TEXT NOT NULL,
		quantity REAL NOT NULL,
		records INTEGER NOT NULL,
		days INTEGER NOT NULL,
		PRIMARY KEY (site, kind, item, source, attrs, unit, quality, month)
	) WITHOUT ROWID;
	INSERT INTO rollup_months_6 SELECT site, kind, item, source, attrs, unit, quality, month, quantity, records, days FROM rollup_months;
	DROP TABLE rollup_months;
	ALTER TABLE rollup_months_6 RENAME TO rollup_months;
	CREATE INDEX rollup_months_month ON rollup_months(site, month);`,
	// 7: a site closed on a date (sites close): '' while open.
	`ALTER TABLE sites ADD COLUMN closed_on TEXT NOT NULL DEFAULT '';`,
	// 8: the row Check writes: proof that the file can still be written.
	`CREATE TABLE IF NOT EXISTS heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);
	INSERT INTO heartbeat(id, at) SELECT 1, '' WHERE NOT EXISTS (SELECT 1 FROM heartbeat);`,
}

// addsColumn names the (table, column) a migration adds, by its number.
var addsColumn = map[int][2]string{7: {"sites", "closed_on"}}

func hasColumn(tx *sql.Tx, table, column string) bool {
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	return err == nil && n > 0
}

// legacyHash prefixes the batch-log hashes written before migration 2.
const legacyHash = "legacy:"

// OpenCatalog opens (creating if needed) the SQLite file in dir and
// migrates it to the current schema.
func OpenCatalog(dir string) (*Catalog, error) {
	return OpenCatalogWith(dir, Options{})
}

// Options are how OpenCatalogWith opens the file; the zero value is
// OpenCatalog's.
type Options struct {
	// BusyTimeout is how long a statement waits for another connection's
	// lock before it fails with SQLITE_BUSY (0: 10 s).
	BusyTimeout time.Duration
	// ReadOnly opens the file as SQLite opens one it may not write
	// (mode=ro): every write fails with SQLITE_READONLY, and a schema
	// older than this greenhelp's is refused rather than migrated. The
	// read commands open a store a central serves so (it is the one
	// writer); the tests stage a read-only store with it.
	ReadOnly bool
	// MaxPages caps the file's size in pages (PRAGMA max_page_count; 0:
	// SQLite's own cap): a write that needs one page more fails with
	// SQLITE_FULL, as on a full disk. The tests stage a full store with it.
	MaxPages int
}

// OpenCatalogWith is OpenCatalog with options.
func OpenCatalogWith(dir string, o Options) (*Catalog, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	busy := o.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	path := filepath.Join(dir, DBFile)
	dsn := "file:" + path + fmt.Sprintf("?_pragma=busy_timeout(%d)", busy.Milliseconds()) +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
	if o.ReadOnly {
		dsn += "&mode=ro"
	}
	if o.MaxPages > 0 {
		dsn += fmt.Sprintf("&_pragma=max_page_count(%d)", o.MaxPages)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	c := &Catalog{db: db, path: path, readOnly: o.ReadOnly}
	if err := c.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

// Path is the catalog's SQLite file.
func (c *Catalog) Path() string { return c.path }

// PageCount is the number of pages the file holds (PRAGMA page_count).
func (c *Catalog) PageCount(ctx context.Context) (int, error) {
	var n int
	err := c.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&n)
	return n, classify("page count", err)
}

// Check reads and writes the store as a request would: it reads the
// schema version and every site, then writes and commits the heartbeat
// row — what fails on a file SQLite finds corrupt or is not allowed to
// write, or one another process holds locked. Both errors are classified
// (ErrPermanent or ErrUnavailable); write is not tried when read failed.
// A full disk is not always seen here: a write that reuses the space of
// the write-ahead log succeeds where a batch that needs more fails.
func (c *Catalog) Check(ctx context.Context) (read, write error) {
	var v, n int
	if err := c.db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return classify("read the schema version", err), nil
	}
	if err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM sites`).Scan(&n); err != nil {
		return classify("read the sites", err), nil
	}
	_, err := c.db.ExecContext(ctx, `INSERT INTO heartbeat(id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at`,
		time.Now().UTC().Format("2006-01-02T15:04:05.000000000Z"))
	return nil, classify("write the heartbeat", err)
}

// DB exposes the SQLite handle to the SQLite series in the same file.
func (c *Catalog) DB() *sql.DB { return c.db }

// Close closes the database.
func (c *Catalog) Close() error { return c.db.Close() }

// SchemaVersion returns the migration version reached.
func (c *Catalog) SchemaVersion() (int, error) {
	var v int
	err := c.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v)
	return v, classify("schema version", err)
}

func (c *Catalog) migrate() error {
	if c.readOnly {
		var v int
		if err := c.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil {
			return classify("reading the schema version", err)
		}
		if v != len(migrations) {
			return fmt.Errorf("catalog schema version %d, this greenhelp's is %d: opened read-only, it is not migrated (greenhelp serve migrates it when it starts)", v, len(migrations))
		}
		return nil
	}
	if _, err := c.db.Exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var v int
	err := c.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := c.db.Exec(`INSERT INTO schema_version(version) VALUES (0)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("catalog schema version %d is newer than this greenhelp (%d): upgrade greenhelp", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		tx, err := c.db.Begin()
		if err != nil {
			return err
		}
		if col, ok := addsColumn[i+1]; ok && hasColumn(tx, col[0], col[1]) {
			// SQLite has no ADD COLUMN IF NOT EXISTS: a catalog whose
			// version was set back (restored over a newer schema) has it.
		} else if _, err := tx.Exec(migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(`UPDATE schema_version SET version = ?`, i+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// hashToken stores tokens as SHA-256: they are 256-bit random values, so a
// fast hash is enough and lookups stay cheap.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func newToken(site string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "ghs_" + site + "_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// ErrExists is returned when adding a site id already in the catalog.
var ErrExists = errors.New("already exists")

// AddSite adds a site and returns its token, shown once: only its hash is
// stored.
func (c *Catalog) AddSite(ctx context.Context, id, name, country string) (string, error) {
	tok, err := newToken(id)
	if err != nil {
		return "", err
	}
	_, err = c.db.ExecContext(ctx, `INSERT INTO sites(id, name, country, created_at, token_hash) VALUES (?, ?, ?, ?, ?)`,
		id, name, country, now(), hashToken(tok))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") || strings.Contains(err.Error(), "PRIMARY KEY") {
			return "", fmt.Errorf("site %q: %w", id, ErrExists)
		}
		return "", classify("add site", err)
	}
	return tok, nil
}

// RotateToken replaces a site's token and returns the new one; the old one
// stops working at once.
func (c *Catalog) RotateToken(ctx context.Context, id string) (string, error) {
	tok, err := newToken(id)
	if err != nil {
		return "", err
	}
	res, err := c.db.ExecContext(ctx, `UPDATE sites SET token_hash = ? WHERE id = ?`, hashToken(tok), id)
	if err != nil {
		return "", classify("rotate token", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", fmt.Errorf("site %q: %w", id, ErrNotFound)
	}
	return tok, nil
}

// Authenticate returns the site a token belongs to, or "" if none.
func (c *Catalog) Authenticate(ctx context.Context, tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	h := hashToken(tok)
	var id, stored string
	err := c.db.QueryRowContext(ctx, `SELECT id, token_hash FROM sites WHERE token_hash = ?`, h).Scan(&id, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", classify("site token", err)
	}
	if subtle.ConstantTimeCompare([]byte(h), []byte(stored)) != 1 {
		return "", nil
	}
	return id, nil
}

// Sites lists the catalog's sites by id.
func (c *Catalog) Sites(ctx context.Context) ([]Site, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, name, country, created_at, closed_on FROM sites ORDER BY id`)
	if err != nil {
		return nil, classify("read sites", err)
	}
	defer rows.Close()
	var out []Site
	for rows.Next() {
		var s Site
		var at, closed string
		if err := rows.Scan(&s.ID, &s.Name, &s.Country, &at, &closed); err != nil {
			return nil, classify("read sites", err)
		}
		s.CreatedAt = parseTime(at)
		if s.ClosedOn, err = closedOn(s.ID, closed); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, classify("read sites", rows.Err())
}

// Site returns one site.
func (c *Catalog) Site(ctx context.Context, id string) (Site, error) {
	var s Site
	var at, closed string
	err := c.db.QueryRowContext(ctx, `SELECT id, name, country, created_at, closed_on FROM sites WHERE id = ?`, id).Scan(&s.ID, &s.Name, &s.Country, &at, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("site %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return s, classify("read site "+id, err)
	}
	s.CreatedAt = parseTime(at)
	s.ClosedOn, err = closedOn(s.ID, closed)
	return s, err
}

// closedOn reads a site's stored closing day (” while open).
func closedOn(site, v string) (footprint.Date, error) {
	if v == "" {
		return footprint.Date{}, nil
	}
	d, err := footprint.ParseDate(v)
	if err != nil {
		return d, fmt.Errorf("%w: site %s: closed_on %q: %w", ErrPermanent, site, v, err)
	}
	return d, nil
}

// CloseSite closes a site on a date: its records from that day on are
// kept (the audit trail) but no longer counted; the years it was open
// keep it. on zero reopens it.
func (c *Catalog) CloseSite(ctx context.Context, id string, on footprint.Date) error {
	v := ""
	if !on.IsZero() {
		v = on.String()
	}
	res, err := c.db.ExecContext(ctx, `UPDATE sites SET closed_on = ? WHERE id = ?`, v, id)
	if err != nil {
		return classify("close site", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("site %q: %w", id, ErrNotFound)
	}
	return nil
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

// Activity returns every site's SiteActivity, by id, from the batch log
// and the rollups (never the raw series; a few index lookups a site).
func (c *Catalog) Activity(ctx context.Context) (map[string]SiteActivity, error) {
	out := map[string]SiteActivity{}
	rows, err := c.db.QueryContext(ctx, `SELECT site, count(*), max(received_at), sum(count) FROM batches GROUP BY site`)
	if err != nil {
		return nil, classify("site activity", err)
	}
	for rows.Next() {
		var site, at string
		var a SiteActivity
		if err := rows.Scan(&site, &a.Batches, &at, &a.Records); err != nil {
			rows.Close()
			return nil, classify("site activity", err)
		}
		a.LastReceived = parseTime(at)
		out[site] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify("site activity", err)
	}
	sites, err := c.Sites(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range sites {
		// The newest month (index on site, month), and the highest day
		// bit of any of its rows.
		var month string
		err := c.db.QueryRowContext(ctx, `SELECT month FROM rollup_months WHERE site = ? ORDER BY month DESC LIMIT 1`, st.ID).Scan(&month)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, classify("site activity", err)
		}
		r2, err := c.db.QueryContext(ctx, `SELECT days FROM rollup_months WHERE site = ? AND month = ?`, st.ID, month)
		if err != nil {
			return nil, classify("site activity", err)
		}
		var all int64
		for r2.Next() {
			var d int64
			if err := r2.Scan(&d); err != nil {
				r2.Close()
				return nil, classify("site activity", err)
			}
			all |= d
		}
		r2.Close()
		if first, err := footprint.ParseDate(month); err == nil && all != 0 {
			a := out[st.ID]
			a.NewestDay = first.AddDays(63 - bits.LeadingZeros64(uint64(all))) // bit d is the month's day d+1
			out[st.ID] = a
		}
	}
	rows, err = c.db.QueryContext(ctx, `SELECT site, max(end) FROM rollup_spans GROUP BY site`)
	if err != nil {
		return nil, classify("site activity", err)
	}
	defer rows.Close()
	for rows.Next() {
		var site, end string
		if err := rows.Scan(&site, &end); err != nil {
			return nil, classify("site activity", err)
		}
		a := out[site]
		if e, err := footprint.ParseDate(end); err == nil && a.NewestDay.Before(e.AddDays(-1)) {
			a.NewestDay = e.AddDays(-1)
		}
		out[site] = a
	}
	return out, classify("site activity", rows.Err())
}

// Ingest records a received batch atomically: in one SQLite transaction
// (taken for writing at BEGIN), it looks the id up, and when the id is
// new, calls write — which stores the records, inside tx on the SQLite
// series or in InfluxDB before the log is written — then logs the batch
// and, when it carried one, a new declaration version. It returns
// duplicate = true, changing nothing, for an id already logged with the
// same content hash, and ErrConflict for an id logged with another.
func (c *Catalog) Ingest(ctx context.Context, b BatchLog, decl *declaration.Site, write func(ctx context.Context, tx *sql.Tx) error) (duplicate bool, err error) {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return false, classify("begin", err)
	}
	defer tx.Rollback()
	var stored string
	err = tx.QueryRowContext(ctx, `SELECT sha256 FROM batches WHERE site = ? AND id = ?`, b.Site, b.ID).Scan(&stored)
	switch {
	case err == nil && (stored == b.SHA256 || strings.HasPrefix(stored, legacyHash)):
		// A legacy id was derived from its content: same id, same content.
		return true, nil
	case err == nil:
		return false, fmt.Errorf("%w: batch %s of site %s was received on another content (sha256 %.12s…, this one %.12s…): a new content needs a new id",
			ErrConflict, b.ID, b.Site, stored, b.SHA256)
	case !errors.Is(err, sql.ErrNoRows):
		return false, classify("batch log", err)
	}
	if err := write(ctx, tx); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO batches(site, id, received_at, count, sha256) VALUES (?, ?, ?, ?, ?)`,
		b.Site, b.ID, b.ReceivedAt.UTC().Format(time.RFC3339Nano), b.Count, b.SHA256); err != nil {
		return false, classify("batch log", err)
	}
	if decl != nil {
		if err := addVersion(ctx, tx, b.Site, b.ReceivedAt, *decl); err != nil {
			return false, err
		}
	}
	return false, classify("commit", tx.Commit())
}

// addVersion stores a declaration version (one identical to a stored
// version is not stored twice).
func addVersion(ctx context.Context, tx *sql.Tx, site string, received time.Time, decl declaration.Site) error {
	raw, err := json.Marshal(decl)
	if err != nil {
		return fmt.Errorf("%w: declaration: %w", ErrPermanent, err)
	}
	h := sha256.Sum256(raw)
	eff := decl.EffectiveFrom
	if eff.IsZero() {
		t := received.UTC()
		eff = footprint.NewDate(t.Year(), t.Month(), t.Day())
	}
	_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO site_versions(site, effective_from, received_at, hash, declaration) VALUES (?, ?, ?, ?, ?)`,
		site, eff.String(), now(), hex.EncodeToString(h[:]), string(raw))
	return classify("declaration", err)
}

// Versions returns a site's declaration versions, oldest effective first.
func (c *Catalog) Versions(ctx context.Context, site string) ([]SiteVersion, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT effective_from, received_at, hash, declaration FROM site_versions WHERE site = ? ORDER BY effective_from, received_at`, site)
	if err != nil {
		return nil, classify("read declarations", err)
	}
	defer rows.Close()
	var out []SiteVersion
	for rows.Next() {
		var v SiteVersion
		var eff, at, decl string
		if err := rows.Scan(&eff, &at, &v.Hash, &decl); err != nil {
			return nil, classify("read declarations", err)
		}
		v.Site, v.ReceivedAt = site, parseTime(at)
		v.EffectiveFrom, _ = footprint.ParseDate(eff)
		if err := json.Unmarshal([]byte(decl), &v.Declaration); err != nil {
			return nil, fmt.Errorf("%w: site %s version %s: %w", ErrPermanent, site, v.Hash, err)
		}
		out = append(out, v)
	}
	return out, classify("read declarations", rows.Err())
}

// DeclarationFor returns the site's declaration in force for year: the
// latest version effective on or before 1 January of the next year, else
// the earliest; ok is false when the site never sent one.
func (c *Catalog) DeclarationFor(ctx context.Context, site string, year int) (declaration.Site, bool, error) {
	vs, err := c.Versions(ctx, site)
	if err != nil {
		return declaration.Site{}, false, err
	}
	d, ok := DeclarationIn(vs, year)
	return d, ok, nil
}

// DeclarationIn is DeclarationFor over versions already read (Versions'
// order): the latest effective on or before 1 January of the next year,
// else the earliest.
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

// Batches returns a site's batch log, newest first, at most limit.
func (c *Catalog) Batches(ctx context.Context, site string, limit int) ([]BatchLog, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, received_at, count, sha256 FROM batches WHERE site = ? ORDER BY received_at DESC LIMIT ?`, site, limit)
	if err != nil {
		return nil, classify("read batch log", err)
	}
	defer rows.Close()
	var out []BatchLog
	for rows.Next() {
		b := BatchLog{Site: site}
		var at string
		if err := rows.Scan(&b.ID, &at, &b.Count, &b.SHA256); err != nil {
			return nil, classify("read batch log", err)
		}
		b.ReceivedAt = parseTime(at)
		out = append(out, b)
	}
	return out, classify("read batch log", rows.Err())
}

// SetOverride pins a site to a profile with a reason.
func (c *Catalog) SetOverride(ctx context.Context, site, profile, reason string) error {
	_, err := c.db.ExecContext(ctx, `INSERT INTO profile_overrides(site, profile, reason, set_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(site) DO UPDATE SET profile = excluded.profile, reason = excluded.reason, set_at = excluded.set_at`, site, profile, reason, now())
	return classify("set profile override", err)
}

// Override returns a site's profile pin, if any.
func (c *Catalog) Override(ctx context.Context, site string) (*declaration.ProfilePin, error) {
	var p declaration.ProfilePin
	err := c.db.QueryRowContext(ctx, `SELECT profile, reason FROM profile_overrides WHERE site = ?`, site).Scan(&p.Pin, &p.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, classify("read profile override", err)
	}
	return &p, nil
}

// AddOffset records retired compensation.
func (c *Catalog) AddOffset(ctx context.Context, o Offset) (int64, error) {
	res, err := c.db.ExecContext(ctx, `INSERT INTO offsets(year, t, registry, project, vintage) VALUES (?, ?, ?, ?, ?)`, o.Year, o.T, o.Registry, o.Project, o.Vintage)
	if err != nil {
		return 0, classify("add offset", err)
	}
	return res.LastInsertId()
}

// Offsets returns the compensation retired in year (0: all years).
func (c *Catalog) Offsets(ctx context.Context, year int) ([]Offset, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, year, t, registry, project, vintage FROM offsets WHERE ? = 0 OR year = ? ORDER BY year, id`, year, year)
	if err != nil {
		return nil, classify("read offsets", err)
	}
	defer rows.Close()
	var out []Offset
	for rows.Next() {
		var o Offset
		if err := rows.Scan(&o.ID, &o.Year, &o.T, &o.Registry, &o.Project, &o.Vintage); err != nil {
			return nil, classify("read offsets", err)
		}
		out = append(out, o)
	}
	return out, classify("read offsets", rows.Err())
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

// ErrYearClosed is returned when closing a year already closed.
var ErrYearClosed = errors.New("reporting year already closed")

// CloseYear records a year's published figures. A year is closed once.
func (c *Catalog) CloseYear(ctx context.Context, y ClosedYear) error {
	fig, err := json.Marshal(y.Figures)
	if err != nil {
		return err
	}
	_, err = c.db.ExecContext(ctx, `INSERT INTO closed_years(year, closed_at, input_digest, factor_set, gwp_set, figures) VALUES (?, ?, ?, ?, ?, ?)`,
		y.Year, y.ClosedAt.UTC().Format(time.RFC3339), y.InputDigest, y.FactorSet, y.GWPSet, string(fig))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("%w: %d", ErrYearClosed, y.Year)
	}
	return classify("close year", err)
}

// ClosedYears returns every closed year up to year (0: all), oldest first.
func (c *Catalog) ClosedYears(ctx context.Context, upTo int) ([]ClosedYear, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT year, closed_at, input_digest, factor_set, gwp_set, figures FROM closed_years WHERE ? = 0 OR year <= ? ORDER BY year`, upTo, upTo)
	if err != nil {
		return nil, classify("read closed years", err)
	}
	defer rows.Close()
	var out []ClosedYear
	for rows.Next() {
		var y ClosedYear
		var at, fig string
		if err := rows.Scan(&y.Year, &at, &y.InputDigest, &y.FactorSet, &y.GWPSet, &fig); err != nil {
			return nil, classify("read closed years", err)
		}
		y.ClosedAt, _ = time.Parse(time.RFC3339, at)
		if err := json.Unmarshal([]byte(fig), &y.Figures); err != nil {
			return nil, fmt.Errorf("%w: closed year %d: figures: %w", ErrPermanent, y.Year, err)
		}
		out = append(out, y)
	}
	return out, classify("read closed years", rows.Err())
}
