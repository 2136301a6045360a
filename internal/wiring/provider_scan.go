package wiring

import (
	"context"
	"regexp"
	"slices"

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

// scanProviders lists the provider elements used in the app's client code (the files doctor's
// wiring check reads).
func scanProviders(dir string) []providerUse {
	var out []providerUse
	_, _ = ClientFiles(context.Background(), dir, func(rel string, data []byte) {
		out = append(out, providersIn(rel, string(data))...)
	})
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

// importedNames maps the file's local names to what they import (value imports only):
// module and the imported name ("*" for a namespace, "default").
func importedNames(src string) map[string]importBinding {
	out := map[string]importBinding{}
	for local, b := range parseModule(src).imported() {
		out[local] = importBinding{module: b[0], name: b[1]}
	}
	return out
}
