package wiring

import (
	"regexp"
	"strings"
)

// importDecl is one top-level import declaration: its span (the line's end excluded), the
// module name's span, and its braces' span when it has named imports ({…}, -1 when not).
type importDecl struct {
	start, end           int
	modStart, modEnd     int
	braceOpen, braceEnd  int // the { and the }
	typeOnly, sideEffect bool
}

var importStart = regexp.MustCompile(`(?m)^import\b`)

// findImports lists the file's top-level import declarations (at the start of a line, outside
// comments), in order.
func findImports(src string) []importDecl {
	code := stripComments(src)
	var out []importDecl
	for _, loc := range importStart.FindAllStringIndex(code, -1) {
		d := importDecl{start: loc[0], braceOpen: -1, braceEnd: -1}
		i := loc[1]
		skip := func() {
			for i < len(code) && strings.IndexByte(" \t\r\n", code[i]) >= 0 {
				i++
			}
		}
		skip()
		if strings.HasPrefix(code[i:], "type ") || strings.HasPrefix(code[i:], "type{") {
			d.typeOnly = true
		}
		if i < len(code) && (code[i] == '"' || code[i] == '\'') {
			d.sideEffect = true
		} else {
			// The clause, up to `from`: braces balanced, no strings in it.
			for ; i < len(code); i++ {
				if code[i] == '{' {
					if d.braceOpen >= 0 {
						break
					}
					d.braceOpen = i
				}
				if code[i] == '}' {
					d.braceEnd = i
				}
				if code[i] == ';' || code[i] == '"' || code[i] == '\'' || code[i] == '(' {
					break
				}
				if strings.HasPrefix(code[i:], "from") && (i == 0 || !isTagChar(code[i-1])) && (i+4 >= len(code) || !isTagChar(code[i+4])) && d.braceEnd >= d.braceOpen {
					i += 4
					break
				}
			}
			skip()
		}
		if i >= len(code) || (code[i] != '"' && code[i] != '\'') {
			continue // not an import declaration we can read (import(), import.meta, …)
		}
		q := code[i]
		end := strings.IndexByte(code[i+1:], q)
		if end < 0 {
			continue
		}
		d.modStart, d.modEnd = i+1, i+1+end
		d.end = d.modEnd + 1
		if rest := code[d.end:]; strings.HasPrefix(strings.TrimLeft(rest, " \t"), ";") {
			d.end += strings.Index(rest, ";") + 1
		}
		out = append(out, d)
	}
	return out
}

// addNamedImport makes sure src imports name from module: it is added to an existing named
// import of that module (not a type-only one), else a new import declaration goes after the
// last one, written in the file's style.
func addNamedImport(src, module, name string, st style) (string, error) {
	imps := findImports(src)
	for _, d := range imps {
		if d.typeOnly || d.sideEffect || src[d.modStart:d.modEnd] != module || d.braceOpen < 0 {
			continue
		}
		names := src[d.braceOpen+1 : d.braceEnd]
		for _, spec := range strings.Split(names, ",") {
			f := strings.Fields(spec)
			if len(f) == 1 && f[0] == name {
				return src, nil
			}
			if len(f) == 3 && f[1] == "as" && f[2] == name {
				return src, nil
			}
		}
		if strings.Contains(names, "\n") {
			// One name a line: a new line like the last one's.
			trimmed := strings.TrimRight(names, " \t\r\n")
			lastNL := strings.LastIndexByte(trimmed, '\n')
			ind := lineIndent(src, d.braceOpen+1+lastNL+1)
			comma := ""
			if !strings.HasSuffix(trimmed, ",") {
				comma = ","
			}
			at := d.braceOpen + 1 + len(trimmed)
			return src[:at] + comma + "\n" + ind + name + "," + src[at:], nil
		}
		trimmed := strings.TrimRight(names, " \t")
		at := d.braceOpen + 1 + len(trimmed)
		sep := ", "
		if strings.HasSuffix(trimmed, ",") {
			sep = " "
		}
		return src[:at] + sep + name + src[at:], nil
	}
	line := "import { " + name + " } from " + string(st.quote) + module + string(st.quote) + st.semi
	if len(imps) == 0 {
		return line + "\n" + src, nil
	}
	at := imps[len(imps)-1].end
	return src[:at] + "\n" + line + src[at:], nil
}

// dropNamedImport removes name from module's named import when the file no longer uses it
// (outside imports); the whole declaration goes when it was the only name.
func dropNamedImport(src, module, name string) (string, error) {
	uses := regexp.MustCompile(`(^|[^\w$.])` + regexp.QuoteMeta(name) + `\b`)
	imps := findImports(src)
	code := []byte(stripComments(src))
	for _, d := range imps {
		for k := d.start; k < d.end; k++ {
			code[k] = ' '
		}
	}
	if uses.Match(code) {
		return src, nil
	}
	for _, d := range imps {
		if d.sideEffect || src[d.modStart:d.modEnd] != module || d.braceOpen < 0 {
			continue
		}
		inner := src[d.braceOpen+1 : d.braceEnd]
		parts := strings.Split(inner, ",")
		var keep []string
		found := false
		for _, p := range parts {
			if f := strings.Fields(p); len(f) == 1 && f[0] == name {
				found = true
				continue
			}
			keep = append(keep, p)
		}
		if !found {
			continue
		}
		rest := strings.Join(keep, ",")
		if strings.TrimSpace(strings.ReplaceAll(rest, ",", "")) == "" && d.braceOpen == d.start+len("import ") {
			// import { ConvexProvider } from "convex/react": the line goes.
			end := d.end
			if end < len(src) && src[end] == '\n' {
				end++
			}
			return src[:d.start] + src[end:], nil
		}
		if !strings.Contains(inner, "\n") {
			rest = " " + strings.TrimSpace(strings.Join(fieldsJoin(keep), ", ")) + " "
		}
		return src[:d.braceOpen+1] + rest + src[d.braceEnd:], nil
	}
	return src, nil
}

func fieldsJoin(parts []string) []string {
	var out []string
	for _, p := range parts {
		if s := strings.TrimSpace(p); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// insertAfterImports puts decl on its own line after the last import declaration, with a
// blank line before and after it.
func insertAfterImports(src, decl string) string {
	imps := findImports(src)
	at := 0
	if len(imps) > 0 {
		at = imps[len(imps)-1].end
		if nl := strings.IndexByte(src[at:], '\n'); nl >= 0 {
			at += nl + 1
		} else {
			src += "\n"
			at = len(src)
		}
	}
	rest := src[at:]
	block := "\n" + decl + "\n"
	if at == 0 {
		block = decl + "\n"
	}
	if !strings.HasPrefix(rest, "\n") && !strings.HasPrefix(rest, "\r\n") {
		block += "\n"
	}
	return src[:at] + block + rest
}
