package convex

import (
	"slices"
	"strings"
)

// publicPrefixes are the prefixes frameworks put on variables they expose to client code.
var publicPrefixes = []string{"NEXT_PUBLIC_", "EXPO_PUBLIC_", "VITE_", "PUBLIC_", "REACT_APP_", "NUXT_PUBLIC_"}

// IsClerkIssuerEnv tells whether name is one projects use for the Clerk issuer: one of
// ClerkIssuerEnvNames, bare or behind a framework's public prefix
// (NEXT_PUBLIC_CLERK_FRONTEND_API_URL, EXPO_PUBLIC_CLERK_FRONTEND_API_URL, …).
func IsClerkIssuerEnv(name string) bool {
	for _, p := range publicPrefixes {
		if rest, ok := strings.CutPrefix(name, p); ok {
			name = rest
			break
		}
	}
	return slices.Contains(ClerkIssuerEnvNames(), name)
}

// IsOIDC tells whether pp is an OIDC provider (type absent or "oidc"), the kind Clerk's is.
func (pp ParsedProvider) IsOIDC() bool { return pp.Type == "" || pp.Type == "oidc" }

// ClerkProviderHints is what FindClerkProvider knows besides the file.
type ClerkProviderHints struct {
	// IsIssuer tells whether a URL is this instance's issuer (nil: unknown).
	IsIssuer func(url string) bool
	// Value is a variable's value where the app keeps it (the env file), if known.
	Value func(name string) (string, bool)
}

// FindClerkProvider returns the index in ps of the Clerk provider, or -1. The Clerk provider
// is the OIDC provider whose domain reads a variable whose value is, or by its name should be,
// the Clerk issuer — in this order: a variable named as the issuer (CLERK_JWT_ISSUER_DOMAIN,
// CLERK_FRONTEND_API_URL, CLERK_ISSUER_URL, bare or with a public prefix), anywhere in the
// domain (a fallback included); a literal domain that is the issuer; a variable whose value
// is the issuer; a variable with CLERK in its name.
func FindClerkProvider(ps []ParsedProvider, h ClerkProviderHints) int {
	find := func(ok func(ParsedProvider) bool) int {
		return slices.IndexFunc(ps, func(p ParsedProvider) bool { return p.IsOIDC() && ok(p) })
	}
	anyVar := func(p ParsedProvider, ok func(string) bool) bool { return slices.ContainsFunc(p.DomainEnvs, ok) }
	if i := find(func(p ParsedProvider) bool { return anyVar(p, IsClerkIssuerEnv) }); i >= 0 {
		return i
	}
	if h.IsIssuer != nil {
		if i := find(func(p ParsedProvider) bool { return p.DomainURL != "" && h.IsIssuer(p.DomainURL) }); i >= 0 {
			return i
		}
		if h.Value != nil {
			valueIsIssuer := func(name string) bool { v, ok := h.Value(name); return ok && h.IsIssuer(v) }
			if i := find(func(p ParsedProvider) bool { return anyVar(p, valueIsIssuer) }); i >= 0 {
				return i
			}
		}
	}
	return find(func(p ParsedProvider) bool {
		return anyVar(p, func(n string) bool { return strings.Contains(strings.ToUpper(n), "CLERK") })
	})
}
