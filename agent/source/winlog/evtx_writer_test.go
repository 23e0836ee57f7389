package winlog

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateEVTX = flag.Bool("update-evtx", false, "rewrite agent/testdata/collect/winevents-evtx-dst/System.evtx")

// evtxWriter writes events as Windows lays them out in an .evtx file
// (one chunk): a record is a fragment holding an instance of the Event
// template — defined inline at its first use, referred to by offset
// after — whose last value is a nested fragment, the EventData's own
// template instance; names are written inline once and referred to by
// offset after. It is the tests' way to a fixture: the reader was
// checked against real System logs, which are not committed.
type evtxWriter struct {
	b     []byte
	names map[string]uint32
	tmpls map[string]uint32
}

func newEVTXWriter() *evtxWriter {
	w := &evtxWriter{b: make([]byte, chunkHeaderSize, chunkSize), names: map[string]uint32{}, tmpls: map[string]uint32{}}
	copy(w.b, chunkMagic)
	return w
}

func (w *evtxWriter) u8(v byte)    { w.b = append(w.b, v) }
func (w *evtxWriter) u16(v uint16) { w.b = binary.LittleEndian.AppendUint16(w.b, v) }
func (w *evtxWriter) u32(v uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *evtxWriter) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }

func utf16le(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// name writes a name's offset, and the name after it on its first use.
func (w *evtxWriter) name(s string) {
	if off, ok := w.names[s]; ok {
		w.u32(off)
		return
	}
	off := uint32(len(w.b) + 4)
	w.names[s] = off
	w.u32(off)
	w.u32(0) // next name of the same hash
	w.u16(0) // hash (not checked)
	w.u16(uint16(len([]rune(s))))
	w.b = append(w.b, utf16le(s)...)
	w.u16(0)
}

// element writes an element of a template: attrs (name → substitution
// index, or literal text when the index is negative), then its content.
type welem struct {
	name    string
	attrs   []wattr
	sub     int // substitution index of its text (-1: none)
	subType byte
	kids    []welem
}

type wattr struct {
	name    string
	lit     string
	sub     int
	subType byte
}

func (w *evtxWriter) element(e welem) {
	tok := byte(tokOpenStart)
	if len(e.attrs) > 0 {
		tok |= tokMore
	}
	w.u8(tok)
	w.u16(0xffff) // dependency id
	size := len(w.b)
	w.u32(0) // data size, patched
	w.name(e.name)
	if len(e.attrs) > 0 {
		w.u32(0) // attribute list size (not checked)
		for i, a := range e.attrs {
			t := byte(tokAttribute)
			if i < len(e.attrs)-1 {
				t |= tokMore
			}
			w.u8(t)
			w.name(a.name)
			if a.sub < 0 {
				w.u8(tokValue)
				w.u8(0x01)
				w.u16(uint16(len([]rune(a.lit))))
				w.b = append(w.b, utf16le(a.lit)...)
			} else {
				w.u8(tokOptionalSub)
				w.u16(uint16(a.sub))
				w.u8(a.subType)
			}
		}
	}
	if e.sub < 0 && len(e.kids) == 0 {
		w.u8(tokCloseEmpty)
	} else {
		w.u8(tokCloseStart)
		for _, k := range e.kids {
			w.element(k)
		}
		if e.sub >= 0 {
			w.u8(tokOptionalSub)
			w.u16(uint16(e.sub))
			w.u8(e.subType)
		}
		w.u8(tokEnd)
	}
	binary.LittleEndian.PutUint32(w.b[size:], uint32(len(w.b)-size-4))
}

// instance writes a template instance: the template (key) defined here
// on its first use, then the values.
func (w *evtxWriter) instance(key string, root welem, vals []wval) {
	w.instanceHead(key, root)
	w.values(vals)
}

// instanceHead writes an instance's token and its template's offset, and
// the template there on its first use.
func (w *evtxWriter) instanceHead(key string, root welem) {
	w.u8(tokTemplate)
	w.u8(0x01)
	w.u32(uint32(len(w.tmpls) + 1))
	if off, ok := w.tmpls[key]; ok {
		w.u32(off)
		return
	}
	off := uint32(len(w.b) + 4)
	w.tmpls[key] = off
	w.u32(off)
	w.u32(0)                               // next template
	w.b = append(w.b, make([]byte, 16)...) // GUID
	size := len(w.b)
	w.u32(0) // data size, patched
	w.b = append(w.b, tokFragment, 1, 1, 0)
	w.element(root)
	w.u8(tokEOF)
	binary.LittleEndian.PutUint32(w.b[size:], uint32(len(w.b)-size-4))
}

// values writes an instance's values: their count, descriptors, bytes.
func (w *evtxWriter) values(vals []wval) {
	w.u32(uint32(len(vals)))
	for _, v := range vals {
		w.u16(uint16(len(v.b)))
		w.u8(v.typ)
		w.u8(0)
	}
	for _, v := range vals {
		w.b = append(w.b, v.b...)
	}
}

type wval struct {
	typ byte
	b   []byte
}

func str(s string) wval { return wval{0x01, utf16le(s)} }

func ft(t time.Time) wval {
	v := uint64(t.UnixNano()/100) + 116444736000000000
	return wval{0x11, binary.LittleEndian.AppendUint64(nil, v)}
}

// record writes one event.
func (w *evtxWriter) record(e Event) {
	start := len(w.b)
	w.u32(recordMagic)
	w.u32(0) // size, patched
	w.u64(e.Record)
	w.u64(binary.LittleEndian.Uint64(ft(e.Time).b))
	w.b = append(w.b, tokFragment, 1, 1, 0)

	event := welem{name: "Event", sub: 6, subType: valBinXml,
		attrs: []wattr{{name: "xmlns", lit: "http://schemas.microsoft.com/win/2004/08/events/event", sub: -1}},
		kids: []welem{{name: "System", sub: -1, kids: []welem{
			{name: "Provider", sub: -1, attrs: []wattr{{name: "Name", sub: 0, subType: 0x01}}},
			{name: "EventID", sub: 1, subType: 0x06},
			{name: "TimeCreated", sub: -1, attrs: []wattr{{name: "SystemTime", sub: 2, subType: 0x11}}},
			{name: "EventRecordID", sub: 3, subType: 0x0a},
			{name: "Computer", sub: 4, subType: 0x01},
			{name: "Channel", sub: 5, subType: 0x01},
		}}}}
	w.instanceHead("event", event)
	vals := []wval{str(e.Provider), {0x06, binary.LittleEndian.AppendUint16(nil, uint16(e.ID))}, ft(e.Time),
		{0x0a, binary.LittleEndian.AppendUint64(nil, e.Record)}, str(e.Machine), str("System")}

	// The EventData, a nested fragment with its own template instance,
	// written where it lands (its names and template are chunk offsets):
	// after the 7 descriptors and the 6 values before it.
	at := len(w.b) + 4 + 4*7
	for _, v := range vals {
		at += len(v.b)
	}
	data := welem{name: "EventData", sub: -1}
	var names []string
	var dataVals []wval
	for i, f := range e.Data {
		names = append(names, f.Name)
		d := welem{name: "Data", sub: i, subType: 0x01}
		if f.Name != "" {
			d.attrs = []wattr{{name: "Name", lit: f.Name, sub: -1}}
		}
		data.kids = append(data.kids, d)
		dataVals = append(dataVals, str(f.Value))
	}
	nested := &evtxWriter{b: make([]byte, at, chunkSize), names: w.names, tmpls: w.tmpls}
	nested.b = append(nested.b, tokFragment, 1, 1, 0)
	nested.instance("data:"+strings.Join(names, ","), data, dataVals)
	nested.u8(tokEOF)
	w.values(append(vals, wval{valBinXml, nested.b[at:]}))
	w.u8(tokEOF)
	w.u32(0) // size copy, patched
	size := uint32(len(w.b) - start)
	binary.LittleEndian.PutUint32(w.b[start+4:], size)
	binary.LittleEndian.PutUint32(w.b[len(w.b)-4:], size)
}

// file is the whole .evtx: the file header and the chunk.
func (w *evtxWriter) file(first, last uint64) []byte {
	binary.LittleEndian.PutUint64(w.b[8:], first)
	binary.LittleEndian.PutUint64(w.b[16:], last)
	binary.LittleEndian.PutUint32(w.b[40:], 128)
	binary.LittleEndian.PutUint32(w.b[48:], uint32(len(w.b))) // free space offset
	chunk := make([]byte, chunkSize)
	copy(chunk, w.b)
	head := make([]byte, evtxHeaderSize)
	copy(head, evtxMagic)
	binary.LittleEndian.PutUint64(head[24:], last+1)
	binary.LittleEndian.PutUint32(head[32:], 128)
	binary.LittleEndian.PutUint16(head[36:], 1)
	binary.LittleEndian.PutUint16(head[38:], 3)
	binary.LittleEndian.PutUint16(head[40:], evtxHeaderSize)
	binary.LittleEndian.PutUint16(head[42:], 1)
	return append(head, chunk...)
}

// xmlCase is the Event XML of the DST case, as events.
func xmlCase(t *testing.T) []Event {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "collect", "winevents-xml-dst", "System.xml"))
	require.NoError(t, err)
	var out []Event
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		e, err := parseEventXML([]byte(line))
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// The .evtx of the DST case's events reads as its Event XML does: the
// same changes, the same events ignored. The fixture committed for the
// agent's case is this file.
func TestEVTXReadsAsTheEventXML(t *testing.T) {
	t.Parallel()
	evs := xmlCase(t)
	w := newEVTXWriter()
	for _, e := range evs {
		w.record(e)
	}
	file := w.file(evs[0].Record, evs[len(evs)-1].Record)
	fixture := filepath.Join("..", "..", "testdata", "collect", "winevents-evtx-dst", "System.evtx")
	if *updateEVTX {
		require.NoError(t, os.WriteFile(fixture, file, 0o644))
	}
	committed, err := os.ReadFile(fixture)
	require.NoError(t, err, "go test ./agent/source/winlog -run TestEVTXReadsAsTheEventXML -update-evtx writes it")
	assert.True(t, bytes.Equal(file, committed), "the committed fixture is the writer's output")

	emitted := func(l *Log) []string {
		var out []string
		l.Emit(func(d string, at time.Time, ev string) { out = append(out, d+" "+at.Format(time.RFC3339Nano)+" "+ev) })
		return out
	}
	fromEVTX, err := NewLog("", paris)
	require.NoError(t, err)
	require.NoError(t, fromEVTX.read(context.Background(), bytes.NewReader(file), "System.evtx", "auto"))
	assert.Empty(t, fromEVTX.Problems())
	fromXML, err := NewLog("", paris)
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "collect", "winevents-xml-dst", "System.xml"))
	require.NoError(t, err)
	require.NoError(t, fromXML.read(context.Background(), bytes.NewReader(raw), "System.xml", "auto"))
	assert.Equal(t, fromXML.Ignored(), fromEVTX.Ignored())
	want := emitted(fromXML)
	require.Len(t, want, 7)
	assert.Equal(t, want, emitted(fromEVTX))
}
