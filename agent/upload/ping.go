package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/greenhelp/greenhelp/agent/outbox"
	"github.com/greenhelp/greenhelp/footprint"
)

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

// Pinged is one central's answer to a ping, or why there was none.
type Pinged struct {
	URL    string
	Result PingResult // when Err is nil
	Err    error
}

// PingAll pings every central of URLs, all at once, and gives their
// answers in the order of URLs: whoever reads them decides what one
// central down means (the agent fails over to the others).
func (u *Uploader) PingAll(ctx context.Context) []Pinged {
	out := make([]Pinged, len(u.URLs))
	var wg sync.WaitGroup
	for i, base := range u.URLs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := u.Ping(ctx, base)
			out[i] = Pinged{URL: base, Result: res, Err: err}
		}()
	}
	wg.Wait()
	return out
}

// Ping asks the central at base whether it is reachable and takes the
// site's token (GET /api/v1/sites/{site}/ping): an error says which of
// the address, the token or the site id is wrong. The answer is checked
// as a batch's is: a redirect is not followed, and a 200 counts only as
// the central's JSON naming the site.
func (u *Uploader) Ping(ctx context.Context, base string) (PingResult, error) {
	endpoint := strings.TrimRight(base, "/") + "/api/v1/sites/" + url.PathEscape(u.Site) + "/ping"
	res := PingResult{URL: base}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return res, fmt.Errorf("central.url %q: %w", base, err)
	}
	if u.Token == "" {
		return res, fmt.Errorf("no central token: set central.token_file or GREENHELP_AGENT_CENTRAL_TOKEN to the token `greenhelp sites add` printed for site %s", u.Site)
	}
	req.Header.Set("Authorization", "Bearer "+u.Token)
	resp, err := u.do(req)
	if err != nil {
		return res, fmt.Errorf("central %s not reachable: %w (check central.url, the network and the proxy)", base, err)
	}
	defer resp.Body.Close()
	body, over, rerr := readAnswer(resp)
	text := outbox.ReadableReason(fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(body))))
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		if rerr != nil {
			return res, fmt.Errorf("central %s: the answer (%s) broke off: %w", base, resp.Status, rerr)
		}
		var got PingResult
		if err := u.isAnswer(base, resp, body, over, func(raw []byte) error {
			if err := decodeAnswer(raw, &got); err != nil {
				return err
			}
			if got.Site != u.Site {
				return fmt.Errorf("it names site %q, not %q", footprint.Clip(got.Site), u.Site)
			}
			return nil
		}); err != nil {
			return res, err
		}
		got.URL = base
		return got, nil
	case code/100 == 3:
		return res, errors.New(u.redirected(base, resp))
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		// A proxy's own sign-in or block page is no verdict on the token.
		if err := u.isAnswer(base, resp, body, over, centralRefusal); err != nil {
			return res, err
		}
		if code == http.StatusForbidden {
			return res, fmt.Errorf("%w (%s): the token is another site's — site.id in site.yaml is %q", ErrToken, text, u.Site)
		}
		return res, fmt.Errorf("%w (%s): the central knows no site with this token — use the token `greenhelp sites add` (or `sites rotate-token`) printed for site %s", ErrToken, text, u.Site)
	case code == http.StatusNotFound:
		return res, fmt.Errorf("central %s has no ping endpoint (%s): is central.url the greenhelp service, and is it up to date?", base, text)
	case code/100 == 2:
		return res, u.isAnswer(base, resp, body, over, func([]byte) error { return fmt.Errorf("status %s, want 200", resp.Status) })
	}
	return res, fmt.Errorf("central %s: %s", base, text)
}
