// Package outbox is the agent's durable queue: batches written to disk
// before any upload is tried and removed only once the central
// acknowledged them, the ones it refused set aside with its reason.
package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/agent/internal/durable"
	"github.com/greenhelp/greenhelp/wire"
)

// Batch is the wire body of POST /api/v1/sites/{site}/batches.
type Batch = wire.Batch

// ErrFull stops collection rather than dropping data.
var ErrFull = errors.New("outbox full")

// StateFile is the agent's state in the outbox folder; its size counts
// against outbox.max_size.
const StateFile = "state.json"

// Outbox is a directory of batches waiting for the central's
// acknowledgement. A batch is written (fsync'd file, then fsync'd
// directory) before any upload is attempted and removed only once
// acknowledged, so it survives kill -9, reboots and long outages.
type Outbox struct {
	dir string
	max int64
}

// Entry is a pending or quarantined batch file.
type Entry struct {
	Name    string    `json:"name"`
	Path    string    `json:"-"`
	Size    int64     `json:"size"`
	Written time.Time `json:"written"`
	Reason  string    `json:"reason,omitempty"`
}

// Open creates (if needed) and opens the outbox at dir. Temporary
// files a killed run left behind (never renamed into place, so never part
// of the outbox) are removed.
func Open(dir string, max int64) (*Outbox, error) {
	for _, sub := range []string{"", "pending", "quarantine", "corrupt"} {
		d := filepath.Join(dir, sub)
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		tmps, _ := filepath.Glob(filepath.Join(d, ".tmp-*"))
		for _, t := range tmps {
			if err := os.Remove(t); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("outbox: remove leftover %s: %w", t, err)
			}
		}
	}
	return &Outbox{dir: dir, max: max}, nil
}

// Dir returns the outbox directory.
func (o *Outbox) Dir() string { return o.dir }

// Put writes a batch durably and returns its entry.
func (o *Outbox) Put(b Batch) (Entry, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return Entry{}, fmt.Errorf("outbox: encode batch %s: %w", b.ID, err)
	}
	used, err := o.Used()
	if err != nil {
		return Entry{}, err
	}
	if used+int64(len(raw)) > o.max {
		return Entry{}, fmt.Errorf("%w: %d bytes used (pending batches and state) + %d would exceed outbox.max_size %d: collection stops until the central acknowledges (check central.url and the network)",
			ErrFull, used, len(raw), o.max)
	}
	name := fmt.Sprintf("%020d-%s.json", time.Now().UnixNano(), b.ID)
	dir := filepath.Join(o.dir, "pending")
	if err := durable.WriteFile(dir, name, raw); err != nil {
		return Entry{}, fmt.Errorf("outbox: %w", err)
	}
	return Entry{Name: name, Path: filepath.Join(dir, name), Size: int64(len(raw)), Written: time.Now()}, nil
}

