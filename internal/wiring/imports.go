package wiring

import (
	"regexp"
	"slices"
	"strings"
)

// Reading and adding a module's import statements (AddImports, InsertAfterImports).

// Import is one import to add: from Module, the default export as Default ("" for none) and
// Names (each "name" or "name as local").
type Import struct {
	Module  string
	Default string
	Names   []string
}

// importStmt is an import statement at the top of a module.
type importStmt struct {
	start, end int    // end: just past its module string, or its semicolon
	module     string // the module specifier
	quote      byte
	semi       bool
	typeOnly   bool   // import type …
	clause     string // between import and from
	braceOpen  int    // offset of the named clause's { (-1: none)
	braceClose int    // offset of its }
}

// module is what the top of a source file holds: directives ("use client"), then imports.
type module struct {
	src        string
	masked     string // comments and string contents blanked, offsets kept
	directives []int  // end offsets of the directives
	imports    []importStmt
	// late are the import statements after the first other statement: they bind names as
	// the others do, but new imports go after the top ones.
	late      []importStmt
	bodyStart int // the first statement that is neither a directive nor an import
	eol       string
}

// parseModule reads the directives and the import statements at the top of src, then the
// import statements that start a line after the first other statement (late).
func parseModule(src string) *module {
	m := parseHead(src)
	for _, loc := range lateImportRe().FindAllStringIndex(m.masked[m.bodyStart:], -1) {
		i := m.bodyStart + loc[1] - len("import")
		if i <= m.bodyStart {
			continue
		}
		if st, ok := m.parseImport(i); ok && !strings.ContainsAny(st.clause, "<>") {
			m.late = append(m.late, st)
		}
	}
	return m
}

var lateImportRe = onceRe(`(?m)^[ \t]*import\b`)

// all is every import statement of the module, the top ones first.
func (m *module) all() []importStmt { return append(slices.Clip(m.imports), m.late...) }

// parseHead reads the directives and the import statements at the top of src, up to the
// first other statement.
func parseHead(src string) *module {
	m := &module{src: src, masked: mask(src), eol: "\n"}
	if strings.Contains(src, "\r\n") {
		m.eol = "\r\n"
	}
	i := 0
	if strings.HasPrefix(src, "#!") {
		i = lineEnd(src, 0)
	}
	for {
		i = skipSpace(src, i)
		m.bodyStart = i
		if i >= len(src) {
			return m
		}
		c := src[i]
		switch {
		case (c == '"' || c == '\'') && len(m.imports) == 0:
			j := stringEnd(src, i)
			k := skipInline(src, j)
			if k < len(src) && src[k] == ';' {
				j = k + 1
			} else if k < len(src) && src[k] != '\n' && src[k] != '\r' {
				return m // "x".length …: an expression, not a directive
			}
			m.directives = append(m.directives, j)
			i = j
		case strings.HasPrefix(src[i:], "import") && !isIdent(at(src, i+6)):
			st, ok := m.parseImport(i)
			if !ok {
				return m
			}
			m.imports = append(m.imports, st)
			i = st.end
		case len(m.imports) > 0 && strings.HasPrefix(src[i:], "export") && !isIdent(at(src, i+6)):
			// export { ErrorBoundary } from 'expo-router' among the imports (Expo's templates):
			// part of the import block, so imports after it are not late.
			end, ok := m.reexportEnd(i)
			if !ok {
				return m
			}
			i = end
		default:
			return m
		}
	}
}

// reexportEnd is the end of the statement export { … } from "m" or export * (as N) from "m"
// starting at i (past its semicolon); ok is false for any other export.
func (m *module) reexportEnd(i int) (int, bool) {
	src := m.src
	j := skipSpace(src, i+len("export"))
	switch at(src, j) {
	case '{':
		e := strings.IndexByte(m.masked[j:], '}')
		if e < 0 {
			return 0, false
		}
		j += e + 1
	case '*':
		j = skipSpace(src, j+1)
		if strings.HasPrefix(src[j:], "as") && !isIdent(at(src, j+2)) {
			j = skipSpace(src, j+2)
			for j < len(src) && isIdent(src[j]) {
				j++
			}
		}
	default:
		return 0, false
	}
	j = skipSpace(src, j)
	if !strings.HasPrefix(src[j:], "from") || isIdent(at(src, j+4)) {
		return 0, false
	}
	j = skipSpace(src, j+4)
	if c := at(src, j); c != '"' && c != '\'' {
		return 0, false
	}
	j = stringEnd(src, j)
	if k := skipInline(src, j); at(src, k) == ';' {
		j = k + 1
	}
	return j, true
}

