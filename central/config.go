// Package central is greenhelp's central service: it authenticates site
// agents, ingests their batches all-or-nothing and idempotently, keeps
// every site's history, and answers the inventory, trajectory and profile
// questions of the CTO and the ESG team.
package central

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/ghg"
	"github.com/greenhelp/greenhelp/footprint/planning"
	"github.com/greenhelp/greenhelp/internal/config"
)

// Config is central.yaml. Precedence: flags, then GREENHELP_* environment
// variables (GREENHELP_ADDR, GREENHELP_DATA, GREENHELP_STORE_BACKEND …),
// then the file, then the defaults.
type Config struct {
	Addr         string     `mapstructure:"addr"`
	Data         string     `mapstructure:"data"`
	Store        StoreConf  `mapstructure:"store"`
	TLS          TLSConf    `mapstructure:"tls"`
	Viewer       ViewerConf `mapstructure:"viewer"`
	Trajectory   TrajConf   `mapstructure:"trajectory"`
	ProfilesFile string     `mapstructure:"profiles_file"`
	// OverridesFile pins sites to profiles: a YAML list of {site, profile, reason}.
	OverridesFile string        `mapstructure:"overrides_file"`
	FactorsFile   string        `mapstructure:"factors_file"`
	Limits        LimitsConf    `mapstructure:"limits"`
	ESG           ESGConf       `mapstructure:"esg"`
	Inventory     InventoryConf `mapstructure:"inventory"`
	Sites         SitesConf     `mapstructure:"sites"`
	Admin         AdminConf     `mapstructure:"admin"`
	Auth          AuthConf      `mapstructure:"auth"`
}

// InventoryConf holds the calculation's methodological choices.
type InventoryConf struct {
	// GWP is the set of global warming potentials: AR6 (default) or AR5.
	// A change applies to every year (a methodology change restates them).
	GWP string `mapstructure:"gwp"`
}

// ESGConf holds what the ESG export needs beyond the data.
type ESGConf struct {
	// Revenue is the group's net revenue per year, for the intensity.
	Revenue []RevenueConf `mapstructure:"revenue"`
	// ETSShare is the share of Scope 1 emitted by installations under a
	// regulated emissions trading scheme (EU ETS …), 0 unless declared:
	// contact-centre boilers and gensets are far below the thresholds.
	ETSShare float64 `mapstructure:"ets_share"`
}

// RevenueConf is one year's net revenue.
type RevenueConf struct {
	Year     int     `mapstructure:"year"`
	Amount   float64 `mapstructure:"amount"`
	Currency string  `mapstructure:"currency"`
}

// StoreConf chooses the backend: sqlite (the default: one file in the
// data directory), influxdb (the records in InfluxDB, the catalog in the
// SQLite file) or postgres (everything in one PostgreSQL database, which
// several centrals may share).
type StoreConf struct {
	Backend  string             `mapstructure:"backend"`
	InfluxDB store.InfluxConfig `mapstructure:"influxdb"`
	// DSN is the PostgreSQL database of backend postgres, as libpq reads
	// it: postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=verify-full,
	// or host=… dbname=… settings (env GREENHELP_STORE_DSN; PG*
	// variables fill what it leaves out). It holds the password: never
	// printed.
	DSN string `mapstructure:"dsn"`
}

// TLSConf enables HTTPS when both files are set.
type TLSConf struct {
	Cert string `mapstructure:"cert"`
	Key  string `mapstructure:"key"`
}

// ViewerConf protects pages and read endpoints with HTTP basic auth when set.
type ViewerConf struct {
	User     string `mapstructure:"user"`
	Password string `mapstructure:"password"`
	// ProtectMetrics puts /metrics behind the same credentials (a
	// Prometheus scrape then sets basic_auth). /healthz stays open.
	ProtectMetrics bool `mapstructure:"protect_metrics"`
}

// AdminConf enables the admin API (central/api/admin.go).
type AdminConf struct {
	// Token is the operators' bearer token (at least 32 characters);
	// empty: the admin API is off.
	Token string `mapstructure:"token"`
}

// SitesConf says when a site that stopped sending is flagged silent.
type SitesConf struct {
	// SilentAfterDays: no batch received for this many days (an agent
	// sends at least daily).
	SilentAfterDays int `mapstructure:"silent_after_days"`
	// BehindAfterDays: its newest record this many days behind the
	// group's newest (batches may still arrive, with old data only).
	BehindAfterDays int `mapstructure:"behind_after_days"`
}

// TrajConf is the group's reduction trajectory.
type TrajConf struct {
	Rate float64 `mapstructure:"rate"`
	Mode string  `mapstructure:"mode"`
	// RecalculationThreshold is the base-year recalculation policy's
	// significance threshold: structural changes (sites in and out)
	// whose base-year emissions reach this share of the group's base
	// restate it (default 5 %).
	RecalculationThreshold float64 `mapstructure:"recalculation_threshold"`
}

