// Package upload delivers the outbox's batches to the central (POST
// /api/v1/sites/{site}/batches, the wire contract) and pings it: only the
// central's own answer acknowledges or refuses a batch; anything else
// keeps it queued. With several centrals on one database it fails over
// between them (Deliver).
package upload

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/greenhelp/greenhelp/agent/outbox"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/wire"
)

// Outcome is how one delivery ended.
type Outcome int

// The Outcomes of a delivery.
const (
	Acked Outcome = iota
	retry
	Refused
	setAside // the outbox file did not decode: moved to corrupt/, logged
	// badToken: the central refused the site's token (401, 403): the
	// agent's configuration, not the batch, is wrong — it stays pending.
	badToken
	// foreign: the answer is not the central's — a 2xx that is not its
	// acknowledgement, or a redirect (never followed). The batch stays
	// pending and is tried again (at the next central first, when there
	// are several); it is logged as an error, since it points at
	// central.url, a proxy or a captive portal.
	foreign
)

// ErrToken is a delivery stopped because the central refused the token.
var ErrToken = errors.New("the central refused the site token")

// Uploader posts batches to the central service.
type Uploader struct {
	// URLs are the central's addresses: one, or several `greenhelp
	// serve` on one database (the same site token for all). A batch goes
	// to URLs[Current] first and, when that central does not answer,
	// to the next ones in turn (Deliver).
	URLs        []string
	Token, Site string
	// Current is the index in URLs of the central that last answered
	// (0 to start with): Deliver leaves it on whichever central answered
	// a batch, so the next batch goes there first. A caller that makes a
	// new Uploader for each run carries it over to keep that choice.
	Current int
	// Client is used without following redirects, whatever its
	// CheckRedirect (the token must never go to another origin).
	Client         *http.Client
	BackoffInitial time.Duration
	// BackoffMax also caps a Retry-After the central asks for.
	BackoffMax time.Duration
	Log        *slog.Logger
	// Sleep waits d before a retry, or less when ctx ends (its error
	// then); nil is the real wait (Sleep). Tests give one that notes the
	// wait and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock a Retry-After date is read against; nil is
	// time.Now.
	Now func() time.Time
}

// Sleep waits d, or until ctx ends: then it returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (u *Uploader) sleep(ctx context.Context, d time.Duration) error {
	if u.Sleep != nil {
		return u.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

func (u *Uploader) now() time.Time {
	if u.Now != nil {
		return u.Now()
	}
	return time.Now()
}

// NoRedirects is the agent's http.Client CheckRedirect: a redirect is
// answered to the caller, never followed, so that the site token and the
// batch never go to another origin.
func NoRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// do sends req with u.Client, redirects not followed.
func (u *Uploader) do(req *http.Request) (*http.Response, error) {
	c := http.DefaultClient
	if u.Client != nil {
		c = u.Client
	}
	nc := *c
	nc.CheckRedirect = NoRedirects
	return nc.Do(req)
}

// readAnswer reads at most wire.MaxAckSize bytes of an answer; the rest is
// never read (closing the body then drops the connection instead of
// draining it). over says the answer was longer.
func readAnswer(resp *http.Response) (body []byte, over bool, err error) {
	body, err = io.ReadAll(io.LimitReader(resp.Body, wire.MaxAckSize+1))
	if len(body) > wire.MaxAckSize {
		return body[:wire.MaxAckSize], true, err
	}
	return body, false, err
}

// post sends one batch body to the central at base; it returns how the
// central answered, the delay the central asked for (Retry-After, capped
// at BackoffMax), and its message.
func (u *Uploader) post(ctx context.Context, base, id string, body []byte) (Outcome, time.Duration, string) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(body)
	_ = zw.Close()
	endpoint := strings.TrimRight(base, "/") + "/api/v1/sites/" + url.PathEscape(u.Site) + "/batches"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, &gz)
	if err != nil {
		return Refused, 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+u.Token)
	req.Header.Set("Idempotency-Key", id)
	resp, err := u.do(req)
	if err != nil {
		return retry, 0, "network: " + err.Error()
	}
	defer resp.Body.Close()
	msg, over, rerr := readAnswer(resp)
	text := fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(msg)))
	switch code := resp.StatusCode; {
	case code/100 == 2:
		if rerr != nil { // the answer broke off: the batch may be stored, a resend is a duplicate
			return retry, 0, fmt.Sprintf("network: the answer (%s) broke off: %v", resp.Status, rerr)
		}
		if err := u.isAnswer(base, resp, msg, over, func(raw []byte) error {
			a, err := wire.DecodeAck(raw)
			if err != nil {
				return err
			}
			return a.For(id)
		}); err != nil {
			return foreign, 0, err.Error()
		}
		return Acked, 0, text
	case code/100 == 3:
		return foreign, 0, u.redirected(base, resp)
	case code == http.StatusRequestTimeout || code == http.StatusTooEarly || code == http.StatusTooManyRequests || code/100 == 5:
		return retry, u.retryAfter(resp.Header.Get("Retry-After")), text
	case code/100 == 4:
		// Only the central's own refusal (its JSON error) quarantines a
		// batch or stops delivery for the token: a 404 page of a web
		// server at a wrong central.url, a proxy's 400 or its 401 (its own
		// sign-in, in front of one of the centrals), would otherwise
		// quarantine every batch or stop the agent short of the other
		// centrals.
		if err := u.isAnswer(base, resp, msg, over, centralRefusal); err != nil {
			return foreign, 0, err.Error()
		}
		if code == http.StatusUnauthorized || code == http.StatusForbidden {
			return badToken, 0, text
		}
		return Refused, 0, text
	default:
		return foreign, 0, fmt.Sprintf("central %s answered %q, a status HTTP does not define: is central.url right? a proxy or captive portal?", base, resp.Status)
	}
}

