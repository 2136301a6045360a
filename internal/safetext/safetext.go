// Package safetext makes text that came from the network (a server's error message, code or
// trace id, a document's field, another program's output) safe to print on a terminal: escape
// sequences (a clear-screen, a title change, a hyperlink), bare carriage returns (a line that
// overwrites the one before it, a fake "✓ all good"), other control characters and the
// Unicode bidirectional overrides (text that reads differently than it is) are shown escaped,
// like Go's %q, instead of acting on the terminal.
//
// Apply it where an error or message is built from such text, so that no printing path can
// forget it; printing paths apply it once more as a last guard (it is idempotent).
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line returns s as one inert line: every control character, newlines included, is escaped.
func Line(s string) string { return clean(s, false) }

// Text returns s with its lines kept: "\n" stays (a "\r\n" becomes "\n"), a tab stays, and every
// other control character is escaped.
func Text(s string) string { return clean(s, true) }

// Unsafe reports whether Line would change s.
func Unsafe(s string) bool { return Line(s) != s }

func clean(s string, lines bool) string {
	if isClean(s, lines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case lines && r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			// CRLF: the LF that follows is kept; the CR is dropped.
		case lines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		case dangerous(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isClean(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			if lines && (c == '\n' || c == '\t') {
				continue
			}
			return false
		}
		if c >= 0x80 {
			return isCleanUnicode(s[i:])
		}
	}
	return true
}

func isCleanUnicode(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || dangerous(r) {
			return false
		}
		i += size
	}
	return true
}

// dangerous: the bidirectional controls (embeddings, overrides, isolates, marks), the line and
// paragraph separators, and the byte order mark / zero-width no-break space.
func dangerous(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}