// LimitsConf bounds what one request may carry and how long a connection
// may hold the server.
type LimitsConf struct {
	MaxBody  config.ByteSize `mapstructure:"max_body"`
	MaxBatch int             `mapstructure:"max_batch"`
	// ReadTimeout bounds reading a whole request, body included (a body
	// trickled at 1 byte/s is cut off); WriteTimeout bounds producing an
	// answer; IdleTimeout closes kept-alive connections left idle.
	ReadHeaderTimeout time.Duration   `mapstructure:"read_header_timeout"`
	ReadTimeout       time.Duration   `mapstructure:"read_timeout"`
	WriteTimeout      time.Duration   `mapstructure:"write_timeout"`
	IdleTimeout       time.Duration   `mapstructure:"idle_timeout"`
	MaxHeaderBytes    config.ByteSize `mapstructure:"max_header_bytes"`
}

// Defaults.
const (
	DefaultAddr     = "127.0.0.1:8080"
	DefaultData     = "./greenhelp-data"
	DefaultMaxBody  = config.ByteSize(32 << 20)
	DefaultMaxBatch = 50000
)

var defaults = map[string]any{
	"addr": DefaultAddr, "data": DefaultData, "store.backend": "sqlite",
	"trajectory.rate": planning.DefaultRate, "trajectory.mode": planning.ModeCompound,
	"trajectory.recalculation_threshold": planning.DefaultRecalculationThreshold, "inventory.gwp": ghg.GWPAR6,
	"limits.max_body": "32MiB", "limits.max_batch": DefaultMaxBatch,
	"limits.read_header_timeout": "10s", "limits.read_timeout": "2m", "limits.write_timeout": "5m",
	"limits.idle_timeout": "2m", "limits.max_header_bytes": "64KiB",
	"sites.silent_after_days": 14, "sites.behind_after_days": 92,
	"auth.oidc.roles_claim": "groups", "auth.oidc.session_lifetime": "8h",
}

// envKeys are the keys bound to GREENHELP_<KEY> (dots become underscores).
var envKeys = []string{"addr", "data", "store.backend", "store.dsn", "store.influxdb.url", "store.influxdb.token", "store.influxdb.org",
	"store.influxdb.bucket", "tls.cert", "tls.key", "viewer.user", "viewer.password", "trajectory.rate", "trajectory.mode",
	"profiles_file", "overrides_file", "factors_file", "limits.max_body", "limits.max_batch",
	"viewer.protect_metrics", "limits.read_header_timeout", "limits.read_timeout", "limits.write_timeout", "limits.idle_timeout",
	"limits.max_header_bytes", "inventory.gwp", "trajectory.recalculation_threshold", "esg.ets_share",
	"sites.silent_after_days", "sites.behind_after_days", "admin.token",
	"auth.oidc.issuer", "auth.oidc.client_id", "auth.oidc.client_secret", "auth.oidc.redirect_url", "auth.session_key"}

