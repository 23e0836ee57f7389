package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
)

// legacyHash prefixes the batch-log hashes a SQLite store logged before
// its migration 2 (store/sqlite): a store copied from one keeps them, and
// an agent's retry of such a batch is a duplicate.
const legacyHash = "legacy:"

// Ingest records a received batch all or nothing (store.Store), in one
// transaction, whichever central of those sharing the database received
// it:
//
//  1. the site's catalog row is locked (FOR NO KEY UPDATE): the batches
//     of one site apply one after the other across processes, so the
//     rollups a batch recomputes are those of every record committed
//     before it (two sites' batches do not wait for each other);
//  2. the batch log row is inserted: the primary key (site, id) holds one
//     row per id — when the id is there already, its stored content hash
//     decides: the same, a duplicate (nothing changes); another,
//     store.ErrConflict;
//  3. the records are upserted, the rollups of every (kind, months) they
//     touch recomputed from the records (updateRollups: from the batch's
//     own when the rollups hold nothing there yet), and the
//     declaration, when the batch carries one, added as a version.
//
// A failure anywhere rolls the whole back; a serialization failure or a
// deadlock runs it again (inTx).
func (s *Store) Ingest(ctx context.Context, b store.BatchLog, decl *declaration.Site, acts []footprint.Activity) (duplicate bool, err error) {
	recs := distinct(b.Site, acts)
	err = s.inTx(ctx, "ingest", func(tx pgx.Tx) error {
		duplicate = false
		if err := lockSite(ctx, tx, b.Site); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO batches(site, id, received_at, count, sha256) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (site, id) DO NOTHING`, b.Site, b.ID, b.ReceivedAt.UTC(), b.Count, b.SHA256)
		if err != nil {
			return classify("batch log", err)
		}
		if tag.RowsAffected() == 0 {
			var stored string
			err := tx.QueryRow(ctx, `SELECT sha256 FROM batches WHERE site = $1 AND id = $2`, b.Site, b.ID).Scan(&stored)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				return errRetry // logged by a transaction that then rolled back
			case err != nil:
				return classify("batch log", err)
			case stored == b.SHA256 || strings.HasPrefix(stored, legacyHash):
				duplicate = true
				return nil
			}
			return fmt.Errorf("%w: batch %s of site %s was received on another content (sha256 %.12s…, this one %.12s…): a new content needs a new id",
				store.ErrConflict, b.ID, b.Site, stored, b.SHA256)
		}
		if err := upsert(ctx, tx, "activities", recs); err != nil {
			return err
		}
		if err := updateRollups(ctx, tx, b.Site, recs); err != nil {
			return err
		}
		if err := bumpGeneration(ctx, tx, b.Site); err != nil {
			return err
		}
		if decl != nil {
			return addVersion(ctx, tx, b, *decl)
		}
		return nil
	})
	if duplicate {
		return true, err
	}
	return false, s.changed(ctx, err)
}

// lockSite locks site's catalog row for the rest of tx (the batches and
// rollup rebuilds of one site go one at a time); ErrNotFound for a site
// the catalog does not hold.
func lockSite(ctx context.Context, tx pgx.Tx, site string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM sites WHERE id = $1 FOR NO KEY UPDATE`, site).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("site %q: %w", site, store.ErrNotFound)
	}
	return classify("lock site "+site, err)
}

// addVersion stores a declaration version (one identical to a stored
// version is not stored twice).
func addVersion(ctx context.Context, tx pgx.Tx, b store.BatchLog, decl declaration.Site) error {
	raw, err := json.Marshal(decl)
	if err != nil {
		return fmt.Errorf("%w: declaration: %w", store.ErrPermanent, err)
	}
	h := sha256.Sum256(raw)
	eff := decl.EffectiveFrom
	if eff.IsZero() {
		t := b.ReceivedAt.UTC()
		eff = footprint.NewDate(t.Year(), t.Month(), t.Day())
	}
	_, err = tx.Exec(ctx, `INSERT INTO site_versions(site, effective_from, received_at, hash, declaration) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (site, hash) DO NOTHING`, b.Site, dayOf(eff), b.ReceivedAt.UTC(), hex.EncodeToString(h[:]), string(raw))
	return classify("declaration", err)
}
