package convex

import (
	"fmt"
	"strings"
)

// providersArray is the providers array literal found in a scanned file.
type providersArray struct {
	open, close int // token indices of [ and ]
	elems       []element
	trailing    bool // a comma follows the last element
}

// element is one element of the array: tokens first..last inclusive.
type element struct {
	first, last int
}

// locateProviders finds the single `providers: [ ... ]` property. When there
// is none it returns nil and a reason suitable for MergeManual.
func locateProviders(s *scanned) (*providersArray, string) {
	keys, shorthands := providerKeys(s)
	lineOf := func(i int) int { return s.line(s.toks[i].start) + 1 }
	switch {
	case len(keys)+len(shorthands) == 0:
		return nil, "no providers array was found (expected export default { providers: [ ... ] })"
	case len(keys)+len(shorthands) > 1:
		var lines []string
		for _, i := range append(keys, shorthands...) {
			lines = append(lines, fmt.Sprint(lineOf(i)))
		}
		return nil, fmt.Sprintf("there is more than one providers key (lines %s)", strings.Join(lines, ", "))
	case len(shorthands) == 1:
		if from, ok := s.importedFrom("providers"); ok {
			return nil, fmt.Sprintf("providers (line %d) is imported from %s, not an array literal in this file", lineOf(shorthands[0]), from)
		}
		return nil, fmt.Sprintf("providers (line %d) refers to a variable, not an array literal", lineOf(shorthands[0]))
	}
	key := keys[0]
	open := key + 2
	if !s.is(open, "[") {
		return nil, fmt.Sprintf("providers (line %d) is not an array literal%s", lineOf(key), s.valueOrigin(open))
	}
	closeIdx := s.match[open]
	// The array must be the whole value: followed by the end of the property.
	if next := closeIdx + 1; !(s.is(next, ",") || s.is(next, "}") || s.isIdent(next, "as") || s.isIdent(next, "satisfies")) {
		return nil, fmt.Sprintf("providers (line %d) is not a plain array literal", lineOf(key))
	}
	arr := &providersArray{open: open, close: closeIdx}
	for _, m := range s.members(open) {
		if m.first > m.last {
			if !m.comma && len(arr.elems) > 0 && s.is(m.first-1, ",") {
				arr.trailing = true
				break
			}
			if !m.comma && len(arr.elems) == 0 {
				break // empty array
			}
			return nil, fmt.Sprintf("providers (line %d) has an empty element", lineOf(m.first))
		}
		arr.elems = append(arr.elems, element{m.first, m.last})
	}
	return arr, ""
}

// providers reads each element; an element `...NAME` naming a top-level array literal gives
// that array's providers (see readElement).
func (a *providersArray) providers(s *scanned) []ParsedProvider {
	out := make([]ParsedProvider, 0, len(a.elems))
	decls := s.topDecls()
	for i, e := range a.elems {
		for _, pp := range s.readElement(e.first, e.last, decls, 0) {
			pp.Elem = i
			out = append(out, pp)
		}
	}
	return out
}

type property struct {
	key         string
	first, last int // value tokens, inclusive
	comma       bool
}

// objectProps lists the "key: value" properties of the object literal whose
// { is token open. Shorthand, spread, computed and method members are skipped.
func objectProps(s *scanned, open int) []property {
	var props []property
	for _, m := range s.members(open) {
		if m.last-m.first >= 2 && s.is(m.first+1, ":") {
			props = append(props, property{key: s.keyName(m.first), first: m.first + 2, last: m.last, comma: m.comma})
		}
	}
	return props
}

// readDomain reads a domain (or issuer) value spanning tokens first..last:
// a string literal, or process.env.NAME / process.env["NAME"] followed by an
// optional "!", "as string", and an optional "?? ..." or "|| ..." fallback. The
// whole value may be in parentheses, as in a JSDoc cast
// `/** @type {string} */ (process.env.NAME)`.
func readDomain(s *scanned, first, last int) (env, lit string) {
	if first < last && s.is(first, "(") && s.match[first] == last {
		return readDomain(s, first+1, last-1)
	}
	if first == last {
		v, _ := s.stringValue(first)
		return "", v
	}
	i := first
	if last < first+4 || !s.isIdent(i, "process") || !(s.is(i+1, ".") || s.is(i+1, "?.")) || !s.isIdent(i+2, "env") {
		return "", ""
	}
	i += 3
	switch {
	case (s.is(i, ".") || s.is(i, "?.")) && i+1 <= last && s.toks[i+1].kind == tokIdent:
		env = s.text(i + 1)
		i += 2
	case (s.is(i, "[") || s.is(i, "?.")) && i+2 <= last:
		if s.is(i, "?.") {
			i++
		}
		if !s.is(i, "[") || !s.is(i+2, "]") {
			return "", ""
		}
		v, ok := s.stringValue(i + 1)
		if !ok {
			return "", ""
		}
		env = v
		i += 3
	default:
		return "", ""
	}
	if s.is(i, "!") {
		i++
	}
	if s.isIdent(i, "as") && s.isIdent(i+1, "string") {
		i += 2
	}
	if i > last || s.is(i, "??") || s.is(i, "||") {
		return env, ""
	}
	return "", ""
}

