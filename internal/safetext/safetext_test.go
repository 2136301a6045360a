package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, ünïcödé ✓", "plain text, ünïcödé ✓"},
		{"clear\x1b[2Jscreen", `clear\x1b[2Jscreen`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"bad key\r✓ all good", `bad key\r✓ all good`},
		{"two\nlines", `two\nlines`},
		{"tab\there", `tab\there`},
		{"c1 \u009b31m", `c1 \x9b31m`},
		{"del\x7f", `del\x7f`},
		{"bidi \u202eevil\u202c \u2066x\u2069 \u200f", `bidi \u202eevil\u202c \u2066x\u2069 \u200f`},
		{"bom\ufeff sep\u2028", `bom\ufeff sep\u2028`},
		{"bad utf8 \xff\xfe", `bad utf8 \xff\xfe`},
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"one\ntwo\tthree", "one\ntwo\tthree"},
		{"crlf\r\nline", "crlf\nline"},
		{"bare\rcr", `bare\rcr`},
		{"\x1b[1A\x1b[2K✓ all good\n", "\\x1b[1A\\x1b[2K✓ all good\n"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzLine: the result has no control or bidi character and is valid UTF-8; Line and Text are
// idempotent.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "a\x1b[2Jb", "\r\n", "\u202e", "\xff", "x\u0085y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l := Line(s)
		if !utf8.ValidString(l) {
			t.Fatalf("Line(%q) = %q is not UTF-8", s, l)
		}
		for _, r := range l {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || dangerous(r) {
				t.Fatalf("Line(%q) = %q keeps %U", s, l, r)
			}
		}
		if Line(l) != l {
			t.Fatalf("Line is not idempotent on %q", s)
		}
		tx := Text(s)
		if Text(tx) != tx || strings.ContainsAny(tx, "\r\x1b") {
			t.Fatalf("Text(%q) = %q", s, tx)
		}
	})
}
