// Package agent is greenhelp's site agent: it reads the exports a site
// already has (meter and bill files, the PC power-management log, the
// workforce-management telework counts, the travel agency's bookings),
// turns them into daily activity records, and delivers them to the central
// service exactly once through a durable on-disk outbox. This package
// loads site.yaml and runs the loop; the sources (agent/source), the
// collectors (agent/collector), the outbox (agent/outbox) and the upload
// (agent/upload) each live in their own (docs/ARCHITECTURE.md).
package agent

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/greenhelp/greenhelp/agent/source"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/internal/config"
)

// EnvPrefix prefixes the environment variables that override config keys:
// GREENHELP_AGENT_CENTRAL_URL overrides central.url (and central.urls:
// it may list several addresses, comma-separated).
const EnvPrefix = "GREENHELP_AGENT"

// Config is the ambassador's site.yaml as the agent reads it: the site
// declaration plus the agent's own keys.
type Config struct {
	Site     declaration.Site `mapstructure:"site"`
	Central  Central          `mapstructure:"central"`
	Outbox   OutboxConfig     `mapstructure:"outbox"`
	Schedule Schedule         `mapstructure:"schedule"`
	Upload   UploadConfig     `mapstructure:"upload"`
	Sources  []SourceConfig   `mapstructure:"-"` // decoded block by block (sources.go)
	Metrics  MetricsConfig    `mapstructure:"metrics"`

	path         string
	requireToken bool
}

// file is site.yaml as Load decodes it first: the sources' blocks kept
// raw, each then decoded strictly by its type and collector.
type file struct {
	Site     declaration.Site `mapstructure:"site"`
	Central  Central          `mapstructure:"central"`
	Outbox   OutboxConfig     `mapstructure:"outbox"`
	Schedule Schedule         `mapstructure:"schedule"`
	Upload   UploadConfig     `mapstructure:"upload"`
	Sources  []any            `mapstructure:"sources"`
	Metrics  MetricsConfig    `mapstructure:"metrics"`
}

// Central is where batches go.
type Central struct {
	// URL is the central's address; URLs, instead, several `greenhelp
	// serve` on one database, which the agent fails over between
	// (upload.Uploader.Deliver). One of the two (Addresses).
	URL  string   `mapstructure:"url"`
	URLs []string `mapstructure:"urls" env:"-"` // from the environment: GREENHELP_AGENT_CENTRAL_URL, comma-separated
	// Token is the site token, inline (prefer token_file or the
	// GREENHELP_AGENT_CENTRAL_TOKEN environment variable).
	Token     string        `mapstructure:"token"`
	TokenFile string        `mapstructure:"token_file"`
	Timeout   time.Duration `mapstructure:"timeout"`
}

// OutboxConfig bounds the on-disk outbox.
type OutboxConfig struct {
	Dir     string   `mapstructure:"dir"`
	MaxSize ByteSize `mapstructure:"max_size"`
}

// Schedule says when the daemon collects.
type Schedule struct {
	// CollectAt is the local time (site time zone) of the daily collection.
	CollectAt string `mapstructure:"collect_at"`
}

// UploadConfig tunes delivery.
type UploadConfig struct {
	// Interval between outbox scans when nothing is pending.
	Interval time.Duration `mapstructure:"interval"`
	// BackoffInitial and BackoffMax bound the exponential retry delay.
	BackoffInitial time.Duration `mapstructure:"backoff_initial"`
	BackoffMax     time.Duration `mapstructure:"backoff_max"`
	// BatchSize is the most records per batch.
	BatchSize int `mapstructure:"batch_size"`
}

// Defaults, documented in examples/agent/site.yaml.
const (
	DefaultOutboxDir      = "greenhelp-outbox"
	DefaultOutboxMax      = ByteSize(512 << 20)
	DefaultCollectAt      = "02:00"
	DefaultUploadInterval = time.Minute
	DefaultBackoffInitial = 2 * time.Second
	DefaultBackoffMax     = 10 * time.Minute
	DefaultBatchSize      = 5000
	DefaultTimeout        = 30 * time.Second
)

// ByteSize is a size in bytes that accepts units (internal/config).
type ByteSize = config.ByteSize

// String renders the config for logs and `check` with secrets hidden.
func (c Config) String() string {
	tok := "(none)"
	if c.Central.Token != "" {
		tok = "*** (hidden)"
	}
	return fmt.Sprintf("site %s (%s); central %s, token %s; outbox %s (max %s); %d source(s)",
		c.Site.ID, c.Site.Name, strings.Join(c.Central.Addresses(), ", "), tok, c.Outbox.Dir, c.Outbox.MaxSize, len(c.Sources))
}

