package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// httpSource fetches CSV or a JSON array of objects from an address (a
// building-management system's API, say), with headers that may name
// environment variables for their secrets.
type httpSource struct {
	URL     string        `mapstructure:"url"`
	Headers []HTTPHeader  `mapstructure:"headers"`
	Timeout time.Duration `mapstructure:"timeout"`
	Text    `mapstructure:",squash"`
}

// HTTPHeader is one request header; Value may be "${ENV_VAR}".
type HTTPHeader struct {
	Name  string `mapstructure:"name"`
	Value string `mapstructure:"value"`
}

func init() { register("http", func() Options { return &httpSource{} }) }

func (s *httpSource) Defaults() {
	s.Text.defaults()
	if s.Timeout == 0 {
		s.Timeout = 30 * time.Second
	}
}

func (s *httpSource) Check(_ Env, add AddFunc) {
	if !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
		add("url", s.URL, "want an http:// or https:// address")
	}
	for i, h := range s.Headers {
		if h.Name == "" {
			add(fmt.Sprintf("headers[%d].name", i), "", "missing: the header's name, e.g. Authorization")
		}
	}
	s.Text.check(add)
}

// maxHTTPBody bounds what one fetch reads.
const maxHTTPBody = 256 << 20

func (s *httpSource) Stream(ctx context.Context, _ Env, cols map[string]string, emit func(Row)) ([]Rejection, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return nil, err
	}
	for _, h := range s.Headers {
		req.Header.Set(h.Name, os.ExpandEnv(h.Value))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", s.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", s.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("GET %s: %s", s.URL, resp.Status)
	}
	if len(raw) > maxHTTPBody {
		return nil, fmt.Errorf("GET %s: the answer is over %d MiB: page it or export it to a file", s.URL, maxHTTPBody>>20)
	}
	return s.parseStream(bytes.NewReader(raw), s.URL, cols, emit)
}

func (*httpSource) Sample() string {
	return `  # A building-management system's (or any) API answering CSV or JSON.
  - id: bms-meter
    type: http
    collector: energy
    url: https://bms.local/api/meter/daily
    format: json                    # an array of objects (or csv, the default)
    headers: [{name: Authorization, value: "Bearer ${BMS_TOKEN}"}]
    timeout: 30s                    # default 30s
    kind: electricity
    item: grid
    unit: kWh
    columns: {date: day, quantity: kwh}
`
}
