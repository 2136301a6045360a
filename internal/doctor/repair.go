package doctor

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
)

// RepairKind is what a safe automatic fix changes.
type RepairKind string

const (
	// RepairTemplate creates the JWT template, or updates it so that its aud holds AppID.
	RepairTemplate RepairKind = "clerk_template"
	// RepairDeploymentEnv sets Vars on the Convex deployment doctor checked.
	RepairDeploymentEnv RepairKind = "deployment_env"
	// RepairEnvFileVars sets Vars in the env file (Path).
	RepairEnvFileVars RepairKind = "env_file_vars"
	// RepairAuthConfig adds Provider to auth.config (Path), creating the file when it is missing.
	RepairAuthConfig RepairKind = "authconfig_provider"
	// RepairGitignore adds the env file (Path: the file a link leads to, relative to the
	// project's real path) to .gitignore.
	RepairGitignore RepairKind = "gitignore"
	// RepairEnvFileMode makes the env file (Path) readable only by its owner.
	RepairEnvFileMode RepairKind = "env_file_mode"
	// RepairEnvTemps deletes the temporary copies of the env file (Path) an interrupted write
	// left next to it, as init does before it writes the file.
	RepairEnvTemps RepairKind = "env_temp_files"
	// RepairClientWiring wires the client (ClerkProvider, ConvexProviderWithClerk with Clerk's
	// useAuth; for Next.js also Clerk's middleware) with internal/wiring's planner.
	RepairClientWiring RepairKind = "client_wiring"
	// RepairNextMiddleware creates Next.js's middleware (proxy.ts from Next.js 16) with
	// internal/wiring's planner, the provider wiring being left as it is.
	RepairNextMiddleware RepairKind = "next_middleware"
)

// Var is a variable and the value a repair gives it. Values are never secret: the issuer, or
// an env file value that is certainly public.
type Var struct{ Name, Value string }

// Repair is a failed or warned check's safe automatic fix, with the facts doctor found that it
// needs; `doctor --fix` carries it out with init's code. Paths are relative to Inputs.Dir, with
// slashes.
type Repair struct {
	Check string
	Kind  RepairKind
	// RepairTemplate: the template's name and the applicationID its aud must hold, and the
	// secret key of the instance doctor checked.
	Template, AppID string
	SecretKey       clerk.SecretKey
	// RepairDeploymentEnv, RepairEnvFileVars.
	Vars []Var
	// The file changed (not for RepairTemplate and RepairDeploymentEnv).
	Path string
	// RepairAuthConfig: the file is TypeScript; it exists; the provider to add.
	TS, Exists bool
	Provider   convex.Provider
}

// repairs lists the safe automatic fixes of the failed and warned checks, in print order.
// Each is offered only when what the check found leaves no doubt about the change; a check
// without one keeps its printed fix.
func (s *state) repairs(ctx context.Context, results []Result) []Repair {
	var out []Repair
	wiringFails := slices.ContainsFunc(results, func(r Result) bool { return r.ID == "client.provider_wiring" && r.Status == Fail })
	for _, r := range results {
		if r.Status != Fail && r.Status != Warn {
			continue
		}
		if r.ID == "client.next_middleware" && wiringFails {
			continue // the client wiring's fix plans the middleware too
		}
		if rp, ok := s.repair(ctx, r); ok {
			rp.Check = r.ID
			out = append(out, rp)
		}
	}
	return out
}

func (s *state) repair(ctx context.Context, r Result) (Repair, bool) {
	switch r.ID {
	case "env.file":
		if _, open := openToOthers(filepath.Join(s.in.Dir, s.in.EnvFile)); open && s.env != nil && s.holdsSecret(clerk.SecretKeyEnv) {
			return Repair{Kind: RepairEnvFileMode, Path: s.in.EnvFile}, true
		}
	case "env.gitignored":
		return s.gitignoreRepair(ctx)
	case "env.temp_files":
		if r.Status == Fail {
			return Repair{Kind: RepairEnvTemps, Path: s.in.EnvFile}, true
		}
	case "authconfig.exists":
		// Both auth.config.ts and .js: which one to delete is the user's call.
		if s.funcDir != "" && s.authRel != "" && convex.CheckOneAuthConfig(s.funcDir) == nil {
			return Repair{Kind: RepairAuthConfig, Path: s.authRel, TS: s.authTS, Provider: defaultClerkProvider()}, true
		}
	case "authconfig.provider":
		return s.providerRepair()
	case "clerk.template":
		return s.templateRepair(ctx)
	case "clerk.template_aud":
		if s.tmpl != nil && s.appID != "" && r.Status == Fail {
			if _, err := clerk.DecodeClaims(s.tmpl.Claims); err == nil {
				return Repair{Kind: RepairTemplate, Template: s.in.TemplateName, AppID: s.appID, SecretKey: s.secret}, true
			}
		}
	case "convex.env_var":
		if s.issuerKnown() && s.issuerVar != "" && s.envListed(ctx) {
			return Repair{Kind: RepairDeploymentEnv, Vars: []Var{{s.issuerVar, s.issuerValue(s.issuerVar)}}}, true
		}
	case "client.provider_wiring":
		// Only a failure: a warning (a hook from the app's own module, another framework's
		// package) is a shape the planner must leave alone.
		if r.Status == Fail && s.proj != nil {
			return Repair{Kind: RepairClientWiring}, true
		}
	case "client.next_middleware":
		if !s.middlewareExists() {
			return Repair{Kind: RepairNextMiddleware}, true
		}
	case "convex.auth_env":
		return s.authEnvRepair(ctx)
	case "convex.env_matches_file":
		if s.issuerKnown() && s.issuerVar != "" && s.env != nil && (!s.in.Prod || s.in.EnvFileExplicit) {
			return Repair{Kind: RepairEnvFileVars, Path: s.in.EnvFile, Vars: []Var{{s.issuerVar, s.issuerValue(s.issuerVar)}}}, true
		}
	}
	return Repair{}, false
}

