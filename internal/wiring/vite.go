package wiring

import (
	"context"
	"path"
	"strconv"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

// Vite + React: the providers go in the entry module, the one index.html loads
// (<script type="module" src="/src/main.tsx">), around what it renders.

var (
	htmlComment  = onceRe(`(?s)<!--.*?-->`)
	moduleScript = onceRe(`(?is)<script\b([^>]*)>`)
	attrType     = onceRe(`(?i)\btype\s*=\s*["']?module["']?`)
	attrSrc      = onceRe(`(?i)\bsrc\s*=\s*["']([^"']+)["']`)
	renderCall   = onceRe(`\.render\s*\(`)
)

// viteEntries are where Vite's templates put the entry, tried when index.html names none.
var viteEntries = []string{"src/main.tsx", "src/main.jsx", "src/main.ts", "src/main.js", "src/index.tsx", "src/index.jsx"}

// viteEntry returns the module index.html loads (project-relative), or the first of the
// usual entries that exists.
func viteEntry(in *Input) (string, bool) {
	data, ok, err := in.Read("index.html")
	if err == nil && ok && len(data) <= maxClientFileSize {
		html := htmlComment().ReplaceAllString(string(data), "")
		for _, m := range moduleScript().FindAllStringSubmatch(html, -1) {
			src := attrSrc().FindStringSubmatch(m[1])
			if !attrType().MatchString(m[1]) || src == nil || strings.Contains(src[1], "://") {
				continue
			}
			rel := path.Clean(strings.TrimPrefix(src[1], "/"))
			if rel == "." || strings.HasPrefix(rel, "../") || !clientExt(rel) {
				continue
			}
			if r, ok := firstExisting(in, rel); ok {
				return r, true
			}
		}
	}
	return firstExisting(in, viteEntries...)
}

func init() { register(project.Vite.ID, planVite) }

// planVite plans the wiring of a Vite + React app.
func planVite(_ context.Context, in *Input) (*Plan, error) {
	pkg, install := clerkPackageFor(in)
	spec := fwSpec{framework: in.Project.Framework.ID, template: "wiring/vite.tmpl", clerkPkg: pkg, install: install,
		where: "the entry module, around the element it renders"}
	if in.ProviderWired {
		return &Plan{Framework: spec.framework}, nil
	}
	spec.uses = scanProviders(in.Dir)
	rel, ok := viteEntry(in)
	if !ok {
		return spec.manual("src/main.tsx", "no entry module: index.html loads no module script, and there is no src/main.tsx or src/index.tsx")
	}
	src, err := readSource(in, rel)
	if err != nil {
		return nil, err
	}
	target, reason := renderedElement(src)
	if target == nil {
		return spec.manual(rel, rel+": "+reason)
	}
	return spec.edit(rel, src, target, true)
}

// renderedElement finds the one element the entry renders: the argument of its one
// .render(…) call, or that argument's only child when it is <StrictMode>.
func renderedElement(src string) (*jsxNode, string) {
	code := stripComments(src)
	calls := renderCall().FindAllStringIndex(code, -1)
	if len(calls) != 1 {
		return nil, "not one .render(…) call (found " + strconv.Itoa(len(calls)) + ")"
	}
	i := calls[0][1]
	for i < len(code) && strings.IndexByte(" \t\r\n", code[i]) >= 0 {
		i++
	}
	if i >= len(code) || code[i] != '<' {
		return nil, ".render(…) is not given a JSX element"
	}
	root, err := parseJSXAt(src, i)
	if err != nil {
		return nil, "cannot read the element .render(…) is given: " + err.Error()
	}
	if root.kind == jsxElement && (root.name == "StrictMode" || root.name == "React.StrictMode") {
		kid, ok := root.soleElement(src)
		if !ok {
			return nil, "<" + root.name + "> holds more than one element"
		}
		return kid, ""
	}
	return root, ""
}
