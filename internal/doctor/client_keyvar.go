package doctor

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
)

// keyVarUse is a publishable key the client passes to Clerk from a variable of its own
// choosing: publishableKey={import.meta.env.VITE_CLERK_KEY}, or through a constant
// (const publishableKey = process.env.EXPO_PUBLIC_CLERK_KEY!; … publishableKey={publishableKey}),
// as a JSX prop.
type keyVarUse struct {
	site
	name string // the variable
}

var (
	// publishableKey={import.meta.env.NAME} / publishableKey={process.env.NAME}: the JSX prop
	// only (an object's publishableKey: … may be server code reading another variable).
	keyPropVarRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bpublishableKey\s*=\s*\{\s*(?:import\.meta\.env|process\.env)\.([A-Za-z_][A-Za-z0-9_]*)`)
	})
	// const X = import.meta.env.NAME / process.env.NAME (a "!" or "as string" after it is fine)
	keyConstVarRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*(?:import\.meta\.env|process\.env)\.([A-Za-z_][A-Za-z0-9_]*)\s*(?:!|as\s+string)?\s*[;\n]`)
	})
)

// keyVarUses finds, in the client sources (comments blanked), the variables passed as
// publishableKey, directly or through a constant of the same file.
func keyVarUses(srcs map[string]string) []keyVarUse {
	var out []keyVarUse
	files := make([]string, 0, len(srcs))
	for rel := range srcs {
		files = append(files, rel)
	}
	sort.Strings(files)
	for _, rel := range files {
		src := srcs[rel]
		for _, m := range keyPropVarRE().FindAllStringSubmatchIndex(src, -1) {
			if onClerkElement(src, m[0]) {
				out = append(out, keyVarUse{site{rel, lineAt(src, m[0]), m[0], m[1]}, src[m[2]:m[3]]})
			}
		}
		for _, m := range keyConstVarRE().FindAllStringSubmatchIndex(src, -1) {
			local, name := src[m[2]:m[3]], src[m[4]:m[5]]
			passed := regexp.MustCompile(`\bpublishableKey\s*=\s*\{\s*` + regexp.QuoteMeta(local) + `\s*\}`)
			if p := passed.FindStringIndex(src); p != nil && onClerkElement(src, p[0]) {
				out = append(out, keyVarUse{site{rel, lineAt(src, m[0]), m[0], m[1]}, name})
			}
		}
	}
	return out
}

// judgeKeyVars fails when the client passes Clerk a publishable key from a variable that is not
// the one env.publishable_key checked (VITE_CLERK_KEY where Vite's is VITE_CLERK_PUBLISHABLE_KEY)
// and that variable is unset, or holds another instance's key: init writes the framework's
// name, which such an app never reads. ok is false when there is nothing to say.
func (s *state) judgeKeyVars() (o outcome, bad bool) {
	if s.proj == nil || s.wiring == nil {
		return outcome{}, false
	}
	checked := s.proj.Framework.KeyLookup
	var missing, other []string
	var names []string
	for _, u := range keyVarUses(s.wiring.srcs) {
		if slices.Contains(checked, u.name) {
			continue
		}
		raw, from := strings.TrimSpace(s.in.Getenv(u.name)), "$"+u.name
		if raw == "" {
			if v, rel, ok := s.appEnvValue(u.name); ok {
				raw, from = strings.TrimSpace(v), u.name+" in "+rel
			}
		}
		if !slices.Contains(names, u.name) {
			names = append(names, u.name)
		}
		if raw == "" {
			missing = append(missing, fmt.Sprintf("%s (%s)", u.name, u.site))
			continue
		}
		k, err := clerk.ParsePublishableKey(raw)
		switch {
		case err != nil:
			other = append(other, fmt.Sprintf("%s (%s) is no Clerk publishable key", from, u.site))
		case !strings.EqualFold(k.Host, s.pub.Host):
			other = append(other, fmt.Sprintf("%s (%s) is a key of %s", from, u.site, k.Host))
		}
	}
	fix := fmt.Sprintf("set %s to this project's publishable key (the one in %s), or pass %s to ClerkProvider instead", listAnd(names), s.pubFrom, s.proj.Framework.PublishableKeyVar)
	switch {
	case len(missing) > 0:
		return fail(fix, "the client passes Clerk its publishable key from %s, which %s not set in the environment or the app's env files (doctor checked %s, %s): the app starts without a key",
			listAnd(missing), Plural(len(missing), "is", "are"), s.pubFrom, s.pub.Host), true
	case len(other) > 0:
		return fail(fix, "the client passes Clerk its publishable key from another variable than the one doctor checked (%s, %s): %s — users sign in there, and Convex refuses their tokens",
			s.pubFrom, s.pub.Host, strings.Join(other, "; ")), true
	}
	return outcome{}, false
}

// onClerkElement tells whether the prop at off belongs to a Clerk element (<ClerkProvider …>),
// not another library's publishableKey prop (Stripe's <StripeProvider publishableKey={…}>).
func onClerkElement(src string, off int) bool {
	for i := strings.LastIndexByte(src[:off], '<'); i >= 0; i = strings.LastIndexByte(src[:i], '<') {
		j := i + 1
		for j < off && (isIdentByte(src[j]) || src[j] == '.') {
			j++
		}
		if j > i+1 {
			return strings.Contains(src[i+1:j], "Clerk")
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
