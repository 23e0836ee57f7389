package central

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"sync"
	"unsafe"
)

// The stored results' binary form (results.go): every exported field of
// a value as it is — a nil slice, map or pointer apart from an empty one,
// a float's bits (NaN included), the fields JSON leaves out (`json:"-"`)
// — and a type with a text form of its own (footprint.Date) by that text.
// A type with an unexported field or an interface is refused when its
// plan is built, never stored half. Strings are kept once per result, in
// a table the years share (an inventory repeats its factor sources and
// notes). JSON was the first form: ten times slower to decode, and it
// writes an unknown profile feature (NaN) as null.

// errTruncated is a result shorter than its content says.
var errTruncated = errors.New("stored result cut short")

type encoder struct {
	buf  []byte
	strs map[string]uint64
	list []string
}

type decoder struct {
	buf  []byte
	strs []string
}

type plan struct {
	enc func(e *encoder, v reflect.Value)
	dec func(d *decoder, v reflect.Value) error
}

var plans sync.Map // reflect.Type → *plan

var (
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (e *encoder) uvarint(x uint64) { e.buf = binary.AppendUvarint(e.buf, x) }

func (e *encoder) str(s string) {
	i, ok := e.strs[s]
	if !ok {
		i = uint64(len(e.list))
		e.strs[s] = i
		e.list = append(e.list, s)
	}
	e.uvarint(i)
}

func (d *decoder) uvarint() (uint64, error) {
	x, n := binary.Uvarint(d.buf)
	if n <= 0 {
		return 0, errTruncated
	}
	d.buf = d.buf[n:]
	return x, nil
}

func (d *decoder) str() (string, error) {
	i, err := d.uvarint()
	if err != nil {
		return "", err
	}
	if i >= uint64(len(d.strs)) {
		return "", fmt.Errorf("stored result: string %d of %d", i, len(d.strs))
	}
	return d.strs[i], nil
}

// length reads a nil-or-length prefix: 0 is nil, n+1 a length of n (at
// most what is left to read: a bad prefix never allocates much).
func (d *decoder) length() (n int, isNil bool, err error) {
	x, err := d.uvarint()
	if err != nil || x == 0 {
		return 0, x == 0, err
	}
	if x-1 > uint64(len(d.buf)) {
		return 0, false, errTruncated
	}
	return int(x - 1), false, nil
}

func planOf(t reflect.Type) (*plan, error) {
	if p, ok := plans.Load(t); ok {
		return p.(*plan), nil
	}
	p, err := buildPlan(t, map[reflect.Type]*plan{})
	if err != nil {
		return nil, err
	}
	plans.Store(t, p)
	return p, nil
}

// buildPlan is t's plan; building holds the plans under construction (a
// type that holds itself).
func buildPlan(t reflect.Type, building map[reflect.Type]*plan) (*plan, error) {
	if p, ok := building[t]; ok {
		return p, nil
	}
	p := &plan{}
	building[t] = p
	if t.Implements(textMarshaler) && reflect.PointerTo(t).Implements(textUnmarshaler) {
		p.enc = func(e *encoder, v reflect.Value) {
			b, _ := v.Interface().(encoding.TextMarshaler).MarshalText()
			e.str(string(b))
		}
		p.dec = func(d *decoder, v reflect.Value) error {
			s, err := d.str()
			if err != nil {
				return err
			}
			return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
		}
		return p, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		p.enc = func(e *encoder, v reflect.Value) {
			b := uint64(0)
			if v.Bool() {
				b = 1
			}
			e.uvarint(b)
		}
		p.dec = func(d *decoder, v reflect.Value) error {
			x, err := d.uvarint()
			v.SetBool(x == 1)
			return err
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.enc = func(e *encoder, v reflect.Value) { e.buf = binary.AppendVarint(e.buf, v.Int()) }
		p.dec = func(d *decoder, v reflect.Value) error {
			x, n := binary.Varint(d.buf)
			if n <= 0 {
				return errTruncated
			}
			d.buf = d.buf[n:]
			v.SetInt(x)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		p.enc = func(e *encoder, v reflect.Value) { e.uvarint(v.Uint()) }
		p.dec = func(d *decoder, v reflect.Value) error {
			x, err := d.uvarint()
			v.SetUint(x)
			return err
		}
	case reflect.Float32, reflect.Float64:
		p.enc = func(e *encoder, v reflect.Value) {
			e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.Float()))
		}
		p.dec = func(d *decoder, v reflect.Value) error {
			if len(d.buf) < 8 {
				return errTruncated
			}
			v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(d.buf)))
			d.buf = d.buf[8:]
			return nil
		}
	case reflect.String:
		p.enc = func(e *encoder, v reflect.Value) { e.str(v.String()) }
		p.dec = func(d *decoder, v reflect.Value) error {
			s, err := d.str()
			v.SetString(s)
			return err
		}
	case reflect.Pointer:
		ep, err := buildPlan(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		p.enc = func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.uvarint(0)
				return
			}
			e.uvarint(1)
			ep.enc(e, v.Elem())
		}
		p.dec = func(d *decoder, v reflect.Value) error {
			x, err := d.uvarint()
			if err != nil || x == 0 {
				return err
			}
			n := reflect.New(t.Elem())
			if err := ep.dec(d, n.Elem()); err != nil {
				return err
			}
			v.Set(n)
			return nil
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // bytes as they are
			p.enc = func(e *encoder, v reflect.Value) {
				if v.IsNil() {
					e.uvarint(0)
					return
				}
				e.uvarint(uint64(v.Len()) + 1)
				e.buf = append(e.buf, v.Bytes()...)
			}
			p.dec = func(d *decoder, v reflect.Value) error {
				n, isNil, err := d.length()
				if err != nil || isNil {
					return err
				}
				// The result's own bytes, not copied: read once from the
				// store, never changed.
				v.Set(reflect.ValueOf(d.buf[:n:n]).Convert(t))
				d.buf = d.buf[n:]
				return nil
			}
			return p, nil
		}
		ep, err := buildPlan(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		p.enc = func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.uvarint(0)
				return
			}
			e.uvarint(uint64(v.Len()) + 1)
			for i := range v.Len() {
				ep.enc(e, v.Index(i))
			}
		}
		p.dec = func(d *decoder, v reflect.Value) error {
			n, isNil, err := d.length()
			if err != nil || isNil {
				return err
			}
			s := reflect.MakeSlice(t, n, n)
			for i := range n {
				if err := ep.dec(d, s.Index(i)); err != nil {
					return err
				}
			}
			v.Set(s)
			return nil
		}
	case reflect.Map:
		kp, err := buildPlan(t.Key(), building)
		if err != nil {
			return nil, err
		}
		ep, err := buildPlan(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		p.enc = func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.uvarint(0)
				return
			}
			keys := v.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return lessKey(keys[i], keys[j]) }) // the same value, the same bytes
			e.uvarint(uint64(len(keys)) + 1)
			for _, k := range keys {
				kp.enc(e, k)
				ep.enc(e, v.MapIndex(k))
			}
		}
		p.dec = func(d *decoder, v reflect.Value) error {
			n, isNil, err := d.length()
			if err != nil || isNil {
				return err
			}
			m := reflect.MakeMapWithSize(t, n)
			for range n {
				k, x := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
				if err := kp.dec(d, k); err != nil {
					return err
				}
				if err := ep.dec(d, x); err != nil {
					return err
				}
				m.SetMapIndex(k, x)
			}
			v.Set(m)
			return nil
		}
	case reflect.Struct:
		type field struct {
			i int
			p *plan
		}
		var fs []field
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return nil, fmt.Errorf("%s.%s is unexported: a stored result would lose it", t, f.Name)
			}
			fp, err := buildPlan(f.Type, building)
			if err != nil {
				return nil, err
			}
			fs = append(fs, field{i, fp})
		}
		p.enc = func(e *encoder, v reflect.Value) {
			for _, f := range fs {
				f.p.enc(e, v.Field(f.i))
			}
		}
		p.dec = func(d *decoder, v reflect.Value) error {
			for _, f := range fs {
				if err := f.p.dec(d, v.Field(f.i)); err != nil {
					return err
				}
			}
			return nil
		}
	default:
		return nil, fmt.Errorf("%s: a %s is not kept in a stored result", t, t.Kind())
	}
	return p, nil
}

