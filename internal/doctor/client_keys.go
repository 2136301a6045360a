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
	// used is set when the literal is certainly the key the app runs with: the value of a
	// publishableKey prop or property (publishableKey="pk_…", publishableKey: "pk_…"), or of a
	// constant the file passes there (const KEY = "pk_…"; … publishableKey={KEY}). A literal
	// anywhere else (a fallback after ?? or ||, a test) may never be used.
	used bool
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
		w.keyLiterals = append(w.keyLiterals, keyLiteral{site{rel, lineAt(src, loc[0]), loc[0], loc[1]}, k, keyLiteralUsed(src, loc[0])})
	}
}

var (
	// …publishableKey=" / publishableKey={" / publishableKey: " / publishableKey: ` right before a literal.
	keyPropBeforeRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bpublishableKey\s*(?:=\s*\{?|:)\s*["'\x60]$`)
	})
	// const NAME = " right before a literal (let, var and a type annotation too).
	keyConstBeforeRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*["'\x60]$`)
	})
)

// keyLiteralUsed tells whether the key literal at off in src (comments blanked) is passed as
// the publishable key: directly as the publishableKey prop or property, or through a constant
// the same file passes there.
func keyLiteralUsed(src string, off int) bool {
	before := src[max(0, off-200):off]
	m := keyConstBeforeRE().FindStringSubmatch(before)
	if m == nil {
		return keyPropBeforeRE().MatchString(before)
	}
	name := regexp.QuoteMeta(m[1])
	passed := regexp.MustCompile(`\bpublishableKey\s*(?:=\s*\{\s*` + name + `\s*\}|:\s*` + name + `\b)`)
	if passed.MatchString(src) {
		return true
	}
	// { publishableKey } shorthand in an object literal (not a JSX value, stripeKey={publishableKey}),
	// with the constant named publishableKey.
	return m[1] == "publishableKey" && regexp.MustCompile(`(?:[^=\s]\s*\{|,)\s*publishableKey\s*[,}]`).MatchString(src)
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
	if o, bad := s.judgeKeyVars(); bad {
		return o
	}
	var other, used []string
	same := 0
	for _, k := range s.wiring.keyLiterals {
		if strings.EqualFold(k.key.Host, s.pub.Host) {
			same++
			continue
		}
		at := fmt.Sprintf("%s (%s, %s instance)", k.site, k.key.Host, k.key.Kind())
		other = append(other, at)
		if k.used {
			used = append(used, at)
		}
	}
	envVar := "the publishable key's variable"
	if s.proj != nil {
		envVar = s.proj.Framework.PublishableKeyVar
	}
	if len(used) > 0 {
		// The app passes that key to Clerk: its users sign in to that instance, whose tokens
		// the deployment (which trusts this project's issuer) refuses.
		return fail(fmt.Sprintf("pass the key from %s instead of the literal (the env file holds this project's key)", envVar),
			"the client passes a publishable key of another Clerk instance than this project's %s (%s) to Clerk: %s — users sign in there, and Convex refuses their tokens",
			s.pub.Host, s.pubFrom, strings.Join(used, ", "))
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
