package winlog

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
)

// BinXml tokens (MS-EVEN6 2.2.12). The 0x40 bit of a token says "more
// follows" (attributes after an element's name, another attribute).
const (
	tokEOF          = 0x00
	tokOpenStart    = 0x01
	tokCloseStart   = 0x02
	tokCloseEmpty   = 0x03
	tokEnd          = 0x04
	tokValue        = 0x05
	tokAttribute    = 0x06
	tokCDATA        = 0x07
	tokCharRef      = 0x08
	tokEntityRef    = 0x09
	tokPITarget     = 0x0a
	tokPIData       = 0x0b
	tokTemplate     = 0x0c
	tokSubstitution = 0x0d
	tokOptionalSub  = 0x0e
	tokFragment     = 0x0f
	tokMore         = 0x40
)

// valBinXml is a substitution value that is itself a BinXml fragment (an
// event's EventData or UserData, as a rule).
const valBinXml = 0x21

// bxml reads BinXml tokens in [off, end) of a chunk. In a template's
// definition (tmpl), elements carry a dependency id; elsewhere not.
type bxml struct {
	c        *chunkReader
	off, end int
	tmpl     bool
}

// value is a substitution value: its type and where its bytes are.
type value struct {
	typ      byte
	off, len int
}

func (p *bxml) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d of its chunk: %s", errEVTX, p.off, fmt.Sprintf(format, args...))
}

func (p *bxml) need(n int) error {
	if n < 0 || p.off+n > p.end {
		return p.errorf("%d bytes past its end", p.off+n-p.end)
	}
	return nil
}

func (p *bxml) u8() (byte, error) {
	if err := p.need(1); err != nil {
		return 0, err
	}
	p.off++
	return p.c.b[p.off-1], nil
}

func (p *bxml) u16() (uint16, error) {
	if err := p.need(2); err != nil {
		return 0, err
	}
	p.off += 2
	return binary.LittleEndian.Uint16(p.c.b[p.off-2:]), nil
}

func (p *bxml) u32() (uint32, error) {
	if err := p.need(4); err != nil {
		return 0, err
	}
	p.off += 4
	return binary.LittleEndian.Uint32(p.c.b[p.off-4:]), nil
}

// utf16At reads n UTF-16 code units at off of the chunk.
func (c *chunkReader) utf16At(off, n int) (string, bool) {
	if off < 0 || n < 0 || off+2*n > len(c.b) {
		return "", false
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(c.b[off+2*i:])
	}
	return string(utf16.Decode(u)), true
}

// name reads the name an element, an attribute or an entity points at:
// at its offset in the chunk (next offset, hash, length, UTF-16, NUL);
// when that offset is where the reader stands, the name is written there
// and skipped.
func (p *bxml) name() (string, error) {
	at, err := p.u32()
	if err != nil {
		return "", err
	}
	o := int(at)
	if o+8 > len(p.c.b) {
		return "", p.errorf("a name at %d, past its chunk", o)
	}
	n := int(binary.LittleEndian.Uint16(p.c.b[o+6:]))
	s, ok := p.c.utf16At(o+8, n)
	if !ok {
		return "", p.errorf("a name of %d characters at %d, past its chunk", n, o)
	}
	if o == p.off {
		if err := p.need(8 + 2*n + 2); err != nil {
			return "", err
		}
		p.off += 8 + 2*n + 2
	}
	return s, nil
}

