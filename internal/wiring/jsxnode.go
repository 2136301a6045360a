package wiring

import (
	"fmt"
	"strings"
)

// jsxNode is one piece of JSX in a source text: an element or fragment with its children, an
// expression container {…}, or text. Offsets are byte offsets into the source.
type jsxNode struct {
	kind       jsxKind
	name       string // an element's tag name (Foo, Foo.Bar); "" for a fragment
	start, end int    // the whole node
	openEnd    int    // element/fragment: just past the opening tag
	closeStart int    // element/fragment: the '<' of the closing tag; end for a self-closing one
	children   []jsxNode
}

type jsxKind int

const (
	jsxElement jsxKind = iota
	jsxFragment
	jsxExpr
	jsxText
)

// parseJSXAt parses the JSX element or fragment whose '<' is at src[at]. It reads JSX the
// way a compiler does (attribute strings, nested expressions with their strings, comments and
// template literals, nested elements), and fails on anything it does not understand: a
// caller that cannot parse a file's JSX leaves the file alone.
func parseJSXAt(src string, at int) (*jsxNode, error) {
	p := &jsxParser{src: src, pos: at}
	n, err := p.element()
	if err != nil {
		return nil, err
	}
	return n, nil
}

type jsxParser struct {
	src string
	pos int
}

func (p *jsxParser) errf(format string, a ...any) error {
	return fmt.Errorf("JSX at offset %d: %s", p.pos, fmt.Sprintf(format, a...))
}

func isTagChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':'
}

func (p *jsxParser) skipSpace() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *jsxParser) element() (*jsxNode, error) {
	if p.pos >= len(p.src) || p.src[p.pos] != '<' {
		return nil, p.errf("want <")
	}
	n := &jsxNode{start: p.pos}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '>' {
		n.kind = jsxFragment
		p.pos++
	} else {
		n.kind = jsxElement
		s := p.pos
		for p.pos < len(p.src) && isTagChar(p.src[p.pos]) {
			p.pos++
		}
		n.name = p.src[s:p.pos]
		if n.name == "" || !isIdentStart(n.name[0]) {
			return nil, p.errf("no tag name")
		}
		self, err := p.attributes()
		if err != nil {
			return nil, err
		}
		if self {
			n.openEnd, n.closeStart, n.end = p.pos, p.pos, p.pos
			return n, nil
		}
	}
	n.openEnd = p.pos
	for {
		if p.pos >= len(p.src) {
			return nil, p.errf("<%s> is never closed", n.name)
		}
		switch c := p.src[p.pos]; {
		case strings.HasPrefix(p.src[p.pos:], "</"):
			n.closeStart = p.pos
			p.pos += 2
			p.skipSpace()
			s := p.pos
			for p.pos < len(p.src) && isTagChar(p.src[p.pos]) {
				p.pos++
			}
			if name := p.src[s:p.pos]; name != n.name {
				return nil, p.errf("</%s> closes <%s>", name, n.name)
			}
			p.skipSpace()
			if p.pos >= len(p.src) || p.src[p.pos] != '>' {
				return nil, p.errf("closing tag of <%s> has no >", n.name)
			}
			p.pos++
			n.end = p.pos
			return n, nil
		case c == '<':
			child, err := p.element()
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, *child)
		case c == '{':
			s := p.pos
			if err := p.expression(); err != nil {
				return nil, err
			}
			n.children = append(n.children, jsxNode{kind: jsxExpr, start: s, end: p.pos})
		default:
			s := p.pos
			for p.pos < len(p.src) && p.src[p.pos] != '<' && p.src[p.pos] != '{' {
				p.pos++
			}
			n.children = append(n.children, jsxNode{kind: jsxText, start: s, end: p.pos})
		}
	}
}

// attributes reads an opening tag's attributes up to its > (self false) or /> (self true).
func (p *jsxParser) attributes() (self bool, err error) {
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return false, p.errf("opening tag never ends")
		}
		switch c := p.src[p.pos]; {
		case c == '>':
			p.pos++
			return false, nil
		case strings.HasPrefix(p.src[p.pos:], "/>"):
			p.pos += 2
			return true, nil
		case c == '{': // {...spread}
			if err := p.expression(); err != nil {
				return false, err
			}
		case isIdentStart(c):
			for p.pos < len(p.src) && (isTagChar(p.src[p.pos])) {
				p.pos++
			}
			p.skipSpace()
			if p.pos < len(p.src) && p.src[p.pos] == '=' {
				p.pos++
				p.skipSpace()
				if err := p.attrValue(); err != nil {
					return false, err
				}
			}
		default:
			return false, p.errf("unexpected %q in a tag", c)
		}
	}
}

