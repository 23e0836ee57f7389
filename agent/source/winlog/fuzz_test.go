package winlog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzReadWindowsLogs feeds any bytes to the log's readers (CSV, Event
// XML, .evtx, and auto's sniffing): never a panic, never a change out of
// time order for a machine, whatever the file. Seeds: the agent's case
// files (a PowerShell 5.1 CSV, a French one, Event XML, an .evtx).
func FuzzReadWindowsLogs(f *testing.F) {
	for _, p := range []string{
		"winevents-ps51-en-us/System.csv", "winevents-fr-fr-rename-unclean/System.csv",
		"winevents-xml-dst/System.xml", "winevents-evtx-dst/System.evtx",
	} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "collect", filepath.FromSlash(p)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw, uint8(0))
	}
	f.Add([]byte("ElfFile\x00"), uint8(3))
	f.Fuzz(func(t *testing.T, raw []byte, form uint8) {
		format := [...]string{"auto", "csv", "xml", "evtx"}[form%4]
		for _, culture := range []string{"", "en-US"} {
			l, err := NewLog(culture, paris)
			if err != nil {
				t.Fatal(err)
			}
			_ = l.read(context.Background(), bytes.NewReader(raw), "fuzz", format)
			last := map[string]time.Time{}
			l.Emit(func(dev string, at time.Time, ev string) {
				if at.Before(last[dev]) {
					t.Fatalf("%s: %s at %s before %s", dev, ev, at, last[dev])
				}
				last[dev] = at
			})
		}
	})
}
