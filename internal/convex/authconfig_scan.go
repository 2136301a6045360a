package convex

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is a tokenizer for the small subset of JavaScript/TypeScript found
// in convex/auth.config.ts. It is not a parser: it knows comments, strings,
// template literals (with nested ${} expressions), regular expression literals
// (by the usual "previous token" heuristic), numbers, identifiers and
// punctuation, and it pairs brackets. That is enough to find a providers array
// and to edit it without touching any other byte.

type tokKind uint8

const (
	tokIdent tokKind = iota
	tokString
	tokTemplate
	tokNumber
	tokRegex
	tokPunct
)

type token struct {
	kind       tokKind
	start, end int // byte offsets into the source, end exclusive
}

type span struct{ start, end int }

type scanned struct {
	src        []byte
	toks       []token
	comments   []span
	lineStarts []int
	match      []int // for bracket tokens, the index of the partner; else -1
	parent     []int // index of the innermost open bracket around each token; -1 at top level
}

func (s *scanned) text(i int) string { return string(s.src[s.toks[i].start:s.toks[i].end]) }

func (s *scanned) is(i int, punct string) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == tokPunct && s.text(i) == punct
}

func (s *scanned) isIdent(i int, name string) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == tokIdent && s.text(i) == name
}

// line returns the 0-based line number of byte offset off.
func (s *scanned) line(off int) int {
	return sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off }) - 1
}

// indentOf returns the leading spaces and tabs of the line holding off.
func (s *scanned) indentOf(off int) string {
	start := s.lineStarts[s.line(off)]
	end := start
	for end < len(s.src) && (s.src[end] == ' ' || s.src[end] == '\t') {
		end++
	}
	return string(s.src[start:end])
}

// firstOnLine reports whether only spaces and tabs precede off on its line.
func (s *scanned) firstOnLine(off int) bool {
	for i := s.lineStarts[s.line(off)]; i < off; i++ {
		if s.src[i] != ' ' && s.src[i] != '\t' {
			return false
		}
	}
	return true
}

type scanError struct {
	line int // 1-based
	msg  string
}

func (e *scanError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// punctLen returns the length of the punctuator at the start of b, keeping
// the multi-character ones this package cares about whole.
func punctLen(b []byte) int {
	for _, p := range [...]string{
		">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
		"=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=",
		"*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>",
	} {
		if bytes.HasPrefix(b, []byte(p)) {
			return len(p)
		}
	}
	return 1
}

// regexAfterKeyword reports whether a '/' after the keyword kw starts a
// regular expression rather than a division.
func regexAfterKeyword(kw string) bool {
	switch kw {
	case "return", "typeof", "case", "do", "else", "in", "instanceof", "new",
		"delete", "void", "throw", "yield", "await", "of":
		return true
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c == '#' || c >= 0x80 ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func scan(src []byte) (*scanned, error) {
	s := &scanned{src: src, lineStarts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	errAt := func(off int, format string, args ...any) error {
		return &scanError{line: s.line(off) + 1, msg: fmt.Sprintf(format, args...)}
	}
	i := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	if bytes.HasPrefix(src[i:], []byte("#!")) { // hashbang line
		for i < len(src) && src[i] != '\n' {
			i++
		}
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			start := i
			for i < len(src) && src[i] != '\n' {
				i++
			}
			s.comments = append(s.comments, span{start, i})
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return nil, errAt(i, "unterminated /* comment")
			}
			s.comments = append(s.comments, span{i, i + 2 + end + 2})
			i += 2 + end + 2
		case c == '"' || c == '\'':
			end, err := scanQuoted(src, i)
			if err != nil {
				return nil, errAt(i, "%v", err)
			}
			s.toks = append(s.toks, token{tokString, i, end})
			i = end
		case c == '`':
			end, err := scanTemplate(src, i)
			if err != nil {
				return nil, errAt(i, "%v", err)
			}
			s.toks = append(s.toks, token{tokTemplate, i, end})
			i = end
		case c == '/' && s.regexAllowed():
			end, ok := scanRegex(src, i)
			if !ok {
				return nil, errAt(i, "unterminated regular expression")
			}
			s.toks = append(s.toks, token{tokRegex, i, end})
			i = end
		case '0' <= c && c <= '9' || c == '.' && i+1 < len(src) && '0' <= src[i+1] && src[i+1] <= '9':
			start := i
			for i < len(src) && (isIdentByte(src[i]) || src[i] == '.') {
				i++
			}
			s.toks = append(s.toks, token{tokNumber, start, i})
		case isIdentByte(c) || c == '\\':
			start := i
			for i < len(src) && (isIdentByte(src[i]) || src[i] == '\\') {
				i++
			}
			s.toks = append(s.toks, token{tokIdent, start, i})
		default:
			n := punctLen(src[i:])
			s.toks = append(s.toks, token{tokPunct, i, i + n})
			i += n
		}
	}
	if err := s.pairBrackets(); err != nil {
		return nil, err
	}
	return s, nil
}

// regexAllowed reports whether a '/' at this point starts a regular expression.
func (s *scanned) regexAllowed() bool {
	if len(s.toks) == 0 {
		return true
	}
	last := len(s.toks) - 1
	switch s.toks[last].kind {
	case tokIdent:
		return regexAfterKeyword(s.text(last))
	case tokPunct:
		t := s.text(last)
		return t != ")" && t != "]" && t != "++" && t != "--"
	}
	return false
}

func scanQuoted(src []byte, i int) (int, error) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1, nil
		case '\n':
			return 0, fmt.Errorf("unterminated string")
		}
	}
	return 0, fmt.Errorf("unterminated string")
}

