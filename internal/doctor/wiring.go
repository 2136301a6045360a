package doctor

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// site is where a component is used: file (relative, slashes) and line; pos is the offset of
// its opening tag, end the offset just past its closing tag (the end of the file when it has
// none), so a site encloses the offsets between.
type site struct {
	file     string
	line     int
	pos, end int
}

func (s site) String() string { return fmt.Sprintf("%s:%d", s.file, s.line) }

// cpwcUse is one <ConvexProviderWithClerk ...> and what its useAuth prop is.
type cpwcUse struct {
	site
	useAuthLocal string // what is passed as useAuth={…} (x or ns.x); "" when there is no such prop
	useAuthFrom  string // the module it is imported from; "" when not imported
	useAuthName  string // its name in that module
}

type wiringFacts struct {
	files          int
	cpwc           []cpwcUse
	clerkProviders []site
	clerkPkgOf     map[site]string
	plainConvex    []site
	clerkImports   []clerkImport // every import from a Clerk package
	keyLiterals    []keyLiteral  // publishable keys written in the code
	// unknown are provider elements imported from a local module that doctor could not follow
	// to a package (wiring_reexport.go).
	unknown []unknownUse

	dir     string                    // the app folder
	srcs    map[string]string         // files read (comments blanked), by relative path
	exports map[string]*moduleExports // what each followed module re-exports
	added   map[string]bool           // files whose facts are in
}

// unknownUse is a <ConvexProviderWithClerk> or <ClerkProvider> whose import goes through a
// local module doctor could not follow.
type unknownUse struct {
	site
	name, module string
}

// importSpec is one imported binding; name is "*" for a namespace (import * as X).
type importSpec struct{ module, name string }

