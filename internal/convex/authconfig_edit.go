package convex

import (
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/templates"
)

// ReplaceProvider returns src with the element at index i of its providers array (as
// ParseAuthConfig numbers them) replaced by p, written in the file's style at the element's
// indentation. Every other byte is kept.
func ReplaceProvider(src []byte, ts bool, i int, p Provider) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s, arr, el, err := providersOf(src, i)
	if err != nil {
		return nil, err
	}
	e := arr.elems[el]
	st := arr.style(s)
	indent := s.indentOf(s.toks[e.first].start)
	nl := "\n"
	if j := strings.IndexByte(string(src), '\n'); j > 0 && src[j-1] == '\r' {
		nl = "\r\n"
	}
	lines := p.lines(ts, st)
	text := lines[0]
	for _, l := range lines[1:] {
		text += nl + indent + l
	}
	start, end := s.toks[e.first].start, s.toks[e.last].end
	out := append([]byte{}, src[:start]...)
	out = append(out, text...)
	return append(out, src[end:]...), nil
}

// RemoveProvider returns src without the element at index i of its providers array, and
// without its comma. An element that has its lines to itself goes with those lines (and a
// comment on them); otherwise only its text and comma go.
func RemoveProvider(src []byte, i int) ([]byte, error) {
	s, arr, el, err := providersOf(src, i)
	if err != nil {
		return nil, err
	}
	e := arr.elems[el]
	start, end := s.toks[e.first].start, s.toks[e.last].end
	// cut is the comma that goes with the element: its own, else (the last element without a
	// trailing comma) the one before it.
	var cut *span
	switch {
	case s.is(e.last+1, ","):
		end = s.toks[e.last+1].end
	case el > 0:
		c := s.toks[arr.elems[el-1].last+1]
		cut = &span{c.start, c.end}
	}
	// Own lines: only blanks before start on its line, and only blanks or a comment after end.
	lineEnd := end
	for lineEnd < len(src) && (src[lineEnd] == ' ' || src[lineEnd] == '\t') {
		lineEnd++
	}
	for _, c := range s.comments {
		if c.start == lineEnd && s.line(c.start) == s.line(end) {
			lineEnd = c.end
		}
	}
	if s.firstOnLine(start) && lineEnd < len(src) && (src[lineEnd] == '\n' || src[lineEnd] == '\r') {
		if src[lineEnd] == '\r' && lineEnd+1 < len(src) && src[lineEnd+1] == '\n' {
			lineEnd++
		}
		start, end = s.lineStarts[s.line(start)], lineEnd+1
	} else if cut == nil {
		// Inline: the blanks after the comma go too.
		for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
			end++
		}
	} else {
		// Inline and last: the blanks between the comma before it and the element go too.
		cut.end, start = end, end
	}
	var out []byte
	if cut != nil {
		out = append(out, src[:cut.start]...)
		out = append(out, src[cut.end:start]...)
	} else {
		out = append(out, src[:start]...)
	}
	return append(out, src[end:]...), nil
}

// providersOf scans src and returns the index in arr.elems of provider i (as ParseAuthConfig
// numbers them); a provider read through ...NAME cannot be edited there.
func providersOf(src []byte, i int) (*scanned, *providersArray, int, error) {
	s, err := scan(src)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("read auth config: %w", err)
	}
	arr, why := locateProviders(s)
	if arr == nil {
		return nil, nil, 0, fmt.Errorf("read auth config: %s", why)
	}
	ps := arr.providers(s)
	if i < 0 || i >= len(ps) {
		return nil, nil, 0, fmt.Errorf("auth config has no provider %d", i)
	}
	if ps[i].Via != "" {
		return nil, nil, 0, fmt.Errorf("the provider on line %d comes from ...%s: edit %s by hand", ps[i].Line, ps[i].Via, ps[i].Via)
	}
	return s, arr, ps[i].Elem, nil
}

// SetApplicationID returns src with the applicationID of provider i (as ParseAuthConfig
// numbers them) changed from the string literal from to to, in the literal's own quotes. Only
// that literal's bytes change; it may sit in a const the provider spreads. It is an error when
// the applicationID is not the literal from.
func SetApplicationID(src []byte, i int, from, to string) ([]byte, error) {
	s, err := scan(src)
	if err != nil {
		return nil, fmt.Errorf("read auth config: %w", err)
	}
	arr, why := locateProviders(s)
	if arr == nil {
		return nil, fmt.Errorf("read auth config: %s", why)
	}
	ps := arr.providers(s)
	if i < 0 || i >= len(ps) {
		return nil, fmt.Errorf("auth config has no provider %d", i)
	}
	pp := ps[i]
	if pp.appIDTok == 0 || pp.ApplicationID != from {
		return nil, fmt.Errorf("the provider on line %d has no applicationID %q written as a string", pp.Line, from)
	}
	t := s.toks[pp.appIDTok]
	lit := jsLiteral(to, rune(src[t.start]))
	out := make([]byte, 0, len(src)+len(lit))
	out = append(out, src[:t.start]...)
	out = append(out, lit...)
	return append(out, src[t.end:]...), nil
}

// jsLiteral writes v as a string literal in quote (', " or a backtick), falling back to
// double quotes for a template literal v cannot be written in plainly.
func jsLiteral(v string, quote rune) string {
	if quote == '`' {
		if !strings.ContainsAny(v, "`\\$\n\r") {
			return "`" + v + "`"
		}
		quote = '"'
	}
	return templates.JSString(v, quote)
}
