package wiring

import (
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

// Where the client code lives, as doctor reads it: these folders recursively, the project
// folder itself without its subfolders.
var scanRoots = []string{"src", "app", "pages", "components"}

const (
	maxScanFiles    = 5000
	maxScanFileSize = 1 << 20
)

func scanExt(name string) bool {
	switch filepath.Ext(name) {
	case ".tsx", ".jsx", ".ts", ".js", ".mjs", ".mts":
		return !strings.HasSuffix(name, ".d.ts")
	}
	return false
}

// scanProviders lists the provider elements used in the project's client code.
func scanProviders(dir string) []providerUse {
	var out []providerUse
	files := 0
	visit := func(path string) {
		if files >= maxScanFiles {
			return
		}
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxScanFileSize {
			return
		}
		data, ok, err := fsutil.ReadFileIfExists(path)
		if err != nil || !ok {
			return
		}
		files++
		rel, _ := filepath.Rel(dir, path)
		out = append(out, providersIn(filepath.ToSlash(rel), string(data))...)
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !e.IsDir() && scanExt(e.Name()) {
				visit(filepath.Join(dir, e.Name()))
			}
		}
	}
	for _, root := range scanRoots {
		top := filepath.Join(dir, root)
		_ = filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				n := d.Name()
				if n == "node_modules" || n == "_generated" || (strings.HasPrefix(n, ".") && path != top) {
					return filepath.SkipDir
				}
				return nil
			}
			if scanExt(d.Name()) {
				visit(path)
			}
			return nil
		})
	}
	return out
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