// Load reads, overrides from the environment, decodes strictly and
// validates a site.yaml. Every problem is reported at once. requireToken
// is false for `check`, which an ambassador runs before having a token.
func Load(path string, requireToken bool) (*Config, error) {
	v, err := config.Read(path)
	if err != nil {
		return nil, err
	}
	bindEnv(v, reflect.TypeOf(Config{}), "")
	var f file
	var errs []footprint.FieldError
	if err := config.Decode(v, "", &f, path); err != nil {
		ve, ok := err.(*footprint.ValidationError)
		if !ok {
			return nil, err
		}
		errs = ve.Errors
	}
	if os.Getenv(envURL) != "" {
		// The environment's address(es) replace the file's, whichever
		// key gave them (viper has put them in central.url).
		f.Central.URLs = nil
	}
	c := Config{Site: f.Site, Central: f.Central, Outbox: f.Outbox, Schedule: f.Schedule, Upload: f.Upload, Metrics: f.Metrics,
		path: path, requireToken: requireToken}
	for i, raw := range f.Sources {
		s, bad := decodeSource(raw, i, path)
		c.Sources = append(c.Sources, s)
		errs = append(errs, bad...)
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, &footprint.ValidationError{Source: path, Errors: errs}
	}
	c.applyDefaults()
	// Relative paths start at the folder of site.yaml, like sources' paths.
	c.Outbox.Dir = source.Resolve(c.baseDir(), c.Outbox.Dir)
	if c.Central.TokenFile != "" {
		c.Central.TokenFile = source.Resolve(c.baseDir(), c.Central.TokenFile)
		if c.Central.Token == "" {
			if b, err := os.ReadFile(c.Central.TokenFile); err == nil {
				c.Central.Token = strings.TrimSpace(string(b))
			}
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// envURL overrides central.url and central.urls.
const envURL = EnvPrefix + "_CENTRAL_URL"

// bindEnv binds every non-list key of t to its environment variable, so
// that GREENHELP_AGENT_CENTRAL_TOKEN sets central.token even when the file
// has no such key; a field tagged env:"-" has none.
func bindEnv(v *viper.Viper, t reflect.Type, prefix string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if name == "" || name == "-" || f.Tag.Get("env") == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(footprint.Date{}) {
			bindEnv(v, ft, key)
			continue
		}
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			continue
		}
		_ = v.BindEnv(key, EnvPrefix+"_"+strings.ToUpper(strings.ReplaceAll(key, ".", "_")))
	}
}

func (c *Config) applyDefaults() {
	if c.Outbox.Dir == "" {
		c.Outbox.Dir = DefaultOutboxDir
	}
	if c.Outbox.MaxSize == 0 {
		c.Outbox.MaxSize = DefaultOutboxMax
	}
	if c.Schedule.CollectAt == "" {
		c.Schedule.CollectAt = DefaultCollectAt
	}
	if c.Upload.Interval == 0 {
		c.Upload.Interval = DefaultUploadInterval
	}
	if c.Upload.BackoffInitial == 0 {
		c.Upload.BackoffInitial = DefaultBackoffInitial
	}
	if c.Upload.BackoffMax == 0 {
		c.Upload.BackoffMax = DefaultBackoffMax
	}
	if c.Upload.BatchSize == 0 {
		c.Upload.BatchSize = DefaultBatchSize
	}
	if c.Central.Timeout == 0 {
		c.Central.Timeout = DefaultTimeout
	}
	for i := range c.Sources {
		c.Sources[i].applyDefaults()
	}
}

// Validate reports every problem of the agent's keys and of the site
// declaration.
func (c *Config) Validate() error {
	var errs []footprint.FieldError
	add := func(path, value, format string, args ...any) {
		errs = append(errs, footprint.FieldError{Path: path, Value: value, Message: fmt.Sprintf(format, args...)})
	}
	if err := c.Site.Validate(c.path); err != nil {
		if ve, ok := err.(*footprint.ValidationError); ok {
			errs = append(errs, ve.Errors...)
		}
	}
	errs = append(errs, c.Central.validate()...)
	if c.Central.Token == "" && (c.requireToken || c.Central.TokenFile != "") {
		if c.Central.TokenFile != "" {
			if _, err := os.Stat(c.Central.TokenFile); err != nil {
				add("central.token_file", c.Central.TokenFile, "cannot read it: %v", err)
			} else {
				add("central.token_file", c.Central.TokenFile, "the file is empty")
			}
		} else {
			add("central.token", "", "missing: the site token from `greenhelp sites add` (central.token, central.token_file, or GREENHELP_AGENT_CENTRAL_TOKEN)")
		}
	}
	if _, err := declaration.ParseClock(c.Schedule.CollectAt); err != nil {
		add("schedule.collect_at", c.Schedule.CollectAt, "want a local time HH:MM")
	}
	if c.Outbox.MaxSize < 1<<20 {
		add("outbox.max_size", c.Outbox.MaxSize.String(), "want at least 1MiB")
	}
	if c.Upload.BatchSize < 1 || c.Upload.BatchSize > 50000 {
		add("upload.batch_size", strconv.Itoa(c.Upload.BatchSize), "want between 1 and 50000 records")
	}
	if c.Upload.BackoffMax < c.Upload.BackoffInitial {
		add("upload.backoff_max", c.Upload.BackoffMax.String(), "must be ≥ backoff_initial (%s)", c.Upload.BackoffInitial)
	}
	ids := map[string]int{}
	survey := -1 // the commute_survey source: one, and no site.commute beside it
	for i, s := range c.Sources {
		p := s.path(i)
		if j, dup := ids[s.ID]; dup && s.ID != "" {
			add(p+".id", s.ID, "already used by sources[%d]", j)
		}
		ids[s.ID] = i
		if s.Collector == "commute_survey" {
			switch {
			case survey >= 0:
				add(p+".collector", s.Collector, "sources[%d] is the site's commute survey already: one survey per site", survey)
			case c.Site.Commute != nil:
				add(p+".collector", s.Collector, "site.commute declares the survey already: give the survey's export or the typed split, not both")
			}
			survey = i
		}
		errs = append(errs, s.validate(p, c.baseDir(), c.Site.Timezone)...)
	}
	if len(c.Sources) == 0 {
		add("sources", "", "no source: list at least one (csv, http, exec, manual or winevents)")
	}
	if len(errs) > 0 {
		return &footprint.ValidationError{Source: c.path, Errors: errs}
	}
	return nil
}

// baseDir is where relative paths in the config are resolved from.
func (c *Config) baseDir() string {
	if c.path == "" {
		return "."
	}
	return filepath.Dir(c.path)
}

// Addresses are the central's addresses in the order the agent tries
// them: central.urls, or else central.url — one address, or several
// comma-separated (as GREENHELP_AGENT_CENTRAL_URL gives them). Each is
// trimmed of spaces; an empty one stays, for validate to name.
func (c Central) Addresses() []string {
	list := c.URLs
	if len(list) == 0 {
		if strings.TrimSpace(c.URL) == "" {
			return nil
		}
		list = strings.Split(c.URL, ",")
	}
	out := make([]string, len(list))
	for i, u := range list {
		out[i] = strings.TrimSpace(u)
	}
	return out
}

// validate checks the central's addresses: one of central.url and
// central.urls, each an http(s) address, none listed twice.
func (c Central) validate() []footprint.FieldError {
	var errs []footprint.FieldError
	add := func(path, value, format string, args ...any) {
		errs = append(errs, footprint.FieldError{Path: path, Value: value, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case strings.TrimSpace(c.URL) == "" && len(c.URLs) == 0:
		add("central.url", "", "missing: the central service's address, e.g. https://greenhelp.example.org; several centrals on one database: central.urls, a list (or GREENHELP_AGENT_CENTRAL_URL, comma-separated)")
		return errs
	case strings.TrimSpace(c.URL) != "" && len(c.URLs) > 0:
		add("central.urls", strings.Join(c.URLs, ", "), "central.url is set too (%q): give one address in central.url or the list in central.urls, not both", c.URL)
		return errs
	}
	addrs := c.Addresses()
	seen := map[string]int{}
	for i, a := range addrs {
		path, hint := "central.url", ""
		if len(c.URLs) > 0 {
			path = fmt.Sprintf("central.urls[%d]", i)
		} else if len(addrs) > 1 {
			hint = fmt.Sprintf(" (address %d of the comma-separated list)", i+1)
		}
		if a == "" {
			add(path, "", "empty: want an http:// or https:// address%s", hint)
			continue
		}
		if strings.Contains(a, ",") {
			add(path, a, "several addresses in one item: list each on its own (urls: [%s])", strings.Join(strings.Split(a, ","), ", "))
			continue
		}
		if u, err := url.Parse(a); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add(path, a, "want an http:// or https:// address%s", hint)
			continue
		}
		key := strings.ToLower(strings.TrimRight(a, "/"))
		if j, dup := seen[key]; dup {
			twice := fmt.Sprintf("address %d", j+1)
			if len(c.URLs) > 0 {
				twice = fmt.Sprintf("central.urls[%d]", j)
			}
			add(path, a, "the same central as %s%s: list each central once", twice, hint)
			continue
		}
		seen[key] = i
	}
	return errs
}