// fragment reads a record's (or a nested value's) BinXml: fragment
// headers, elements and template instances up to its end, its elements
// with their values.
func (p *bxml) fragment(vals []value, depth int) ([]*enode, error) {
	if depth > maxDepth {
		return nil, p.errorf("fragments nested over %d deep", maxDepth)
	}
	var out []*enode
	for p.off < p.end {
		tok, _ := p.u8()
		switch tok {
		case tokEOF:
			return out, nil
		case tokFragment:
			if err := p.need(3); err != nil {
				return nil, err
			}
			p.off += 3
		case tokTemplate:
			es, err := p.instance(depth)
			if err != nil {
				return nil, err
			}
			out = append(out, es...)
		case tokOpenStart, tokOpenStart | tokMore:
			n, err := p.element(tok, depth)
			if err != nil {
				return nil, err
			}
			e, err := p.c.instantiate(n, vals, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		default:
			return nil, p.errorf("token 0x%02x where an element or a template was due", tok)
		}
	}
	return out, nil
}

// element reads an element whose open-start token tok was just read.
func (p *bxml) element(tok byte, depth int) (*tnode, error) {
	if depth > maxDepth {
		return nil, p.errorf("elements nested over %d deep", maxDepth)
	}
	if p.tmpl {
		if _, err := p.u16(); err != nil { // dependency id
			return nil, err
		}
	}
	if _, err := p.u32(); err != nil { // data size
		return nil, err
	}
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	n := &tnode{name: name}
	if tok&tokMore != 0 {
		if _, err := p.u32(); err != nil { // attribute list size
			return nil, err
		}
		for {
			t, err := p.u8()
			if err != nil {
				return nil, err
			}
			if t&^tokMore != tokAttribute {
				p.off--
				break
			}
			an, err := p.name()
			if err != nil {
				return nil, err
			}
			parts, err := p.values()
			if err != nil {
				return nil, err
			}
			n.attrs = append(n.attrs, tattr{an, parts})
		}
	}
	t, err := p.u8()
	if err != nil {
		return nil, err
	}
	switch t {
	case tokCloseEmpty:
		return n, nil
	case tokCloseStart:
	default:
		return nil, p.errorf("token 0x%02x where an element's start closes", t)
	}
	for {
		t, err := p.u8()
		if err != nil {
			return nil, err
		}
		switch t &^ tokMore {
		case tokEnd:
			return n, nil
		case tokOpenStart:
			kid, err := p.element(t, depth+1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
			n.text = append(n.text, tpart{sub: -1, lit: "", kid: len(n.kids)})
		case tokPITarget:
			if _, err := p.name(); err != nil {
				return nil, err
			}
		case tokPIData:
			if err := p.skipString(); err != nil {
				return nil, err
			}
		default:
			p.off--
			parts, err := p.values()
			if err != nil {
				return nil, err
			}
			if len(parts) == 0 {
				return nil, p.errorf("token 0x%02x in an element's content", t)
			}
			n.text = append(n.text, parts...)
		}
	}
}

func (p *bxml) skipString() error {
	n, err := p.u16()
	if err != nil {
		return err
	}
	if err := p.need(2 * int(n)); err != nil {
		return err
	}
	p.off += 2 * int(n)
	return nil
}

// values reads the value tokens that follow (text, substitutions,
// character and entity references).
func (p *bxml) values() ([]tpart, error) {
	var out []tpart
	for p.off < p.end {
		t := p.c.b[p.off]
		switch t &^ tokMore {
		case tokValue:
			p.off++
			typ, err := p.u8()
			if err != nil {
				return nil, err
			}
			if typ != 0x01 {
				return nil, p.errorf("a text value of type 0x%02x: want a string", typ)
			}
			n, err := p.u16()
			if err != nil {
				return nil, err
			}
			s, ok := p.c.utf16At(p.off, int(n))
			if !ok || p.need(2*int(n)) != nil {
				return nil, p.errorf("a text of %d characters past its end", n)
			}
			p.off += 2 * int(n)
			out = append(out, tpart{lit: s, sub: -1})
		case tokCDATA:
			p.off++
			n, err := p.u16()
			if err != nil {
				return nil, err
			}
			s, ok := p.c.utf16At(p.off, int(n))
			if !ok || p.need(2*int(n)) != nil {
				return nil, p.errorf("a CDATA of %d characters past its end", n)
			}
			p.off += 2 * int(n)
			out = append(out, tpart{lit: s, sub: -1})
		case tokCharRef:
			p.off++
			r, err := p.u16()
			if err != nil {
				return nil, err
			}
			out = append(out, tpart{lit: string(rune(r)), sub: -1})
		case tokEntityRef:
			p.off++
			name, err := p.name()
			if err != nil {
				return nil, err
			}
			out = append(out, tpart{lit: entity(name), sub: -1})
		case tokSubstitution, tokOptionalSub:
			if !p.tmpl {
				return nil, p.errorf("a substitution outside a template")
			}
			p.off++
			i, err := p.u16()
			if err != nil {
				return nil, err
			}
			if _, err := p.u8(); err != nil { // the value's type, given again with the value
				return nil, err
			}
			out = append(out, tpart{sub: int(i)})
		default:
			return out, nil
		}
	}
	return out, nil
}

func entity(name string) string {
	switch name {
	case "amp":
		return "&"
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "quot":
		return `"`
	case "apos":
		return "'"
	}
	return "&" + name + ";"
}

// instance reads a template instance (its token just read): the
// template, defined here or earlier in the chunk, and its values, and
// returns the template's elements filled.
func (p *bxml) instance(depth int) ([]*enode, error) {
	if _, err := p.u8(); err != nil { // unknown (1)
		return nil, err
	}
	if _, err := p.u32(); err != nil { // template id
		return nil, err
	}
	def, err := p.u32()
	if err != nil {
		return nil, err
	}
	t, size, err := p.c.template(int(def), depth)
	if err != nil {
		return nil, err
	}
	if int(def) == p.off { // defined here: skip the definition
		if err := p.need(24 + size); err != nil {
			return nil, err
		}
		p.off += 24 + size
	}
	count, err := p.u32()
	if err != nil {
		return nil, err
	}
	if err := p.need(4 * int(count)); err != nil {
		return nil, p.errorf("%d values past its end", count)
	}
	vals := make([]value, count)
	for i := range vals {
		vals[i].len = int(binary.LittleEndian.Uint16(p.c.b[p.off:]))
		vals[i].typ = p.c.b[p.off+2]
		p.off += 4
	}
	for i := range vals {
		if err := p.need(vals[i].len); err != nil {
			return nil, p.errorf("value %d of %d bytes past its end", i, vals[i].len)
		}
		vals[i].off = p.off
		p.off += vals[i].len
	}
	out := make([]*enode, 0, len(t))
	for _, n := range t {
		e, err := p.c.instantiate(n, vals, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// template returns the template defined at off of the chunk (next
// offset, GUID, size, then its BinXml), read once per chunk.
func (c *chunkReader) template(off, depth int) ([]*tnode, int, error) {
	if off < chunkHeaderSize || off+24 > len(c.b) {
		return nil, 0, fmt.Errorf("%w: a template at %d, outside its chunk", errEVTX, off)
	}
	size := int(binary.LittleEndian.Uint32(c.b[off+20:]))
	if off+24+size > len(c.b) || size < 0 {
		return nil, 0, fmt.Errorf("%w: a template of %d bytes at %d overruns its chunk", errEVTX, size, off)
	}
	if t, ok := c.templates[uint32(off)]; ok {
		return t.kids, size, nil
	}
	p := &bxml{c: c, off: off + 24, end: off + 24 + size, tmpl: true}
	root := &tnode{}
	c.templates[uint32(off)] = root // a template that names itself finds it empty
	for p.off < p.end {
		tok, _ := p.u8()
		switch tok {
		case tokEOF:
			return root.kids, size, nil
		case tokFragment:
			if err := p.need(3); err != nil {
				return nil, 0, err
			}
			p.off += 3
		case tokOpenStart, tokOpenStart | tokMore:
			n, err := p.element(tok, depth+1)
			if err != nil {
				return nil, 0, err
			}
			root.kids = append(root.kids, n)
		default:
			return nil, 0, p.errorf("token 0x%02x in a template's definition", tok)
		}
	}
	return root.kids, size, nil
}

// instantiate fills a template element with its values: a BinXml value
// becomes child elements, the others text.
func (c *chunkReader) instantiate(n *tnode, vals []value, depth int) (*enode, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: elements nested over %d deep", errEVTX, maxDepth)
	}
	if c.budget--; c.budget < 0 {
		return nil, fmt.Errorf("%w: a record of over %d elements", errEVTX, maxElements)
	}
	e := &enode{name: n.name}
	if len(n.attrs) > 0 {
		e.attrs = make(map[string]string, len(n.attrs))
		for _, a := range n.attrs {
			var sb strings.Builder
			for _, part := range a.value {
				sb.WriteString(c.render(part, vals))
			}
			e.attrs[a.name] = sb.String()
		}
	}
	var sb strings.Builder
	for _, part := range n.text {
		switch {
		case part.kid > 0:
			kid, err := c.instantiate(n.kids[part.kid-1], vals, depth+1)
			if err != nil {
				return nil, err
			}
			e.kids = append(e.kids, kid)
		case part.sub >= 0 && part.sub < len(vals) && vals[part.sub].typ == valBinXml:
			v := vals[part.sub]
			nested := &bxml{c: c, off: v.off, end: v.off + v.len}
			kids, err := nested.fragment(nil, depth+1)
			if err != nil {
				return nil, err
			}
			e.kids = append(e.kids, kids...)
		default:
			sb.WriteString(c.render(part, vals))
		}
	}
	e.text = sb.String()
	return e, nil
}