// parseImport reads the import statement starting at i: import "m"; import X from "m";
// import { a, b as c } from "m"; import * as N from "m"; import type …; with { … } after.
func (m *module) parseImport(i int) (importStmt, bool) {
	src, masked := m.src, m.masked
	st := importStmt{start: i, braceOpen: -1, braceClose: -1}
	j := skipSpace(src, i+6)
	if c := at(src, j); c == '(' || c == '.' {
		return st, false // import("m") or import.meta: an expression
	}
	clauseStart := j
	for j < len(src) {
		switch c := src[j]; {
		case c == '"' || c == '\'':
			end := stringEnd(src, j)
			st.quote, st.module = c, src[j+1:end-1]
			st.clause = strings.TrimSpace(src[clauseStart:j])
			if f := strings.Fields(st.clause); len(f) > 0 && f[0] == "type" {
				st.typeOnly = true
			}
			st.clause = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(st.clause), "from"))
			j = end
			// Import attributes: with { type: "json" } (or the older assert { … }).
			k := skipSpace(src, j)
			for _, kw := range []string{"with", "assert"} {
				if strings.HasPrefix(src[k:], kw) && !isIdent(at(src, k+len(kw))) {
					b := skipSpace(src, k+len(kw))
					if at(src, b) != '{' {
						return st, false
					}
					e := strings.IndexByte(masked[b:], '}')
					if e < 0 {
						return st, false
					}
					j = b + e + 1
				}
			}
			k = skipInline(src, j)
			if at(src, k) == ';' {
				st.semi, j = true, k+1
			}
			st.end = j
			return st, true
		case c == '{':
			if st.braceOpen >= 0 {
				return st, false
			}
			e := strings.IndexByte(masked[j:], '}')
			if e < 0 {
				return st, false
			}
			st.braceOpen, st.braceClose = j, j+e
			j += e + 1
		case c == '/' && (at(src, j+1) == '/' || at(src, j+1) == '*'):
			j = skipSpace(src, j)
		case c == ';' || c == '=' || c == '(':
			return st, false // import x = require("m"), or something else
		default:
			j++
		}
	}
	return st, false
}

// imported maps each local name the imports bind to its module and imported name ("default",
// "*", or the export's name).
func (m *module) imported() map[string][2]string {
	out := map[string][2]string{}
	for _, st := range m.all() {
		if st.typeOnly {
			continue
		}
		clause := st.clause
		if st.braceOpen >= 0 {
			named := m.src[st.braceOpen+1 : st.braceClose]
			for _, spec := range strings.Split(stripComments(named), ",") {
				f := strings.Fields(spec)
				switch {
				case len(f) == 1:
					out[f[0]] = [2]string{st.module, f[0]}
				case len(f) == 3 && f[1] == "as":
					out[f[2]] = [2]string{st.module, f[0]}
				}
			}
			clause = m.src[st.start+6 : st.braceOpen]
		}
		clause = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(clause), ","))
		if ns := nsRe().FindStringSubmatch(clause); ns != nil {
			out[ns[1]] = [2]string{st.module, "*"}
		} else if clause != "" && isIdentStart(clause[0]) && !strings.ContainsAny(clause, " ,{*") {
			out[clause] = [2]string{st.module, "default"}
		}
	}
	return out
}

var nsRe = onceRe(`\*\s*as\s+([A-Za-z_$][\w$]*)`)

// AddImports returns src with imps added: a name already imported from the same module is
// skipped; names join an existing non-type `import { … } from "module"`; the rest go in new
// statements after the last import (after the directives when there is none), in the file's
// quote and semicolon style. A local name bound to something else is an *UncertainError.
func AddImports(src []byte, imps ...Import) ([]byte, error) {
	out := string(src)
	for _, imp := range imps {
		var err error
		if out, err = addImport(out, imp); err != nil {
			return nil, err
		}
	}
	return []byte(out), nil
}

func addImport(src string, imp Import) (string, error) {
	m := parseModule(src)
	have := m.imported()
	want := func(imported, local string) (bool, error) {
		if got, ok := have[local]; ok {
			if got == [2]string{imp.Module, imported} {
				return false, nil
			}
			return false, uncertain("%s is already imported from %s", local, got[0])
		}
		if declaredRe(local).MatchString(m.masked) {
			return false, uncertain("the file already declares %s", local)
		}
		return true, nil
	}
	var names []string
	for _, n := range imp.Names {
		imported, local := n, n
		if f := strings.Fields(n); len(f) == 3 && f[1] == "as" {
			imported, local = f[0], f[2]
		}
		ok, err := want(imported, local)
		if err != nil {
			return "", err
		}
		if ok {
			names = append(names, n)
		}
	}
	def := imp.Default
	if def != "" {
		ok, err := want("default", def)
		if err != nil {
			return "", err
		}
		if !ok {
			def = ""
		}
	}
	if def == "" && len(names) == 0 {
		return src, nil
	}
	// Named imports join an existing { … } from the module.
	if def == "" {
		for _, st := range m.all() {
			if st.module == imp.Module && !st.typeOnly && st.braceOpen >= 0 {
				return joinNamed(src, st, names), nil
			}
		}
	}
	quote, semi := byte('"'), true
	if len(m.imports) > 0 {
		quote, semi = m.imports[0].quote, m.imports[len(m.imports)-1].semi
	} else if len(m.directives) > 0 {
		quote = src[skipSpace(src, 0)]
		semi = strings.HasSuffix(src[:m.directives[0]], ";")
	}
	var clause []string
	if def != "" {
		clause = append(clause, def)
	}
	if len(names) > 0 {
		clause = append(clause, "{ "+strings.Join(names, ", ")+" }")
	}
	stmt := "import " + strings.Join(clause, ", ") + " from " + string(quote) + imp.Module + string(quote)
	if semi {
		stmt += ";"
	}
	switch {
	case len(m.imports) > 0:
		last := m.imports[len(m.imports)-1].end
		at := lineEnd(src, last)
		if strings.TrimSpace(stripComments(src[last:at])) != "" {
			return "", uncertain("code follows the last import on its line")
		}
		if at == len(src) && !strings.HasSuffix(src, "\n") {
			return src + m.eol + stmt + m.eol, nil
		}
		return src[:at] + stmt + m.eol + src[at:], nil
	case len(m.directives) > 0:
		at := lineEnd(src, m.directives[len(m.directives)-1])
		if at == len(src) && !strings.HasSuffix(src, "\n") {
			return src + m.eol + m.eol + stmt + m.eol, nil
		}
		return src[:at] + m.eol + stmt + m.eol + src[at:], nil
	}
	at := afterBOM(src, lineStart(src, m.bodyStart))
	return src[:at] + stmt + m.eol + m.eol + src[at:], nil
}

