package wiring

import (
	"context"
	"io/fs"
	"os"
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
// doctor's wiring check reads, and the app's other folders (a providers/ or lib/ folder at the
// top holds the app's Providers component as often as components/ does). The planners refuse
// to add a provider the app has elsewhere, so reading more only makes them refuse more.
func scanProviders(dir string) []providerUse {
	var out []providerUse
	seen := map[string]bool{}
	_, _ = ClientFiles(context.Background(), dir, func(rel string, data []byte) {
		seen[rel] = true
		out = append(out, providersIn(rel, string(data))...)
	})
	otherSources(dir, seen, func(rel string, data []byte) {
		out = append(out, providersIn(rel, string(data))...)
	})
	return out
}

// otherSources visits the app's source files ClientFiles does not (folders other than its
// roots), skipping dependencies, build output, hidden folders, generated code and tests; at
// most maxClientFiles of them.
func otherSources(dir string, seen map[string]bool, visit func(rel string, data []byte)) {
	files := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			switch {
			case p == dir:
				return nil
			case name == "node_modules" || name == "_generated" || strings.HasPrefix(name, ".") ||
				name == "dist" || name == "build" || name == "out" || name == "__tests__" || name == "__mocks__":
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || seen[filepath.ToSlash(rel)] || !clientExt(name) || isTestFile(name) {
			return nil
		}
		if files++; files > maxClientFiles {
			return filepath.SkipAll
		}
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxClientFileSize {
			return nil
		}
		if data, ok, err := fsutil.ReadFileIfExists(p); err == nil && ok {
			visit(filepath.ToSlash(rel), data)
		}
		return nil
	})
}

// isTestFile: a test, spec or story, which renders providers for itself, never in the app.
func isTestFile(name string) bool {
	for _, k := range []string{".test.", ".spec.", ".stories."} {
		if strings.Contains(name, k) {
			return true
		}
	}
	return false
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
