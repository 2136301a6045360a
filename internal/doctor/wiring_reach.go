package doctor

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// A <ConvexProviderWithClerk> wires nothing when nothing renders its file: a provider
// component written by the guide's first step whose use in the root layout was never added is
// the common case. A file is rendered when the framework loads it by its name or folder (an
// entry, a root layout, a route), or when a file that is rendered imports it: being imported
// by the app's own Providers component is not enough when nothing renders that one.

// entryStems are the file names (without extension) frameworks load without an import. An
// index file is an entry only at the top of the app or of src/ (elsewhere it is a folder's
// barrel, rendered when something imports the folder).
var entryStems = map[string]bool{
	"main": true, "index": true, "App": true, "app": true, "root": true, "__root": true, "_app": true,
	"_layout": true, "layout": true, "page": true, "template": true, "client": true, "entry": true,
	"entry-client": true, "entry.client": true, "router": true,
}

var specifierRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*['"]([^'"\n]+)['"]`)
})

// scriptSrcRe finds what an HTML file loads (Vite's index.html: <script type="module" src=…>).
var scriptSrcRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)<script\b[^>]*\bsrc\s*=\s*['"]([^'"\n]+)['"]`)
})

const maxReachFiles = 20000

// loadedByName says whether the framework loads the file rel without an import: by its name
// (an entry, a layout, a page) or its folder (pages/, routes/, Expo Router's app/).
func loadedByName(rel string, expo bool) bool {
	stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	dir := path.Dir(rel)
	segs := strings.Split(dir, "/")
	switch {
	case !entryStems[stem]:
	case stem == "layout" || stem == "page" || stem == "template":
		// Next.js's App Router: a layout, page or template anywhere below app/.
		if slices.Contains(segs, "app") {
			return true
		}
	case stem == "index":
		if dir == "." || dir == "src" {
			return true
		}
	default:
		// Entries (main, App, root, client, router, entry.client, _app…) are loaded by name at
		// the top of the app, of src/, or of app/ (React Router, Remix, TanStack): the same
		// name deeper is a module like any other.
		if dir == "." || dir == "src" || dir == "app" || dir == "src/app" {
			return true
		}
	}
	for _, seg := range segs {
		if seg == "pages" || seg == "routes" || (expo && seg == "app") {
			return true
		}
	}
	return false
}

// importKeys are the names an import of the file rel ends with: its stem, and its folder's
// name for an index file.
func importKeys(rel string) []string {
	stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	keys := []string{stem}
	if stem == "index" && path.Dir(rel) != "." {
		keys = append(keys, path.Base(path.Dir(rel)))
	}
	return keys
}

// indexImports maps the last segment of every specifier in the project (with and without a
// file extension) to the files that use it; matching by that name errs towards "imported".
func (g *nestGraph) indexImports() {
	g.importers = map[string][]string{}
	for rel, src := range g.srcs {
		ms := specifierRe().FindAllStringSubmatch(src, -1)
		if strings.HasSuffix(rel, ".html") {
			ms = append(ms, scriptSrcRe().FindAllStringSubmatch(src, -1)...)
		}
		seen := map[string]bool{}
		for _, m := range ms {
			base := path.Base(m[1])
			for _, k := range []string{base, strings.TrimSuffix(base, path.Ext(base))} {
				if !seen[k] {
					seen[k] = true
					g.importers[k] = append(g.importers[k], rel)
				}
			}
		}
	}
}

// rendered says whether the file rel is rendered: loaded by the framework, or imported by a
// file that is rendered, up to maxNestDepth files up. nestUnknown when that cannot be told
// (too deep, or the walk did not read every file).
func (g *nestGraph) rendered(rel string, seen map[string]bool, depth int) nesting {
	if loadedByName(rel, g.expo) || g.live[rel] {
		return nestYes
	}
	if depth > maxNestDepth {
		return nestUnknown
	}
	seen[rel] = true
	defer delete(seen, rel)
	best := nestNo
	for _, k := range importKeys(rel) {
		for _, from := range g.importers[k] {
			if from == rel || seen[from] || g.importsUnused(from, rel) {
				continue // a cycle renders nothing by itself, nor an import never used
			}
			if n := g.rendered(from, seen, depth+1); n > best {
				best = n
			}
			if best == nestYes {
				g.live[rel] = true
				return nestYes
			}
		}
	}
	if best == nestNo && !g.complete {
		return nestUnknown
	}
	return best
}

// imported says whether any other file imports rel (by the loose name match of rendered).
func (g *nestGraph) imported(rel string) bool {
	for _, k := range importKeys(rel) {
		for _, from := range g.importers[k] {
			if from != rel {
				return true
			}
		}
	}
	return false
}

// checkRendered fails when nothing renders the file of the provider at u, and warns when that
// cannot be told; bad is false when it is rendered.
func (g *nestGraph) checkRendered(u site) (outcome, bool) {
	const fix = "render it around the app: import its component in the root layout or entry (Next.js: around {children} in app/layout.tsx) and use it there"
	switch g.rendered(u.file, map[string]bool{}, 0) {
	case nestYes:
		return outcome{}, false
	case nestNo:
		if !g.imported(u.file) {
			return fail(fix, "<ConvexProviderWithClerk> at %s is in a file that no other file imports and that is not an entry, layout or route: nothing renders it", u), true
		}
		return fail(fix, "<ConvexProviderWithClerk> at %s is in a file imported only by files that no entry, layout or route imports in turn: nothing renders it", u), true
	}
	return warn("make sure the component in "+u.file+" is rendered around the app (imported and used by the root layout or entry)",
		"could not tell whether anything renders <ConvexProviderWithClerk> at %s: its importers are too many files deep, or not every file was read", u), true
}

// importsUnused says whether from imports rel (as resolves reads the specifier) under names it
// never uses after: an import left over, rendering nothing. An import it cannot read is not
// unused.
func (g *nestGraph) importsUnused(from, rel string) bool {
	src := g.srcs[from]
	specs := g.specsFor(from, src, rel)
	if len(specs) == 0 {
		return false
	}
	for _, sp := range specs {
		if sp.reexport {
			return false
		}
		for _, l := range sp.locals {
			if len(regexp.MustCompile(`(^|[^\w$.])`+regexp.QuoteMeta(l)+`($|[^\w$])`).FindAllStringIndex(src, 2)) > 1 {
				return false
			}
		}
	}
	return true
}