// isAnswer checks a 2xx answer is the central's own: JSON, whole (at most
// wire.MaxAckSize), and accepted by check. Otherwise the error names the
// status, the content type and the start of the body.
func (u *Uploader) isAnswer(base string, resp *http.Response, body []byte, over bool, check func([]byte) error) error {
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	var why error
	switch {
	case mt != "application/json":
		why = errors.New("not JSON")
	case over:
		why = fmt.Errorf("an answer over %d KiB, the rest not read", wire.MaxAckSize>>10)
	default:
		why = check(body)
	}
	if why == nil {
		return nil
	}
	return fmt.Errorf("central %s answered %s but not as the greenhelp central does (%v; content type %q; body %s): is central.url right? a proxy or captive portal?",
		base, resp.Status, why, ct, bodyStart(body))
}

// centralRefusal checks a 4xx body is the central's refusal: a JSON
// object whose "error" says why.
func centralRefusal(raw []byte) error {
	var doc struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Error == "" {
		return errors.New(`not the central's refusal (a JSON object with its "error")`)
	}
	return nil
}

// redirected describes a 3xx answer: where it pointed, and that it is not
// followed.
func (u *Uploader) redirected(base string, resp *http.Response) string {
	where := resp.Header.Get("Location")
	if where == "" {
		where = "(no Location)"
	}
	return fmt.Sprintf("central %s answered %s, a redirect to %q: the agent never follows one (the site token would go with it): set central.url to the central's own address (is a proxy or captive portal in the way?)",
		base, resp.Status, footprint.Clip(where))
}

// bodyStart quotes the start of an answer's body for a message.
func bodyStart(body []byte) string {
	if len(body) == 0 {
		return "empty"
	}
	const n = 120
	s := string(body[:min(len(body), n)])
	if len(body) > n {
		return strconv.Quote(strings.ToValidUTF8(s, "")) + "…"
	}
	return strconv.Quote(s)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date),
// capped at BackoffMax: one answer must never stop delivery for days. A
// negative or unreadable value is ignored (0: the backoff applies).
func (u *Uploader) retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	limit := u.BackoffMax
	if limit <= 0 {
		limit = 10 * time.Minute // the default upload.backoff_max
	}
	s, err := strconv.ParseInt(h, 10, 64)
	if errors.Is(err, strconv.ErrRange) && h[0] != '-' {
		return limit // more seconds than an int64 holds
	}
	if err == nil {
		if s < 0 {
			return 0
		}
		if s > int64(limit/time.Second) {
			return limit
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(0, t.Sub(u.now())), limit)
	}
	return 0
}

// backoff returns the delay before attempt n (0-based): exponential from
// BackoffInitial, capped at BackoffMax, with ±50 % jitter so that 200 sites
// coming back after an outage do not hit the central in step.
func (u *Uploader) backoff(n int) time.Duration {
	d := u.BackoffInitial
	for i := 0; i < n && d < u.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, u.BackoffMax)
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}

