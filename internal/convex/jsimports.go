package convex

import (
	"fmt"
	"sort"
	"strings"
)

// This file reads the top level of a Convex function file with the tokenizer of
// authconfig_scan.go: its import declarations and the names it declares, and adds the imports
// a generated block needs without touching any other byte.

// importDecl is one `import … from "module"` statement at the top level.
type importDecl struct {
	module      string
	typeOnly    bool              // import type { … }
	open, close int               // token indexes of the named imports' braces; -1 when none
	end         int               // byte offset just after the statement (its ";" when present)
	locals      map[string]string // local name -> imported name ("default", "*")
}

// applyEdits returns src with the insertions made, in any order; edits at the same offset
// keep their order.
func applyEdits(src []byte, edits []edit) []byte {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].off < edits[j].off })
	return apply(src, edits)
}

// normModule makes "./_generated/server.js" and "./_generated/server" the same module.
func normModule(m string) string {
	for _, ext := range []string{".js", ".ts"} {
		if strings.HasPrefix(m, ".") && strings.HasSuffix(m, ext) {
			return strings.TrimSuffix(m, ext)
		}
	}
	return m
}

// imports returns the top-level import declarations of s.
func (s *scanned) imports() []importDecl {
	var out []importDecl
	for i := range s.toks {
		if s.parent[i] != -1 || !s.isIdent(i, "import") || s.is(i+1, "(") || s.is(i+1, ".") {
			continue
		}
		d := importDecl{open: -1, close: -1, locals: map[string]string{}}
		j := i + 1
		if s.isIdent(j, "type") && !s.isIdent(j+1, "from") && !s.is(j+1, ",") {
			d.typeOnly = true
			j++
		}
		for ; j < len(s.toks); j++ {
			switch {
			case s.toks[j].kind == tokString:
				d.module, _ = s.stringValue(j)
				d.end = s.toks[j].end
				if s.is(j+1, ";") {
					d.end = s.toks[j+1].end
				}
				j = len(s.toks)
			case s.is(j, "*") && s.isIdent(j+1, "as") && j+2 < len(s.toks):
				d.locals[s.text(j+2)] = "*"
				j += 2
			case s.is(j, "{"):
				d.open, d.close = j, s.match[j]
				for k := j + 1; k < d.close; k++ {
					if s.toks[k].kind != tokIdent && s.toks[k].kind != tokString {
						continue
					}
					if s.isIdent(k, "type") && k+1 < d.close && !s.is(k+1, ",") && !s.isIdent(k+1, "as") {
						continue // "type X" specifier
					}
					name := s.text(k)
					if v, ok := s.stringValue(k); ok {
						name = v
					}
					local := name
					if s.isIdent(k+1, "as") && k+2 < d.close {
						local = s.text(k + 2)
						k += 2
					}
					d.locals[local] = name
					for k+1 < d.close && !s.is(k+1, ",") {
						k++
					}
				}
				j = d.close
			case s.isIdent(j, "from"), s.is(j, ","):
			case s.toks[j].kind == tokIdent:
				d.locals[s.text(j)] = "default"
			}
		}
		if d.module != "" {
			out = append(out, d)
		}
	}
	return out
}

// declared returns the names declared at the top level (const/let/var, function, class,
// interface, type, enum), each with whether it is exported where it is declared.
func (s *scanned) declared() map[string]bool {
	out := map[string]bool{}
	for i := range s.toks {
		if s.parent[i] != -1 || s.toks[i].kind != tokIdent {
			continue
		}
		var nameAt int
		switch s.text(i) {
		case "const", "let", "var", "class", "interface", "enum":
			nameAt = i + 1
		case "function":
			nameAt = i + 1
			if s.is(nameAt, "*") {
				nameAt++
			}
		case "type":
			if !s.is(i+2, "=") && !s.is(i+2, "<") {
				continue
			}
			nameAt = i + 1
		default:
			continue
		}
		if nameAt >= len(s.toks) || s.toks[nameAt].kind != tokIdent {
			continue
		}
		exported := false
		for k := i - 1; k >= 0 && k >= i-3; k-- {
			if s.isIdent(k, "export") {
				exported = true
				break
			}
			if !s.isIdent(k, "async") && !s.isIdent(k, "declare") && !s.isIdent(k, "default") {
				break
			}
		}
		out[s.text(nameAt)] = out[s.text(nameAt)] || exported
	}
	return out
}

