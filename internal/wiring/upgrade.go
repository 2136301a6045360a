package wiring

import (
	"regexp"
	"strings"
)

// UpgradeConvexProvider turns the one <ConvexProvider client={…}> (from convex/react) of src
// into <ConvexProviderWithClerk client={…} useAuth={useAuth}>, inside <ClerkProvider> when
// withClerk, and fixes the imports: ConvexProvider's goes, ConvexProviderWithClerk's and
// clerkPkg's come. Any other shape (no or several ConvexProvider elements, a namespace or
// renamed import, no client prop) is an *UncertainError.
func UpgradeConvexProvider(src []byte, clerkPkg string, withClerk bool) ([]byte, error) {
	m := parseModule(string(src))
	var st *importStmt
	for i := range m.imports {
		s := &m.imports[i]
		if s.module == "convex/react" && !s.typeOnly && s.braceOpen >= 0 && wordRe("ConvexProvider").MatchString(stripComments(m.src[s.braceOpen:s.braceClose])) {
			st = s
		}
	}
	if st == nil || m.imported()["ConvexProvider"] != [2]string{"convex/react", "ConvexProvider"} {
		return nil, uncertain("ConvexProvider is not imported by that name from convex/react")
	}
	spans := FindElements(src, "ConvexProvider")
	if len(spans) != 1 {
		return nil, uncertain("<ConvexProvider> appears %d times", len(spans))
	}
	s := spans[0]
	text := string(src)
	masked := mask(text)
	open := tagText(masked, s.Start)
	if !regexp.MustCompile(`\sclient\s*=\s*\{`).MatchString(open) || strings.Contains(open, "useAuth") {
		return nil, uncertain("<ConvexProvider> has no client={…} prop")
	}
	// The closing tag, or the end of a self-closing one.
	var out string
	openEnd := s.Start + len(open)
	if strings.HasSuffix(open, "/>") {
		cut := strings.TrimRight(text[s.Start:openEnd-2], " \t")
		out = text[:s.Start] + "<ConvexProviderWithClerk" + cut[len("<ConvexProvider"):] + " useAuth={useAuth} />" + text[openEnd:]
	} else {
		closeAt := strings.LastIndex(masked[:s.End], "</")
		if closeAt < openEnd {
			return nil, uncertain("<ConvexProvider> is not closed")
		}
		cut := strings.TrimRight(text[s.Start:openEnd-1], " \t")
		out = text[:s.Start] + "<ConvexProviderWithClerk" + cut[len("<ConvexProvider"):] + " useAuth={useAuth}>" +
			text[openEnd:closeAt] + "</ConvexProviderWithClerk>" + text[s.End:]
	}
	var err error
	if out, err = removeNamed(out, "convex/react", "ConvexProvider"); err != nil {
		return nil, err
	}
	names := []string{"useAuth"}
	if withClerk {
		names = []string{"ClerkProvider", "useAuth"}
		spans := FindElements([]byte(out), "ConvexProviderWithClerk")
		if len(spans) != 1 {
			return nil, uncertain("could not find the element just changed")
		}
		b, err := Wrap([]byte(out), spans[0], "<ClerkProvider>", "</ClerkProvider>")
		if err != nil {
			return nil, err
		}
		out = string(b)
	}
	res, err := AddImports([]byte(out),
		Import{Module: clerkPkg, Names: names},
		Import{Module: "convex/react-clerk", Names: []string{"ConvexProviderWithClerk"}})
	return res, err
}

// removeNamed removes name from the non-type `import { … } from "module"` of src: the name and
// its comma, its line when it has one of its own, or the whole statement when it is the only
// name.
func removeNamed(src, module, name string) (string, error) {
	m := parseModule(src)
	for _, st := range m.imports {
		if st.module != module || st.typeOnly || st.braceOpen < 0 {
			continue
		}
		inner := src[st.braceOpen+1 : st.braceClose]
		if !wordRe(name).MatchString(stripComments(inner)) {
			continue
		}
		if strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(inner), ",")) == name {
			head := strings.TrimSpace(src[st.start+len("import") : st.braceOpen])
			if head != "" {
				return "", uncertain("%s is imported next to a default import", name)
			}
			end := st.end
			if e := lineEnd(src, end); strings.TrimSpace(src[end:e]) == "" {
				end = e
			}
			return src[:st.start] + src[end:], nil
		}
		q := regexp.QuoteMeta(name)
		for _, re := range []*regexp.Regexp{
			regexp.MustCompile(`\n[ \t]*` + q + `[ \t]*,[ \t]*(\r?\n)`),
			regexp.MustCompile(`\b` + q + `\b\s*,\s*`),
			regexp.MustCompile(`\s*,\s*\b` + q + `\b`),
		} {
			if loc := re.FindStringSubmatchIndex(inner); loc != nil {
				repl := ""
				if len(loc) > 2 && loc[2] >= 0 {
					repl = inner[loc[2]:loc[3]] // keep one line break
				}
				inner = inner[:loc[0]] + repl + inner[loc[1]:]
				return src[:st.braceOpen+1] + inner + src[st.braceClose:], nil
			}
		}
		return "", uncertain("could not remove %s from its import", name)
	}
	return src, nil
}

func wordRe(name string) *regexp.Regexp {
	return regexp.MustCompile(`(^|[^\w$])` + regexp.QuoteMeta(name) + `($|[^\w$])`)
}
