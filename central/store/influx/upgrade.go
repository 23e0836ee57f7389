package influx

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
	"github.com/greenhelp/greenhelp/footprint"
)

// Open opens the store of data directory dir whose records are in the
// InfluxDB cfg names: the catalog and the rollups in dir's SQLite file
// (sqlite.OpenWith, with o), the records in InfluxDB. Points written in an
// older format are rewritten once (upgrade); a store opened read-only
// that needs it is refused, with what to do.
func Open(ctx context.Context, dir string, o sqlite.Options, cfg store.InfluxConfig, log *slog.Logger) (*sqlite.Store, error) {
	cat, err := sqlite.OpenWith(dir, o)
	if err != nil {
		return nil, err
	}
	ix, err := OpenSeries(ctx, cfg)
	if err != nil {
		cat.Close()
		return nil, err
	}
	st := cat.WithSeries(ix)
	if err := upgrade(ctx, st, ix, o.ReadOnly, log); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// upgrade rewrites, once, the points of the series written in format 1
// (see Series): the records read are the same before and after, so the
// rollups stand. The format reached is kept in the catalog.
func upgrade(ctx context.Context, st *sqlite.Store, ix *Series, readOnly bool, log *slog.Logger) error {
	f, err := st.SeriesFormat(ctx)
	if err != nil || f >= Format {
		return err
	}
	if readOnly {
		return fmt.Errorf("the InfluxDB points are in format %d, this greenhelp reads format %d: opened read-only, they are not upgraded (the central serving the store upgrades them when it starts)", f, Format)
	}
	sites, err := st.Sites(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, len(sites))
	for i, s := range sites {
		ids[i] = s.ID
	}
	moved, dropped, err := ix.UpgradeFormat(ctx, ids)
	if err != nil {
		return fmt.Errorf("upgrading the InfluxDB points to format %d: %w", Format, err)
	}
	if moved > 0 {
		if dropped {
			log.Info("influxdb points upgraded", "points", moved, "format", Format)
		} else {
			log.Warn("influxdb points upgraded; the old series could not be dropped on this server (they are shadowed, never counted twice): drop the series tagged \"end\" to reclaim their space", "points", moved, "format", Format)
		}
	}
	return st.SetSeriesFormat(ctx, Format)
}

// Format is the format Series writes.
const Format = 2

// UpgradeFormat rewrites the format-1 points of sites (tagged with their
// end date) as format-2 points, site by site, and then drops the format-1
// series where the server allows it (InfluxDB 1.x, through InfluxQL's DROP
// SERIES): it returns the points rewritten and whether the old series are
// gone. Until they are, Read lets the rewritten points shadow them, so no
// record counts twice at any step, and running it again is harmless.
func (s *Series) UpgradeFormat(ctx context.Context, sites []string) (moved int, dropped bool, err error) {
	from, stop := time.Unix(0, 0).UTC(), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, site := range sites {
		// Both formats are read, so that a format-1 point shadowed by a
		// format-2 point (a correction sent since) is not written back.
		pts, err := s.points(ctx, s.flux(from, stop, nil, []string{site}, ""), nil)
		if err != nil {
			return moved, false, fmt.Errorf("upgrading the points of %s: %w", site, err)
		}
		var acts []footprint.Activity
		for _, p := range pts {
			if p.format1 {
				acts = append(acts, p.Activity)
			}
		}
		if len(acts) == 0 {
			continue
		}
		if err := s.Write(ctx, site, acts); err != nil {
			return moved, false, fmt.Errorf("upgrading the points of %s: %w", site, err)
		}
		moved += len(acts)
	}
	// Dropped even when nothing was rewritten: shadowed points may remain.
	return moved, s.dropFormat1(ctx) == nil, nil
}

// dropFormat1 drops the series tagged with an end date, on InfluxDB 1.x
// (the bucket is "database/retention-policy").
func (s *Series) dropFormat1(ctx context.Context) error {
	db, _, _ := strings.Cut(s.cfg.Bucket, "/")
	measurements := kindNames()
	for i, k := range measurements {
		measurements[i] = strconv.Quote(k)
	}
	q := url.Values{"db": {db}, "q": {`DROP SERIES FROM ` + strings.Join(measurements, ",") + ` WHERE "end" =~ /.+/`}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(s.cfg.URL, "/")+"/query", strings.NewReader(q.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user, pass, ok := strings.Cut(s.cfg.Token, ":"); ok {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	// 1.x answers 200 with {"results":[{"statement_id":0}]}, or an error
	// inside the results; 2.x has no /query DROP.
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), `"error"`) {
		return fmt.Errorf("influxdb DROP SERIES: %s: %s", resp.Status, body)
	}
	return nil
}
