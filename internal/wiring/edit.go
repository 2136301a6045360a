package wiring

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The editing primitives every planner uses. Each makes the smallest edit a reviewer would
// accept: it inserts text, never reformats; it keeps the file's line endings, quotes,
// semicolons and indentation; and when it cannot be certain of the file's shape it changes
// nothing and returns an *UncertainError, which the planner turns into a Manual. PlanFor
// parses every result with esbuild before anything is written.

// UncertainError is a shape the editing primitives do not edit: the reason, for people.
type UncertainError struct{ Reason string }

func (e *UncertainError) Error() string { return e.Reason }

func uncertain(format string, a ...any) error {
	return &UncertainError{Reason: fmt.Sprintf(format, a...)}
}

// Span is a stretch of a source file: [Start, End).
type Span struct{ Start, End int }

// FindChildren finds every {children} JSX expression (spaces allowed inside the braces) outside
// comments and strings: one after a tag's > or before a <, not a destructuring ({ children })
// or an object.
func FindChildren(src []byte) []Span {
	masked := mask(string(src))
	var out []Span
	for _, loc := range childrenRe().FindAllStringIndex(masked, -1) {
		before := strings.TrimRight(masked[:loc[0]], " \t\r\n")
		after := strings.TrimLeft(masked[loc[1]:], " \t\r\n")
		if strings.HasSuffix(before, ">") || strings.HasPrefix(after, "<") {
			out = append(out, Span{loc[0], loc[1]})
		}
	}
	return out
}

var childrenRe = onceRe(`\{\s*children\s*\}`)

// FindElements finds every JSX element <name …>…</name> or <name … />, outside comments and
// strings; End is past its closing tag (the end of src when it has none).
func FindElements(src []byte, name string) []Span {
	masked := mask(string(src))
	re := regexp.MustCompile(`<` + regexp.QuoteMeta(name) + `[\s/>]`)
	var out []Span
	for _, loc := range re.FindAllStringIndex(masked, -1) {
		out = append(out, Span{loc[0], elementEnd(masked, name, loc[0])})
	}
	return out
}

// ElementEnd returns the offset just past the element whose opening tag <name…> starts at i:
// past the tag itself when it closes itself (/>), else past its matching </name>, counting
// nested elements of the same name; the end of src when it is never closed. doctor's wiring
// check reads elements with it too.
func ElementEnd(src, name string, i int) int { return elementEnd(src, name, i) }

// TagText is tagText, for doctor's wiring check.
func TagText(src string, i int) string { return tagText(src, i) }

func elementEnd(src, name string, i int) int {
	tag := tagText(src, i)
	if strings.HasSuffix(tag, "/>") {
		return i + len(tag)
	}
	re := regexp.MustCompile(`<` + regexp.QuoteMeta(name) + `[\s/>]|</\s*` + regexp.QuoteMeta(name) + `\s*>`)
	depth := 1
	for at := i + len(tag); at < len(src); {
		loc := re.FindStringIndex(src[at:])
		if loc == nil {
			break
		}
		start := at + loc[0]
		if strings.HasPrefix(src[start:], "</") {
			if depth--; depth == 0 {
				return at + loc[1]
			}
			at += loc[1]
			continue
		}
		inner := tagText(src, start)
		if !strings.HasSuffix(inner, "/>") {
			depth++
		}
		at = start + len(inner)
	}
	return len(src)
}

// tagText returns the opening tag starting at i, up to its > outside braces.
func tagText(src string, i int) string {
	depth := 0
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case '>':
			if depth == 0 && src[j-1] != '=' {
				return src[i : j+1]
			}
		}
	}
	return src[i:]
}

