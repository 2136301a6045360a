package wiring

import "strings"

// dropNamedImport removes name from module's named import when nothing else in the file
// uses it; the whole statement goes when it was the only name there.
func dropNamedImport(src, module, name string) string {
	m := parseModule(src)
	rest := []byte(m.masked)
	for _, st := range m.imports {
		for k := st.start; k < st.end; k++ {
			rest[k] = ' '
		}
	}
	if Contains(rest, name) {
		return src
	}
	for _, st := range m.imports {
		if st.module != module || st.typeOnly || st.braceOpen < 0 {
			continue
		}
		inner := src[st.braceOpen+1 : st.braceClose]
		var keep []string
		found := false
		for _, p := range strings.Split(inner, ",") {
			if f := strings.Fields(p); len(f) == 1 && f[0] == name {
				found = true
				continue
			}
			if strings.TrimSpace(p) != "" {
				keep = append(keep, p)
			}
		}
		switch {
		case !found:
			continue
		case len(keep) == 0 && strings.TrimSpace(src[st.start+len("import"):st.braceOpen]) == "":
			// import { ConvexProvider } from "convex/react": the statement goes, with its line.
			return src[:st.start] + src[lineEnd(src, st.end):]
		case strings.Contains(inner, "\n"):
			// One name a line: its line goes.
			lines := strings.SplitAfter(inner, "\n")
			for i, l := range lines {
				if t := strings.TrimSpace(l); t == name || t == name+"," {
					lines = append(lines[:i], lines[i+1:]...)
					return src[:st.braceOpen+1] + strings.Join(lines, "") + src[st.braceClose:]
				}
			}
			return src
		}
		for i := range keep {
			keep[i] = strings.TrimSpace(keep[i])
		}
		lead, trail := inner[:len(inner)-len(strings.TrimLeft(inner, " "))], inner[len(strings.TrimRight(inner, " ")):]
		return src[:st.braceOpen+1] + lead + strings.Join(keep, ", ") + trail + src[st.braceClose:]
	}
	return src
}

// importedNames maps the file's local names to what they import (value imports only):
// module and the imported name ("*" for a namespace, "default").
func importedNames(src string) map[string]importBinding {
	out := map[string]importBinding{}
	for local, b := range parseModule(src).imported() {
		out[local] = importBinding{module: b[0], name: b[1]}
	}
	return out
}
