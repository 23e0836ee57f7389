package winlog

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// A substitution value written as Event XML writes it (MS-EVEN6
// 2.2.12's value types).

// render writes a text part: its literal, or its value as Event XML
// writes it.
func (c *chunkReader) render(part tpart, vals []value) string {
	if part.sub < 0 {
		return part.lit
	}
	if part.sub >= len(vals) {
		return ""
	}
	v := vals[part.sub]
	b := c.b[v.off : v.off+v.len]
	le := binary.LittleEndian
	fixed := map[byte]int{0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8, 0x0d: 4,
		0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8}
	if n, ok := fixed[v.typ]; ok && len(b) < n {
		return ""
	}
	switch v.typ {
	case 0x00:
		return ""
	case 0x01: // UTF-16 string
		s, _ := c.utf16At(v.off, v.len/2)
		return strings.TrimRight(s, "\x00")
	case 0x02: // ANSI string
		return strings.TrimRight(string(b), "\x00")
	case 0x03:
		return strconv.Itoa(int(int8(b[0])))
	case 0x04:
		return strconv.Itoa(int(b[0]))
	case 0x05:
		return strconv.Itoa(int(int16(le.Uint16(b))))
	case 0x06:
		return strconv.Itoa(int(le.Uint16(b)))
	case 0x07:
		return strconv.Itoa(int(int32(le.Uint32(b))))
	case 0x08:
		return itoa(uint64(le.Uint32(b)))
	case 0x09:
		return strconv.FormatInt(int64(le.Uint64(b)), 10)
	case 0x0a:
		return itoa(le.Uint64(b))
	case 0x0b:
		return strconv.FormatFloat(float64(math.Float32frombits(le.Uint32(b))), 'g', -1, 32)
	case 0x0c:
		return strconv.FormatFloat(math.Float64frombits(le.Uint64(b)), 'g', -1, 64)
	case 0x0d:
		return strconv.FormatBool(le.Uint32(b) != 0)
	case 0x0f:
		return fmt.Sprintf("{%08X-%04X-%04X-%s-%s}", le.Uint32(b), le.Uint16(b[4:]), le.Uint16(b[6:]), hexString(b[8:10]), hexString(b[10:16]))
	case 0x10, 0x14, 0x15: // size_t, hex integers
		if len(b) == 4 {
			return "0x" + strconv.FormatUint(uint64(le.Uint32(b)), 16)
		}
		if len(b) >= 8 {
			return "0x" + strconv.FormatUint(le.Uint64(b), 16)
		}
		return ""
	case 0x11:
		return filetime(le.Uint64(b))
	case 0x12: // SYSTEMTIME: year, month, weekday, day, hour, minute, second, ms
		return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03d0000Z", le.Uint16(b), le.Uint16(b[2:]), le.Uint16(b[6:]), le.Uint16(b[8:]), le.Uint16(b[10:]), le.Uint16(b[12:]), le.Uint16(b[14:]))
	case 0x13:
		return sid(b)
	case 0x81: // string array, NUL-separated: each item a <Data> of its own (enode.event)
		s, _ := c.utf16At(v.off, v.len/2)
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == 0 }), "\x00")
	}
	return hexString(b) // binary, and what the power events do not need
}

// sid writes a security identifier as S-1-5-21-….
func sid(b []byte) string {
	if len(b) < 8 || len(b) < 8+4*int(b[1]) {
		return hexString(b)
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	parts := []string{"S", strconv.Itoa(int(b[0])), itoa(auth)}
	for i := 0; i < int(b[1]); i++ {
		parts = append(parts, itoa(uint64(binary.LittleEndian.Uint32(b[8+4*i:]))))
	}
	return strings.Join(parts, "-")
}

// filetime is a FILETIME (100 ns since 1601) as Event XML writes it.
func filetime(v uint64) string {
	const epochDiff = 116444736000000000 // 1601-01-01 to 1970-01-01 in 100 ns
	if v < epochDiff {
		return ""
	}
	t := time.Unix(0, 0).Add(time.Duration((v-epochDiff)/10) * time.Microsecond).Add(time.Duration((v-epochDiff)%10) * 100)
	return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
}

func hexString(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }
