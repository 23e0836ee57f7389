package winlog

import (
	"bufio"
	"bytes"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
)

// textReader reads a text export as UTF-8 whatever Windows wrote it in:
// UTF-8 with or without its BOM (Export-Csv -Encoding UTF8; the default
// ASCII is UTF-8 too), or UTF-16 ("Unicode": Windows PowerShell 5.1's
// redirection `>` and Out-File write UTF-16LE with a BOM), told by its
// BOM or, without one, by the zero bytes of ASCII text in UTF-16LE. A
// BOM inside the text (PowerShell's Add-Content may write one when it
// appends) is dropped.
func textReader(r io.Reader) io.Reader {
	return transform.NewReader(decoded(r), runes.Remove(runes.Predicate(func(r rune) bool { return r == '\ufeff' })))
}

func decoded(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	case len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	}
	return br
}

// decodeHead is the first bytes of a text export as UTF-8 (for sniffing).
func decodeHead(head []byte) string {
	b, _ := io.ReadAll(textReader(bytes.NewReader(head)))
	return string(b)
}