var (
	importRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bimport\s+(?:type\s+)?([^;]*?)\s*\bfrom\s*['"]([^'"\n]+)['"]`)
	})
	namespaceRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\*\s*as\s+([A-Za-z_$][\w$]*)`) })
	// useAuth={x} or useAuth={ns.x}
	useAuthRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\buseAuth\s*=\s*\{\s*([A-Za-z_$][\w$]*)(?:\s*\.\s*([A-Za-z_$][\w$]*))?\s*\}`)
	})
)

// parseImports maps local names to what they import.
func parseImports(src string) map[string]importSpec {
	out := map[string]importSpec{}
	for _, m := range importRe().FindAllStringSubmatch(src, -1) {
		clause, module := m[1], m[2]
		if ns := namespaceRe().FindStringSubmatch(clause); ns != nil {
			out[ns[1]] = importSpec{module, "*"}
		}
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
		tags = append(tags, wiring.TagText(src, loc[0]))
	}
	return offsets, tags
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
	facts := newWiringFacts(dir)
	var queue []string
	n, err := wiring.ClientFiles(ctx, dir, func(rel string, data []byte) {
		src := stripComments(data)
		facts.srcs[rel] = src
		facts.add(rel, src)
		queue = append(queue, facts.localImports(rel, src)...)
	})
	facts.files = n
	if err == nil {
		facts.follow(queue)
	}
	return facts, err
}

func newWiringFacts(dir string) *wiringFacts {
	return &wiringFacts{clerkPkgOf: map[site]string{}, dir: dir, srcs: map[string]string{},
		exports: map[string]*moduleExports{}, added: map[string]bool{}}
}

func (w *wiringFacts) add(rel, src string) {
	if w.added == nil { // built without newWiringFacts
		fresh := newWiringFacts(w.dir)
		w.srcs, w.exports, w.added = fresh.srcs, fresh.exports, fresh.added
		if w.clerkPkgOf == nil {
			w.clerkPkgOf = fresh.clerkPkgOf
		}
	}
	w.added[rel] = true
	imports := parseImports(src)
	w.addClerkImports(rel, src)
	w.addKeyLiterals(rel, src)
	// The components are used by their local name, or as ns.Name after import * as ns.
	tags := map[string]importSpec{}
	for local, spec := range imports {
		if spec.name != "*" {
			tags[local] = spec
			continue
		}
		for _, name := range []string{"ConvexProviderWithClerk", "ClerkProvider", "ConvexProvider"} {
			tags[local+"."+name] = importSpec{spec.module, name}
		}
	}
	for local, spec := range tags {
		if r, known := w.resolve(rel, spec); known {
			spec = r
		} else if spec.name == "ConvexProviderWithClerk" || spec.name == "ClerkProvider" {
			offs, _ := jsxUses(src, local)
			for _, off := range offs {
				w.unknown = append(w.unknown, unknownUse{site{rel, lineAt(src, off), off, off}, spec.name, spec.module})
			}
		}
		switch {
		case spec.module == "convex/react-clerk" && spec.name == "ConvexProviderWithClerk":
			offs, tags := jsxUses(src, local)
			for i, off := range offs {
				u := cpwcUse{site: site{rel, lineAt(src, off), off, wiring.ElementEnd(src, local, off)}}
				if m := useAuthRe().FindStringSubmatch(tags[i]); m != nil {
					sp, imported := imports[m[1]]
					switch {
					case m[2] == "":
						u.useAuthLocal = m[1]
					case imported && sp.name == "*":
						// useAuth={Clerk.useAuth} with import * as Clerk from "…"
						u.useAuthLocal = m[1] + "." + m[2]
						sp.name = m[2]
					default:
						u.useAuthLocal, imported = m[1]+"."+m[2], false
					}
					if imported {
						if r, known := w.resolve(rel, sp); known {
							sp = r
						}
						u.useAuthFrom, u.useAuthName = sp.module, sp.name
					}
				}
				w.cpwc = append(w.cpwc, u)
			}
		case isClerkPackage(spec.module) && spec.name == "ClerkProvider":
			offs, _ := jsxUses(src, local)
			for _, off := range offs {
				s := site{rel, lineAt(src, off), off, wiring.ElementEnd(src, local, off)}
				w.clerkProviders = append(w.clerkProviders, s)
				w.clerkPkgOf[s] = spec.module
			}
		case spec.module == "@clerk/remix" && spec.name == "ClerkApp":
			// Remix wraps the root component: export default ClerkApp(App) puts ClerkProvider
			// around everything the file renders.
			for _, loc := range regexp.MustCompile(`\b`+regexp.QuoteMeta(local)+`\s*\(`).FindAllStringIndex(src, -1) {
				s := site{rel, lineAt(src, loc[0]), 0, len(src)}
				w.clerkProviders = append(w.clerkProviders, s)
				w.clerkPkgOf[s] = spec.module
			}
		case spec.module == "convex/react" && spec.name == "ConvexProvider":
			offs, _ := jsxUses(src, local)
			for _, off := range offs {
				w.plainConvex = append(w.plainConvex, site{rel, lineAt(src, off), off, off})
			}
		}
	}
}

// unknownUse is the first element named name whose import doctor could not follow.
func (w *wiringFacts) unknownUse(name string) (unknownUse, bool) {
	for _, u := range w.unknown {
		if u.name == name {
			return u, true
		}
	}
	return unknownUse{}, false
}

func checkProviderWiring(ctx context.Context, s *state) outcome {
	if o, ok := s.wiringNotChecked(); ok {
		return o
	}
	facts, err := scanWiring(ctx, s.in.Dir)
	if errors.Is(err, context.DeadlineExceeded) {
		return warn(localTimeoutFix, "could not finish reading the client code in %s", s.in.Timeout)
	}
	if err != nil {
		return warn("", "could not read the client code: %v", err)
	}
	s.wiring = facts
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
		if u, ok := facts.unknownUse("ConvexProviderWithClerk"); ok && len(facts.plainConvex) == 0 {
			return warn(fmt.Sprintf("make sure %s exports convex/react-clerk's ConvexProviderWithClerk (or import it from convex/react-clerk in %s)", u.module, u.file),
				"<ConvexProviderWithClerk> at %s is imported from %s, which doctor could not follow to convex/react-clerk", u.site, u.module)
		}
		if len(facts.plainConvex) > 0 {
			return fail("replace ConvexProvider with ConvexProviderWithClerk: "+example,
				"%s uses ConvexProvider from convex/react, which sends Convex no Clerk token", facts.plainConvex[0])
		}
		if facts.files == 0 {
			return fail(example, "no .js, .jsx, .ts or .tsx source files in %s, so no <ConvexProviderWithClerk> (from convex/react-clerk)", where)
		}
		return fail(example, "no <ConvexProviderWithClerk> (from convex/react-clerk) in %s", where)
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
		case isClerkPackage(u.useAuthFrom):
			// import { useSession as useAuth } from "@clerk/…": a Clerk hook, but not useAuth.
			what := u.useAuthFrom + "'s " + u.useAuthName
			if u.useAuthName == "*" {
				what = "the whole module " + u.useAuthFrom
			}
			return fail(fix, "<ConvexProviderWithClerk> at %s gets useAuth={%s}, which is %s, not useAuth", u.site, u.useAuthLocal, what)
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
		if u, ok := facts.unknownUse("ClerkProvider"); ok {
			return warn(fmt.Sprintf("make sure %s exports %s's ClerkProvider (or import it from %s in %s)", u.module, pkg, pkg, u.file),
				"<ClerkProvider> at %s is imported from %s, which doctor could not follow to a Clerk package", u.site, u.module)
		}
		return fail("wrap the app in <ClerkProvider publishableKey={…}> from "+pkg+", outside <ConvexProviderWithClerk>",
			"no <ClerkProvider> in %s: useAuth has no Clerk session to read", where)
	}
	// In one file, a ClerkProvider must enclose ConvexProviderWithClerk: one that opens
	// after it, or is closed before it (a sibling), does not. Across files the nesting is
	// followed up the files that render it (wiring_nest.go).
	var cp, sameFile *site
	for i, c := range facts.clerkProviders {
		if c.file != good.file {
			continue
		}
		if sameFile == nil {
			sameFile = &facts.clerkProviders[i]
		}
		if c.pos < good.pos && good.pos < c.end {
			cp = &facts.clerkProviders[i]
			break
		}
	}
	if sameFile != nil && cp == nil {
		return fail("put <ConvexProviderWithClerk> inside <ClerkProvider>: ClerkProvider outermost",
			"<ConvexProviderWithClerk> at %s is outside <ClerkProvider> (%s)", good.site, sameFile)
	}
	expo := s.proj != nil && s.proj.Framework.ID == project.Expo.ID
	g := loadNestGraph(ctx, s.in.Dir, expo, facts.clerkProviders)
	if o, bad := g.checkRendered(good.site); bad {
		return o
	}
	if cp == nil {
		switch n, by := g.enclosedAcrossFiles(good.file); n {
		case nestYes:
			cp = by
		case nestNo:
			return fail(fmt.Sprintf("wrap <ConvexProviderWithClerk> in <ClerkProvider publishableKey={…}> from %s in %s (or render its component inside the <ClerkProvider> of %s); ClerkProvider outermost", pkg, good.file, facts.clerkProviders[0].file),
				"no <ClerkProvider> encloses <ConvexProviderWithClerk> at %s: the one at %s is not around where it is rendered, so useAuth runs outside Clerk", good.site, facts.clerkProviders[0])
		default:
			return warn(fmt.Sprintf("make sure <ClerkProvider> (from %s) encloses where %s is rendered, or put both providers in one file", pkg, good.file),
				"could not tell whether a <ClerkProvider> encloses <ConvexProviderWithClerk> at %s: its file is not rendered as an element doctor can follow (<ClerkProvider> at %s)", good.site, facts.clerkProviders[0])
		}
	}
	if inner, outer := g.nestedClerk(cp); inner != nil {
		return fail("keep one <ClerkProvider>, the outermost: remove the inner one (its props go on the outer)",
			"<ClerkProvider> at %s is inside another <ClerkProvider> at %s: Clerk throws on a second ClerkProvider in the tree", inner, outer)
	}
	if fwPkgs != nil && !slices.Contains(fwPkgs, good.useAuthFrom) {
		// useAuth and ClerkProvider must come from one package: every import from another
		// Clerk package moves, not only useAuth's.
		change := facts.importsToChange(fwPkgs)
		return warn(fmt.Sprintf("import from %s instead in %s", fwPkgs[0], strings.Join(change, "; ")),
			"<ConvexProviderWithClerk> at %s uses the useAuth of %s, but this is a %s app (%s)", good.site, good.useAuthFrom, fwName, strings.Join(fwPkgs, " or "))
	}
	return pass("<ConvexProviderWithClerk> at %s with useAuth from %s, <ClerkProvider> at %s", good.site, good.useAuthFrom, cp)
}
