package wiring

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

// The providers the wiring is about, as used in the project's files.
const (
	useClerk  = "ClerkProvider"           // from a Clerk package
	useConvex = "ConvexProvider"          // from convex/react: sends no Clerk token
	useCPWC   = "ConvexProviderWithClerk" // from convex/react-clerk
)

// providerUse is one <Provider …> in a file: which provider, the file (project-relative,
// slashes), the local name it goes by there and the offset of its tag.
type providerUse struct {
	kind, file, local, module string
	offset                    int
}

// scanProviders lists the provider elements used in the app's source: the client code
// doctor's wiring check reads, and the app's files elsewhere that it imports (a providers/ or
// lib/ folder at the top holds the app's Providers component as often as components/ does).
// The planners refuse to add a provider the app has elsewhere.
func scanProviders(dir string) []providerUse {
	var out []providerUse
	seen := map[string]bool{}
	var queue []string
	_, _ = ClientFiles(context.Background(), dir, func(rel string, data []byte) {
		seen[rel] = true
		out = append(out, providersIn(rel, string(data))...)
		queue = append(queue, localImports(dir, rel, string(data))...)
	})
	for read := 0; len(queue) > 0 && read < maxImportedFiles; {
		rel := queue[0]
		queue = queue[1:]
		if seen[rel] {
			continue
		}
		seen[rel] = true
		abs, err := fsutil.ResolveInside(dir, filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			continue
		}
		st, err := os.Stat(abs)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxClientFileSize {
			continue
		}
		data, ok, err := fsutil.ReadFileIfExists(abs)
		if err != nil || !ok {
			continue
		}
		read++
		out = append(out, providersIn(rel, string(data))...)
		queue = append(queue, localImports(dir, rel, string(data))...)
	}
	return out
}

// maxImportedFiles bounds the files scanProviders reads beyond the client folders.
const maxImportedFiles = 200

var localSpecRe = onceRe(`(?:\bfrom|\bimport)\s*['"]([^'"\n]+)['"]`)

// localImports lists the app's files (relative to dir, slashes) that the file rel imports:
// relative specifiers, and the @/, ~/ and #/ aliases at the app folder or in src/.
func localImports(dir, rel, src string) []string {
	var out []string
	for _, m := range localSpecRe().FindAllStringSubmatch(stripComments(src), -1) {
		spec := m[1]
		var stems []string
		switch {
		case strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"):
			stems = []string{path.Join(path.Dir(rel), spec)}
		case strings.HasPrefix(spec, "@/") || strings.HasPrefix(spec, "~/") || strings.HasPrefix(spec, "#/"):
			stems = []string{spec[2:], "src/" + spec[2:]}
		}
		for _, stem := range stems {
			if f := sourceFileAt(dir, stem); f != "" {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// sourceFileAt finds the client source file stem names in dir: itself, with an extension, or
// its folder's index; "" when none, or when stem leaves dir.
func sourceFileAt(dir, stem string) string {
	if stem == ".." || strings.HasPrefix(stem, "../") {
		return ""
	}
	cands := []string{stem}
	for _, e := range []string{".tsx", ".ts", ".jsx", ".js", ".mjs", ".mts"} {
		cands = append(cands, stem+e)
	}
	for _, e := range []string{".tsx", ".ts", ".jsx", ".js"} {
		cands = append(cands, stem+"/index"+e)
	}
	for _, c := range cands {
		if !clientExt(c) {
			continue
		}
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c))); err == nil && st.Mode().IsRegular() {
			return c
		}
	}
	return ""
}

// importBinding is what a local name imports: module and the imported name ("*" for a
// namespace).
type importBinding struct{ module, name string }

func isClerkModule(m string) bool {
	return slices.Contains(project.AllClerkPackages(), m) || m == "@clerk/remix"
}

// providersIn lists the provider elements of one file.
func providersIn(rel, src string) []providerUse {
	code := stripComments(src)
	var out []providerUse
	for local, b := range importedNames(src) {
		names := map[string]importBinding{local: b}
		if b.name == "*" {
			names = map[string]importBinding{}
			for _, n := range []string{useClerk, useConvex, useCPWC} {
				names[local+"."+n] = importBinding{b.module, n}
			}
		}
		for l, b := range names {
			kind := ""
			switch {
			case b.name == useClerk && isClerkModule(b.module):
				kind = useClerk
			case b.name == useConvex && b.module == "convex/react":
				kind = useConvex
			case b.name == useCPWC && b.module == "convex/react-clerk":
				kind = useCPWC
			default:
				continue
			}
			re := regexp.MustCompile(`<` + regexp.QuoteMeta(l) + `[\s/>]`)
			for _, loc := range re.FindAllStringIndex(code, -1) {
				out = append(out, providerUse{kind: kind, file: rel, local: l, module: b.module, offset: loc[0]})
			}
		}
	}
	slices.SortFunc(out, func(a, b providerUse) int { return a.offset - b.offset })
	return out
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
