package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/outbox"
	"github.com/greenhelp/greenhelp/agent/upload"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/wire"
)

func fingerprint(act footprint.Activity) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%v|%s|%s", act.Quantity, act.Unit, act.Quality)))
	return hex.EncodeToString(h[:8])
}

// maxSent bounds the acknowledged keys the state remembers (about 80
// bytes each on disk, so ~8 MB): a daily workstation log of a 3,000-PC
// site makes a few thousand keys a year. Past it the keys with the oldest
// period end are forgotten; were such a record read again it would be
// sent again, and the central, replacing by key, would not count it twice.
const maxSent = 100_000

// pruneSent drops the keys with the oldest period end until at most max
// remain.
func pruneSent(sent map[string]string, max int) {
	if len(sent) <= max {
		return
	}
	keys := make([]string, 0, len(sent))
	for k := range sent {
		keys = append(keys, k)
	}
	end := func(k string) string { // the key's fifth part (keyString)
		parts := strings.SplitN(k, "|", 6)
		if len(parts) < 5 {
			return ""
		}
		return parts[4]
	}
	sort.Slice(keys, func(i, j int) bool { return end(keys[i]) < end(keys[j]) })
	for _, k := range keys[:len(keys)-max] {
		delete(sent, k)
	}
}

func keyString(k footprint.Key) string {
	return strings.Join([]string{k.Site, string(k.Kind), k.Item, k.Start, k.End, k.Source, k.Attrs}, "|")
}

// Enqueue writes what is new or changed since the central last
// acknowledged it (and not already waiting in the outbox) as durable
// batches, with the site declaration when it changed. It returns the
// entries written.
func (a *Agent) Enqueue(acts []footprint.Activity) ([]outbox.Entry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	known := map[string]string{}
	for k, v := range a.state.Sent {
		known[k] = v
	}
	pending, err := a.Outbox.Pending()
	if err != nil {
		return nil, err
	}
	siteQueued := false
	for _, e := range pending {
		b, _, err := a.Outbox.Load(e)
		if err != nil {
			a.Log.Error("outbox", "err", err)
			continue
		}
		siteQueued = siteQueued || b.Site != nil
		for _, act := range b.Activities {
			known[keyString(act.Key(a.Cfg.Site.ID))] = fingerprint(act)
		}
	}
	var fresh []footprint.Activity
	seen := map[string]bool{}
	for _, act := range acts {
		k := keyString(act.Key(a.Cfg.Site.ID))
		if known[k] == fingerprint(act) || seen[k] {
			continue
		}
		seen[k] = true
		fresh = append(fresh, act)
	}
	var site *declaration.Site
	if decl := a.declared(); siteHash(decl) != a.state.LastSite && !siteQueued {
		site = &decl
	}
	var entries []outbox.Entry
	size := a.Cfg.Upload.BatchSize
	for i := 0; i < len(fresh) || (i == 0 && site != nil); i += size {
		part := fresh[i:min(i+size, len(fresh))]
		b := wire.Batch{ID: wire.NewID(), Activities: part}
		if i == 0 {
			b.Site = site
		}
		b.Seal()
		e, err := a.Outbox.Put(b)
		if err != nil {
			return entries, err
		}
		entries = append(entries, e)
		if len(fresh) == 0 {
			break
		}
	}
	return entries, nil
}

func siteHash(s declaration.Site) string {
	raw, _ := json.Marshal(s)
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:12])
}

// Ping asks every central address whether it is reachable and takes the
// site's token, in the order of the configuration.
func (a *Agent) Ping(ctx context.Context) []upload.Pinged { return a.uploader().PingAll(ctx) }

// Retry moves quarantined batches (named, or all) back to the outbox and
// delivers what is pending, a few tries each: the acknowledged and the
// refused (quarantined again) counts.
func (a *Agent) Retry(ctx context.Context, names []string) (released []outbox.Entry, ackedN, refusedN int, err error) {
	if released, err = a.Outbox.Release(names); err != nil {
		return nil, 0, 0, err
	}
	ackedN, refusedN, err = a.drain(ctx, 3)
	return released, ackedN, refusedN, err
}

// uploader is the delivery of this run, starting at the central that
// last answered in an earlier one (a.central).
func (a *Agent) uploader() *upload.Uploader {
	urls := a.Cfg.Central.Addresses()
	a.mu.Lock()
	current := slices.Index(urls, a.central)
	a.mu.Unlock()
	return &upload.Uploader{URLs: urls, Current: max(current, 0), Token: a.Cfg.Central.Token, Site: a.Cfg.Site.ID,
		// Redirects are never followed: the token stays with the addresses listed.
		Client:         &http.Client{Timeout: a.Cfg.Central.Timeout, CheckRedirect: upload.NoRedirects},
		BackoffInitial: a.Cfg.Upload.BackoffInitial, BackoffMax: a.Cfg.Upload.BackoffMax, Log: a.Log, Sleep: a.sleep}
}

// Drain delivers every pending batch, oldest first, retrying until each is
// acknowledged or refused or ctx ends. It returns how many were
// acknowledged and refused.
func (a *Agent) Drain(ctx context.Context) (ackedN, refusedN int, err error) {
	return a.drain(ctx, 0)
}

// drain is Drain with at most attempts tries per batch (0: until ctx ends);
// it stops at the first batch still not delivered.
func (a *Agent) drain(ctx context.Context, attempts int) (ackedN, refusedN int, err error) {
	up := a.uploader()
	defer func() { // the next run starts at the central that answered last
		if up.Current >= 0 && up.Current < len(up.URLs) {
			a.mu.Lock()
			a.central = up.URLs[up.Current]
			a.mu.Unlock()
		}
	}()
	pending, err := a.Outbox.Pending()
	if err != nil {
		return 0, 0, err
	}
	for _, e := range pending {
		res, err := up.Deliver(ctx, a.Outbox, e, a.onAck, attempts)
		switch {
		case err != nil:
			return ackedN, refusedN, err
		case res == upload.Acked:
			ackedN++
		case res == upload.Refused:
			refusedN++
		}
	}
	return ackedN, refusedN, nil
}

func (a *Agent) onAck(b wire.Batch) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, act := range b.Activities {
		a.state.Sent[keyString(act.Key(a.Cfg.Site.ID))] = fingerprint(act)
	}
	pruneSent(a.state.Sent, maxSent)
	if b.Site != nil {
		a.state.LastSite = siteHash(*b.Site)
	}
	a.state.LastUpload = time.Now()
	if err := a.saveState(); err != nil {
		a.Log.Error("agent state not saved (records may be sent again; the central replaces by key)", "err", err)
	}
}
