package agent

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
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// outcome of one delivery attempt.
type outcome int

const (
	acked outcome = iota
	retry
	refused
	setAside // the outbox file did not decode: moved to corrupt/, logged
	// badToken: the central refused the site's token (401, 403): the
	// agent's configuration, not the batch, is wrong — it stays pending.
	badToken
)

// ErrToken is a delivery stopped because the central refused the token.
var ErrToken = errors.New("the central refused the site token")

// Uploader posts batches to the central service.
type Uploader struct {
	BaseURL, Token, Site string
	Client               *http.Client
	BackoffInitial       time.Duration
	BackoffMax           time.Duration
	Log                  *slog.Logger
}

// post sends one batch body; it returns how the central answered, the
// delay the central asked for (Retry-After), and its message.
func (u *Uploader) post(ctx context.Context, id string, body []byte) (outcome, time.Duration, string) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(body)
	_ = zw.Close()
	endpoint := strings.TrimRight(u.BaseURL, "/") + "/api/v1/sites/" + url.PathEscape(u.Site) + "/batches"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, &gz)
	if err != nil {
		return refused, 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+u.Token)
	req.Header.Set("Idempotency-Key", id)
	resp, err := u.Client.Do(req)
	if err != nil {
		return retry, 0, "network: " + err.Error()
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	text := fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(msg)))
	switch {
	case resp.StatusCode/100 == 2:
		return acked, 0, text
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode/100 == 5:
		return retry, retryAfter(resp.Header.Get("Retry-After")), text
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return badToken, 0, text
	default:
		return refused, 0, text
	}
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, time.Until(t))
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

// deliver sends one outbox entry until the central acknowledges or refuses
// it, or ctx ends (the entry then stays pending).
func (u *Uploader) deliver(ctx context.Context, ob *Outbox, e Entry, onAck func(Batch), attempts int) (outcome, error) {
	b, raw, err := ob.Load(e)
	if err != nil {
		u.Log.Error("outbox entry set aside", "entry", e.Name, "err", err)
		return setAside, nil
	}
	for attempt := 0; ; attempt++ {
		res, after, msg := u.post(ctx, b.ID, raw)
		switch res {
		case acked:
			if err := ob.Ack(e); err != nil {
				return acked, err
			}
			if onAck != nil {
				onAck(b)
			}
			u.Log.Info("batch acknowledged", "batch", b.ID, "records", len(b.Activities))
			return acked, nil
		case refused:
			u.Log.Error("batch refused by the central: quarantined", "batch", b.ID, "reason", msg)
			return refused, ob.Quarantine(e, msg)
		case badToken:
			// Every batch would get the same answer: stop, keep them all
			// pending, and say what to fix.
			return badToken, fmt.Errorf("%w (%s): check central.token (or token_file, GREENHELP_AGENT_CENTRAL_TOKEN) against the token `greenhelp sites add` or `sites rotate-token` printed for site %s; the batches stay in the outbox and go once it is fixed", ErrToken, msg, u.Site)
		}
		if attempts > 0 && attempt+1 >= attempts {
			return retry, fmt.Errorf("batch %s: %s", b.ID, msg)
		}
		wait := u.backoff(attempt)
		if after > 0 {
			wait = after
		}
		u.Log.Warn("central unavailable, will retry", "batch", b.ID, "attempt", attempt+1, "wait", wait.Round(time.Millisecond), "reason", msg)
		select {
		case <-ctx.Done():
			return retry, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// PingResult is what `check --ping` learnt from the central.
type PingResult struct {
	URL        string    `json:"url"`
	Site       string    `json:"site"`
	Name       string    `json:"name"`
	Status     string    `json:"status"`
	ServerTime time.Time `json:"server_time"`
	// LastReceived is the site's last batch the central logged.
	LastReceived time.Time `json:"last_received,omitzero"`
}

// Ping asks the central whether it is reachable and takes the site's
// token (GET /api/v1/sites/{site}/ping): an error says which of the
// address, the token or the site id is wrong.
func (u *Uploader) Ping(ctx context.Context) (PingResult, error) {
	endpoint := strings.TrimRight(u.BaseURL, "/") + "/api/v1/sites/" + url.PathEscape(u.Site) + "/ping"
	res := PingResult{URL: u.BaseURL}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return res, fmt.Errorf("central.url %q: %w", u.BaseURL, err)
	}
	if u.Token == "" {
		return res, fmt.Errorf("no central token: set central.token_file or GREENHELP_AGENT_CENTRAL_TOKEN to the token `greenhelp sites add` printed for site %s", u.Site)
	}
	req.Header.Set("Authorization", "Bearer "+u.Token)
	resp, err := u.Client.Do(req)
	if err != nil {
		return res, fmt.Errorf("central %s not reachable: %w (check central.url, the network and the proxy)", u.BaseURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	text := readableReason(fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(body))))
	switch resp.StatusCode {
	case http.StatusOK:
		if err := json.Unmarshal(body, &res); err != nil {
			return res, fmt.Errorf("central %s answered, but not as greenhelp does (%s): is central.url the greenhelp service?", u.BaseURL, text)
		}
		res.URL = u.BaseURL
		return res, nil
	case http.StatusUnauthorized:
		return res, fmt.Errorf("%w (%s): the central knows no site with this token — use the token `greenhelp sites add` (or `sites rotate-token`) printed for site %s", ErrToken, text, u.Site)
	case http.StatusForbidden:
		return res, fmt.Errorf("%w (%s): the token is another site's — site.id in site.yaml is %q", ErrToken, text, u.Site)
	case http.StatusNotFound:
		return res, fmt.Errorf("central %s has no ping endpoint (%s): is central.url the greenhelp service, and is it up to date?", u.BaseURL, text)
	}
	return res, fmt.Errorf("central %s: %s", u.BaseURL, text)
}
