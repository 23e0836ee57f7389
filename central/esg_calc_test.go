package central_test

import (
	"context"
	"encoding/csv"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	. "github.com/greenhelp/greenhelp/central"
	"github.com/greenhelp/greenhelp/footprint"
	"github.com/greenhelp/greenhelp/internal/config"
	"github.com/greenhelp/greenhelp/wire"
)

// formulaName is a site name a spreadsheet would run: a link to
// http://x shown as "y".
const formulaName = `=HYPERLINK("http://x","y")`

// formulaService stores the Paris example under the name formulaName, its
// first record's source a formula too (-2+3), as an agent would have sent
// them: names that start like formulas are valid names.
func formulaService(t *testing.T) *Service {
	t.Helper()
	svc := testService(t, nil)
	ctx := context.Background()
	site, err := config.LoadSite(filepath.Join("..", "examples", "paris", "site.yaml"))
	require.NoError(t, err)
	site.Name = formulaName
	require.NoError(t, site.Validate("site"), "a name starting with '=' is a name")
	f, err := os.Open(filepath.Join("..", "examples", "paris", "activities.csv"))
	require.NoError(t, err)
	acts, err := footprint.ReadActivitiesCSV(f, "paris")
	f.Close()
	require.NoError(t, err)
	acts[0].Source = "-2+3"
	_, err = svc.Store.AddSite(ctx, site.ID, site.Name, site.Country)
	require.NoError(t, err)
	svc.Clock = func() time.Time { return time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC) }
	_, err = svc.Ingest(ctx, site.ID, wire.Batch{ID: "paris", Site: &site, Activities: acts})
	require.NoError(t, err)
	return svc
}

// TestAFormulaNamedSiteIsTextInTheExportFiles reads the files back as data:
// the CSV cells are guarded, the xlsx cells are strings, never formulas,
// and numbers stay numbers.
func TestAFormulaNamedSiteIsTextInTheExportFiles(t *testing.T) {
	svc := formulaService(t)
	dir := t.TempDir()
	export(t, svc, "csv", filepath.Join(dir, "csv"))
	export(t, svc, "xlsx", filepath.Join(dir, "ghg.xlsx"))

	tables := tablesFromCSV(t, filepath.Join(dir, "csv"))
	bySite := tables["by_site"]
	require.Len(t, bySite, 2)
	assert.Equal(t, "'"+formulaName, bySite[1][1], "by_site.csv: the name guarded")
	assert.Regexp(t, `^[0-9]`, bySite[1][6], "by_site.csv: scope 1 a plain number")
	var sources []string
	for _, r := range tables["records"][1:] {
		sources = append(sources, r[8])
	}
	assert.Contains(t, sources, "'-2+3", "records.csv: the source guarded")
	assert.Contains(t, sources, "enedis-pdl-1", "records.csv: an ordinary source as it is")
	for name, rows := range tables {
		for i, r := range rows {
			for j, c := range r {
				if strings.HasPrefix(c, "=") || strings.HasPrefix(c, "@") || strings.HasPrefix(c, "+") {
					t.Errorf("%s.csv row %d col %d: %q starts like a formula", name, i, j, c)
				}
			}
		}
	}

	x, err := excelize.OpenFile(filepath.Join(dir, "ghg.xlsx"))
	require.NoError(t, err)
	defer x.Close()
	v, err := x.GetCellValue("by_site", "B2")
	require.NoError(t, err)
	assert.Equal(t, formulaName, v, "xlsx: the name as it is, in a text cell")
	ct, err := x.GetCellType("by_site", "B2")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeSharedString, ct)
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		require.NoError(t, err)
		for i, r := range rows {
			for j := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				fo, err := x.GetCellFormula(sheet, cell)
				require.NoError(t, err)
				assert.Empty(t, fo, "%s!%s holds a formula", sheet, cell)
			}
		}
	}
}

// TestAnExportOfAFormulaNamedSiteOpensAsTextInLibreOffice is the issue's
// test (#25): LibreOffice Calc opens the CSV and xlsx exports of a site
// named =HYPERLINK("http://x","y") and shows the name as text. Beside
// them, the same name written unguarded (CSV) and as a formula (xlsx):
// Calc turns those into the link, so the test can tell.
func TestAnExportOfAFormulaNamedSiteOpensAsTextInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice Calc is not installed (soffice not on PATH): apt-get install -y --no-install-recommends libreoffice-calc (scripts/test.sh installs it as root)")
	}
	svc := formulaService(t)
	dir := t.TempDir()
	export(t, svc, "csv", filepath.Join(dir, "csv"))
	export(t, svc, "xlsx", filepath.Join(dir, "ghg.xlsx"))

	// The controls: what an export without the guard would be.
	raw, err := os.Create(filepath.Join(dir, "unguarded.csv"))
	require.NoError(t, err)
	w := csv.NewWriter(raw)
	require.NoError(t, w.WriteAll([][]string{{"site", "name"}, {"fr-paris", formulaName}}))
	require.NoError(t, raw.Close())
	fx := excelize.NewFile()
	require.NoError(t, fx.SetCellStr("Sheet1", "A1", "name"))
	require.NoError(t, fx.SetCellFormula("Sheet1", "A2", formulaName[1:]))
	require.NoError(t, fx.SaveAs(filepath.Join(dir, "formula.xlsx")))
	require.NoError(t, fx.Close())

	// One conversion of every file to HTML, in a profile of its own (a
	// headless soffice needs a writable home).
	out := filepath.Join(dir, "html")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hung soffice fails the test rather than the suite
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "lo-profile"), "--headless", "--norestore",
		"--convert-to", "html", "--outdir", out,
		filepath.Join(dir, "csv", "by_site.csv"), filepath.Join(dir, "csv", "records.csv"), filepath.Join(dir, "ghg.xlsx"),
		filepath.Join(dir, "unguarded.csv"), filepath.Join(dir, "formula.xlsx"))
	cmd.Env = append(os.Environ(), "HOME="+filepath.Join(dir, "home"))
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "soffice: %s", msg)

	cells := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(out, name+".html"))
		require.NoError(t, err, "soffice wrote no %s.html: %s", name, msg)
		assert.False(t, strings.Contains(string(b), `href="http://x"`), "%s: Calc made the name a link", name)
		return htmlCells(string(b))
	}
	control := func(name string) {
		b, err := os.ReadFile(filepath.Join(out, name+".html"))
		require.NoError(t, err, "soffice wrote no %s.html: %s", name, msg)
		require.True(t, strings.Contains(string(b), `<a href="http://x">y</a>`), "%s: Calc runs the unguarded formula (else this test proves nothing)", name)
	}
	control("unguarded")
	control("formula")

	assert.True(t, slices.Contains(cells("by_site"), "'"+formulaName), "by_site.csv: the name shown as written")
	assert.True(t, slices.Contains(cells("records"), "'-2+3"), "records.csv: the source shown as written")
	xlsx := cells("ghg")
	assert.True(t, slices.Contains(xlsx, formulaName), "ghg.xlsx: the name shown as text")
	assert.False(t, slices.Contains(xlsx, "y"), "ghg.xlsx: the formula's result shown")
}

var tdPattern = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
var tagPattern = regexp.MustCompile(`<[^>]*>`)

// htmlCells returns the text of every table cell of a page Calc wrote.
func htmlCells(page string) []string {
	var out []string
	for _, m := range tdPattern.FindAllStringSubmatch(page, -1) {
		out = append(out, strings.TrimSpace(html.UnescapeString(tagPattern.ReplaceAllString(m[1], ""))))
	}
	return out
}
