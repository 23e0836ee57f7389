package agent

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfig: no site.yaml panics the loader; it loads or says why.
func FuzzConfig(f *testing.F) {
	raw, err := os.ReadFile("../examples/agent/site.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte("site:\n  id: x\n  power_of: {}\n"))
	f.Add([]byte("sources:\n  - {id: a, type: csv, collector: energy, decimal: \",\", delimiter: \",\"}\n"))
	f.Add([]byte("sources:\n  - {id: b, type: csv, collector: energy, path: b.csv, skip_lines: 2, date_format: \"MMM D, YYYY\", end_inclusive: true, columns: {period: P, quantity: Q}, constants: {kind: electricity, item: grid}}\n  - {id: r, type: csv, collector: telework, path: r.csv, date_format: en-US, columns: {date: D, person: E, work_location: W}, locations: {WFH: remote}}\n"))
	f.Add([]byte("central:\n  urls: [http://a.example, \"https://b.example/,\", \"\"]\n  url: \"http://c,,http://c\"\n"))
	f.Fuzz(func(t *testing.T, yaml []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "site.yaml")
		if err := os.WriteFile(path, yaml, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _ = Load(path, false)
	})
}