func (o *Outbox) list(sub string) ([]Entry, error) {
	dir := filepath.Join(o.dir, sub)
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	var out []Entry
	for _, de := range des {
		n := de.Name()
		if de.IsDir() || !strings.HasSuffix(n, ".json") || strings.HasPrefix(n, ".") {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		e := Entry{Name: n, Path: filepath.Join(dir, n), Size: info.Size(), Written: info.ModTime()}
		if ns, _, ok := strings.Cut(n, "-"); ok {
			if v, err := strconv.ParseInt(ns, 10, 64); err == nil {
				e.Written = time.Unix(0, v)
			}
		}
		if sub == "quarantine" {
			if r, err := os.ReadFile(e.Path + ".reason"); err == nil {
				e.Reason = ReadableReason(string(r))
			}
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Pending returns the batches awaiting acknowledgement, oldest first.
func (o *Outbox) Pending() ([]Entry, error) { return o.list("pending") }

// Quarantined returns the batches the central refused, with its reasons.
func (o *Outbox) Quarantined() ([]Entry, error) { return o.list("quarantine") }

// Size is the bytes pending.
func (o *Outbox) Size() (int64, error) {
	es, err := o.Pending()
	if err != nil {
		return 0, err
	}
	var n int64
	for _, e := range es {
		n += e.Size
	}
	return n, nil
}

// Used is the bytes the outbox holds against outbox.max_size: the
// pending batches and the agent's state file.
func (o *Outbox) Used() (int64, error) {
	n, err := o.Size()
	if err != nil {
		return 0, err
	}
	if info, err := os.Stat(filepath.Join(o.dir, StateFile)); err == nil {
		n += info.Size()
	}
	return n, nil
}

// Load reads a pending batch. A file that does not decode is moved to
// corrupt/ and reported, never a crash.
func (o *Outbox) Load(e Entry) (Batch, []byte, error) {
	raw, err := os.ReadFile(e.Path)
	if err != nil {
		return Batch{}, nil, err
	}
	var b Batch
	err = json.Unmarshal(raw, &b)
	if err == nil && b.ID == "" {
		err = errors.New("no batch id")
	}
	if err != nil {
		dst := filepath.Join(o.dir, "corrupt", e.Name)
		if mvErr := os.Rename(e.Path, dst); mvErr != nil {
			return Batch{}, nil, fmt.Errorf("outbox: %s is corrupt and could not be moved aside: %w", e.Name, mvErr)
		}
		return Batch{}, nil, fmt.Errorf("outbox: %s is corrupt (%w): moved to %s", e.Name, err, dst)
	}
	if b.SHA256 == "" {
		// Queued by an agent before the content hash was on the wire.
		b.Seal()
		if raw, err = json.Marshal(b); err != nil {
			return Batch{}, nil, fmt.Errorf("outbox: %s: %w", e.Name, err)
		}
	}
	return b, raw, nil
}

// Ack removes an acknowledged batch.
func (o *Outbox) Ack(e Entry) error {
	if err := os.Remove(e.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("outbox: %w", err)
	}
	return durable.SyncDir(filepath.Dir(e.Path))
}

// Quarantine moves a refused batch aside with the central's reason.
func (o *Outbox) Quarantine(e Entry, reason string) error {
	dir := filepath.Join(o.dir, "quarantine")
	if err := durable.WriteFile(dir, e.Name+".reason", []byte(reason)); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := os.Rename(e.Path, filepath.Join(dir, e.Name)); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return durable.SyncDir(dir)
}

// ReadableReason turns a stored refusal ("400 Bad Request: {"error":
// "…"}") into words: the status and the central's message.
func ReadableReason(raw string) string {
	status, body, ok := strings.Cut(raw, ": ")
	if !ok {
		return raw
	}
	var doc struct {
		Error    string `json:"error"`
		Problems []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &doc) != nil || doc.Error == "" {
		return raw
	}
	msg := status + ": " + doc.Error
	for i, p := range doc.Problems {
		if i == 3 {
			msg += fmt.Sprintf("; … %d more", len(doc.Problems)-3)
			break
		}
		msg += "; " + p.Message
	}
	return msg
}

// quarantined returns the quarantined entries named (all with none),
// or an error naming one that is not there.
func (o *Outbox) quarantined(names []string) ([]Entry, error) {
	all, err := o.Quarantined()
	if err != nil || len(names) == 0 {
		return all, err
	}
	by := map[string]Entry{}
	for _, e := range all {
		by[e.Name] = e
	}
	var out []Entry
	for _, n := range names {
		e, ok := by[n]
		if !ok {
			return nil, fmt.Errorf("no quarantined batch %q in %s (see `greenhelp-agent quarantine list`)", n, filepath.Join(o.dir, "quarantine"))
		}
		out = append(out, e)
	}
	return out, nil
}

// Release moves quarantined batches (the names given, or all) back to
// pending, where the next delivery sends them again under their id: the
// central counts a batch once whatever the tries.
func (o *Outbox) Release(names []string) ([]Entry, error) {
	es, err := o.quarantined(names)
	if err != nil {
		return nil, err
	}
	pending := filepath.Join(o.dir, "pending")
	for _, e := range es {
		if err := os.Rename(e.Path, filepath.Join(pending, e.Name)); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		_ = os.Remove(e.Path + ".reason")
	}
	return es, durable.SyncDir(pending)
}

// Drop deletes quarantined batches (the names given, or all): their
// records are not sent. It returns what was dropped.
func (o *Outbox) Drop(names []string) ([]Entry, error) {
	es, err := o.quarantined(names)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if err := os.Remove(e.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		_ = os.Remove(e.Path + ".reason")
	}
	return es, durable.SyncDir(filepath.Join(o.dir, "quarantine"))
}
