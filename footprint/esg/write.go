package esg

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/greenhelp/greenhelp/internal/csvsafe"
)

// Formats the export writes.
var Formats = []string{"xlsx", "csv", "json"}

// Manifest is written beside the export: what made it, when, and the
// sha256 of every data file.
type Manifest struct {
	Version     string            `json:"greenhelp_version"`
	GeneratedAt string            `json:"generated_at"`
	Year        int               `json:"year"`
	FactorSet   string            `json:"factor_set"`
	InputDigest string            `json:"input_digest"`
	Files       map[string]string `json:"files_sha256"`
}

// Export writes d in format to out (a file for xlsx and json, a folder for
// csv) and its manifest (out.manifest.json, or manifest.json in the csv
// folder). Everything is written under temporary names and renamed into
// place at the end: a failure leaves no partial export behind.
func Export(d Dataset, format, out string, now time.Time) (Manifest, error) {
	m := Manifest{Version: d.Version, GeneratedAt: now.UTC().Format(time.RFC3339), Year: d.Year, FactorSet: d.FactorSet,
		InputDigest: d.InputDigest, Files: map[string]string{}}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, fmt.Errorf("--out %s: %w", out, err)
	}
	staging, err := os.MkdirTemp(dir, ".greenhelp-export-*")
	if err != nil {
		return m, fmt.Errorf("--out %s: cannot write there: %w", out, err)
	}
	defer os.RemoveAll(staging)
	files := map[string][]byte{}
	switch format {
	case "json":
		b, err := d.JSON()
		if err != nil {
			return m, err
		}
		files[filepath.Base(out)] = b
	case "csv":
		for _, tb := range d.Tables() {
			b, err := tableCSV(tb)
			if err != nil {
				return m, err
			}
			files[tb.Name+".csv"] = b
		}
	case "xlsx":
		b, err := d.XLSX()
		if err != nil {
			return m, err
		}
		files[filepath.Base(out)] = b
	default:
		return m, fmt.Errorf("--format %q: want xlsx, csv or json", format)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sum := sha256.Sum256(files[n])
		m.Files[n] = hex.EncodeToString(sum[:])
		if err := os.WriteFile(filepath.Join(staging, n), files[n], 0o644); err != nil {
			return m, fmt.Errorf("write %s: %w", n, err)
		}
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	if format == "csv" {
		if err := os.WriteFile(filepath.Join(staging, "manifest.json"), append(mb, '\n'), 0o644); err != nil {
			return m, err
		}
		if err := os.RemoveAll(out); err != nil {
			return m, fmt.Errorf("--out %s: %w", out, err)
		}
		if err := os.Rename(staging, out); err != nil {
			return m, fmt.Errorf("--out %s: %w", out, err)
		}
		return m, nil
	}
	if err := os.WriteFile(filepath.Join(staging, "manifest.json"), append(mb, '\n'), 0o644); err != nil {
		return m, err
	}
	if err := os.Rename(filepath.Join(staging, filepath.Base(out)), out); err != nil {
		return m, fmt.Errorf("--out %s: %w", out, err)
	}
	if err := os.Rename(filepath.Join(staging, "manifest.json"), out+".manifest.json"); err != nil {
		return m, fmt.Errorf("--out %s: %w", out, err)
	}
	return m, nil
}

// cell writes one CSV cell: numbers as numbers, text guarded against
// being read as a formula (a site named =HYPERLINK(…) stays text in a
// spreadsheet; csvsafe).
func cell(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case string:
		return csvsafe.Text(x)
	}
	return csvsafe.Text(fmt.Sprint(v))
}

func tableCSV(tb Table) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(tb.Head); err != nil {
		return nil, err
	}
	for _, r := range tb.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = cell(v)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// JSON renders the export as one document: "summary" keyed by ESRS E1-6
// datapoint, then one key per section, in the export's order.
func (d Dataset) JSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{\n")
	fmt.Fprintf(&buf, "  \"year\": %d,\n  \"summary\": {", d.Year)
	for i, p := range d.Summary() {
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&buf, "%s\n    %q: %s", sep, p.Name, b)
	}
	buf.WriteString("\n  }")
	for _, tb := range d.Tables()[1:] {
		fmt.Fprintf(&buf, ",\n  %q: [", tb.Name)
		for i, r := range tb.Rows {
			var obj bytes.Buffer
			obj.WriteString("{")
			for j, h := range tb.Head {
				if j > 0 {
					obj.WriteString(", ")
				}
				kb, _ := json.Marshal(h)
				vb, err := json.Marshal(r[j])
				if err != nil {
					return nil, fmt.Errorf("%s: %w", tb.Name, err)
				}
				obj.Write(kb)
				obj.WriteString(": ")
				obj.Write(vb)
			}
			obj.WriteString("}")
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(&buf, "%s\n    %s", sep, obj.String())
		}
		buf.WriteString("\n  ]")
	}
	buf.WriteString("\n}\n")
	return buf.Bytes(), nil
}

// fixedTime makes the XLSX's document properties deterministic: the last
// day of the reporting year, not the generation time.
func (d Dataset) fixedTime() string {
	return fmt.Sprintf("%d-12-31T00:00:00Z", d.Year)
}

// XLSX renders one sheet per section, in order, with bold frozen headers
// and numbers stored as numbers. Text is stored as string cells (shared
// strings), never as formulas, whatever it starts with.
func (d Dataset) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DCE9E2"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	for i, tb := range d.Tables() {
		sheet := tb.Name
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return nil, err
		}
		// Plain (not streamed) sheets: excelize zips streamed sheets in map
		// order, which would make two identical exports differ.
		width := 16.0
		if tb.Name == "methodology" {
			width = 60
		}
		last, _ := excelize.ColumnNumberToName(len(tb.Head))
		if err := f.SetColWidth(sheet, "A", last, width); err != nil {
			return nil, err
		}
		head := make([]any, len(tb.Head))
		for j, h := range tb.Head {
			head[j] = h
		}
		if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(sheet, "A1", last+"1", bold); err != nil {
			return nil, err
		}
		if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		for r, row := range tb.Rows {
			axis, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := f.SetSheetRow(sheet, axis, &row); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "greenhelp " + d.Version, Title: fmt.Sprintf("GHG inventory %d", d.Year),
		Created: d.fixedTime(), Modified: d.fixedTime(), LastModifiedBy: "greenhelp"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
