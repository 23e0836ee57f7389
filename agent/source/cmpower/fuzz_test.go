package cmpower

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// FuzzReadPowerDaily feeds any bytes to the reader as an export, then
// lays its days out: never a panic; every span within its day, From
// before To, and a device's spans never overlapping (no minute counted
// twice), whatever the file. Seeds: the export query's header with rows
// of every state, a duplicate, an empty hour, the spring change.
func FuzzReadPowerDaily(f *testing.F) {
	f.Add([]byte(header+
		line("PC-0001", "2025-03-14", "type-on", "0", "8-17:60")+
		line("PC-0001", "2025-03-14", "type-active", "0", "9-11:60")+
		line("PC-0001", "2025-03-14", "type-monitor", "0", "8-11:60", "13-17:60")+
		line("PC-0002", "2025-03-15", "type-sleep", "60")+
		line("PC-0002", "2025-03-15", "type-on", "0", "20-23:")+
		line("PC-0002", "2025-03-15", "type-on", "0", "20-23:")+
		line("PC-0003", "2025-03-30", "type-on", "60", "2:0")), uint8(0))
	f.Add([]byte("#TYPE System.Data.DataRow\n"+header+line("pc-1", "3/14/2025 12:00:00 AM", "type-on", "30")), uint8(1))
	f.Add([]byte("\xFF\xFEN\x00a\x00"), uint8(2))
	f.Fuzz(func(t *testing.T, raw []byte, opt uint8) {
		cfg := Config{Types: testTypes, Rest: Rests[int(opt)%len(Rests)]}
		if opt&4 != 0 {
			cfg.Culture = "en-US"
		}
		r, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Read(context.Background(), bytes.NewReader(raw), "fuzz")
		last := map[string]time.Time{}
		r.Spans(paris, func(s Span) {
			if !s.From.Before(s.To) {
				t.Fatalf("%+v: not a span", s)
			}
			y, m, d := s.From.In(paris).Date()
			if s.To.After(time.Date(y, m, d+1, 0, 0, 0, 0, paris)) {
				t.Fatalf("%+v: past its day", s)
			}
			dev := s.Machine
			if s.Monitor {
				dev += "\x00monitor"
			}
			if s.From.Before(last[dev]) {
				t.Fatalf("%+v overlaps the span before (to %s)", s, last[dev])
			}
			last[dev] = s.To
		})
	})
}
