package doctor

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// --- authconfig ---

func checkAuthConfigExists(ctx context.Context, s *state) outcome {
	path, ts, exists := convex.FindAuthConfig(s.funcDir)
	s.authRel, s.authTS = relTo(s.in.Dir, path), ts
	if !exists {
		snippet := convex.Provider{DomainEnv: convex.DefaultIssuerEnv, ApplicationID: "convex"}.Snippet(true)
		return fail("run clerkconvex init, or create it with: export default { providers: ["+oneLine(snippet)+"] };",
			"%s does not exist: Convex trusts no identity provider", s.authRel)
	}
	var both *convex.BothAuthConfigsError
	if errors.As(convex.CheckOneAuthConfig(s.funcDir), &both) {
		ts, js := relTo(s.in.Dir, both.TS), relTo(s.in.Dir, both.JS)
		return fail(fmt.Sprintf("delete the one you do not use (%s or %s), then run npx convex dev%s so Convex gets the other", ts, js, s.inConvexDir()),
			"%s and %s both exist: npx convex refuses to push the functions (\"Found both …, choose one\"), so the deployment keeps the providers of its last push, or none", ts, js)
	}
	return pass("%s found", s.authRel)
}

// clerkSnippet is the provider to add, in the file's language, on one line.
func (s *state) clerkSnippet() string {
	return oneLine(convex.Provider{DomainEnv: convex.DefaultIssuerEnv, ApplicationID: "convex"}.Snippet(s.authTS))
}

func checkAuthProvider(ctx context.Context, s *state) outcome {
	src, exists, ferr := readProjectFile(s.in.Dir, s.authRel)
	if ferr != nil {
		return fail(ferr.fix, "%v", ferr)
	}
	if !exists {
		return fail("run clerkconvex init, or create "+s.authRel, "%s disappeared while doctor ran", s.authRel)
	}
	// Every variable the file reads must be set on the deployment (convex.auth_env): the one
	// `npx convex env list` starts now, whatever the providers look like.
	if reads, err := convex.EnvReads(src); err == nil {
		s.authReads, s.authRead = reads, true
	}
	s.startConvexEnv()
	snippet := s.clerkSnippet()
	parsed, err := convex.ParseAuthConfig(src)
	if convex.IsProvidersNotRead(err) {
		// Valid, but built elsewhere: Convex may find a Clerk provider there; doctor cannot.
		return warn(fmt.Sprintf("make sure what it names gives Convex a Clerk provider such as %s, with the issuer variable set on the deployment (doctor reads only a providers array written in %s, so it checks the provider no further)", snippet, s.authRel),
			"%s: %v", s.authRel, strings.TrimPrefix(err.Error(), "read auth config: "))
	}
	if err != nil {
		return fail("write providers as an array of objects: providers: ["+snippet+"]", "%s: %v", s.authRel, err)
	}
	s.parsed = parsed
	if bad := s.secretDomains(parsed); len(bad) > 0 {
		return fail(fmt.Sprintf("read the issuer there instead: %s, with %s set to your Clerk issuer URL on the deployment; a provider's domain is public", snippet, convex.DefaultIssuerEnv),
			"%s: a provider's domain reads a secret; Convex fetches <domain>/.well-known/openid-configuration, sending it in a URL", listAnd(bad))
	}
	p, why := s.pickProvider(parsed)
	if p == nil && unreadProvider(parsed) {
		return warn(fmt.Sprintf("make sure one of them is Clerk's, such as %s (doctor reads a domain written as a string or process.env.NAME)", snippet),
			"%s has no provider for Clerk that doctor can read: %s", s.authRel, why)
	}
	if p == nil {
		return fail("add this provider to the providers array of "+s.authRel+" (clerkconvex init does): "+snippet,
			"%s has no provider for Clerk: %s", s.authRel, why)
	}
	s.provider = p
	if len(p.DomainEnvs) > 0 {
		s.issuerVars = p.DomainEnvs
		s.issuerVar = p.DomainEnvs[0]
		return pass("provider on line %d: domain %s", p.Line, envList(p.DomainEnvs))
	}
	return pass("provider on line %d: domain %s", p.Line, quoted(p.DomainURL))
}

// envList shows variables as auth.config reads them: process.env.A ?? process.env.B.
func envList(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "process.env." + n
	}
	return strings.Join(parts, " ?? ")
}

