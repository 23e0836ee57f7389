package central

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"sync"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

// The group's figures kept beside the sites' results (results.go): the
// group page's inventory of each year (groupByYear: the merge of every
// site as the group counts it, as groupTotals keeps it), stored in the
// results table under groupID and a key of every site's key, in the
// catalog's order, and the group's end (groupKey). A site's key moves
// with anything its calculation reads, the end with the group's newest
// record, and the configuration and the executable are in every site's
// key: a stored year is used only under the key worked out now, else
// merged from the sites again and written back. Without it a cold group
// page decoded every site's every year and merged them, ten merges of
// 1,000 sites: 0.4–0.55 s of its 0.9 s at 1,000 sites × 10 years.

// groupID is the group's entry in the results table: not a site id
// (footprint.ValidSiteID), so never one of a site's.
const groupID = "*group"

// groupBlob is the group's stored entry (codec.go).
type groupBlob struct {
	Years map[int]*ghg.Inventory // groupTotals; nil: no site counts in the year
}

// groupCache is the group's figures this process holds: those of the
// key the latest view worked out, and the stored entry as last read.
type groupCache struct {
	mu     sync.Mutex
	stored store.SiteResult // the group's entry, read with the sites' (storedResults)
	key    string
	years  map[int]*ghg.Inventory
	dirty  bool // years holds years the stored entry lacks
	// saveMu makes saves one at a time (saveGroup); no view takes it.
	saveMu sync.Mutex
}

// groupTotals is the group's inventory as the group page shows it: its
// totals, power-off, telework and IT, without its lines and notes (the
// group inventory API's has them: Inventory merges the sites again). A
// view never changes it: a stored or kept inventory is shared.
func groupTotals(inv *ghg.Inventory) *ghg.Inventory {
	if inv == nil {
		return nil
	}
	out := *inv
	out.Lines, out.Notes, out.Records = nil, nil, nil
	return &out
}

// groupKey is the key of the group's figures over sites (each with its
// key, in the catalog's order) up to end; "" when a site has no key (the
// cache off).
func (s *Service) groupKey(sites []*siteYear, end footprint.Date) string {
	cfg := s.resultsConfig()
	if cfg == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\ngroup end %s\n", cfg, end)
	for _, sy := range sites {
		if sy.key == "" {
			return ""
		}
		fmt.Fprintf(h, "%s %s\n", sy.site.ID, sy.key)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keepStoredGroup keeps the group's entry read with the sites' results
// (absent: the zero entry).
func (s *Service) keepStoredGroup(r store.SiteResult) {
	s.group.mu.Lock()
	s.group.stored = r
	s.group.mu.Unlock()
}

// groupYears are the group's figures known under key: held, or decoded
// from the stored entry when it is the key's (nil: none; key "": none
// kept).
func (s *Service) groupYears(key string) map[int]*ghg.Inventory {
	if key == "" {
		return nil
	}
	g := &s.group
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.key != key {
		g.key, g.years, g.dirty = key, map[int]*ghg.Inventory{}, false
		if g.stored.Key == key {
			if years, err := decodeGroup(g.stored.Blob); err != nil {
				s.Log.Warn("the group's stored figures do not read: merging the sites again", "error", err)
			} else {
				g.years = years
				s.groupHit.Add(1)
			}
		}
	}
	return maps.Clone(g.years)
}

// addGroupYears keeps years merged under key (to be written: dirty).
func (s *Service) addGroupYears(key string, years map[int]*ghg.Inventory) {
	if key == "" || len(years) == 0 {
		return
	}
	g := &s.group
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.key != key { // another key's view came in between
		return
	}
	maps.Copy(g.years, years)
	g.dirty = true
}

// saveGroup writes the group's figures when it merged years its stored
// entry lacks (not from a read-only service); a failure is logged, as a
// site's. The figures are taken under the cache's lock and written
// outside it, one save at a time (saveMu, which no view takes): a write
// that waits on the database never holds up a page.
func (s *Service) saveGroup(ctx context.Context) {
	if s.readOnly {
		return
	}
	g := &s.group
	g.saveMu.Lock()
	defer g.saveMu.Unlock()
	g.mu.Lock()
	if !g.dirty || g.key == "" {
		g.mu.Unlock()
		return
	}
	key, years := g.key, maps.Clone(g.years)
	g.dirty = false
	g.mu.Unlock()
	raw, err := encodeGroup(years)
	if err == nil {
		err = s.Store.PutSiteResult(ctx, groupID, key, raw)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if err != nil {
		s.Log.Warn("writing the group's figures", "error", err)
		if g.key == key {
			g.dirty = true // to be written by the next save
		}
		return
	}
	if g.key == key {
		g.stored = store.SiteResult{Key: key, Blob: raw}
	}
	s.groupWritten.Add(1)
}

// saveGroupLater is saveGroup after the view answered, as saveLater.
func (s *Service) saveGroupLater(ctx context.Context) {
	if s.readOnly || ctx.Value(noSave{}) != nil {
		return
	}
	s.group.mu.Lock()
	dirty := s.group.dirty
	s.group.mu.Unlock()
	if !dirty {
		return
	}
	s.inBackground(s.saveGroup)
}

func encodeGroup(years map[int]*ghg.Inventory) ([]byte, error) {
	e := &encoder{strs: map[string]uint64{}}
	body, err := encodeInto(e, &groupBlob{Years: years})
	if err != nil {
		return nil, err
	}
	return e.seal(body), nil
}

func decodeGroup(raw []byte) (map[int]*ghg.Inventory, error) {
	strs, body, err := unseal(raw)
	if err != nil {
		return nil, err
	}
	var b groupBlob
	if err := decodeFrom(body, strs, &b); err != nil {
		return nil, err
	}
	if b.Years == nil {
		return nil, fmt.Errorf("no years")
	}
	return b.Years, nil
}
