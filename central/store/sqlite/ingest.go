package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// Ingest records a received batch all or nothing (store.Store): in one
// SQLite transaction (taken for writing at BEGIN), the batch log is read
// for the id; when the id is new, the records are written — inside the
// transaction to the file's activities table, or to the Series outside
// it while the rollups are worked out, the transaction committing only
// once that write succeeded — the rollups of what they touch are brought
// up to date (updateRollups), and the batch and, when it carried one, a
// new declaration version are logged. A crash between a Series write and
// the commit leaves records the agent's retry overwrites (same keys).
func (c *Store) Ingest(ctx context.Context, b store.BatchLog, decl *declaration.Site, acts []footprint.Activity) (duplicate bool, err error) {
	return c.ingest(ctx, b, decl, func(ctx context.Context, tx *sql.Tx) error {
		if c.series == nil {
			if err := writeTx(ctx, tx, b.Site, acts); err != nil {
				return err
			}
			return c.updateRollups(ctx, tx, b.Site, acts, nil)
		}
		done := make(chan error, 1)
		go func() { done <- c.series.Write(ctx, b.Site, acts) }()
		written := sync.OnceValue(func() error { return <-done })
		err := c.updateRollups(ctx, tx, b.Site, acts, written)
		if werr := written(); werr != nil {
			return werr // the series' failure, not what followed from it
		}
		return err
	})
}

// ingest is Ingest's transaction: it looks the id up, and when the id is
// new, calls write, then logs the batch and its declaration. It returns
// duplicate = true, changing nothing, for an id already logged with the
// same content hash, and store.ErrConflict for an id logged with another.
func (c *Store) ingest(ctx context.Context, b store.BatchLog, decl *declaration.Site, write func(ctx context.Context, tx *sql.Tx) error) (duplicate bool, err error) {
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
			store.ErrConflict, b.ID, b.Site, stored, b.SHA256)
	case !errors.Is(err, sql.ErrNoRows):
		return false, classify("batch log", err)
	}
	if err := write(ctx, tx); err != nil {
		return false, err
	}
	if err := bumpGeneration(ctx, tx, b.Site); err != nil {
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
		return fmt.Errorf("%w: declaration: %w", store.ErrPermanent, err)
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