// insert returns the source with p appended to the array.
func (a *providersArray) insert(s *scanned, ts bool, p Provider) []byte {
	st := a.style(s)
	nl := "\n"
	if i := strings.IndexByte(string(s.src), '\n'); i > 0 && s.src[i-1] == '\r' {
		nl = "\r\n"
	}
	closeTok := s.toks[a.close]
	closeLine := s.line(closeTok.start)
	closeFirst := s.firstOnLine(closeTok.start)
	var edits []edit

	// A: the ] sits on its own line below the last element: insert whole lines
	// just before the ] line.
	after := s.toks[a.open].end // where the last element (and its comma) ends
	var lastEnd int
	if len(a.elems) > 0 {
		lastEnd = s.toks[a.elems[len(a.elems)-1].last].end
		after = lastEnd
		if a.trailing {
			after = s.toks[a.close-1].end
		}
		for _, c := range s.comments {
			if c.start >= after && c.start < closeTok.start && s.line(c.start) == s.line(after) {
				after = c.end
			}
		}
	}
	if closeFirst && s.line(after) < closeLine {
		indent := s.indentOf(closeTok.start) + st.unit
		trailing := true
		if len(a.elems) > 0 {
			last := a.elems[len(a.elems)-1]
			if start := s.toks[last.first].start; s.firstOnLine(start) {
				indent = s.indentOf(start)
			}
			trailing = a.trailing
			if !a.trailing {
				edits = append(edits, edit{lastEnd, ","})
			}
		}
		lines := p.lines(ts, st)
		var b strings.Builder
		for i, l := range lines {
			b.WriteString(indent + l)
			if i == len(lines)-1 && trailing {
				b.WriteString(",")
			}
			b.WriteString(nl)
		}
		edits = append(edits, edit{s.lineStarts[closeLine], b.String()})
		return apply(s.src, edits)
	}

	// B: the array is on one line, or ] shares a line with the last element.
	if len(a.elems) == 0 {
		// Expand [] into lines.
		base := s.indentOf(closeTok.start)
		var b strings.Builder
		for _, l := range p.lines(ts, st) {
			b.WriteString(nl + base + st.unit + l)
		}
		b.WriteString("," + nl + base)
		return apply(s.src, []edit{{closeTok.start, b.String()}})
	}
	last := a.elems[len(a.elems)-1]
	if s.is(last.first, "{") && s.match[last.first] == last.last &&
		s.line(s.toks[last.first].start) != s.line(s.toks[last.last].start) {
		// Hugged objects: [{ ... }, { ... }] over several lines.
		base := s.indentOf(s.toks[last.last].start)
		lines := p.lines(ts, st)
		var b strings.Builder
		b.WriteString(", {")
		for _, l := range lines[1 : len(lines)-1] {
			b.WriteString(nl + base + l)
		}
		b.WriteString(nl + base + "}")
		return apply(s.src, []edit{{lastEnd, b.String()}})
	}
	return apply(s.src, []edit{{lastEnd, ", " + p.oneLine(ts, st.quote)}})
}

type edit struct {
	off  int
	text string
}

// apply inserts the edits (sorted by offset) into src.
func apply(src []byte, edits []edit) []byte {
	n := len(src)
	for _, e := range edits {
		n += len(e.text)
	}
	out := make([]byte, 0, n)
	prev := 0
	for _, e := range edits {
		out = append(out, src[prev:e.off]...)
		out = append(out, e.text...)
		prev = e.off
	}
	return append(out, src[prev:]...)
}

// style detects the file's indentation unit, quote and trailing-comma habits.
func (a *providersArray) style(s *scanned) snippetStyle {
	st := snippetStyle{unit: "  ", quote: '"', trailingComma: true}
	tabs, spaces, minSpaces := 0, 0, 0
	seen := map[int]bool{}
	for _, t := range s.toks {
		line := s.line(t.start)
		if seen[line] || !s.firstOnLine(t.start) {
			continue
		}
		seen[line] = true
		ind := s.indentOf(t.start)
		switch {
		case ind == "":
		case ind[0] == '\t':
			tabs++
		default:
			spaces++
			if n := len(ind) - len(strings.TrimLeft(ind, " ")); minSpaces == 0 || n < minSpaces {
				minSpaces = n
			}
		}
	}
	switch {
	case tabs > spaces:
		st.unit = "\t"
	case minSpaces > 0 && minSpaces <= 8:
		st.unit = strings.Repeat(" ", minSpaces)
	}
	single, double := 0, 0
	for _, t := range s.toks {
		if t.kind == tokString {
			if s.src[t.start] == '\'' {
				single++
			} else {
				double++
			}
		}
	}
	if single > double {
		st.quote = '\''
	}
	// A JavaScript file typed with JSDoc (`/** @type {import("convex/server").AuthConfig} */`)
	// may be checked with checkJs, where process.env.X is string | undefined: cast it as the
	// `!` does in TypeScript.
	for _, c := range s.comments {
		if text := string(s.src[c.start:c.end]); strings.HasPrefix(text, "/**") && strings.Contains(text, "@type") {
			st.jsdoc = true
			break
		}
	}
	// Trailing comma inside objects: follow the last multi-line object.
	for i := len(a.elems) - 1; i >= 0; i-- {
		e := a.elems[i]
		if !s.is(e.first, "{") || s.match[e.first] != e.last || s.line(s.toks[e.first].start) == s.line(s.toks[e.last].start) {
			continue
		}
		if props := objectProps(s, e.first); len(props) > 0 {
			st.trailingComma = props[len(props)-1].comma
			break
		}
	}
	return st
}