// pickProvider finds the Clerk provider (convex.FindClerkProvider: a domain reading a Clerk
// issuer variable, else a literal on the publishable key's host, else a variable whose env
// file value is there, else any variable named like Clerk's), or says what it saw instead.
func (s *state) pickProvider(ps []convex.ParsedProvider) (*convex.ParsedProvider, string) {
	h := convex.ClerkProviderHints{Value: s.fileValue}
	if s.pub.Host != "" {
		h.IsIssuer = s.pub.NamesIssuer
	}
	if i := convex.FindClerkProvider(ps, h); i >= 0 {
		return &ps[i], ""
	}
	var seen []string
	for _, p := range ps {
		switch {
		case p.Expr != "":
			seen = append(seen, fmt.Sprintf("%s (not read: write the provider inline)", p.Expr))
		case !p.IsOIDC():
			seen = append(seen, fmt.Sprintf("a %s provider", p.Type))
		case len(p.DomainEnvs) > 0:
			seen = append(seen, envList(p.DomainEnvs))
		case p.DomainURL != "":
			seen = append(seen, quoted(p.DomainURL))
		case p.DomainLine > 0:
			seen = append(seen, fmt.Sprintf("a domain on line %d that is neither a string nor process.env.NAME (not read)", p.DomainLine))
		default:
			seen = append(seen, fmt.Sprintf("a provider on line %d without a domain", p.Line))
		}
	}
	if len(seen) == 0 {
		return nil, "the providers array is empty"
	}
	why := "its domains are " + strings.Join(seen, ", ")
	if s.pub.Host != "" {
		why += fmt.Sprintf(", none of them %s or a CLERK_ variable", s.pub.Issuer())
	}
	return nil, why
}

// unreadProvider says whether one of the providers is OIDC with a domain doctor does not read
// (a call, a variable it cannot follow) or is an element it does not read at all: it may be
// Clerk's.
func unreadProvider(ps []convex.ParsedProvider) bool {
	return slices.ContainsFunc(ps, func(p convex.ParsedProvider) bool {
		return p.Expr != "" || p.IsOIDC() && p.DomainLine > 0 && p.DomainEnv == "" && p.DomainURL == "" && len(p.DomainEnvs) == 0
	})
}

func checkApplicationID(ctx context.Context, s *state) outcome {
	if s.provider == nil {
		return skip("the Clerk provider in %s was not read", s.authRel)
	}
	if name := s.provider.ApplicationIDEnv; name != "" {
		return s.applicationIDFromEnv(ctx, name)
	}
	app := s.provider.ApplicationID
	if app == "" {
		return fail(fmt.Sprintf("add applicationID: %q to the provider in %s", "convex", s.authRel),
			"the Clerk provider in %s (line %d) has no applicationID: Convex matches it against the token's aud", s.authRel, s.provider.Line)
	}
	s.appID = app
	return pass("applicationID %q", app)
}

// applicationIDFromEnv judges `applicationID: process.env.NAME`: Convex evaluates auth.config
// on the deployment, so NAME's value there is the applicationID. Without the deployment's
// variables (--offline) the env file's value stands in, and says so; with neither, the value
// is unknown and the checks comparing it are skipped.
func (s *state) applicationIDFromEnv(ctx context.Context, name string) outcome {
	line := s.provider.ApplicationIDLine
	if s.convexEnvFuture() != nil {
		vars, o, ok := s.deploymentVars(ctx)
		if !ok {
			return o
		}
		v, set := vars[name]
		if !set {
			s.appIDUnset = name
			value, ok := s.fileValue(name)
			if !ok || !dotenv.IsPublic(strings.TrimSpace(value)) {
				value = "convex"
			}
			return fail(convex.ManualCommand(name, strings.TrimSpace(value), s.target())+" (the aud of your JWT template)",
				"the Clerk provider's applicationID (%s:%d) reads process.env.%s, and %s is not set on the Convex %s deployment: Convex refuses every push while it is unset (AuthConfigMissingEnvironmentVariable)",
				s.authRel, line, name, name, s.deployment())
		}
		// The value is compared with the template's aud (clerk.template_aud), and shown only
		// where it is that public aud.
		s.appID = v
		return pass("applicationID process.env.%s, set on the %s deployment", name, s.deployment())
	}
	if v, ok := s.fileValue(name); ok {
		s.appID = v
		return pass("applicationID process.env.%s, set in %s (the deployment's value was not read)", name, s.in.EnvFile)
	}
	return warn(fmt.Sprintf("run doctor without --offline to read %s on the deployment, or add %s=convex (your JWT template's aud) to %s", name, name, s.in.EnvFile),
		"the Clerk provider's applicationID (%s:%d) reads process.env.%s, whose value doctor cannot know here", s.authRel, line, name)
}

// staleProvider is a provider that trusts another Clerk instance than the project's.
type staleProvider struct {
	line int
	host string // the other instance's Frontend API host
	how  string // how the file names it: a literal, or a variable and where its value is
	// own is set when the instance is the project's own all the same (its publishable key is
	// in one of the project's env files): a deliberate second provider, not a stale one.
	own *project.OwnInstance
}