// defaultClerkProvider is the provider init writes when auth.config has none for Clerk.
func defaultClerkProvider() convex.Provider {
	return convex.Provider{DomainEnv: convex.DefaultIssuerEnv, ApplicationID: "convex"}
}

// holdsSecret: the env file sets name (the secret key's variable, as the check asks).
func (s *state) holdsSecret(name string) bool {
	_, ok := s.fileValue(name)
	return ok
}

// issuerKnown: doctor knows the issuer the Clerk domain's variables must give, and the domain
// is that variable itself (or a template around it), not a value built from it in code doctor
// does not evaluate. Under --prod with test keys the issuer known is the development one: no
// value to write for production.
func (s *state) issuerKnown() bool {
	if s.issuer == "" || s.provider == nil || len(s.issuerVars) == 0 || s.prodWithTestKeys() {
		return false
	}
	if t := s.provider.DomainTemplate; t != nil {
		_, ok := t.ValueFor(s.issuer)
		return ok && t.Env == s.issuerVar
	}
	return s.provider.DomainEnv != ""
}

// envListed: the run's npx convex env list answered.
func (s *state) envListed(ctx context.Context) bool {
	f := s.convexEnvFuture()
	if f == nil {
		return false
	}
	_, err := f.wait(ctx)
	return err == nil
}

func (s *state) gitignoreRepair(ctx context.Context) (Repair, bool) {
	if s.env == nil || !s.holdsSecret(s.secretVar()) {
		return Repair{}, false
	}
	target, _ := s.envTarget()
	// A tracked file stays tracked whatever .gitignore says: that fix is git rm --cached, by hand.
	if tracked, _, err := gitx.IsTracked(ctx, s.in.Dir, target); err != nil || tracked {
		return Repair{}, false
	}
	if ignored, inRepo, err := gitx.IsIgnored(ctx, s.in.Dir, target); err != nil || !inRepo || ignored {
		return Repair{}, false
	}
	return Repair{Kind: RepairGitignore, Path: target}, true
}

// providerRepair adds Clerk's provider to an auth.config that was read and has none (not one
// whose domain reads a secret: that one needs a person).
func (s *state) providerRepair() (Repair, bool) {
	src, exists, ferr := readProjectFile(s.in.Dir, s.authRel)
	if ferr != nil || !exists {
		return Repair{}, false
	}
	parsed, err := convex.ParseAuthConfig(src)
	if err != nil || len(s.secretDomains(parsed)) > 0 || unreadProvider(parsed) {
		return Repair{}, false // an unread provider may be Clerk's: adding one could double it
	}
	if p, _ := s.pickProvider(parsed); p != nil {
		return Repair{}, false
	}
	return Repair{Kind: RepairAuthConfig, Path: s.authRel, TS: s.authTS, Exists: true, Provider: defaultClerkProvider()}, true
}

// templateRepair creates the missing template, with aud the Clerk provider's applicationID
// ("convex" when auth.config does not say, as init's default).
func (s *state) templateRepair(ctx context.Context) (Repair, bool) {
	_, tpls := s.clerkFutures()
	if tpls == nil {
		return Repair{}, false
	}
	all, err := tpls.wait(ctx)
	if err != nil {
		return Repair{}, false
	}
	if t, _ := clerk.FindTemplate(all, s.in.TemplateName); t != nil {
		return Repair{}, false
	}
	app := s.appID
	if app == "" && s.provider != nil {
		app = s.provider.ApplicationID
	}
	if app == "" {
		app = "convex"
	}
	return Repair{Kind: RepairTemplate, Template: s.in.TemplateName, AppID: app, SecretKey: s.secret}, true
}

// authEnvRepair sets the variables auth.config reads that the deployment lacks, each to the
// value doctor knows (knownValue), and the Clerk domain's fallbacks that hold another value to
// the issuer. A variable whose value doctor does not know is left to the printed fix.
func (s *state) authEnvRepair(ctx context.Context) (Repair, bool) {
	f := s.convexEnvFuture()
	if f == nil || !s.authRead {
		return Repair{}, false
	}
	vars, err := f.wait(ctx)
	if err != nil {
		return Repair{}, false
	}
	var set []Var
	for _, name := range convex.Names(s.authReads) {
		if _, ok := vars[name]; ok || name == s.issuerUnset {
			continue
		}
		if v, ok := s.knownValue(name); ok {
			set = append(set, Var{name, v})
		}
	}
	if s.issuerKnown() {
		for _, n := range s.issuerVars {
			if v, ok := vars[n]; ok && n != s.issuerVar && strings.TrimRight(v, "/") != s.issuer &&
				!slices.ContainsFunc(set, func(x Var) bool { return x.Name == n }) {
				set = append(set, Var{n, s.issuerValue(n)})
			}
		}
	}
	if len(set) == 0 {
		return Repair{}, false
	}
	return Repair{Kind: RepairDeploymentEnv, Vars: set}, true
}
