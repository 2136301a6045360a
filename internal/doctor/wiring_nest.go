package doctor

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// When no ClerkProvider of its own file encloses <ConvexProviderWithClerk>, one must enclose
// where that file is rendered: the component is used (as JSX) inside a ClerkProvider element of
// the file that imports it, or inside a use that is itself enclosed, up the importers; or,
// imported by no file, it sits below a layout (Next app/, Expo app/, a root route, _app) whose ClerkProvider
// encloses what it renders ({children}, <Component>, <Outlet>, <Slot>, <Stack>, <Tabs>).
// Anything that cannot be followed (a component passed as a value, a lazy import) is unknown:
// the check warns rather than guessing.

type nesting int

const (
	nestNo nesting = iota
	nestUnknown
	nestYes
)

const maxNestDepth = 8

// outletRe finds what a layout renders its children through.
var outletRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\{\s*(?:props\s*\.\s*)?children\s*\}|<(?:Component|Outlet|Slot|Stack|Tabs|Drawer)[\s/>]`)
})

// reexportRe finds export … from "x" (the file stands for x).
var reexportRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})(?:\s+as\s+[\w$]+)?\s*from\s*['"]([^'"\n]+)['"]`)
})

var defaultImportRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\bimport\s+([A-Za-z_$][\w$]*)\s*(?:,|\bfrom\b)[^;]*?['"]([^'"\n]+)['"]`)
})

var layoutStems = map[string]bool{"layout": true, "_layout": true, "__root": true, "root": true, "_app": true, "template": true}

type nestGraph struct {
	srcs     map[string]string // rel (slashes) → source without comments
	complete bool              // false when the walk stopped early
	expo     bool              // Expo Router: app/ holds routes
	// importers maps a specifier's last segment to the files that import it (indexImports).
	importers map[string][]string
	live      map[string]bool // files found rendered
	// coveredBy is the ClerkProvider found to enclose, for the message.
	coveredBy *site
	clerk     []site
}

// loadNestGraph reads the project's source files once, for rendered and enclosed.
func loadNestGraph(ctx context.Context, dir string, expo bool, clerk []site) *nestGraph {
	g := &nestGraph{srcs: map[string]string{}, clerk: clerk, expo: expo, live: map[string]bool{}}
	g.complete = sourceFiles(ctx, dir, func(_, r string, data []byte) bool {
		g.srcs[r] = stripComments(data)
		return true
	})
	g.indexImports()
	return g
}

// sourceFiles visits the project's JS/TS-like files (node_modules, build output, dot folders
// and generated code skipped), at most maxReachFiles of them, each at most 1 MiB; it reports
// whether it saw them all.
func sourceFiles(ctx context.Context, dir string, visit func(p, rel string, data []byte) bool) bool {
	complete, files := true, 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || ctx.Err() != nil {
			complete = false
			return filepath.SkipAll
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (name == "node_modules" || name == "_generated" || strings.HasPrefix(name, ".") || name == "dist" || name == "build") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(name) {
		case ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".html", ".vue", ".svelte", ".astro", ".mdx":
		default:
			return nil
		}
		if files++; files > maxReachFiles {
			complete = false
			return filepath.SkipAll
		}
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Size() > 1<<20 {
			return nil
		}
		data, ok, err := fsutil.ReadFileIfExists(p)
		if err != nil || !ok {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil
		}
		if !visit(p, filepath.ToSlash(rel), data) {
			return filepath.SkipAll
		}
		return nil
	})
	return complete && ctx.Err() == nil
}

// enclosedAcrossFiles says whether a ClerkProvider encloses where the file rel is rendered.
func (g *nestGraph) enclosedAcrossFiles(rel string) (nesting, *site) {
	n := g.enclosed(rel, map[string]bool{}, 0)
	if n == nestNo && !g.complete {
		n = nestUnknown
	}
	return n, g.coveredBy
}

func (g *nestGraph) enclosed(rel string, seen map[string]bool, depth int) nesting {
	if seen[rel] || depth > maxNestDepth {
		return nestUnknown
	}
	seen[rel] = true
	defer delete(seen, rel)
	users, best := 0, nestNo
	for from, src := range g.srcs {
		if from == rel {
			continue
		}
		specs := g.specsFor(from, src, rel)
		if len(specs) > 0 && g.rendered(from, map[string]bool{}, 0) == nestNo {
			continue // a file nothing renders encloses nothing that runs
		}
		for _, spec := range specs {
			users++
			var n nesting
			if spec.reexport {
				n = g.enclosed(from, seen, depth+1)
			} else {
				n = g.usedInside(from, src, spec.locals, seen, depth)
			}
			if n > best {
				best = n
			}
			if best == nestYes {
				return nestYes
			}
		}
	}
	if users > 0 {
		return best
	}
	// Nothing imports it: a root the framework loads by name or folder, rendered inside the
	// layouts above it. (An imported file is rendered where it is used, not by its folder's
	// layout: app/providers.tsx used outside app/layout.tsx's ClerkProvider is outside it.)
	if c := g.layoutCover(rel); c != nil {
		g.coveredBy = c
		return nestYes
	}
	stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if entryStems[stem] || layoutStems[stem] {
		return nestNo
	}
	return nestUnknown
}

// layoutCover is a ClerkProvider of a layout in rel's folder or above that encloses what the
// layout renders (its children, outlet or the page component).
func (g *nestGraph) layoutCover(rel string) *site {
	for i, c := range g.clerk {
		if c.file == rel || !layoutStems[strings.TrimSuffix(path.Base(c.file), path.Ext(c.file))] {
			continue
		}
		if !layoutAbove(c.file, rel) {
			continue
		}
		src, ok := g.srcs[c.file]
		if !ok || c.end > len(src) {
			continue
		}
		if outletRe().MatchString(src[c.pos:c.end]) {
			return &g.clerk[i]
		}
	}
	return nil
}

// usedInside looks at the JSX uses of locals in from: one inside a ClerkProvider of from is
// enclosed; otherwise from itself must be.
func (g *nestGraph) usedInside(from, src string, locals []string, seen map[string]bool, depth int) nesting {
	var offs []int
	for _, l := range locals {
		o, _ := jsxUses(src, l)
		offs = append(offs, o...)
		if o2, _ := jsxUses(src, l+"."); len(o2) > 0 {
			offs = append(offs, o2...)
		}
	}
	if len(offs) == 0 {
		return nestUnknown // imported, but not rendered as an element here: cannot follow
	}
	for _, off := range offs {
		for i, c := range g.clerk {
			if c.file == from && c.pos < off && off < c.end {
				g.coveredBy = &g.clerk[i]
				return nestYes
			}
		}
		if c := g.insideWrapper(from, src, off); c != nil {
			g.coveredBy = c
			return nestYes
		}
	}
	return g.enclosed(from, seen, depth+1)
}

// insideWrapper finds the ClerkProvider of a Clerk wrapper component that from's code renders
// around the offset off: <Providers>…</Providers> where the file Providers is imported from
// renders a <ClerkProvider> around its {children}. (The file, not the one component: a file
// that exports a wrapper and another component is taken for a wrapper.)
func (g *nestGraph) insideWrapper(from, src string, off int) *site {
	for i, c := range g.clerk {
		w, ok := g.srcs[c.file]
		if c.file == from || !ok || c.end > len(w) || !childrenRe().MatchString(w[c.pos:c.end]) {
			continue
		}
		for _, spec := range g.specsFor(from, src, c.file) {
			for _, l := range spec.locals {
				uses, _ := jsxUses(src, l)
				for _, u := range uses {
					if u < off && off < wiring.ElementEnd(src, l, u) {
						return &g.clerk[i]
					}
				}
			}
		}
	}
	return nil
}

// childrenRe finds what a wrapper component renders its children through.
var childrenRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\{\s*(?:props\s*\.\s*)?children\s*\}`)
})

