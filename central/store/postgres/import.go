package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/footprint"
)

// Source is a store copied into PostgreSQL (greenhelp migrate): its
// records through store.Store — the SQLite file's or InfluxDB's — and its
// catalog and rollups as the rows of its SQLite tables (store/sqlite's
// Rows).
type Source interface {
	store.Store
	Rows(ctx context.Context, table string, cols []string, fn func(row []any) error) error
}

// kind of a copied column: how a SQLite value becomes this schema's.
type colKind uint8

const (
	text     colKind = iota
	day              // 'YYYY-MM-DD' → date
	dayOpt           // 'YYYY-MM-DD' or '' (none) → date or NULL
	stamp            // RFC 3339 text → timestamptz ('' → the zero time, as store/sqlite reads it)
	stampOpt         // RFC 3339 text or '' (none) → timestamptz or NULL
	integer
	real
)

type column struct {
	from, to string
	kind     colKind
}

type table struct {
	name string
	cols []column
}

func cols(kind colKind, names ...string) []column {
	out := make([]column, len(names))
	for i, n := range names {
		out[i] = column{n, n, kind}
	}
	return out
}

func join(parts ...[]column) []column {
	var out []column
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// copied are the tables Import copies, parents first (the foreign keys),
// each column with its SQLite name and kind. The records (activities)
// are read through store.Store instead: they may be in InfluxDB.
var copied = []table{
	{"sites", join(cols(text, "id", "name", "country"), cols(stamp, "created_at"), cols(text, "token_hash"), cols(dayOpt, "closed_on"))},
	{"site_versions", join(cols(text, "site"), cols(day, "effective_from"), cols(stamp, "received_at"), cols(text, "hash", "declaration"))},
	{"batches", join(cols(text, "site", "id"), cols(stamp, "received_at"), cols(integer, "count"), cols(text, "sha256"))},
	{"profile_overrides", join(cols(text, "site", "profile", "reason"), cols(stamp, "set_at"))},
	{"offsets", join(cols(integer, "id", "year"), cols(real, "t"), cols(text, "registry", "project"), cols(integer, "vintage"))},
	{"closed_years", join(cols(integer, "year"), cols(stamp, "closed_at"), cols(text, "input_digest", "factor_set", "gwp_set", "figures"))},
	{"site_events", join(cols(text, "site", "kind"), []column{{"on_day", "on_day", day}}, cols(text, "note"), cols(stamp, "recorded_at"))},
	{"rollup_months", join(cols(text, "site", "kind", "item", "source", "attrs", "unit", "quality"), cols(day, "month"), cols(real, "quantity"), cols(integer, "records", "days"))},
	{"rollup_spans", join(cols(text, "site", "kind", "item"), []column{{"start", "start_day", day}, {"end", "end_day", day}},
		cols(text, "source", "attrs"), cols(real, "quantity"), cols(text, "unit", "quality"))},
	{"api_tokens", join(cols(text, "id", "token_hash", "role", "sites", "note", "created_by"), cols(stamp, "created_at"), cols(stampOpt, "revoked_at"))},
	{"audit_log", join(cols(integer, "id"), cols(stamp, "at"), cols(text, "actor", "via", "action", "target", "detail"))},
}

// Imported counts what Import copied, by table.
type Imported map[string]int

// Import copies src into this database, all or nothing, in one
// transaction: the catalog as it is (tokens, batch log, declarations,
// events, overrides, offsets with their ids, closed years, API tokens and
// the audit log), every record,
// and the rollups as src keeps them (not recomputed: the views read the
// same numbers before and after). The database must hold no site yet.
func (s *Store) Import(ctx context.Context, src Source) (Imported, error) {
	n := Imported{}
	err := s.inTx(ctx, "import", func(tx pgx.Tx) error {
		var sites int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM sites`).Scan(&sites); err != nil {
			return classify("import", err)
		}
		if sites > 0 {
			return fmt.Errorf("%w: import: the database %s already holds %d site(s): copy into an empty database", store.ErrPermanent, s.dsn, sites)
		}
		for _, t := range copied {
			rows, err := readTable(ctx, src, t)
			if err != nil {
				return err
			}
			to := make([]string, len(t.cols))
			for i, c := range t.cols {
				to[i] = c.to
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, to, pgx.CopyFromRows(rows)); err != nil {
				return classify("import "+t.name, err)
			}
			n[t.name] = len(rows)
			if t.name == "sites" {
				if n["activities"], err = copyRecords(ctx, tx, src); err != nil {
					return err
				}
			}
		}
		for _, t := range []string{"offsets", "audit_log"} {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), max(id)) FROM `+t+` HAVING count(*) > 0`); err != nil {
				return classify("import "+t, err)
			}
		}
		built, err := src.RollupsBuilt(ctx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE store_state SET rollups_built = $1`, built)
		return classify("import", err)
	})
	return n, s.changed(ctx, err)
}

// readTable reads t from src, each value converted to this schema's type;
// a value that does not convert is an error naming the table, the row,
// the column and the value.
func readTable(ctx context.Context, src Source, t table) ([][]any, error) {
	from := make([]string, len(t.cols))
	for i, c := range t.cols {
		from[i] = c.from
	}
	var out [][]any
	err := src.Rows(ctx, t.name, from, func(row []any) error {
		conv := make([]any, len(row))
		for i, v := range row {
			var err error
			if conv[i], err = convert(v, t.cols[i].kind); err != nil {
				return fmt.Errorf("%w: import: %s row %d, %s = %v: %w", store.ErrPermanent, t.name, len(out)+1, t.cols[i].from, v, err)
			}
		}
		out = append(out, conv)
		return nil
	})
	return out, err
}

func convert(v any, k colKind) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch k {
	case text:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case day, dayOpt:
		s, ok := v.(string)
		if !ok {
			break
		}
		if s == "" && k == dayOpt {
			return nil, nil
		}
		d, err := footprint.ParseDate(s)
		if err != nil {
			return nil, fmt.Errorf("want a date YYYY-MM-DD")
		}
		return dayOf(d), nil
	case stamp, stampOpt:
		s, ok := v.(string)
		if !ok {
			break
		}
		if s == "" && k == stampOpt {
			return nil, nil
		}
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("want an RFC 3339 time")
		}
		return t, nil
	case integer:
		if i, ok := v.(int64); ok {
			return i, nil
		}
	case real:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	}
	return nil, fmt.Errorf("a %T where the column wants another type", v)
}

// copyRecords copies every record of every site of src, site by site.
func copyRecords(ctx context.Context, tx pgx.Tx, src Source) (int, error) {
	sites, err := src.Sites(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range sites {
		recs, err := src.Read(ctx, store.Query{Sites: []string{st.ID}})
		if err != nil {
			return n, err
		}
		rows := make([][]any, len(recs))
		for i, r := range recs {
			rows[i] = []any{r.Site, string(r.Kind), r.Item, dayOf(r.Start), dayOf(r.End), r.Source, footprint.FormatAttrs(r.Attrs),
				r.Quantity, string(r.Unit), string(r.Quality)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"activities"}, []string{"site", "kind", "item", "start_day", "end_day", "source", "attrs", "quantity", "unit", "quality"},
			pgx.CopyFromRows(rows)); err != nil {
			return n, classify("import records of "+st.ID, err)
		}
		n += len(recs)
	}
	return n, nil
}
