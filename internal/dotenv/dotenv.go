// Package dotenv reads and edits .env files without disturbing them: every
// line the caller does not set is kept byte for byte (comments, blank lines,
// order, quotes, `export`, CRLF line ends, a missing final newline, and
// lines it cannot make sense of).
//
// The dialect is the one of the npm dotenv package (used by Next.js, Vite and
// the Convex CLI):
//
//	KEY=value            unquoted; a "#" after white space starts a comment
//	KEY="va\nlue"        double quotes; \n and \r are line breaks,
//	                     \" and \\ stand for " and \
//	KEY='value'          single quotes (also `backticks`): taken literally
//	export KEY=value     "export " is allowed and kept
//	KEY="line one
//	line two"            a quoted value may span lines
//
// Keys are runs of letters, digits, "_", "." and "-". When a key is assigned
// more than once, the last assignment wins.
package dotenv

import (
	"sort"
	"strconv"
	"strings"
)

// File is a parsed .env file. The zero value is an empty file.
type File struct {
	entries []entry
}

type kind uint8

const (
	blank kind = iota
	comment
	assign
	malformed
)

// entry is one logical line: usually one physical line, several when a
// quoted value spans lines.
type entry struct {
	text string // the line(s) without the final line end; kept verbatim
	eol  string // "\n", "\r\n", or "" for a last line without newline
	kind kind

	// For assignments:
	key      string
	valStart int    // offset in text where the value (or its opening quote) starts
	valEnd   int    // offset just past the value (or its closing quote)
	quote    byte   // 0, '"', '\'' or '`'
	value    string // the decoded value
	dangling byte   // the quote that opened the value but never closed (read unquoted), or 0
}

const bom = "\xef\xbb\xbf"

// Parse reads a .env file. It never fails: lines it does not understand are
// kept and reported by Malformed.
func Parse(data []byte) *File {
	return &File{entries: parseEntries(string(data))}
}

// parser reads a file in one pass. steps counts the bytes it examines, so
// tests can hold the parse to linear work (never a wall clock): every byte
// is looked at by its own line's parse and at most by one search for a
// closing quote of each kind (the next quote of that kind ends the search).
type parser struct {
	s     string
	steps int
}

func parseEntries(s string) []entry {
	es, _ := parseCounted(s)
	return es
}

// parseCounted parses s and returns the work done (bytes examined).
func parseCounted(s string) ([]entry, int) {
	p := &parser{s: s}
	entries := make([]entry, 0, strings.Count(s, "\n")+1)
	p.steps += len(s) // the count of line ends above
	for pos := 0; pos < len(s); {
		e, next := p.entry(pos, pos == 0)
		entries = append(entries, e)
		pos = next
	}
	return entries, p.steps
}

// line returns the physical line starting at pos: its text (without the
// line end), its line end ("\n", "\r\n" or "") and where the next one starts.
func (p *parser) line(pos int) (text, eol string, next int) {
	rest := p.s[pos:]
	i := strings.IndexByte(rest, '\n')
	if i < 0 {
		p.steps += len(rest)
		return rest, "", len(p.s)
	}
	p.steps += i + 1
	text, eol = rest[:i], "\n"
	if strings.HasSuffix(text, "\r") {
		text, eol = text[:len(text)-1], "\r\n"
	}
	return text, eol, pos + i + 1
}

// parseLine parses one line on its own (no continuation onto later lines).
func parseLine(text, eol string, first bool) entry {
	p := &parser{s: text + eol}
	e, _ := p.entry(0, first)
	return e
}

