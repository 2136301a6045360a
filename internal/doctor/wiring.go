package doctor

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// Where the client code lives, scanned recursively; the project root is scanned too, but not
// its subfolders.
var wiringRoots = []string{"src", "app", "pages", "components"}

var wiringExts = map[string]bool{".tsx": true, ".jsx": true, ".ts": true, ".js": true, ".mjs": true, ".mts": true}

const (
	maxWiringFiles    = 5000
	maxWiringFileSize = 1 << 20
)

// site is where a component is used: file (relative, slashes) and line.
type site struct {
	file string
	line int
	pos  int
}

func (s site) String() string { return fmt.Sprintf("%s:%d", s.file, s.line) }

// cpwcUse is one <ConvexProviderWithClerk ...> and what its useAuth prop is.
type cpwcUse struct {
	site
	useAuthLocal string // the identifier passed as useAuth={…}; "" when there is no such prop
	useAuthFrom  string // the module it is imported from; "" when not imported
	useAuthName  string // its name in that module
}

type wiringFacts struct {
	files          int
	cpwc           []cpwcUse
	clerkProviders []site
	clerkPkgOf     map[site]string
	plainConvex    []site
}

// importSpec is one imported binding.
type importSpec struct{ module, name string }

var (
	importRe  = regexp.MustCompile(`\bimport\s+(?:type\s+)?([^;]*?)\s*\bfrom\s*['"]([^'"\n]+)['"]`)
	useAuthRe = regexp.MustCompile(`\buseAuth\s*=\s*\{\s*([A-Za-z_$][\w$]*)\s*\}`)
)

// parseImports maps local names to what they import.
func parseImports(src string) map[string]importSpec {
	out := map[string]importSpec{}
	for _, m := range importRe.FindAllStringSubmatch(src, -1) {
		clause, module := m[1], m[2]
		open, end := strings.Index(clause, "{"), strings.LastIndex(clause, "}")
		if open < 0 || end < open {
			continue
		}
		for _, spec := range strings.Split(clause[open+1:end], ",") {
			f := strings.Fields(spec)
			if len(f) > 0 && f[0] == "type" {
				continue
			}
			switch {
			case len(f) == 1:
				out[f[0]] = importSpec{module, f[0]}
			case len(f) == 3 && f[1] == "as":
				out[f[2]] = importSpec{module, f[0]}
			}
		}
	}
	return out
}

// jsxUses finds <Name …> opening tags: their offset and the tag's text.
func jsxUses(src, name string) (offsets []int, tags []string) {
	re := regexp.MustCompile(`<` + regexp.QuoteMeta(name) + `[\s/>]`)
	for _, loc := range re.FindAllStringIndex(src, -1) {
		offsets = append(offsets, loc[0])
		tags = append(tags, tagText(src, loc[0]))
	}
	return offsets, tags
}

// tagText returns the opening tag starting at i, up to its closing > outside braces.
func tagText(src string, i int) string {
	depth := 0
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case '>':
			if depth == 0 {
				return src[i : j+1]
			}
		}
	}
	return src[i:]
}

// stripComments blanks out // and /* */ comments (outside strings), keeping newlines so
// offsets and line numbers stay right.
func stripComments(src []byte) string {
	out := []byte(string(src))
	var quote byte
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote || (c == '\n' && quote != '`') {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			stop := len(out)
			if end := strings.Index(string(out[i+2:]), "*/"); end >= 0 {
				stop = i + 2 + end + 2
			}
			for k := i; k < stop; k++ {
				if out[k] != '\n' {
					out[k] = ' '
				}
			}
			i = stop - 1
		}
	}
	return string(out)
}

func lineAt(src string, off int) int { return strings.Count(src[:off], "\n") + 1 }

// scanWiring reads the client code of the project in dir.
func scanWiring(ctx context.Context, dir string) (*wiringFacts, error) {
	facts := &wiringFacts{clerkPkgOf: map[site]string{}}
	visit := func(path string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if facts.files >= maxWiringFiles {
			return filepath.SkipAll
		}
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxWiringFileSize {
			return nil
		}
		// Through fsutil, which refuses a pipe or device even if one took the file's place
		// since the Stat above: such a file is skipped, as an unreadable one is.
		data, exists, err := fsutil.ReadFileIfExists(path)
		if err != nil || !exists {
			return nil
		}
		facts.files++
		facts.add(relTo(dir, path), stripComments(data))
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() && wiringExts[filepath.Ext(e.Name())] {
			if err := visit(filepath.Join(dir, e.Name())); err != nil {
				return facts, err
			}
		}
	}
	for _, root := range wiringRoots {
		err := filepath.WalkDir(filepath.Join(dir, root), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // a missing root or unreadable folder: nothing to scan there
			}
			name := d.Name()
			if d.IsDir() {
				if name == "node_modules" || name == "_generated" || (strings.HasPrefix(name, ".") && path != filepath.Join(dir, root)) {
					return filepath.SkipDir
				}
				return nil
			}
			if !wiringExts[filepath.Ext(name)] || strings.HasSuffix(name, ".d.ts") {
				return nil
			}
			return visit(path)
		})
		if err != nil && err != filepath.SkipAll {
			return facts, err
		}
	}
	return facts, nil
}

