package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+33 1 23", "'+33 1 23"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"Lille", "Lille"},
		{"", ""},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"'=1", "''=1"},
		{"São Paulo", "São Paulo"},
	} {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := Untext(Text(c.in)); got != c.in {
			t.Errorf("Untext(Text(%q)) = %q, want it back", c.in, got)
		}
	}
	// An apostrophe before an ordinary character is the text's own.
	if got := Untext("'quoted'"); got != "'quoted'" {
		t.Errorf("Untext(%q) = %q, want it unchanged", "'quoted'", got)
	}
}

// TestTextThroughCSV writes guarded cells with encoding/csv and reads them
// back: no field of the file starts with a formula character.
func TestTextThroughCSV(t *testing.T) {
	in := []string{`=HYPERLINK("http://x","y")`, "-3.2", "@x", "+1", "\tx", "\rx", "plain, with a comma"}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rec := make([]string, len(in))
	for i, s := range in {
		rec[i] = Text(s)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	got, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range got {
		if Risky(f) {
			t.Errorf("field %d %q starts with a formula character", i, f)
		}
		if Untext(f) != in[i] {
			t.Errorf("field %d: read back %q, want %q", i, Untext(f), in[i])
		}
	}
}