// entry parses the logical line starting at pos and returns it and where
// the next one starts.
func (p *parser) entry(pos int, first bool) (entry, int) {
	text, eol, next := p.line(pos)
	e := entry{text: text, eol: eol}
	i := 0
	if first && strings.HasPrefix(text, bom) {
		i = len(bom)
	}
	i = skipSpace(text, i)
	switch {
	case i == len(text):
		e.kind = blank
		return e, next
	case text[i] == '#':
		e.kind = comment
		return e, next
	}
	key, valStart, ok := "", 0, false
	if rest := text[i:]; strings.HasPrefix(rest, "export") && len(rest) > 6 && isSpace(rest[6]) {
		key, valStart, ok = parseKey(text, skipSpace(text, i+6))
	}
	if !ok {
		key, valStart, ok = parseKey(text, i)
	}
	if !ok {
		e.kind = malformed
		return e, next
	}
	e.kind, e.key, e.valStart = assign, key, valStart

	if valStart < len(text) {
		if q := text[valStart]; q == '"' || q == '\'' || q == '`' {
			// Look for the closing quote, on this line or a later one, in
			// one pass over the rest of the file.
			end, found := closingQuote(p.s[pos:], valStart+1, q)
			p.steps += end - valStart
			if found {
				// The logical line runs to the end of the physical line
				// holding the closing quote.
				lineEnd := len(p.s) - pos
				if j := strings.IndexByte(p.s[pos+end:], '\n'); j >= 0 {
					lineEnd = end + j
				}
				p.steps += lineEnd - end
				joined := p.s[pos : pos+lineEnd]
				jeol := ""
				if pos+lineEnd < len(p.s) {
					jeol = "\n"
					if strings.HasSuffix(joined, "\r") && lineEnd > end+1 {
						joined, jeol = joined[:len(joined)-1], "\r\n"
					}
				}
				if restIsComment(joined[end+1:]) {
					e.text, e.eol = joined, jeol
					e.quote, e.valEnd = q, end+1
					e.value = decodeQuoted(joined[valStart+1:end], q)
					return e, pos + len(joined) + len(jeol)
				}
				// npm dotenv then reads the line as an unquoted value
			}
			e.dangling = q
		}
	}
	e.valEnd, e.value = unquotedValue(text, valStart)
	return e, next
}

// isSpace reports white space inside a line (what npm dotenv's \s matches).
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// parseKey reads `KEY =` at s[i:] and returns the key and the offset where
// the value starts.
func parseKey(s string, i int) (key string, valStart int, ok bool) {
	j := i
	for j < len(s) && isKeyByte(s[j]) {
		j++
	}
	if j == i {
		return "", 0, false
	}
	key = s[i:j]
	j = skipSpace(s, j)
	if j >= len(s) || s[j] != '=' {
		return "", 0, false
	}
	return key, skipSpace(s, j+1), true
}

// closingQuote finds the quote q that closes a value starting at s[from:].
// In double quotes a backslash escapes any byte; in single quotes and
// backticks only the quote itself (as npm dotenv's pattern does).
// When there is none it returns len(s), how far it looked.
func closingQuote(s string, from int, q byte) (int, bool) {
	for i := from; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (q == '"' || s[i+1] == q):
			i++
		case s[i] == q:
			return i, true
		}
	}
	return len(s), false
}

// restIsComment reports whether what follows a closing quote is only white
// space and perhaps a comment.
func restIsComment(rest string) bool {
	i := skipSpace(rest, 0)
	return i == len(rest) || rest[i] == '#'
}

// unquotedValue returns the end of an unquoted value starting at s[start:]
// and the value: up to a "#" that starts the value or follows white space,
// trailing white space removed.
func unquotedValue(s string, start int) (end int, value string) {
	end = len(s)
	for i := start; i < len(s); i++ {
		if s[i] == '#' && (i == start || isSpace(s[i-1])) {
			end = i
			break
		}
	}
	for end > start && isSpace(s[end-1]) {
		end--
	}
	return end, s[start:end]
}

