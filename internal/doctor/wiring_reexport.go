package doctor

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// Apps reach the providers through their own modules as often as straight from the packages:
// lib/auth.ts re-exports Clerk's hooks and ConvexProviderWithClerk, a barrel index.ts does
// export * from "./providers", and the provider component itself lives in lib/ or providers/,
// outside the folders doctor walks. The wiring check follows those imports (a bounded number
// of hops and files) to the package that exports the name; what it cannot follow is reported
// as unknown, never taken for missing.

const (
	maxExportHops     = 6
	maxFollowedFiles  = 200
	maxFollowedSizeKB = 1024
)

var (
	// export { a, b as c } from "m"; export * from "m"; export * as ns from "m"
	exportFromRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bexport\s+(?:type\s+)?(\*(?:\s+as\s+[A-Za-z_$][\w$]*)?|\{[^}]*\})\s*from\s*['"]([^'"\n]+)['"]`)
	})
	// export { a, b as c } (no from): names the file imported
	exportListRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bexport\s+\{([^}]*)\}\s*(?:;|\n|$)`)
	})
	// export const c = a; export const c = ns.a
	exportConstRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bexport\s+const\s+([A-Za-z_$][\w$]*)\s*=\s*([A-Za-z_$][\w$]*)(?:\s*\.\s*([A-Za-z_$][\w$]*))?\s*(?:;|\n|$)`)
	})
)

// isLocalSpecifier: the import names a file of the project (relative, root-absolute or an
// alias such as @/, ~/, #/), not a package.
func isLocalSpecifier(spec string) bool {
	for _, pre := range []string{"./", "../", "/", "@/", "~/", "#/", "$/"} {
		if strings.HasPrefix(spec, pre) {
			return true
		}
	}
	return spec == "." || spec == ".."
}

// locate finds the file (relative to dir, slashes) that the local specifier spec names from
// the file from: the path itself, with a source extension, or its folder's index; aliases are
// tried at the project folder and under src/. "" when none exists inside dir.
func locate(dir, from, spec string) string {
	var stems []string
	switch {
	case strings.HasPrefix(spec, "."):
		stems = []string{path.Join(path.Dir(from), spec)}
	case strings.HasPrefix(spec, "/"):
		stems = []string{strings.TrimPrefix(spec, "/")}
	default:
		rest := spec[2:]
		stems = []string{rest, "src/" + rest}
	}
	for _, stem := range stems {
		stem = path.Clean(stem)
		if stem == ".." || strings.HasPrefix(stem, "../") || path.IsAbs(stem) {
			continue
		}
		cands := []string{stem}
		for _, e := range []string{".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts"} {
			cands = append(cands, stem+e)
		}
		switch path.Ext(stem) { // "./x.js" written for x.ts, as TypeScript's node16 resolution asks
		case ".js", ".jsx", ".mjs":
			base := strings.TrimSuffix(stem, path.Ext(stem))
			cands = append(cands, base+".ts", base+".tsx", base+".mts")
		}
		for _, e := range []string{".ts", ".tsx", ".js", ".jsx"} {
			cands = append(cands, stem+"/index"+e)
		}
		for _, c := range cands {
			if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c))); err == nil && st.Mode().IsRegular() && clientSource(c) {
				return c
			}
		}
	}
	return ""
}

func clientSource(rel string) bool {
	switch path.Ext(rel) {
	case ".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts":
		return !strings.HasSuffix(rel, ".d.ts")
	}
	return false
}

// moduleExports is what a file exports from elsewhere: names to what they are (module
// relative to the file, name there), and the modules of its export * lines.
type moduleExports struct {
	names map[string]importSpec
	stars []string
}

// source reads a project file's code (comments blanked), once; ok is false when it cannot.
func (w *wiringFacts) source(rel string) (string, bool) {
	if src, ok := w.srcs[rel]; ok {
		return src, true
	}
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxFollowedSizeKB<<10 {
		return "", false
	}
	data, exists, err := fsutil.ReadFileIfExists(p)
	if err != nil || !exists {
		return "", false
	}
	src := stripComments(data)
	w.srcs[rel] = src
	return src, true
}

func (w *wiringFacts) exportsOf(rel string) (*moduleExports, bool) {
	if e, ok := w.exports[rel]; ok {
		return e, true
	}
	src, ok := w.source(rel)
	if !ok {
		return nil, false
	}
	e := &moduleExports{names: map[string]importSpec{}}
	for _, m := range exportFromRe().FindAllStringSubmatch(src, -1) {
		clause, module := m[1], m[2]
		if strings.HasPrefix(clause, "*") {
			if f := strings.Fields(clause); len(f) == 3 {
				e.names[f[2]] = importSpec{module, "*"}
			} else {
				e.stars = append(e.stars, module)
			}
			continue
		}
		for name, orig := range exportList(clause) {
			e.names[name] = importSpec{module, orig}
		}
	}
	imports := parseImports(src)
	for _, m := range exportListRe().FindAllStringSubmatch(src, -1) {
		for name, local := range exportList("{" + m[1] + "}") {
			if sp, ok := imports[local]; ok {
				e.names[name] = sp
			}
		}
	}
	for _, m := range exportConstRe().FindAllStringSubmatch(src, -1) {
		sp, ok := imports[m[2]]
		switch {
		case !ok:
		case m[3] == "":
			e.names[m[1]] = sp
		case sp.name == "*":
			e.names[m[1]] = importSpec{sp.module, m[3]}
		}
	}
	w.exports[rel] = e
	return e, true
}

// exportList reads { a, b as c, type d } into exported name → local name.
func exportList(clause string) map[string]string {
	out := map[string]string{}
	clause = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(clause), "{"), "}")
	for _, part := range strings.Split(clause, ",") {
		f := strings.Fields(part)
		if len(f) > 0 && f[0] == "type" {
			continue
		}
		switch {
		case len(f) == 1:
			out[f[0]] = f[0]
		case len(f) == 3 && f[1] == "as":
			out[f[2]] = f[0]
		}
	}
	return out
}

// resolve follows spec, imported in the file rel, through the project's re-exports to the
// package that exports it. known is false when a local module on the way could not be read
// or followed (too many hops, export * from a module that cannot be read); spec is then
// returned as written, as it is when the chain ends in a module that does not re-export it
// (it defines the name itself: its own uses are read as that file's facts).
func (w *wiringFacts) resolve(rel string, spec importSpec) (importSpec, bool) {
	r, st := w.resolveHops(rel, spec, 0)
	if st == absent {
		return spec, true
	}
	return r, st == resolved
}

type resolution int

const (
	resolved   resolution = iota // to a package
	absent                       // the chain does not bring the name from a package
	unfollowed                   // could not tell
)

func (w *wiringFacts) resolveHops(rel string, spec importSpec, hops int) (importSpec, resolution) {
	if !isLocalSpecifier(spec.module) {
		return spec, resolved
	}
	if spec.name == "*" || spec.name == "default" {
		return spec, absent // a module object or a default export: the file's own
	}
	if hops >= maxExportHops {
		return spec, unfollowed
	}
	file := locate(w.dir, rel, spec.module)
	if file == "" {
		return spec, unfollowed
	}
	e, ok := w.exportsOf(file)
	if !ok {
		return spec, unfollowed
	}
	if next, ok := e.names[spec.name]; ok {
		return w.resolveHops(file, next, hops+1)
	}
	out := absent
	for _, star := range e.stars {
		if !isLocalSpecifier(star) {
			if packageExports(star, spec.name) {
				return importSpec{star, spec.name}, resolved
			}
			continue
		}
		switch r, st := w.resolveHops(file, importSpec{star, spec.name}, hops+1); st {
		case resolved:
			return r, resolved
		case unfollowed:
			out = unfollowed
		}
	}
	return spec, out
}

// packageExports says whether export * from pkg brings name, for the names the wiring is
// about: Clerk's provider and hooks, convex/react-clerk's and convex/react's providers.
func packageExports(pkg, name string) bool {
	switch {
	case isClerkPackage(pkg) || pkg == "@clerk/remix":
		return name == "ClerkProvider" || name == "ClerkApp" || strings.HasPrefix(name, "use")
	case pkg == "convex/react-clerk":
		return name == "ConvexProviderWithClerk"
	case pkg == "convex/react":
		return name == "ConvexProvider" || name == "ConvexReactClient" || strings.HasPrefix(name, "use")
	}
	return false
}

// follow reads the local files that the files read so far import or re-export and that lie
// outside the client folders (lib/, providers/, …), up to maxFollowedFiles of them, and adds
// them to the facts.
func (w *wiringFacts) follow(queue []string) {
	for followed := 0; len(queue) > 0 && followed < maxFollowedFiles; {
		rel := queue[0]
		queue = queue[1:]
		if w.added[rel] {
			continue
		}
		src, ok := w.source(rel)
		if !ok {
			continue
		}
		followed++
		w.files++
		w.add(rel, src)
		queue = append(queue, w.localImports(rel, src)...)
	}
}

// localImports lists the project files src (the file rel) imports or re-exports.
func (w *wiringFacts) localImports(rel, src string) []string {
	var out []string
	for _, m := range specifierRe().FindAllStringSubmatch(src, -1) {
		if !isLocalSpecifier(m[1]) {
			continue
		}
		if f := locate(w.dir, rel, m[1]); f != "" && !w.added[f] {
			out = append(out, f)
		}
	}
	return out
}