// need is one name a generated block imports.
type need struct {
	module, name string
	typ          bool // a type: "type Name" inside the braces
}

// ImportConflictError is a name a generated block needs that the file already binds to
// something else.
type ImportConflictError struct {
	Name, Module, Other string
}

func (e *ImportConflictError) Error() string {
	if e.Other == "" {
		return fmt.Sprintf("it declares %s itself, and the added code needs %s from %q", e.Name, e.Name, e.Module)
	}
	return fmt.Sprintf("it imports %s from %q, and the added code needs %s from %q", e.Name, e.Other, e.Name, e.Module)
}

// importEdits returns the insertions that make s import every need, adding names to an
// existing `import { … } from "module"` or a new import line after the last import.
func (s *scanned) importEdits(needs []need) ([]edit, error) {
	decls := s.imports()
	decl := s.declared()
	missing := map[string][]need{}
	var order []string
	seen := map[need]bool{}
	for _, n := range needs {
		if seen[n] {
			continue
		}
		seen[n] = true
		found := false
		for _, d := range decls {
			imported, ok := d.locals[n.name]
			if !ok {
				continue
			}
			if normModule(d.module) != normModule(n.module) || imported != n.name {
				return nil, &ImportConflictError{Name: n.name, Module: n.module, Other: d.module}
			}
			found = true
		}
		if found {
			continue
		}
		if _, ok := decl[n.name]; ok {
			return nil, &ImportConflictError{Name: n.name, Module: n.module}
		}
		if _, ok := missing[n.module]; !ok {
			order = append(order, n.module)
		}
		missing[n.module] = append(missing[n.module], n)
	}
	var edits []edit
	var newLines []string
	for _, m := range order {
		names := missing[m]
		target := -1
		for k, d := range decls {
			if normModule(d.module) == normModule(m) && d.open >= 0 && !d.typeOnly {
				target = k
				break
			}
		}
		if target < 0 {
			newLines = append(newLines, fmt.Sprintf("import { %s } from %q;", specifiers(names, false), m))
			continue
		}
		d := decls[target]
		prev := d.close - 1
		closeTok := s.toks[d.close]
		switch {
		case s.firstOnLine(closeTok.start) && prev > d.open:
			indent := s.indentOf(s.toks[prev].start)
			var b strings.Builder
			if !s.is(prev, ",") {
				b.WriteString(",")
			}
			for _, n := range names {
				b.WriteString("\n" + indent + specifiers([]need{n}, false) + ",")
			}
			text := b.String()
			if !s.is(prev, ",") {
				text = strings.TrimSuffix(text, ",")
			}
			edits = append(edits, edit{s.toks[prev].end, text})
		case prev == d.open:
			edits = append(edits, edit{s.toks[prev].end, " " + specifiers(names, false) + " "})
		case s.is(prev, ","):
			edits = append(edits, edit{s.toks[prev].end, " " + specifiers(names, true)})
		default:
			edits = append(edits, edit{s.toks[prev].end, ", " + specifiers(names, false)})
		}
	}
	if len(newLines) > 0 {
		text := strings.Join(newLines, "\n") + "\n"
		off := 0
		if len(decls) > 0 {
			off = decls[len(decls)-1].end
			text = "\n" + strings.TrimSuffix(text, "\n")
		} else if len(s.toks) > 0 {
			off = s.lineStarts[s.line(s.toks[0].start)]
			text += "\n"
		}
		edits = append(edits, edit{off, text})
	}
	return edits, nil
}

// specifiers joins names as import specifiers, "a, b, type C"; trailing adds a comma after
// the last one.
func specifiers(names []need, trailing bool) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n.name
		if n.typ {
			parts[i] = "type " + n.name
		}
	}
	out := strings.Join(parts, ", ")
	if trailing {
		out += ","
	}
	return out
}