func decodeQuoted(raw string, q byte) string {
	raw = strings.ReplaceAll(raw, "\r\n", "\n") // a value spanning CRLF lines
	if q != '"' || !strings.Contains(raw, `\`) {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\\' && i+1 < len(raw) {
			switch raw[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 'r':
				b.WriteByte('\r')
				i++
				continue
			case '"', '\\':
				b.WriteByte(raw[i+1])
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Bytes returns the file's contents. For a File that was only parsed, it is
// exactly the data given to Parse.
func (f *File) Bytes() []byte {
	n := 0
	for _, e := range f.entries {
		n += len(e.text) + len(e.eol)
	}
	b := make([]byte, 0, n)
	for _, e := range f.entries {
		b = append(b, e.text...)
		b = append(b, e.eol...)
	}
	return b
}

// last returns the index of the effective (last) assignment of key, or -1.
func (f *File) last(key string) int {
	for i := len(f.entries) - 1; i >= 0; i-- {
		if e := &f.entries[i]; e.kind == assign && e.key == key {
			return i
		}
	}
	return -1
}

// Get returns the value of key's last assignment.
func (f *File) Get(key string) (value string, ok bool) {
	if i := f.last(key); i >= 0 {
		return f.entries[i].value, true
	}
	return "", false
}

// Keys returns the assigned keys in order of first appearance, each once.
func (f *File) Keys() []string {
	var keys []string
	seen := make(map[string]bool)
	for _, e := range f.entries {
		if e.kind == assign && !seen[e.key] {
			seen[e.key] = true
			keys = append(keys, e.key)
		}
	}
	return keys
}

// Malformed returns the 1-based numbers of the lines that are neither blank,
// a comment nor an assignment. They are kept as they are.
func (f *File) Malformed() []int {
	var nums []int
	line := 1
	for _, e := range f.entries {
		if e.kind == malformed {
			nums = append(nums, line)
		}
		line += 1 + strings.Count(e.text, "\n")
	}
	return nums
}

// ValidKey reports whether k can be written by Set: a letter or "_", then
// letters, digits or "_" (what shells and every dotenv library accept).
func ValidKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Set gives key the value and reports whether the file changed.
//
// If key is assigned already, only its effective (last) assignment is
// rewritten, and only its value: `export`, the spacing around "=", an inline
// comment and the quote style are kept (the style changes only when it
// cannot hold the new value). Otherwise `KEY=value` is appended at the end,
// after a line end if the file lacked a final one, using the file's line
// ends (CRLF if the file uses them). Values that need it are quoted.
//
// A quote an earlier line opens and never closes can make readers run that
// line on into the changed one (npm dotenv does). Set then picks a quoting
// that avoids this; in the rare case none can (the value itself holds such
// a quote followed by "#"), the File shows what a reader would see, so Get
// does not return value: callers that must be sure check Get after Set.
//
// Set panics if !ValidKey(key): callers check keys first.
func (f *File) Set(key, value string) (changed bool) {
	if !ValidKey(key) {
		panic("dotenv: Set with invalid key " + strings.ToValidUTF8(key, "?"))
	}
	styles := candidates(value)
	var build func(style byte) entry
	pos := f.last(key)
	if pos >= 0 {
		old := f.entries[pos]
		if old.value == value {
			return false
		}
		if representable(value, old.quote) { // keep the style: try it first
			styles = append([]byte{old.quote}, styles...)
		}
		build = func(style byte) entry {
			token := encode(value, style)
			suffix := old.text[old.valEnd:]
			if style == 0 && strings.HasPrefix(suffix, "#") {
				suffix = " " + suffix // keep the comment a comment
			}
			return parseLine(old.text[:old.valStart]+token+suffix, old.eol, pos == 0)
		}
	} else {
		eol := "\n"
		for _, e := range f.entries {
			if e.eol != "" {
				eol = e.eol
				break
			}
		}
		if n := len(f.entries); n > 0 && f.entries[n-1].eol == "" {
			// End the last line. Re-read rather than patch: a line that
			// ended in "\r" now ends in "\r\n".
			f.entries = parseEntries(string(f.Bytes()) + eol)
		}
		pos = len(f.entries)
		f.entries = append(f.entries, entry{})
		build = func(style byte) entry {
			return parseLine(key+"="+encode(value, style), eol, pos == 0)
		}
	}
	for _, style := range styles {
		f.entries[pos] = build(style)
		if !f.danglingBefore(pos) || f.rereadsSame() {
			return true
		}
	}
	f.entries[pos] = build(styles[0])
	f.entries = parseEntries(string(f.Bytes()))
	return true
}

// danglingBefore reports whether an entry before pos opens a quote it does
// not close, which can make a reader join it with later lines.
func (f *File) danglingBefore(pos int) bool {
	for _, e := range f.entries[:pos] {
		if e.dangling != 0 {
			return true
		}
	}
	return false
}

// rereadsSame reports whether parsing Bytes() gives the same entries.
func (f *File) rereadsSame() bool {
	g := parseEntries(string(f.Bytes()))
	if len(g) != len(f.entries) {
		return false
	}
	for i := range g {
		if g[i] != f.entries[i] {
			return false
		}
	}
	return true
}

// needsQuotes reports whether value cannot be written unquoted.
func needsQuotes(v string) bool {
	if v == "" {
		return true
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c <= ' ' || c == 0x7f:
			return true
		case c == '#' || c == '"' || c == '\'' || c == '`' || c == '$' || c == '\\':
			return true
		}
	}
	return false
}

