package convex

import (
	"slices"
	"testing"
)

// The domain is the variable itself only when nothing is done to it: through top-level
// constants it is; a method call or a function around it is code doctor does not evaluate.
func TestDomainThroughConstants(t *testing.T) {
	for _, c := range []struct {
		name, src, env, lit string
	}{
		{"const", "const url = process.env.CLERK_FRONTEND_API_URL;\nif (!url) throw new Error(\"x\");\nexport default { providers: [{ domain: url, applicationID: \"convex\" }] };\n", "CLERK_FRONTEND_API_URL", ""},
		{"two consts, shorthand", "const raw = process.env.CLERK_JWT_ISSUER_DOMAIN!;\nconst domain = raw;\nexport default { providers: [{ domain, applicationID: \"convex\" }] };\n", "CLERK_JWT_ISSUER_DOMAIN", ""},
		{"const literal", "const domain = \"https://clerk.example.com\";\nexport default { providers: [{ domain, applicationID: \"convex\" }] };\n", "", "https://clerk.example.com"},
		{"scheme stripped", "export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN?.replace(/^https?:\\/\\//, ''), applicationID: \"convex\" }] };\n", "", ""},
		{"normalized in a function", "function norm(v) { return v.trim(); }\nexport default { providers: [{ domain: norm(process.env.CLERK_JWT_ISSUER_DOMAIN), applicationID: \"convex\" }] };\n", "", ""},
		{"const of a call", "const d = normalize(process.env.CLERK_JWT_ISSUER_DOMAIN);\nexport default { providers: [{ domain: d, applicationID: \"convex\" }] };\n", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps, err := ParseAuthConfig([]byte(c.src))
			if err != nil || len(ps) != 1 {
				t.Fatalf("ParseAuthConfig: %v, %d providers", err, len(ps))
			}
			p := ps[0]
			if p.DomainEnv != c.env || p.DomainURL != c.lit {
				t.Errorf("DomainEnv %q DomainURL %q, want %q %q", p.DomainEnv, p.DomainURL, c.env, c.lit)
			}
			if c.lit == "" && !slices.Contains(p.DomainEnvs, "CLERK_JWT_ISSUER_DOMAIN") && !slices.Contains(p.DomainEnvs, "CLERK_FRONTEND_API_URL") {
				t.Errorf("DomainEnvs %q: the variable the domain reads is lost", p.DomainEnvs)
			}
		})
	}
}