func (p *jsxParser) attrValue() error {
	if p.pos >= len(p.src) {
		return p.errf("attribute has no value")
	}
	switch c := p.src[p.pos]; c {
	case '"', '\'':
		end := strings.IndexByte(p.src[p.pos+1:], c)
		if end < 0 {
			return p.errf("attribute string never ends")
		}
		p.pos += end + 2
		return nil
	case '{':
		return p.expression()
	case '<':
		_, err := p.element()
		return err
	}
	return p.errf("unexpected attribute value")
}

// expression skips a {…} expression container: nested braces, strings, template literals,
// comments and JSX elements inside it.
func (p *jsxParser) expression() error {
	if p.src[p.pos] != '{' {
		return p.errf("want {")
	}
	p.pos++
	return p.skipCode('}')
}

// skipCode skips JavaScript up to and past the closing byte that matches (} or `), with prev
// the last significant byte read, to tell a JSX element from a less-than.
func (p *jsxParser) skipCode(closer byte) error {
	depth := 0
	prev := byte('{')
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"' || c == '\'':
			if err := p.skipString(c); err != nil {
				return err
			}
			prev = c
			continue
		case c == '`':
			p.pos++
			if err := p.skipTemplate(); err != nil {
				return err
			}
			prev = c
			continue
		case strings.HasPrefix(p.src[p.pos:], "//"):
			nl := strings.IndexByte(p.src[p.pos:], '\n')
			if nl < 0 {
				return p.errf("expression never ends")
			}
			p.pos += nl
			continue
		case strings.HasPrefix(p.src[p.pos:], "/*"):
			end := strings.Index(p.src[p.pos+2:], "*/")
			if end < 0 {
				return p.errf("comment never ends")
			}
			p.pos += end + 4
			continue
		case c == '<' && strings.IndexByte("(,{[?:&|=>", prev) >= 0 && p.pos+1 < len(p.src) &&
			(isIdentStart(p.src[p.pos+1]) || p.src[p.pos+1] == '>'):
			if _, err := p.element(); err != nil {
				return err
			}
			prev = '>'
			continue
		case c == '{' || c == '(' || c == '[':
			depth++
		case c == '}' || c == ')' || c == ']':
			if depth == 0 {
				if c != closer {
					return p.errf("unbalanced %q", c)
				}
				p.pos++
				return nil
			}
			depth--
		}
		if strings.IndexByte(" \t\r\n", c) < 0 {
			prev = c
		}
		p.pos++
	}
	return p.errf("expression never ends")
}

func (p *jsxParser) skipString(q byte) error {
	for i := p.pos + 1; i < len(p.src); i++ {
		switch p.src[i] {
		case '\\':
			i++
		case q:
			p.pos = i + 1
			return nil
		case '\n':
			return p.errf("string never ends")
		}
	}
	return p.errf("string never ends")
}

// skipTemplate skips a template literal's rest, p.pos just past its opening backquote.
func (p *jsxParser) skipTemplate() error {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == '\\':
			p.pos += 2
		case c == '`':
			p.pos++
			return nil
		case strings.HasPrefix(p.src[p.pos:], "${"):
			p.pos += 2
			if err := p.skipCode('}'); err != nil {
				return err
			}
		default:
			p.pos++
		}
	}
	return p.errf("template literal never ends")
}

// significant returns the children that are not blank text and not empty (comment-only)
// expression containers.
func (n *jsxNode) significant(src string) []jsxNode {
	var out []jsxNode
	for _, c := range n.children {
		switch c.kind {
		case jsxText:
			if strings.TrimSpace(src[c.start:c.end]) == "" {
				continue
			}
		case jsxExpr:
			if strings.TrimSpace(stripComments(src[c.start+1:c.end-1])) == "" {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// soleElement returns the node's one significant child when it is an element or fragment.
func (n *jsxNode) soleElement(src string) (*jsxNode, bool) {
	kids := n.significant(src)
	if len(kids) != 1 || (kids[0].kind != jsxElement && kids[0].kind != jsxFragment) {
		return nil, false
	}
	return &kids[0], true
}

// find returns the first element named name in n's subtree (n included), depth first.
func (n *jsxNode) find(name string) *jsxNode {
	if n.kind == jsxElement && n.name == name {
		return n
	}
	for i := range n.children {
		if f := n.children[i].find(name); f != nil {
			return f
		}
	}
	return nil
}
