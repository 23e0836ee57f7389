package winlog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The .evtx format, as far as the power events need it (Microsoft's
// MS-EVEN6, "BinXml"; the file and chunk layout as libevtx documents
// it): a 4 KiB file header, then chunks of 64 KiB, each a 512-byte header
// (its string and template tables) and event records; a record is a
// header and a BinXml fragment, usually one template instance: the
// event's XML skeleton, defined once per chunk, and the values that fill
// it. Checksums are not checked: every offset is, against its chunk.
const (
	evtxMagic       = "ElfFile\x00"
	chunkMagic      = "ElfChnk\x00"
	evtxHeaderSize  = 4096
	chunkSize       = 65536
	chunkHeaderSize = 512
	recordMagic     = 0x00002a2a
	maxDepth        = 16 // nested fragments and templates
)

// errEVTX is BinXml that does not parse.
var errEVTX = errors.New("not BinXml")

// readEVTX reads an .evtx file chunk by chunk. A chunk or a record that
// does not parse is that chunk's or record's problem; the rest is read.
func (l *Log) readEVTX(ctx context.Context, r io.Reader, name string) error {
	head := make([]byte, evtxHeaderSize)
	if _, err := io.ReadFull(r, head); err != nil {
		return fmt.Errorf("%s: not an .evtx file (a 4 KiB header): %w", name, err)
	}
	if string(head[:8]) != evtxMagic {
		return fmt.Errorf("%s: not an .evtx file: it does not start with ElfFile", name)
	}
	if size := binary.LittleEndian.Uint16(head[40:]); size != evtxHeaderSize {
		return fmt.Errorf("%s: .evtx header block of %d bytes: want 4096", name, size)
	}
	chunk := make([]byte, chunkSize)
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := io.ReadFull(r, chunk)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			l.problem(fmt.Sprintf("%s#chunk%d", name, n), "the file ends inside this chunk (cut short?)")
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if string(chunk[:8]) != chunkMagic {
			if !allZero(chunk[:8]) {
				l.problem(fmt.Sprintf("%s#chunk%d", name, n), "not a chunk (no ElfChnk): skipped")
			}
			continue
		}
		l.readChunk(chunk, fmt.Sprintf("%s#chunk%d", name, n))
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// readChunk reads the records of one chunk.
func (l *Log) readChunk(chunk []byte, where string) {
	free := int(binary.LittleEndian.Uint32(chunk[48:]))
	if free < chunkHeaderSize || free > len(chunk) {
		free = len(chunk) // a chunk being written: read while records parse
	}
	c := &chunkReader{b: chunk, templates: map[uint32]*tnode{}}
	for off := chunkHeaderSize; off+24 <= free; {
		if binary.LittleEndian.Uint32(chunk[off:]) != recordMagic {
			if off < free && !allZero(chunk[off:min(off+8, free)]) {
				l.problem(fmt.Sprintf("%s@%d", where, off), "not an event record (no **): the rest of the chunk is skipped")
			}
			return
		}
		size := int(binary.LittleEndian.Uint32(chunk[off+4:]))
		if size < 28 || off+size > len(chunk) {
			l.problem(fmt.Sprintf("%s@%d", where, off), fmt.Sprintf("a record of %d bytes overruns its chunk: the rest of the chunk is skipped", size))
			return
		}
		rec := binary.LittleEndian.Uint64(chunk[off+8:])
		recWhere := fmt.Sprintf("%s#record%d", strings.SplitN(where, "#", 2)[0], rec)
		root, err := c.record(off+24, off+size-4)
		if err != nil {
			l.problem(recWhere, fmt.Sprintf("record does not parse: %v", err))
		} else if e, err := root.event(); err != nil {
			l.problem(recWhere, err.Error())
		} else {
			e.Where, e.Record = recWhere, rec
			l.add(e)
		}
		off += size
	}
}

// chunkReader parses BinXml against one chunk: names and templates are
// offsets into it.
type chunkReader struct {
	b         []byte
	templates map[uint32]*tnode // by the definition's offset
	// budget is how many more elements the record may make: a template
	// whose values nest it again cannot grow a record without bound.
	budget int
}

// maxElements bounds the elements of one record (a real event has tens).
const maxElements = 10000

// tnode is an element of a template, or of a record's direct BinXml:
// its name, attributes and content, whose values may be substitutions.
type tnode struct {
	name  string
	attrs []tattr
	kids  []*tnode
	text  []tpart
}

type tattr struct {
	name  string
	value []tpart
}

// tpart is an item of content: literal text, the value of substitution
// sub (sub ≥ 0), or the child element kid (kid ≥ 1, its index + 1).
type tpart struct {
	lit string
	sub int
	kid int
}

// enode is an element with its values: what the event is read from.
type enode struct {
	name  string
	attrs map[string]string
	kids  []*enode
	text  string
}

// record parses a record's BinXml, [from, to) of the chunk, into its
// root element.
func (c *chunkReader) record(from, to int) (*enode, error) {
	p := &bxml{c: c, off: from, end: to}
	c.budget = maxElements
	roots, err := p.fragment(nil, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range roots {
		if r.name == "Event" {
			return r, nil
		}
	}
	return nil, fmt.Errorf("%w: no <Event> element", errEVTX)
}

// event reads an <Event> element.
func (n *enode) event() (Event, error) {
	var x xmlEvent
	s := &x.System
	for _, k := range n.kids {
		switch k.name {
		case "System":
			for _, f := range k.kids {
				switch f.name {
				case "Provider":
					s.Provider.Name, s.Provider.EventSourceName = f.attrs["Name"], f.attrs["EventSourceName"]
				case "EventID":
					s.EventID = f.text
				case "TimeCreated":
					s.TimeCreated.SystemTime = f.attrs["SystemTime"]
				case "EventRecordID":
					s.EventRecordID = f.text
				case "Computer":
					s.Computer = f.text
				}
			}
		case "EventData":
			for _, d := range k.kids {
				if d.name != "Data" {
					continue
				}
				for _, v := range strings.Split(d.text, "\x00") { // an array's items
					x.EventData.Data = append(x.EventData.Data, struct {
						Name  string `xml:"Name,attr"`
						Value string `xml:",chardata"`
					}{d.attrs["Name"], v})
				}
			}
		}
	}
	e, err := x.event()
	for _, k := range n.kids {
		if k.name == "UserData" {
			e.Data = append(e.Data, k.leaves()...)
		}
	}
	return e, err
}

func (n *enode) leaves() []Field {
	var out []Field
	for _, k := range n.kids {
		if len(k.kids) == 0 {
			out = append(out, Field{Name: k.name, Value: k.text})
		} else {
			out = append(out, k.leaves()...)
		}
	}
	return out
}