// nestedClerk finds a ClerkProvider nested with cp, the one around <ConvexProviderWithClerk>:
// another in its file around it or inside it, or one around where its file is rendered. Clerk
// throws on a ClerkProvider inside another. inner and outer are nil when there is none.
func (g *nestGraph) nestedClerk(cp *site) (inner, outer *site) {
	for i, c := range g.clerk {
		switch {
		case c.file != cp.file || c == *cp:
		case c.pos < cp.pos && cp.pos < c.end:
			return cp, &g.clerk[i]
		case cp.pos < c.pos && c.pos < cp.end:
			return &g.clerk[i], cp
		}
	}
	saved := g.coveredBy
	defer func() { g.coveredBy = saved }()
	g.coveredBy = nil
	if g.enclosed(cp.file, map[string]bool{}, 0) == nestYes && g.coveredBy != nil && g.coveredBy.file != cp.file {
		return cp, g.coveredBy
	}
	return nil, nil
}

type importOf struct {
	locals   []string
	reexport bool
}

// specsFor lists how from imports (or re-exports) the file target.
func (g *nestGraph) specsFor(from, src, target string) []importOf {
	var out []importOf
	for _, m := range reexportRe().FindAllStringSubmatch(src, -1) {
		if resolves(from, m[1], target) {
			out = append(out, importOf{reexport: true})
		}
	}
	var locals []string
	for local, spec := range parseImports(src) {
		if resolves(from, spec.module, target) {
			locals = append(locals, local)
		}
	}
	for _, m := range defaultImportRe().FindAllStringSubmatch(src, -1) {
		if m[1] != "type" && resolves(from, m[2], target) {
			locals = append(locals, m[1])
		}
	}
	if len(locals) > 0 {
		out = append(out, importOf{locals: locals})
	}
	return out
}

