package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
)

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
	// 5: the format of the points an InfluxDB series holds (store/influx):
	// 1 until it upgraded them once (Store.SeriesFormat).
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
	// 9: the events a site's life declares (sites event): what the group's
	// boundary and its base-year recalculation read, never data presence.
	`CREATE TABLE IF NOT EXISTS site_events (
		site TEXT NOT NULL REFERENCES sites(id),
		kind TEXT NOT NULL,
		on_day TEXT NOT NULL,
		note TEXT NOT NULL DEFAULT '',
		recorded_at TEXT NOT NULL,
		PRIMARY KEY (site, kind, on_day)
	);`,
	// 10: who may do what and who did (central/auth): API tokens (hashed,
	// each with a role and, for an ambassador, its sites), sessions signed
	// out before their end, and the audit log, append-only: its triggers
	// refuse an update or a delete.
	`CREATE TABLE IF NOT EXISTS api_tokens (
		id TEXT PRIMARY KEY,
		token_hash TEXT NOT NULL UNIQUE,
		role TEXT NOT NULL,
		sites TEXT NOT NULL DEFAULT '',
		note TEXT NOT NULL DEFAULT '',
		created_by TEXT NOT NULL,
		created_at TEXT NOT NULL,
		revoked_at TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE IF NOT EXISTS ended_sessions (
		id TEXT PRIMARY KEY,
		until TEXT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS audit_log (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		at TEXT NOT NULL,
		actor TEXT NOT NULL,
		via TEXT NOT NULL,
		action TEXT NOT NULL,
		target TEXT NOT NULL DEFAULT '',
		detail TEXT NOT NULL DEFAULT ''
	);
	CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
		BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
	CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
		BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
	// 11: the service's calculated results per site (store.Results) and
	// each site's data generation, bumped with every change of what its
	// calculation reads: a result computed at another generation is not
	// used.
	`CREATE TABLE IF NOT EXISTS site_generations (
		site TEXT PRIMARY KEY,
		generation INTEGER NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE IF NOT EXISTS site_results (
		site TEXT PRIMARY KEY,
		key TEXT NOT NULL,
		blob BLOB NOT NULL,
		written_at TEXT NOT NULL
	);`,
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

func (c *Store) migrate() error {
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