// afterBOM moves the offset i past a byte order mark that starts src: text inserted at the
// top of a file goes after it, so the mark stays the file's first bytes.
func afterBOM(src string, i int) int {
	if n := len("\ufeff"); i < n && strings.HasPrefix(src, "\ufeff") {
		return n
	}
	return i
}

// joinNamed adds names to the { … } of st: before the closing brace, after a trailing comma
// when the list has one, on a line of its own when the list is one name a line.
func joinNamed(src string, st importStmt, names []string) string {
	inner := src[st.braceOpen+1 : st.braceClose]
	trimmed := strings.TrimRight(inner, " \t\r\n")
	if strings.Contains(inner, "\n") {
		// One name a line: each new one on its own line, indented as the last.
		lastLine := trimmed[strings.LastIndex(trimmed, "\n")+1:]
		indent := lastLine[:len(lastLine)-len(strings.TrimLeft(lastLine, " \t"))]
		eol := "\n"
		if strings.Contains(inner, "\r\n") {
			eol = "\r\n"
		}
		code := strings.TrimRight(stripComments(trimmed), " \t\r\n")
		comma := strings.HasSuffix(code, ",")
		var b strings.Builder
		if comma {
			b.WriteString(trimmed)
		} else {
			// The comma goes after the last name, before a comment that follows it.
			b.WriteString(trimmed[:len(code)] + "," + trimmed[len(code):])
		}
		for i, n := range names {
			b.WriteString(eol + indent + n)
			if comma || i < len(names)-1 {
				b.WriteString(",")
			}
		}
		return src[:st.braceOpen+1] + b.String() + inner[len(trimmed):] + src[st.braceClose:]
	}
	body := strings.TrimSpace(inner)
	sep := ", "
	if strings.HasSuffix(body, ",") {
		sep = " "
	}
	pad := ""
	if strings.HasSuffix(inner, " ") {
		pad = " "
	}
	if body == "" {
		return src[:st.braceOpen+1] + " " + strings.Join(names, ", ") + " " + src[st.braceClose:]
	}
	lead := inner[:len(inner)-len(strings.TrimLeft(inner, " "))]
	return src[:st.braceOpen+1] + lead + body + sep + strings.Join(names, ", ") + pad + src[st.braceClose:]
}

func declaredRe(name string) *regexp.Regexp {
	q := regexp.QuoteMeta(name)
	return regexp.MustCompile(`\b(?:const|let|var|function|class|type|interface|enum)\s+` + q + `\b`)
}

// InsertAfterImports adds the statement stmt (one line, declaring one name) after the imports,
// set off by blank lines: after the last import, else after the directives, else before the
// first statement. A file that already declares the name is an *UncertainError.
func InsertAfterImports(src []byte, stmt string) ([]byte, error) {
	text := string(src)
	m := parseModule(text)
	if f := strings.Fields(stmt); len(f) > 1 && declaredRe(strings.TrimRight(f[1], ":=")).MatchString(m.masked) {
		return nil, uncertain("the file already declares %s", strings.TrimRight(f[1], ":="))
	}
	var pos int
	switch {
	case len(m.imports) > 0:
		last := m.imports[len(m.imports)-1].end
		pos = lineEnd(text, last)
		if strings.TrimSpace(stripComments(text[last:pos])) != "" {
			return nil, uncertain("code follows the last import on its line")
		}
	case len(m.directives) > 0:
		pos = lineEnd(text, m.directives[len(m.directives)-1])
	default:
		pos = afterBOM(text, lineStart(text, m.bodyStart))
		return []byte(text[:pos] + stmt + m.eol + m.eol + text[pos:]), nil
	}
	head := text[:pos]
	if !strings.HasSuffix(head, "\n") {
		head += m.eol
	}
	ins := m.eol + stmt + m.eol
	if rest := text[pos:]; strings.TrimSpace(rest[:lineEnd(rest, 0)]) != "" {
		ins += m.eol // the next line is code: a blank line after too
	}
	return []byte(head + ins + text[pos:]), nil
}