// Deliver sends one outbox entry until a central acknowledges or refuses
// it, or ctx ends (the entry then stays pending), at most attempts rounds
// (0: until ctx ends).
//
// A round tries each central of URLs once, from URLs[Current] on: a
// central that does not answer (connection refused, a timeout, a reset,
// an answer cut short, a 408, 425, 429 or any 5xx, 503 included) or whose
// answer is not the central's own (a foreign 2xx or 4xx, a redirect —
// never followed, so the token goes to no address but the ones listed)
// passes the same batch to the next: its id makes a second central's
// answer a 200 duplicate if the first had stored it. The first central
// that answers ends the round and becomes Current: an acknowledgement,
// or a refusal that is the central's own (a 400, 409 or 413 quarantines,
// a 401 or 403 stops delivery) — every central reads the same database,
// so the next one would say the same. Only when every central failed does
// the agent wait: the backoff, or the longest Retry-After of the round.
func (u *Uploader) Deliver(ctx context.Context, ob *outbox.Outbox, e outbox.Entry, onAck func(outbox.Batch), attempts int) (Outcome, error) {
	b, raw, err := ob.Load(e)
	if err != nil {
		u.Log.Error("outbox entry set aside", "entry", e.Name, "err", err)
		return setAside, nil
	}
	if len(u.URLs) == 0 {
		return retry, fmt.Errorf("batch %s: no central address (central.url or central.urls)", b.ID)
	}
	if u.Current < 0 || u.Current >= len(u.URLs) {
		u.Current = 0
	}
	for round := 0; ; round++ {
		res, after, msg := u.round(ctx, b.ID, raw)
		switch res {
		case Acked:
			if err := ob.Ack(e); err != nil {
				return Acked, err
			}
			if onAck != nil {
				onAck(b)
			}
			u.Log.Info("batch acknowledged", "batch", b.ID, "records", len(b.Activities), "central", u.URLs[u.Current])
			return Acked, nil
		case Refused:
			u.Log.Error("batch refused by the central: quarantined", "batch", b.ID, "central", u.URLs[u.Current], "reason", msg)
			return Refused, ob.Quarantine(e, msg)
		case badToken:
			// Every batch would get the same answer: stop, keep them all
			// pending, and say what to fix.
			return badToken, fmt.Errorf("%w (%s): check central.token (or token_file, GREENHELP_AGENT_CENTRAL_TOKEN) against the token `greenhelp sites add` or `sites rotate-token` printed for site %s; the batches stay in the outbox and go once it is fixed", ErrToken, msg, u.Site)
		}
		if attempts > 0 && round+1 >= attempts {
			if res == foreign {
				u.Log.Error("batch not acknowledged: the answer is not the central's; it stays in the outbox", "batch", b.ID, "attempt", round+1, "reason", msg)
			}
			return retry, fmt.Errorf("batch %s: %s", b.ID, msg)
		}
		wait := u.backoff(round)
		if after > 0 {
			wait = after // already capped at BackoffMax
		}
		if res == foreign {
			u.Log.Error("batch not acknowledged: the answer is not the central's; it stays in the outbox, will retry", "batch", b.ID, "attempt", round+1, "wait", wait.Round(time.Millisecond), "reason", msg)
		} else {
			u.Log.Warn("central unavailable, will retry", "batch", b.ID, "attempt", round+1, "wait", wait.Round(time.Millisecond), "reason", msg)
		}
		if err := u.sleep(ctx, wait); err != nil {
			return retry, err
		}
	}
}

// round posts the batch to each central once, from Current on, until
// one answers (Current is then that one): that answer; or, when none
// did, foreign if any answer was not the central's (else retry), the
// longest Retry-After asked for and every central's failure. It stops
// early when ctx ends.
func (u *Uploader) round(ctx context.Context, id string, raw []byte) (Outcome, time.Duration, string) {
	n := len(u.URLs)
	res, after, failed := retry, time.Duration(0), make([]string, 0, n)
	for i := range n {
		k := (u.Current + i) % n
		r, ra, msg := u.post(ctx, u.URLs[k], id, raw)
		if r != retry && r != foreign {
			u.Current = k
			return r, ra, msg
		}
		if r == foreign {
			res = foreign
		}
		after = max(after, ra)
		if n == 1 {
			return res, after, msg
		}
		failed = append(failed, "central "+u.URLs[k]+": "+msg)
		if ctx.Err() != nil {
			break
		}
		if i+1 < n {
			u.Log.Warn("central failed: the batch goes to the next one", "batch", id, "central", u.URLs[k], "next", u.URLs[(k+1)%n], "reason", msg)
		}
	}
	return res, after, strings.Join(failed, "; ")
}

// decodeAnswer decodes one JSON object of the central's into v: a member
// named twice, a wrong type or text after the object is refused.
func decodeAnswer(raw []byte, v any) error {
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if err := jsonv2.UnmarshalDecode(dec, v); err != nil {
		return err
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("data after the object (offset %d)", dec.InputOffset())
	}
	return nil
}
