package wiring

import (
	"regexp"
	"strings"
	"sync"
)

// Scanning source text: masking comments and strings, and the offsets of lines and tokens.

// mask blanks the comments and the contents of string and template literals of src (quotes
// kept), keeping every offset and newline, so searches see only code. A quote between two
// letters (Don't, it's: JSX text, since code never puts a string right after a name) starts
// no string; one that is not closed on its line masks only to the line's end.
func mask(src string) string { return blank(src, true) }

// stripComments blanks the comments of src, keeping its strings.
func stripComments(src string) string { return blank(src, false) }

func blank(src string, stringsToo bool) string {
	out := []byte(src)
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case c == '\'' && i > 0 && i+1 < len(out) && isLetter(out[i-1]) && isLetter(out[i+1]):
			// an apostrophe in a word
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for ; j < len(out) && out[j] != c; j++ {
				if out[j] == '\n' && c != '`' {
					break
				}
				esc := out[j] == '\\'
				if stringsToo && out[j] != '\n' {
					out[j] = ' '
				}
				if esc && j+1 < len(out) && out[j+1] != '\n' {
					j++
					if stringsToo {
						out[j] = ' '
					}
				}
			}
			i = j
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			end := strings.Index(string(out[i+2:]), "*/")
			stop := len(out)
			if end >= 0 {
				stop = i + 2 + end + 2
			}
			for k := i; k < stop; k++ {
				if out[k] != '\n' {
					out[k] = ' '
				}
			}
			i = stop - 1
		}
	}
	return string(out)
}

func onceRe(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// skipSpace skips whitespace and comments from i.
func skipSpace(src string, i int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '/' && at(src, i+1) == '/':
			i = lineEnd(src, i)
		case c == '/' && at(src, i+1) == '*':
			e := strings.Index(src[i+2:], "*/")
			if e < 0 {
				return len(src)
			}
			i += e + 4
		case strings.HasPrefix(src[i:], "\ufeff"):
			i += len("\ufeff")
		default:
			return i
		}
	}
	return i
}

// skipInline skips spaces, tabs and /* */ comments on the line.
func skipInline(src string, i int) int {
	for i < len(src) {
		switch {
		case src[i] == ' ' || src[i] == '\t':
			i++
		case strings.HasPrefix(src[i:], "/*"):
			e := strings.Index(src[i+2:], "*/")
			if e < 0 || strings.Contains(src[i:i+2+e], "\n") {
				return i
			}
			i += e + 4
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the offset past the string literal starting at i.
func stringEnd(src string, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(src)
}

// lineEnd returns the offset past the newline of the line holding i (len(src) on the last).
func lineEnd(src string, i int) int {
	if e := strings.IndexByte(src[i:], '\n'); e >= 0 {
		return i + e + 1
	}
	return len(src)
}

func lineStart(src string, i int) int { return strings.LastIndexByte(src[:i], '\n') + 1 }

func at(src string, i int) byte {
	if i < len(src) {
		return src[i]
	}
	return 0
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdent(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