// otherInstances lists the providers of parsed whose domain (or customJwt issuer) is on a
// Clerk Frontend API host that is not ours: a literal (with literals), or a variable whose
// value (in values) is one. Those of the project's own other instances (own) are marked so.
func otherInstances(parsed []convex.ParsedProvider, ours clerk.PublishableKey, literals bool, values func(string) (string, bool), where string, own func() []project.OwnInstance) []staleProvider {
	var out []staleProvider
	other := func(u string) bool { return clerk.IsFrontendAPIHost(u) && !ours.NamesIssuer(u) }
	add := func(sp staleProvider, u string) {
		if o, ok := project.FindOwnInstance(own(), u); ok {
			sp.own = &o
		}
		out = append(out, sp)
	}
	for _, p := range parsed {
		for _, lit := range []string{p.DomainURL, p.IssuerURL} {
			if !literals {
				break
			}
			if lit != "" && other(lit) {
				add(staleProvider{line: lineOf(p), host: hostOf(lit), how: "domain " + quoted(lit)}, lit)
			}
		}
		for _, name := range p.DomainEnvs {
			if v, ok := values(name); ok && other(v) {
				add(staleProvider{line: lineOf(p), host: hostOf(v), how: fmt.Sprintf("process.env.%s, which is %s %s", name, shown(strings.TrimSpace(v)), where)}, v)
			}
		}
	}
	return out
}

// splitOwn separates the providers of the project's own other instances from the stale ones.
func splitOwn(all []staleProvider) (stale, own []staleProvider) {
	for _, p := range all {
		if p.own != nil {
			own = append(own, p)
		} else {
			stale = append(stale, p)
		}
	}
	return stale, own
}

// ownInstances are the Clerk instances whose publishable keys the project keeps in its own env
// files (project.OwnClerkInstances), read once, and only when a provider needs them.
func (s *state) ownInstances() []project.OwnInstance {
	s.ownOnce.Do(func() {
		dirs := []string{s.in.Dir, filepath.Dir(filepath.Join(s.in.Dir, s.in.EnvFile))}
		s.own = project.OwnClerkInstances(s.ctx, dirs...)
	})
	return s.own
}

// ownNote says which providers trust the project's own other instances, and how doctor knows.
func ownNote(authRel string, own []staleProvider) string {
	var parts []string
	for _, p := range own {
		kind := "development"
		if p.own.Live {
			kind = "production"
		}
		parts = append(parts, fmt.Sprintf("%s:%d trusts %s, your %s instance (its publishable key is %s)", authRel, p.line, p.host, kind, p.own.From))
	}
	return strings.Join(parts, "; ")
}

// lineOf is the line of a provider's domain, else of the provider.
func lineOf(p convex.ParsedProvider) int {
	if p.DomainLine > 0 {
		return p.DomainLine
	}
	return p.Line
}

func hostOf(u string) string {
	h := strings.TrimSpace(u)
	h = strings.TrimPrefix(strings.TrimPrefix(h, "https://"), "http://")
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	return h
}

// checkOtherInstance fails a provider that trusts another Clerk instance: a starter's leftover
// literal domain (its author's instance), or a variable the env file sets to one. Convex
// would accept that instance's sign-ins, and the project's own instance is trusted only if
// another provider names it. A provider of the project's own other instance (a production
// provider next to the development one, its publishable key in .env.production) passes,
// named.
func checkOtherInstance(ctx context.Context, s *state) outcome {
	if s.parsed == nil {
		return skip("the providers of %s were not read", s.authRel)
	}
	// The Clerk provider's own variables are judged against the deployment and the issuer by
	// convex.env_var and convex.env_matches_file: only its literal counts here.
	stale, own := splitOwn(otherInstances(s.parsed, s.pub, true, func(name string) (string, bool) {
		if slices.Contains(s.issuerVars, name) {
			return "", false
		}
		return s.fileValue(name)
	}, "in "+s.in.EnvFile, s.ownInstances))
	if len(stale) == 0 {
		if len(own) > 0 {
			return pass("%s; no provider trusts a Clerk instance that is not yours", ownNote(s.authRel, own))
		}
		return pass("no provider trusts another Clerk instance than %s", s.pub.Host)
	}
	var parts []string
	for _, p := range stale {
		parts = append(parts, fmt.Sprintf("%s:%d %s", s.authRel, p.line, p.how))
	}
	return fail(fmt.Sprintf("replace %s with %s (clerkconvex init does, after asking), or remove %s; if it is your own instance, keep its publishable key in an env file of this project that git does not track (.env.production), and doctor accepts it",
		Plural(len(stale), "that provider", "those providers"), s.clerkSnippet(), Plural(len(stale), "it", "them")),
		"%s: another Clerk instance than this project's %s (%s), so Convex would accept that instance's sign-ins",
		strings.Join(parts, "; "), s.pub.Host, s.pubFrom)
}