// LoadConfig reads the optional file, the environment and the flags
// (those named like keys: addr, data).
func LoadConfig(path string, flags *pflag.FlagSet) (*Config, error) {
	v := viper.New()
	for k, d := range defaults {
		v.SetDefault(k, d)
	}
	source := "configuration"
	if path != "" {
		fv, err := config.Read(path)
		if err != nil {
			return nil, err
		}
		var probe Config
		if err := config.Decode(fv, "", &probe, path); err != nil {
			return nil, err // unknown keys and bad types in the file
		}
		if err := v.MergeConfigMap(fv.AllSettings()); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		source = path
	}
	for _, k := range envKeys {
		_ = v.BindEnv(k, "GREENHELP_"+strings.ToUpper(strings.ReplaceAll(k, ".", "_")))
	}
	if flags != nil {
		for _, name := range []string{"addr", "data"} {
			if f := flags.Lookup(name); f != nil {
				_ = v.BindPFlag(name, f)
			}
		}
	}
	var c Config
	if err := config.Decode(v, "", &c, source); err != nil {
		return nil, err
	}
	if err := c.Validate(source); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks every key at once.
func (c *Config) Validate(source string) error {
	var errs []footprint.FieldError
	add := func(path, value, format string, args ...any) {
		errs = append(errs, footprint.FieldError{Path: path, Value: value, Message: fmt.Sprintf(format, args...)})
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		add("addr", c.Addr, "want HOST:PORT, e.g. 127.0.0.1:8080")
	}
	if c.Data == "" {
		add("data", "", "missing: the data directory")
	}
	switch c.Store.Backend {
	case "sqlite":
	case "influxdb":
		if c.Store.InfluxDB.URL == "" {
			add("store.influxdb.url", "", "missing: e.g. http://127.0.0.1:8086")
		}
		if c.Store.InfluxDB.Bucket == "" {
			add("store.influxdb.bucket", "", "missing: the 2.x bucket, or database/retention-policy for 1.8 (greenhelp/autogen)")
		}
	case "postgres":
		if c.Store.DSN == "" {
			add("store.dsn", "", "missing: the PostgreSQL database, e.g. postgres://greenhelp:PASSWORD@db.example:5432/greenhelp?sslmode=verify-full (or env GREENHELP_STORE_DSN)")
		}
	default:
		add("store.backend", c.Store.Backend, `want "sqlite", "influxdb" or "postgres"`)
	}
	if c.Store.DSN != "" && c.Store.Backend != "postgres" {
		add("store.dsn", "(set)", "only for store.backend postgres (the backend is %q)", c.Store.Backend)
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		add("tls", "", "give both cert and key, or neither")
	}
	if (c.Viewer.User == "") != (c.Viewer.Password == "") {
		add("viewer", "", "give both user and password, or neither")
	}
	if err := (planning.Method{Mode: c.Trajectory.Mode, Rate: c.Trajectory.Rate}).Validate(); err != nil {
		add("trajectory", "", "%v", err)
	}
	if th := c.Trajectory.RecalculationThreshold; !(th >= 0 && th < 1) {
		add("trajectory.recalculation_threshold", fmt.Sprint(th), "want a share between 0 and 1 (5 %% is 0.05)")
	}
	if err := ghg.ValidateGWP(c.Inventory.GWP); err != nil {
		add("inventory.gwp", c.Inventory.GWP, "want AR6 (default) or AR5")
	}
	if s := c.ESG.ETSShare; !(s >= 0 && s <= 1) {
		add("esg.ets_share", fmt.Sprint(s), "want a share between 0 and 1")
	}
	if c.Limits.MaxBody < 1<<20 {
		add("limits.max_body", c.Limits.MaxBody.String(), "want at least 1MiB")
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"limits.read_header_timeout", c.Limits.ReadHeaderTimeout}, {"limits.read_timeout", c.Limits.ReadTimeout},
		{"limits.write_timeout", c.Limits.WriteTimeout}, {"limits.idle_timeout", c.Limits.IdleTimeout}} {
		if d.v <= 0 {
			add(d.key, d.v.String(), "want a positive duration such as 30s or 2m")
		}
	}
	if c.Limits.MaxHeaderBytes < 4<<10 {
		add("limits.max_header_bytes", c.Limits.MaxHeaderBytes.String(), "want at least 4KiB")
	}
	if c.Viewer.ProtectMetrics && c.Viewer.User == "" {
		add("viewer.protect_metrics", "true", "needs viewer.user and viewer.password")
	}
	if t := c.Admin.Token; t != "" && len(t) < 32 {
		add("admin.token", "(hidden)", "%d characters: want at least 32 (e.g. openssl rand -hex 32)", len(t))
	} else if t != strings.TrimSpace(t) || strings.ContainsAny(t, " \t\r\n") {
		add("admin.token", "(hidden)", "holds spaces or line ends, which no Authorization header can carry: want the token alone (e.g. openssl rand -hex 32)")
	}
	if c.Sites.SilentAfterDays < 1 {
		add("sites.silent_after_days", fmt.Sprint(c.Sites.SilentAfterDays), "want a number of days ≥ 1 (default 14)")
	}
	if c.Sites.BehindAfterDays < 1 {
		add("sites.behind_after_days", fmt.Sprint(c.Sites.BehindAfterDays), "want a number of days ≥ 1 (default 92)")
	}
	c.Auth.validate(add)
	if c.Store.Backend == "postgres" && c.Auth.Enabled() && c.Auth.SessionKey == "" {
		// Each central would make its own session.key in its own data
		// directory: a session signed by one would be refused by the
		// next behind the load balancer.
		add("auth.session_key", "", "missing: with store.backend postgres, every central on the database checks the sessions the others signed — set the same key (at least 32 characters, e.g. openssl rand -hex 32; or env GREENHELP_AUTH_SESSION_KEY) on each")
	}
	if c.Limits.MaxBatch < 1 {
		add("limits.max_batch", fmt.Sprint(c.Limits.MaxBatch), "want at least 1")
	}
	if len(errs) > 0 {
		return &footprint.ValidationError{Source: source, Errors: errs}
	}
	return nil
}

// String hides secrets.
func (c Config) String() string {
	return fmt.Sprintf("addr %s, data %s, store %s, trajectory %s %.3f, viewer auth %v (metrics too: %v), tls %v, admin API %v, sign-in %s",
		c.Addr, c.Data, c.Store.Backend, c.Trajectory.Mode, c.Trajectory.Rate, c.Viewer.User != "", c.Viewer.ProtectMetrics, c.TLS.Cert != "", c.Admin.Token != "", c.Auth.describe())
}