func lessKey(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.String:
		return a.String() < b.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() < b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() < b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() < b.Float()
	case reflect.Bool:
		return !a.Bool() && b.Bool()
	}
	return fmt.Sprint(a.Interface()) < fmt.Sprint(b.Interface())
}

// encodeInto appends v's form to e.
func encodeInto[T any](e *encoder, v *T) ([]byte, error) {
	p, err := planOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	start := len(e.buf)
	p.enc(e, reflect.ValueOf(v).Elem())
	out := append([]byte(nil), e.buf[start:]...)
	e.buf = e.buf[:start]
	return out, nil
}

// decodeFrom reads v from raw with the result's strings; it must read
// raw whole.
func decodeFrom[T any](raw []byte, strs []string, v *T) error {
	p, err := planOf(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	d := &decoder{buf: raw, strs: strs}
	if err := p.dec(d, reflect.ValueOf(v).Elem()); err != nil {
		return err
	}
	if len(d.buf) != 0 {
		return fmt.Errorf("stored result: %d bytes left over", len(d.buf))
	}
	return nil
}

// resultMagic opens a stored result's bytes (its layout: resultsFormat).
const resultMagic = "GHR"

// seal is a result's bytes: the magic, the string table, then body.
func (e *encoder) seal(body []byte) []byte {
	out := append([]byte(resultMagic), 0)
	out = binary.AppendUvarint(out, uint64(len(e.list)))
	for _, s := range e.list {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, body...)
}

// unseal reads seal's string table and returns it with the body. The
// strings are raw's own bytes, not copied (as a byte slice's are): a
// stored result is read once from the store and never changed, and its
// strings are most of its bytes (58 of 79 MB at 1,000 sites × 10 years,
// copied at every cold view before).
func unseal(raw []byte) ([]string, []byte, error) {
	if len(raw) < len(resultMagic)+1 || string(raw[:len(resultMagic)]) != resultMagic {
		return nil, nil, errors.New("not a stored result")
	}
	d := &decoder{buf: raw[len(resultMagic)+1:]}
	n, err := d.uvarint()
	if err != nil {
		return nil, nil, err
	}
	if n > uint64(len(d.buf)) {
		return nil, nil, errTruncated
	}
	strs := make([]string, n)
	for i := range strs {
		l, err := d.uvarint()
		if err != nil {
			return nil, nil, err
		}
		if l > uint64(len(d.buf)) {
			return nil, nil, errTruncated
		}
		if l > 0 {
			strs[i] = unsafe.String(&d.buf[0], int(l))
		}
		d.buf = d.buf[l:]
	}
	return strs, d.buf, nil
}
