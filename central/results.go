package central

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/footprint/structure"
	"github.com/greenhelp/greenhelp/profiles"
)

// The cache of calculated site-years (store.Results): what the views need
// of a site without its records — its first day, the months it covers,
// its full years, and per year computed its declaration, profile,
// assumptions, lever order and inventory (without the per-record trace),
// the year's power-off months and lever potentials — stored per site
// under a key. The key is a hash of everything the calculation reads
// (siteKey): the site's data generation, which the store moves in the
// transaction of every change of its records, rollups, declarations or
// profile pin; its catalog row (name, country, closing day, events); the
// factor rows, the profiles, the calculation options (resultsConfig); and
// this executable's own SHA-256. A stored result is used only when its
// key is the one computed now; otherwise the site is read and computed
// as without the cache, and its result written back (saveResults).

// resultsFormat is the blob's layout: a new layout is a new key.
const resultsFormat = 4

// exeHash is the SHA-256 of the running executable, read once: a new
// build (its code, its embedded factor table and profiles) is a new key
// for every site. "" when it cannot be read: the cache is then off.
var exeHash = sync.OnceValue(func() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
})

// resultsConfig is the fingerprint of what reaches a site's calculation
// from the configuration (worked out once): the calculation options
// (opts: the GWP set), every factor row by value (the embedded table and
// the override files), the profiles (and the profiles file's bytes) and
// the executable. "" turns the cache off.
func (s *Service) resultsConfig() string {
	s.resCfgOnce.Do(func() {
		exe := exeHash()
		if exe == "" || s.resOff {
			return
		}
		h := sha256.New()
		fmt.Fprintf(h, "format %d\nexe %s\n", resultsFormat, exe)
		enc := json.NewEncoder(h)
		if err := enc.Encode(s.opts()); err != nil {
			return
		}
		if err := enc.Encode(s.Factors.Rows()); err != nil {
			return
		}
		if err := enc.Encode(s.Profiles); err != nil {
			return
		}
		if s.Cfg.ProfilesFile != "" {
			raw, err := os.ReadFile(s.Cfg.ProfilesFile)
			if err != nil {
				return
			}
			h.Write(raw)
		}
		s.resCfg = hex.EncodeToString(h.Sum(nil))
	})
	return s.resCfg
}

// siteKey is the key of a site's results at generation gen ("": not
// cached).
func (s *Service) siteKey(site store.Site, gen int64) string {
	cfg := s.resultsConfig()
	if cfg == "" {
		return ""
	}
	row, err := json.Marshal(site)
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\ngeneration %d\nsite %s\n", cfg, gen, row)
	return hex.EncodeToString(h.Sum(nil))
}

// siteBlob is a site's stored result (codec.go: every field as it is).
type siteBlob struct {
	First   footprint.Date
	Months  []int // coverage: year×12 + month−1
	Full    []int
	OwnFull []int
	OwnT    map[int]float64
	Sums    map[int]yearSum // each stored year's summary, read without decoding the year
	Years   map[int][]byte  // yearBlob, decoded on first need
	Monthly map[int][]byte  // []MonthPoint, decoded on first need
	Levers  map[int][]byte  // []planning.Lever, decoded on first need
}

// yearBlob is a siteCalc without its records.
type yearBlob struct {
	Decl   declaration.Site
	Assign profiles.Assignment
	As     ghg.Assumptions
	Order  []string
	Inv    *ghg.Inventory
}

// yearSum is what the trajectory reads of a site's year — the history's
// totals and base year, countIn's verdict where no month is estimated
// (countVerdict) — kept beside the year (siteBlob.Sums) so that a cold
// trajectory reads it without decoding the year: a tenth of the decoding
// at ten years a site.
type yearSum struct {
	T         float64 // the inventory's TotalMarketT
	Has       bool    // it has a line or power-off hours (siteYear.hasData)
	Estimated bool    // it holds an estimate (never a site's own calculation: then read whole)
	BaseYear  int     // the declaration's base year
}

func sumOf(c *siteCalc) yearSum {
	return yearSum{T: c.inv.TotalMarketT, Has: len(c.inv.Lines) > 0 || c.inv.PowerOff.DeviceHours != nil,
		Estimated: c.inv.Estimated != nil, BaseYear: c.decl.BaseYear}
}