// resolves says whether the specifier spec, written in from, names the file target: a
// relative path, or an alias (@/, ~/, #/, a root-absolute /src/… or a baseUrl path) that ends
// with target's path.
func resolves(from, spec, target string) bool {
	noext := strings.TrimSuffix(target, path.Ext(target))
	names := []string{noext}
	if path.Base(noext) == "index" {
		names = append(names, path.Dir(noext))
	}
	want := spec
	if ext := path.Ext(spec); ext != "" && len(ext) <= 5 {
		switch ext {
		case ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts":
			want = strings.TrimSuffix(spec, ext)
		}
	}
	if strings.HasPrefix(want, ".") {
		p := path.Join(path.Dir(from), want)
		for _, n := range names {
			if p == n {
				return true
			}
		}
		return false
	}
	for _, pre := range []string{"@/", "~/", "#/", "$/", "/"} {
		want = strings.TrimPrefix(want, pre)
	}
	if want == "" || strings.HasPrefix(want, "@") {
		return false
	}
	for _, n := range names {
		if n == want || strings.HasSuffix(n, "/"+want) {
			return true
		}
	}
	return false
}

// notRoutes are the files of a layout's own folder it does not render: entries, the root
// component and other layouts (Next's template is rendered inside its layout).
var notRoutes = map[string]bool{"main": true, "App": true, "app": true, "root": true, "__root": true, "_app": true,
	"_layout": true, "layout": true, "client": true, "entry": true, "entry-client": true, "entry.client": true, "router": true}

// layoutAbove says whether the layout file lay renders rel: rel is in lay's folder (and is a
// route there, not an entry or another layout) or below it. A React Router root.tsx renders
// only its routes/ folder.
func layoutAbove(lay, rel string) bool {
	d, stem := path.Dir(lay), strings.TrimSuffix(path.Base(lay), path.Ext(lay))
	if stem == "root" {
		d = path.Join(d, "routes")
	}
	if d != "." && !strings.HasPrefix(rel, d+"/") {
		return false
	}
	if path.Dir(rel) == d || (d == "." && !strings.Contains(rel, "/")) {
		return !notRoutes[strings.TrimSuffix(path.Base(rel), path.Ext(rel))]
	}
	return true
}
