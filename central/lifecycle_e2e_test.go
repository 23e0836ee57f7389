//go:build !windows

package central_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/footprint/declaration"
	"github.com/greenhelp/greenhelp/footprint/ghg"
)

func dailyKWh(from, to footprint.Date, kwh float64) []footprint.Activity {
	var acts []footprint.Activity
	for d := from; d.Before(to); d = d.AddDays(1) {
		acts = append(acts, footprint.Activity{Kind: footprint.KindElectricity, Item: "grid", Start: d, End: d.AddDays(1),
			Quantity: kwh, Unit: footprint.UnitKWh, Source: "meter", Quality: footprint.QualityMeasured})
	}
	return acts
}

func gridQuantity(inv *ghg.Inventory) float64 {
	q := 0.0
	for _, l := range inv.Lines {
		if l.Kind == string(footprint.KindElectricity) && l.Item == "grid" && l.Scope == ghg.Scope2Location {
			q += l.Quantity
		}
	}
	return q
}

// The operator's commands on the real binaries beside a running central:
// `sites add` run from another folder without --data is refused with the
// fix named (and creates nothing); a site closed mid-year counts until
// its closing day; a site still sending but only old records is flagged
// silent in `sites list` and /metrics; the export's notes say so.
func TestSiteLifecycleOnTheRealBinaries(t *testing.T) {
	s := startServer(t)
	elsewhere := t.TempDir()
	cmd := exec.Command(s.bin, "sites", "add", "--id", "fr-x", "--name", "X", "--country", "FR")
	cmd.Dir = elsewhere
	cmd.Env = append(os.Environ(), "GREENHELP_DATA=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, string(out))
	assert.Contains(t, string(out), "no greenhelp store in "+filepath.Join(elsewhere, "greenhelp-data"))
	assert.Contains(t, string(out), "give --data the central's data directory")
	assert.Contains(t, string(out), "--init")
	_, statErr := os.Stat(filepath.Join(elsewhere, "greenhelp-data"))
	assert.True(t, os.IsNotExist(statErr), "nothing was created")

	tokens := map[string]string{}
	for _, id := range []string{"fr-lyon", "fr-lille", "gr-ath"} {
		tokens[id] = s.addSite(t, id, strings.ToUpper(id), strings.ToUpper(id[:2]))
	}
	send := func(id string, from, to footprint.Date) {
		site := declaration.Site{ID: id, Name: strings.ToUpper(id), Country: strings.ToUpper(id[:2]), Timezone: "UTC", Seats: 100}
		code, doc := s.post(t, id, tokens[id], batch{ID: "b-" + id, Site: &site, Activities: dailyKWh(from, to, 100)})
		require.Equal(t, 200, code, doc)
	}
	send("fr-lyon", footprint.NewDate(2024, 1, 1), footprint.NewDate(2025, 7, 1))
	send("fr-lille", footprint.NewDate(2024, 1, 1), footprint.NewDate(2025, 7, 1))
	send("gr-ath", footprint.NewDate(2022, 1, 1), footprint.NewDate(2023, 1, 1))

	out2 := s.run(t, "sites", "close", "--id", "fr-lille", "--on", "2024-07-15")
	assert.Contains(t, out2, "site fr-lille closed on 2024-07-15: counted until 2024-07-14")
	var inv ghg.Inventory
	require.NoError(t, json.Unmarshal([]byte(s.run(t, "report", "--year", "2024", "--site", "fr-lille", "--format", "json")), &inv))
	assert.InDelta(t, 19600, gridQuantity(&inv), 1e-9)

	var sts []central.SiteStatus
	require.NoError(t, json.Unmarshal([]byte(s.run(t, "sites", "list", "--format", "json")), &sts))
	got := map[string]central.SiteStatus{}
	for _, st := range sts {
		got[st.ID] = st
	}
	assert.Equal(t, central.StatusOpen, got["fr-lyon"].Status)
	assert.Equal(t, footprint.NewDate(2025, 6, 30), got["fr-lyon"].NewestDay)
	assert.Equal(t, int64(547), got["fr-lyon"].Records)
	assert.Equal(t, central.StatusClosed, got["fr-lille"].Status)
	assert.Equal(t, central.StatusSilent, got["gr-ath"].Status)
	assert.Contains(t, got["gr-ath"].Why, "newest record 2022-12-31, 912 days behind the group's newest (2025-06-30")
	table := s.run(t, "sites", "list")
	assert.Regexp(t, `gr-ath\s+GR-ATH\s+GR\s+silent\s+`, table)

	// report on a year the site has nothing for: why, not a row of zeros.
	rep := exec.Command(s.bin, "report", "--year", "2025", "--site", "gr-ath", "--data", s.data)
	out3, err := rep.CombinedOutput()
	require.Error(t, err, string(out3))
	assert.Contains(t, string(out3), "site gr-ath has no records counted in 2025 (silent: newest record 2022-12-31")

	metrics := string(s.get(t, "/metrics"))
	assert.Contains(t, metrics, `greenhelp_site_silent{site="gr-ath"} 1`)
	assert.Contains(t, metrics, `greenhelp_site_closed{site="fr-lille"} 1`)

	outFile := filepath.Join(t.TempDir(), "esg.json")
	s.run(t, "export", "--year", "2025", "--format", "json", "--out", outFile)
	raw, err := os.ReadFile(outFile)
	require.NoError(t, err)
	// Silent, not gone: estimated from its 2022 for as far as the group's
	// 2025 goes (to 30 June: 181 days).
	assert.Contains(t, string(raw), "GR-ATH (gr-ath): estimated in 2025: no records for 2025-01-01–2025-06-30 (181 days): estimated at its 2022 inventory × 181/365")
	assert.Contains(t, string(raw), "FR-LILLE (fr-lille): closed on 2024-07-15, not counted in 2025")
	assert.Contains(t, string(raw), "FR-LYON (fr-lyon): records only until 2025-06-30: 2025 is partial")
}
