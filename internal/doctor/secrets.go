package doctor

import (
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
)

// shown is what doctor prints of a value read from the env file, a deployment or auth.config:
// the value when it is certainly public (a URL without credentials, a host name), else a mask
// (dotenv.Shown). A domain variable may hold anything, a webhook secret included.
func shown(v string) string { return dotenv.Shown(v) }

// quoted is shown(v) in double quotes when it is the value itself, as %q would print it, and
// bare when masked.
func quoted(v string) string {
	if dotenv.IsPublic(v) {
		return fmt.Sprintf("%q", v)
	}
	return shown(v)
}

// secretNameParts mark a variable whose name says it holds a secret.
var secretNameParts = []string{"SECRET", "PASSWORD", "PASSWD", "PRIVATE", "TOKEN", "CREDENTIAL", "DEPLOY_KEY", "ADMIN_KEY", "API_KEY", "SIGNING_KEY"}

// secretEnvName reports whether a variable's name says it holds a secret: CLERK_SECRET_KEY,
// CLERK_WEBHOOK_SECRET, CONVEX_DEPLOY_KEY, any *_KEY but a publishable key, …
func secretEnvName(name string) bool {
	n := strings.ToUpper(name)
	for _, p := range secretNameParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return strings.HasSuffix(n, "_KEY") && !strings.HasSuffix(n, "PUBLISHABLE_KEY")
}

// secretDomains lists the providers whose domain (or customJwt issuer) reads a secret
// variable, as "file:line process.env.NAME". Convex fetches <domain>/.well-known/openid-configuration:
// the secret would travel in a URL to whatever host it names, and be logged on the way.
func (s *state) secretDomains(ps []convex.ParsedProvider) []string {
	var out []string
	for _, p := range ps {
		names := append([]string{}, p.DomainEnvs...)
		if p.IssuerEnv != "" {
			names = append(names, p.IssuerEnv)
		}
		for _, n := range names {
			if secretEnvName(n) {
				out = append(out, fmt.Sprintf("%s:%d process.env.%s", s.authRel, p.Line, n))
			}
		}
	}
	return out
}