// monthsOf are the months acts touch (structure.CoverageOf's rule), in
// order.
func monthsOf(acts []footprint.Activity) []int {
	seen := map[int]bool{}
	key := func(d footprint.Date) int { return d.Year()*12 + int(d.Time().Month()) - 1 }
	for _, a := range acts {
		last := a.End.AddDays(-1)
		for k := key(a.Start); k <= key(last); k++ {
			seen[k] = true
		}
	}
	out := make([]int, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// coverageOf is the coverage of the months (monthsOf, in order): one
// period a run of consecutive months, which structure.CoverageOf reads
// as every month it touches.
func coverageOf(months []int) structure.Coverage {
	var acts []footprint.Activity
	day := func(k int) footprint.Date { return footprint.NewDate(k/12, time.Month(k%12+1), 1) }
	for i := 0; i < len(months); {
		j := i
		for j+1 < len(months) && months[j+1] == months[j]+1 {
			j++
		}
		acts = append(acts, footprint.Activity{Start: day(months[i]), End: day(months[j] + 1)})
		i = j + 1
	}
	return structure.CoverageOf(acts)
}

// decodeSite is a site from its stored result (its records unread, its
// years decoded on first need).
func decodeSite(site store.Site, key string, raw []byte) (*siteYear, error) {
	strs, body, err := unseal(raw)
	if err != nil {
		return nil, err
	}
	var b siteBlob
	if err := decodeFrom(body, strs, &b); err != nil {
		return nil, err
	}
	sy := newSiteYear(site)
	sy.key, sy.strs, sy.first, sy.months, sy.cov, sy.full, sy.ownFull = key, strs, b.First, b.Months, coverageOf(b.Months), b.Full, b.OwnFull
	if b.OwnT != nil {
		sy.ownT = b.OwnT
	}
	if b.Sums != nil {
		sy.sums = b.Sums
	}
	if b.Years != nil {
		sy.raw = b.Years
	}
	if b.Monthly != nil {
		sy.rawMonthly = b.Monthly
	}
	if b.Levers != nil {
		sy.rawLevers = b.Levers
	}
	return sy, nil
}

// encode is the site's result: every part computed so far (its stored
// years not decoded yet decoded first: the new result has its own
// strings).
func (sy *siteYear) encode() ([]byte, error) {
	sy.mu.Lock()
	defer sy.mu.Unlock()
	for y, raw := range sy.raw {
		c, err := decodeYear(raw, sy.strs)
		if err != nil {
			return nil, fmt.Errorf("year %d: %w", y, err)
		}
		sy.byYear[y] = c
		delete(sy.raw, y)
	}
	if err := sy.decodeMonthsAndLeversLocked(); err != nil {
		return nil, err
	}
	e := &encoder{strs: map[string]uint64{}}
	b := siteBlob{First: sy.first, Months: sy.months, Full: sy.full, OwnFull: sy.ownFull,
		OwnT: sy.ownT, Sums: map[int]yearSum{}, Years: map[int][]byte{}, Monthly: map[int][]byte{}, Levers: map[int][]byte{}}
	for y, ms := range sy.monthlyBy {
		raw, err := encodeInto(e, &ms)
		if err != nil {
			return nil, err
		}
		b.Monthly[y] = raw
	}
	for y, ls := range sy.leversBy {
		raw, err := encodeInto(e, &ls)
		if err != nil {
			return nil, err
		}
		b.Levers[y] = raw
	}
	for y, c := range sy.byYear {
		inv := c.inv
		if len(inv.Records) > 0 { // never stored with its trace
			cp := *inv
			cp.Records = nil
			inv = &cp
		}
		raw, err := encodeInto(e, &yearBlob{Decl: c.decl, Assign: c.assign, As: c.as, Order: c.levers, Inv: inv})
		if err != nil {
			return nil, fmt.Errorf("year %d: %w", y, err)
		}
		b.Years[y] = raw
		b.Sums[y] = sumOf(c)
	}
	body, err := encodeInto(e, &b)
	if err != nil {
		return nil, err
	}
	return e.seal(body), nil
}

// decodeMonthsAndLeversLocked decodes the stored months and levers not
// decoded yet (under sy.mu).
func (sy *siteYear) decodeMonthsAndLeversLocked() error {
	for y := range sy.rawMonthly {
		if _, err := sy.monthsLocked(y); err != nil {
			return err
		}
	}
	for y := range sy.rawLevers {
		if _, err := sy.leversLocked(y); err != nil {
			return err
		}
	}
	return nil
}

// monthsLocked is the year's power-off months when computed or stored
// (ok false: neither), under sy.mu.
func (sy *siteYear) monthsLocked(year int) (bool, error) {
	if _, ok := sy.monthlyBy[year]; ok {
		return true, nil
	}
	raw, ok := sy.rawMonthly[year]
	if !ok {
		return false, nil
	}
	delete(sy.rawMonthly, year)
	var ms []MonthPoint
	if err := decodeFrom(raw, sy.strs, &ms); err != nil {
		return false, fmt.Errorf("site %s: stored months of %d: %w", sy.site.ID, year, err)
	}
	sy.monthlyBy[year] = ms
	return true, nil
}

// leversLocked is monthsLocked for the year's lever potentials.
func (sy *siteYear) leversLocked(year int) (bool, error) {
	if _, ok := sy.leversBy[year]; ok {
		return true, nil
	}
	raw, ok := sy.rawLevers[year]
	if !ok {
		return false, nil
	}
	delete(sy.rawLevers, year)
	var ls []planning.Lever
	if err := decodeFrom(raw, sy.strs, &ls); err != nil {
		return false, fmt.Errorf("site %s: stored levers of %d: %w", sy.site.ID, year, err)
	}
	sy.leversBy[year] = ls
	return true, nil
}

// decodeYear is a year of the stored result.
func decodeYear(raw []byte, strs []string) (*siteCalc, error) {
	var y yearBlob
	if err := decodeFrom(raw, strs, &y); err != nil {
		return nil, err
	}
	if y.Inv == nil {
		return nil, fmt.Errorf("no inventory")
	}
	return &siteCalc{decl: y.Decl, assign: y.Assign, as: y.As, levers: y.Order, inv: y.Inv}, nil
}

// storedResults are the sites' generations and stored results, read
// before any record (a batch committed after the generations were read
// makes what is computed from its records stale under the key written:
// never the other way round).
func (s *Service) storedResults(ctx context.Context) (map[string]int64, map[string]store.SiteResult, error) {
	if s.resultsConfig() == "" {
		return nil, nil, nil
	}
	gens, err := s.Store.Generations(ctx)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.Store.SiteResults(ctx)
	if err != nil {
		return nil, nil, err
	}
	s.keepStoredGroup(res[groupID])
	return gens, res, nil
}

// saveResults writes back the results of the sites that computed new
// parts (not from a read-only service). A failure is logged: the views
// never fail for it. It returns how many it wrote.
func (s *Service) saveResults(ctx context.Context, sites []*siteYear) int {
	if s.readOnly {
		return 0
	}
	n := 0
	for _, sy := range sites {
		if sy == nil || sy.key == "" {
			continue
		}
		sy.smu.Lock()
		if sy.dirty.Swap(false) {
			raw, err := sy.encode()
			if err == nil {
				err = s.Store.PutSiteResult(ctx, sy.site.ID, sy.key, raw)
			}
			if err != nil {
				sy.dirty.Store(true)
				s.Log.Warn("writing a site's calculated results", "site", sy.site.ID, "error", err)
			} else {
				n++
			}
		}
		sy.smu.Unlock()
	}
	s.resWritten.Add(int64(n))
	return n
}

// saveTimeout bounds a write-back after a view: a database that does not
// answer (a connection left half-open by a failover) leaves the results
// unwritten, to be computed again, rather than Close waiting for ever.
const saveTimeout = time.Minute

// saveLater is saveResults after the view answered, on its own
// goroutine (Close waits for it).
func (s *Service) saveLater(ctx context.Context, sites []*siteYear) {
	if s.readOnly || len(sites) == 0 || ctx.Value(noSave{}) != nil {
		return
	}
	dirty := false
	for _, sy := range sites {
		if sy != nil && sy.key != "" && sy.dirty.Load() {
			dirty = true
			break
		}
	}
	if !dirty {
		return
	}
	s.inBackground(func(ctx context.Context) { s.saveResults(ctx, sites) })
}

// inBackground runs a write-back on a goroutine of its own, after the
// view answered (Close waits for it), bounded by saveTimeout.
func (s *Service) inBackground(save func(context.Context)) {
	s.saving.Add(1)
	go func() {
		defer s.saving.Done()
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		save(ctx)
	}()
}