func (w *wiringFacts) add(rel, src string) {
	imports := parseImports(src)
	for local, spec := range imports {
		switch {
		case spec.module == "convex/react-clerk" && spec.name == "ConvexProviderWithClerk":
			offs, tags := jsxUses(src, local)
			for i, off := range offs {
				u := cpwcUse{site: site{rel, lineAt(src, off), off}}
				if m := useAuthRe.FindStringSubmatch(tags[i]); m != nil {
					u.useAuthLocal = m[1]
					if sp, ok := imports[m[1]]; ok {
						u.useAuthFrom, u.useAuthName = sp.module, sp.name
					}
				}
				w.cpwc = append(w.cpwc, u)
			}
		case isClerkPackage(spec.module) && spec.name == "ClerkProvider":
			offs, _ := jsxUses(src, local)
			for _, off := range offs {
				s := site{rel, lineAt(src, off), off}
				w.clerkProviders = append(w.clerkProviders, s)
				w.clerkPkgOf[s] = spec.module
			}
		case spec.module == "convex/react" && spec.name == "ConvexProvider":
			offs, _ := jsxUses(src, local)
			for _, off := range offs {
				w.plainConvex = append(w.plainConvex, site{rel, lineAt(src, off), off})
			}
		}
	}
}

func checkProviderWiring(ctx context.Context, s *state) outcome {
	facts, err := scanWiring(ctx, s.in.Dir)
	if err != nil {
		return warn("", "could not read the client code: %v", err)
	}
	pkg := "@clerk/clerk-react"
	var fwPkgs []string
	fwName := ""
	if s.proj != nil {
		fwPkgs, fwName = s.proj.Framework.ClerkPackages, s.proj.Framework.Name
		pkg = fwPkgs[0]
		if p, ok := s.proj.ClerkPackage(); ok {
			pkg = p
		}
	}
	example := fmt.Sprintf(`import { ConvexProviderWithClerk } from "convex/react-clerk"; import { useAuth } from %q; then <ConvexProviderWithClerk client={convex} useAuth={useAuth}> inside <ClerkProvider>`, pkg)
	where := "src/, app/, pages/, components/ or the project folder"
	if len(facts.cpwc) == 0 {
		if len(facts.plainConvex) > 0 {
			return fail("replace ConvexProvider with ConvexProviderWithClerk: "+example,
				"%s uses ConvexProvider from convex/react, which sends Convex no Clerk token", facts.plainConvex[0])
		}
		return fail(example, "no <ConvexProviderWithClerk> (from convex/react-clerk) in %s (%d files read)", where, facts.files)
	}
	// The first use that is wired right wins; otherwise report the first use's problem.
	var good *cpwcUse
	for i, u := range facts.cpwc {
		if u.useAuthName == "useAuth" && isClerkPackage(u.useAuthFrom) {
			good = &facts.cpwc[i]
			break
		}
	}
	if good == nil {
		u := facts.cpwc[0]
		fix := fmt.Sprintf("pass Clerk's hook: import { useAuth } from %q, then useAuth={useAuth}", pkg)
		switch {
		case u.useAuthLocal == "":
			return fail(fix, "<ConvexProviderWithClerk> at %s has no useAuth={…} prop", u.site)
		case u.useAuthFrom == "convex/react":
			return fail(fix, "<ConvexProviderWithClerk> at %s gets useAuth={%s} from convex/react, not from a Clerk package", u.site, u.useAuthLocal)
		case u.useAuthFrom != "" && !strings.HasPrefix(u.useAuthFrom, "."):
			return fail(fix, "<ConvexProviderWithClerk> at %s gets useAuth={%s} from %s, not from a Clerk package", u.site, u.useAuthLocal, u.useAuthFrom)
		}
		if len(facts.clerkProviders) == 0 {
			return fail("wrap the app in <ClerkProvider publishableKey={…}> from "+pkg+", outside <ConvexProviderWithClerk>",
				"no <ClerkProvider> in %s", where)
		}
		return warn(fix+" (or make sure "+u.useAuthLocal+" returns Clerk's useAuth())",
			"<ConvexProviderWithClerk> at %s gets useAuth={%s}, which is not imported from a Clerk package", u.site, u.useAuthLocal)
	}
	if len(facts.clerkProviders) == 0 {
		return fail("wrap the app in <ClerkProvider publishableKey={…}> from "+pkg+", outside <ConvexProviderWithClerk>",
			"no <ClerkProvider> in %s: useAuth has no Clerk session to read", where)
	}
	// In one file, ClerkProvider must open before ConvexProviderWithClerk.
	var cp *site
	for i, c := range facts.clerkProviders {
		if c.file == good.file {
			cp = &facts.clerkProviders[i]
			break
		}
	}
	if cp != nil && cp.pos > good.pos {
		return fail("put <ConvexProviderWithClerk> inside <ClerkProvider>: ClerkProvider outermost",
			"<ConvexProviderWithClerk> at %s is outside <ClerkProvider> (%s)", good.site, cp)
	}
	if cp == nil {
		cp = &facts.clerkProviders[0]
	}
	if fwPkgs != nil && !contains(fwPkgs, good.useAuthFrom) {
		return warn(fmt.Sprintf("import useAuth from %s", fwPkgs[0]),
			"<ConvexProviderWithClerk> at %s uses the useAuth of %s, but this is a %s app (%s)", good.site, good.useAuthFrom, fwName, strings.Join(fwPkgs, " or "))
	}
	return pass("<ConvexProviderWithClerk> at %s with useAuth from %s, <ClerkProvider> at %s", good.site, good.useAuthFrom, cp)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