// scanTemplate returns the end of the template literal starting at src[i]=='`',
// skipping nested ${ ... } expressions (which may hold strings, comments and
// further template literals).
func scanTemplate(src []byte, i int) (int, error) {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '`':
			return j + 1, nil
		case '$':
			if j+1 < len(src) && src[j+1] == '{' {
				end, err := scanTemplateExpr(src, j+2)
				if err != nil {
					return 0, err
				}
				j = end - 1 // end is just past the closing }
			}
		}
	}
	return 0, fmt.Errorf("unterminated template literal")
}

func scanTemplateExpr(src []byte, j int) (int, error) {
	depth := 0
	for j < len(src) {
		switch c := src[j]; {
		case c == '"' || c == '\'':
			end, err := scanQuoted(src, j)
			if err != nil {
				return 0, err
			}
			j = end
			continue
		case c == '`':
			end, err := scanTemplate(src, j)
			if err != nil {
				return 0, err
			}
			j = end
			continue
		case c == '/' && j+1 < len(src) && src[j+1] == '/':
			for j < len(src) && src[j] != '\n' {
				j++
			}
			continue
		case c == '/' && j+1 < len(src) && src[j+1] == '*':
			end := bytes.Index(src[j+2:], []byte("*/"))
			if end < 0 {
				return 0, fmt.Errorf("unterminated /* comment in template literal")
			}
			j += 2 + end + 2
			continue
		case c == '{':
			depth++
		case c == '}':
			if depth == 0 {
				return j + 1, nil
			}
			depth--
		}
		j++
	}
	return 0, fmt.Errorf("unterminated template literal")
}

// scanRegex returns the end of a regular expression literal starting at
// src[i]=='/', or false when the line ends first.
func scanRegex(src []byte, i int) (int, bool) {
	inClass := false
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '\n', '\r':
			return 0, false
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '/':
			if !inClass {
				j++
				for j < len(src) && isIdentByte(src[j]) {
					j++
				}
				return j, true
			}
		}
	}
	return 0, false
}

func (s *scanned) pairBrackets() error {
	s.match = make([]int, len(s.toks))
	s.parent = make([]int, len(s.toks))
	var stack []int
	for i := range s.toks {
		s.match[i] = -1
		if len(stack) > 0 {
			s.parent[i] = stack[len(stack)-1]
		} else {
			s.parent[i] = -1
		}
		if s.toks[i].kind != tokPunct {
			continue
		}
		switch t := s.text(i); t {
		case "(", "[", "{":
			stack = append(stack, i)
		case ")", "]", "}":
			if len(stack) == 0 || s.text(stack[len(stack)-1]) != opener(t) {
				return &scanError{line: s.line(s.toks[i].start) + 1, msg: fmt.Sprintf("unexpected %q", t)}
			}
			open := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			s.match[open], s.match[i] = i, open
			s.parent[i] = s.parent[open]
		}
	}
	if len(stack) > 0 {
		open := stack[len(stack)-1]
		return &scanError{line: s.line(s.toks[open].start) + 1, msg: fmt.Sprintf("%q is never closed", s.text(open))}
	}
	return nil
}

// stringValue returns the value of a string token, or of a template literal
// without substitutions. ok is false for anything else.
func (s *scanned) stringValue(i int) (string, bool) {
	t := s.toks[i]
	switch t.kind {
	case tokString:
	case tokTemplate:
		if bytes.Contains(s.src[t.start:t.end], []byte("${")) {
			return "", false
		}
	default:
		return "", false
	}
	return unescapeJS(s.src[t.start+1 : t.end-1]), true
}

// unescapeJS decodes the escapes of a JavaScript string body. Malformed
// escapes keep their characters, which is good enough for comparing values.
func unescapeJS(b []byte) string {
	if !bytes.ContainsRune(b, '\\') {
		return string(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out.WriteByte(b[i])
			continue
		}
		i++
		switch c := b[i]; c {
		case 'n':
			out.WriteByte('\n')
		case 't':
			out.WriteByte('\t')
		case 'r':
			out.WriteByte('\r')
		case 'b':
			out.WriteByte('\b')
		case 'f':
			out.WriteByte('\f')
		case 'v':
			out.WriteByte('\v')
		case '0':
			out.WriteByte(0)
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case '\n':
			// line continuation
		case 'x', 'u':
			r, n := decodeHexEscape(b[i:])
			if n == 0 {
				out.WriteByte(c)
				continue
			}
			if r >= 0xD800 && r <= 0xDBFF && i+n+1 < len(b) && b[i+n] == '\\' && b[i+n+1] == 'u' {
				if lo, m := decodeHexEscape(b[i+n+1:]); m > 0 && lo >= 0xDC00 && lo <= 0xDFFF {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					n += 1 + m
				}
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			out.WriteRune(r)
			i += n - 1
		default:
			out.WriteByte(c)
		}
	}
	return out.String()
}

// decodeHexEscape decodes "xHH", "uHHHH" or "u{H...}" at the start of b and
// returns the rune and the number of bytes used (0 if malformed).
func decodeHexEscape(b []byte) (rune, int) {
	var digits string
	n := 0
	switch {
	case b[0] == 'x' && len(b) >= 3:
		digits, n = string(b[1:3]), 3
	case b[0] == 'u' && len(b) >= 2 && b[1] == '{':
		end := bytes.IndexByte(b, '}')
		if end < 3 || end > 8 {
			return 0, 0
		}
		digits, n = string(b[2:end]), end+1
	case b[0] == 'u' && len(b) >= 5:
		digits, n = string(b[1:5]), 5
	default:
		return 0, 0
	}
	v, err := strconv.ParseUint(digits, 16, 32)
	if err != nil {
		return 0, 0
	}
	return rune(v), n
}

func opener(closer string) string {
	switch closer {
	case ")":
		return "("
	case "]":
		return "["
	}
	return "{"
}