// Wrap puts the code at s between open and close (a provider's opening and closing tags).
// When s stands on lines of its own, open and close get lines of their own at its indent and
// s is indented one level more (a tab or the file's indent); otherwise they go on its line.
// A multi-line s holding a template literal is an *UncertainError (its lines cannot be
// indented without changing the string).
func Wrap(src []byte, s Span, open, close string) ([]byte, error) {
	text := string(src)
	ls, le := lineStart(text, s.Start), lineEnd(text, s.End)
	before, after := text[ls:s.Start], strings.TrimRight(text[s.End:le], "\r\n")
	inner := text[s.Start:s.End]
	unit := indentUnit(text, ls)
	eol := "\n"
	if strings.Contains(text, "\r\n") {
		eol = "\r\n"
	}
	// What may follow on the last line and still leave s on lines of its own: the , ; or )
	// that ends the call or statement it is part of (render(\n  <App />,\n)).
	if strings.TrimSpace(before) != "" || strings.Trim(after, " \t,;)") != "" {
		lead := before[:len(before)-len(strings.TrimLeft(before, " \t"))]
		if b := strings.TrimRight(mask(before), " \t"); !strings.Contains(inner, "\n") && strings.HasSuffix(b, "return") && strings.Trim(after, " \t;") == "" {
			// return <X />; becomes return ( on lines of their own ).
			return []byte(text[:ls] + strings.TrimRight(before, " \t") + " (" + eol + lead + unit + open + eol + lead + unit + unit + inner + eol +
				lead + unit + close + eol + lead + ")" + text[s.End:]), nil
		}
		return []byte(text[:s.Start] + open + inner + close + text[s.End:]), nil
	}
	if multilineTemplate(inner) {
		return nil, uncertain("the element holds a template literal across lines")
	}
	lines := strings.Split(inner, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			lines[i] = unit + lines[i]
		}
	}
	return []byte(text[:ls] + before + open + eol + before + unit + strings.Join(lines, "\n") + eol + before + close + text[s.End:]), nil
}

// multilineTemplate says whether s holds a template literal whose text runs across lines
// (re-indenting its lines would change the string).
func multilineTemplate(s string) bool {
	code := stripComments(s)
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '\'' && i > 0 && i+1 < len(code) && isLetter(code[i-1]) && isLetter(code[i+1]):
		case c == '"' || c == '\'':
			i = stringEnd(code, i) - 1
		case c == '`':
			j := i + 1
			for ; j < len(code) && code[j] != '`'; j++ {
				if code[j] == '\\' {
					j++
				}
			}
			if strings.Contains(code[i:min(j, len(code))], "\n") {
				return true
			}
			i = j
		}
	}
	return false
}

// indentUnit is the indent one level deeper than the line starting at ls: how much more its
// line is indented than the line above it when that is less; else a tab when the file indents
// with tabs, else the smallest indent of the file's indented lines (2 when none is).
func indentUnit(src string, ls int) string {
	lead := func(line string) string { return line[:len(line)-len(strings.TrimLeft(line, " \t"))] }
	cur := lead(src[ls:lineEnd(src, ls)])
	for p := ls; p > 0; {
		p = lineStart(src, p-1)
		line := strings.TrimRight(src[p:lineEnd(src, p)], "\r\n")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if prev := lead(line); len(prev) < len(cur) && strings.HasPrefix(cur, prev) {
			return cur[len(prev):]
		}
		break
	}
	least := 0
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "\t") {
			return "\t"
		}
		n := len(line) - len(strings.TrimLeft(line, " "))
		if n > 0 && n < len(strings.TrimRight(line, "\r")) && (least == 0 || n < least) {
			least = n
		}
	}
	if least == 0 || least > 8 {
		least = 2
	}
	return strings.Repeat(" ", least)
}

// LineOf is the 1-based line of offset i.
func LineOf(src []byte, i int) int { return strings.Count(string(src[:i]), "\n") + 1 }

// Contains says whether src uses name as a word outside comments and strings.
func Contains(src []byte, names ...string) bool {
	masked := mask(string(src))
	return slices.ContainsFunc(names, func(n string) bool {
		return regexp.MustCompile(`(^|[^\w$.])` + regexp.QuoteMeta(n) + `\b`).MatchString(masked)
	})
}