// representable reports whether v can be written on one line in style q
// (0 for unquoted) and read back the same by this package and by npm
// dotenv.
func representable(v string, q byte) bool {
	switch q {
	case 0:
		return !needsQuotes(v)
	case '"':
		return !strings.ContainsAny(v, "\"\\")
	default:
		return !strings.ContainsAny(v, string(q)+"\r\n") && !strings.HasSuffix(v, `\`)
	}
}

// candidates lists the styles v can be written in, best first. Double
// quotes with full escaping (last unless plain double quotes can) can write
// anything.
func candidates(v string) []byte {
	var cs []byte
	for _, q := range []byte{0, '"', '\'', '`'} {
		if representable(v, q) {
			cs = append(cs, q)
		}
	}
	if !representable(v, '"') {
		cs = append(cs, fullEscape)
	}
	return cs
}

// fullEscape stands for double quotes with \\ and \" escapes.
const fullEscape = 1

func encode(v string, style byte) string {
	switch style {
	case 0:
		return v
	case '"', fullEscape:
		var b strings.Builder
		b.Grow(len(v) + 2)
		b.WriteByte('"')
		for i := 0; i < len(v); i++ {
			switch c := v[i]; c {
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
		return b.String()
	default:
		return string(style) + v + string(style)
	}
}

// LinesAre names line numbers for a message: "line 3 is" or "lines 3, 5 are".
func LinesAre(lines []int) string {
	ns := append([]int(nil), lines...)
	sort.Ints(ns)
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	if len(ns) == 1 {
		return "line " + parts[0] + " is"
	}
	return "lines " + strings.Join(parts, ", ") + " are"
}

// Redact returns the file's bytes for display, with every value passed through show: each
// assignment's value (every occurrence of a key, not only the effective one), the value of a
// commented-out assignment ("# KEY=value"), and, with key "", the whole of a line that is
// neither blank, a comment nor an assignment. Where show returns something else than it was
// given, that replaces the value as it was written (quotes and all; a value spanning lines
// becomes one line). Everything else is as in Bytes.
func (f *File) Redact(show func(key, value string) string) []byte {
	var b []byte
	for _, e := range f.entries {
		text := e.text
		switch e.kind {
		case assign:
			if v := show(e.key, e.value); v != e.value {
				text = e.text[:e.valStart] + v + e.text[e.valEnd:]
			}
		case malformed:
			text = show("", e.text)
		case comment:
			i := strings.IndexByte(text, '#') + 1
			i = skipSpace(text, i)
			if inner := parseLine(text[i:], "", false); inner.kind == assign {
				if v := show(inner.key, inner.value); v != inner.value {
					text = text[:i] + inner.text[:inner.valStart] + v + inner.text[inner.valEnd:]
				}
			}
		}
		b = append(b, text...)
		b = append(b, e.eol...)
	}
	return b
}
