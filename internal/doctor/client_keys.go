package doctor

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
)

// keyLiteral is a publishable key written in the client code (a starter's
// publishableKey="pk_test_…"), decoded.
type keyLiteral struct {
	site
	key clerk.PublishableKey
}

// clerkImport is one import declaration from a Clerk package: where, from which package, and
// the names it imports.
type clerkImport struct {
	site
	module string
	names  []string
}

var (
	// A publishable key: pk_test_/pk_live_ and base64 of "<host>$" (at least a few bytes).
	keyLiteralRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bpk_(?:test|live)_[A-Za-z0-9+/]{8,}={0,2}`) })
	// import … from "@clerk/…" (the whole declaration, to name what it imports).
	clerkImportRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bimport\s+(?:type\s+)?([^;]*?)\s*\bfrom\s*['"](@clerk/[^'"\n]+)['"]`)
	})
)

// addKeyLiterals records the publishable keys in src (comments already blanked) that decode.
func (w *wiringFacts) addKeyLiterals(rel, src string) {
	for _, loc := range keyLiteralRE().FindAllStringIndex(src, -1) {
		k, err := clerk.ParsePublishableKey(src[loc[0]:loc[1]])
		if err != nil {
			continue // a placeholder such as pk_test_xxxxxxxx
		}
		w.keyLiterals = append(w.keyLiterals, keyLiteral{site{rel, lineAt(src, loc[0]), loc[0], loc[1]}, k})
	}
}

// addClerkImports records src's imports from Clerk packages.
func (w *wiringFacts) addClerkImports(rel, src string) {
	for _, m := range clerkImportRE().FindAllStringSubmatchIndex(src, -1) {
		clause, module := src[m[2]:m[3]], src[m[4]:m[5]]
		var names []string
		if open, end := strings.Index(clause, "{"), strings.LastIndex(clause, "}"); open >= 0 && end > open {
			for _, spec := range strings.Split(clause[open+1:end], ",") {
				if f := strings.Fields(spec); len(f) > 0 && f[0] != "type" {
					names = append(names, f[0])
				}
			}
		}
		if ns := namespaceRe().FindStringSubmatch(clause); ns != nil {
			names = append(names, "* as "+ns[1])
		}
		w.clerkImports = append(w.clerkImports, clerkImport{site{rel, lineAt(src, m[0]), m[0], m[1]}, module, names})
	}
}

// importsToChange lists, as "file:line (names from pkg)", every import from a Clerk package
// that is not one of want: all of them have to move to the framework's package together.
func (w *wiringFacts) importsToChange(want []string) []string {
	var out []string
	for _, imp := range w.clerkImports {
		if slices.Contains(want, imp.module) || !isClerkPackage(imp.module) {
			continue
		}
		what := "from " + imp.module
		if len(imp.names) > 0 {
			what = strings.Join(imp.names, ", ") + " " + what
		}
		out = append(out, fmt.Sprintf("%s (%s)", imp.site, what))
	}
	return out
}

// checkPublishableKeyLiterals warns about a publishable key written in the client code that
// names another Clerk instance than the project's key: the app would sign users in there,
// whatever the env file says, and Convex would refuse their tokens.
func checkPublishableKeyLiterals(ctx context.Context, s *state) outcome {
	if s.wiring == nil {
		return skip("the client code was not read")
	}
	var other []string
	same := 0
	for _, k := range s.wiring.keyLiterals {
		if strings.EqualFold(k.key.Host, s.pub.Host) {
			same++
			continue
		}
		other = append(other, fmt.Sprintf("%s (%s, %s instance)", k.site, k.key.Host, k.key.Kind()))
	}
	envVar := "the publishable key's variable"
	if s.proj != nil {
		envVar = s.proj.Framework.PublishableKeyVar
	}
	if len(other) > 0 {
		return warn(fmt.Sprintf("remove the hard-coded key and read %s instead (the app's env file holds it)", envVar),
			"the client code hard-codes a publishable key of another Clerk instance than this project's %s (%s): %s — the app would sign users in there, and Convex would refuse their tokens",
			s.pub.Host, s.pubFrom, strings.Join(other, ", "))
	}
	if same > 0 {
		return pass("the publishable key written at %s is this project's (%s)", s.wiring.keyLiterals[0].site, s.pub.Host)
	}
	return pass("no publishable key written in the client code")
}
