package doctor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// --- convex ---

func (s *state) deployment() string { return s.target().String() }

// target is the deployment doctor checks: the default one, --prod or --deployment's.
func (s *state) target() convex.Deployment {
	return convex.Deployment{Prod: s.in.Prod, Ref: s.in.Deployment}
}

// prodWithTestKeys is --prod with the keys of a development instance: the issuer doctor
// learns from Clerk is the development instance's, which production must not be pointed at.
func (s *state) prodWithTestKeys() bool { return s.in.Prod && !s.secret.Live }

// liveKeysFix says how to check production with its own instance's keys.
func (s *state) liveKeysFix() string {
	pubVar := "VITE_CLERK_PUBLISHABLE_KEY"
	if s.proj != nil {
		pubVar = s.proj.Framework.PublishableKeyVar
	}
	return fmt.Sprintf("check production with its Clerk instance's keys, and doctor names the issuer to set: CLERK_SECRET_KEY=sk_live_… %s=pk_live_… clerkconvex doctor --prod", pubVar)
}

// judgeProdWithTestKeys is what convex.env_var says under --prod with test keys about the
// domain production trusts (what: where it comes from). It never offers the development
// issuer as production's value.
func (s *state) judgeProdWithTestKeys(what, value string) outcome {
	if strings.TrimRight(value, "/") == s.issuer {
		return warn(s.liveKeysFix(),
			"%s is %s, the issuer of your development Clerk instance %s (the one your test keys belong to): production would accept its sign-ins; production needs %s",
			what, shown(value), hostOf(s.issuer), s.prodIssuerWanted())
	}
	if desc, _, _ := s.instanceOf(value); desc != "" {
		return warn(s.liveKeysFix(),
			"%s is %s, the issuer of %s; with test keys doctor knows only the development issuer %s, so it cannot check that instance", what, quoted(value), desc, s.issuer)
	}
	return warn(s.liveKeysFix(),
		"%s is %s; with test keys doctor knows only the development issuer %s, so it cannot tell whether that is your production instance's", what, quoted(value), s.issuer)
}

// instanceOf names the Clerk instance whose issuer value is, when doctor can tell: one of the
// project's own (its publishable key in one of its env files), else a development instance by
// its Frontend API host (<slug>.clerk.accounts.dev). dev is true for a development instance,
// own for one of the project's; desc is "" when doctor cannot tell.
func (s *state) instanceOf(value string) (desc string, dev, own bool) {
	if o, found := project.FindOwnInstance(s.ownInstances(), value); found {
		kind := "development"
		if o.Live {
			kind = "production"
		}
		return fmt.Sprintf("your %s Clerk instance %s (its publishable key is %s)", kind, o.Host, o.From), !o.Live, true
	}
	if clerk.IsDevelopmentHost(value) {
		return fmt.Sprintf("a development Clerk instance (%s)", hostOf(value)), true, false
	}
	return "", false, false
}

// prodIssuerWanted says what the prod deployment's domain variable should hold instead: the
// issuer of the project's own production instance when one of its env files has its
// publishable key, else where to find it.
func (s *state) prodIssuerWanted() string {
	for _, o := range s.ownInstances() {
		if o.Live {
			return fmt.Sprintf("your production instance's issuer, https://%s (its publishable key is %s)", o.Host, o.From)
		}
	}
	return "your production instance's issuer, https://clerk.<your-domain> (Clerk dashboard → your production instance → API keys → Frontend API URL; its pk_live_ key names it too)"
}

// envListFailure is the outcome of a failed `npx convex env list`, with the fix that fits
// the cause.
// deploymentVars waits for the run's one npx convex env list. When it was not run or failed,
// ok is false and o is the outcome the check returns.
func (s *state) deploymentVars(ctx context.Context) (vars map[string]string, o outcome, ok bool) {
	f := s.convexEnvFuture()
	if f == nil {
		return nil, skip("npx convex env list was not run"), false
	}
	vars, err := f.wait(ctx)
	if err != nil {
		return nil, s.envListFailure(err), false
	}
	return vars, outcome{}, true
}

func (s *state) envListFailure(err error) outcome {
	if o, ok := timedOut(err); ok {
		return o
	}
	fix := "run npx convex dev once in this folder so it has a deployment (CONVEX_DEPLOYMENT in .env.local), then run clerkconvex doctor again"
	var pe *convex.PlatformError
	switch {
	case errors.As(err, &pe):
		// The Deployment Platform API path: its own fix, said once.
		fix = "the key in the environment (CONVEX_DEPLOY_KEY, or CONVEX_SELF_HOSTED_ADMIN_KEY) reaches the deployment through the Deployment Platform API; fix what it says, or pass --via npx, then run clerkconvex doctor again"
		if pe.Fix != "" {
			fix, pe = pe.Fix, pe.WithoutFix()
		}
		return fail(fix, "could not read the variables of the %s deployment: %v", s.deployment(), pe)
	case errors.Is(err, run.ErrNotFound):
		fix = "install Node.js (it includes npx), then run clerkconvex doctor again; or pass --offline to skip the checks that need npx"
	case s.in.Prod:
		fix = "npx convex env list --prod needs your Convex login (npx convex login) in a project set up with npx convex dev, or CONVEX_DEPLOY_KEY set to a production deploy key (Convex dashboard → production deployment → Settings); then run clerkconvex doctor again"
	}
	return fail(fix, "could not read the variables of the %s deployment: %v", s.deployment(), err)
}

func checkConvexEnvVar(ctx context.Context, s *state) outcome {
	if s.provider == nil { // authconfig.provider warned that it could not read it
		return skip("the Clerk provider in %s was not read", s.authRel)
	}
	if len(s.issuerVars) == 0 {
		lit := s.provider.DomainURL
		switch {
		case s.prodWithTestKeys():
			return s.judgeProdWithTestKeys(fmt.Sprintf("%s's provider domain", s.authRel), lit)
		case lit == s.issuer:
			return pass("%s names the issuer literally (%s): no deployment variable needed", s.authRel, lit)
		case strings.TrimRight(lit, "/") == s.issuer:
			return warn(fmt.Sprintf("write the domain as %q in %s", s.issuer, s.authRel),
				"%s's domain %s has a trailing slash the issuer %s does not have", s.authRel, quoted(lit), s.issuer)
		}
		return fail(fmt.Sprintf("set the provider's domain in %s to %q", s.authRel, s.issuer),
			"%s's provider domain %s is not the issuer %s", s.authRel, quoted(lit), s.issuer)
	}
	vars, o, ok := s.deploymentVars(ctx)
	if !ok {
		return o
	}
	dep := s.deployment()
	// The domain is the first of its variables that is set (process.env.A ?? process.env.B).
	name, value, found := s.issuerVars[0], "", false
	for _, n := range s.issuerVars {
		if v, ok := vars[n]; ok {
			name, value, found = n, v, true
			break
		}
	}
	s.issuerVar = name
	set := convex.ManualCommand(name, s.issuerValue(name), s.target())
	if !found {
		s.issuerUnset = name
		nor := ""
		if len(s.issuerVars) > 1 {
			nor = " (nor " + strings.Join(s.issuerVars[1:], ", ") + ")"
		}
		if s.prodWithTestKeys() {
			return fail(s.liveKeysFix(),
				"%s%s is not set on the Convex prod deployment, so auth.config's domain is empty (with test keys doctor knows only your development instance's issuer, which is not production's value)", name, nor)
		}
		return fail(set, "%s%s is not set on the Convex %s deployment, so auth.config's domain is empty", name, nor, dep)
	}
	s.deployValue = value
	what := fmt.Sprintf("the %s deployment's %s", dep, name)
	if t := s.provider.DomainTemplate; t != nil && t.Env == name {
		// `https://${process.env.X}`: judge the domain it makes, not the variable.
		value = t.Expand(value)
		what = fmt.Sprintf("the domain %s builds from %s", s.authRel, what)
	}
	templated := s.provider.DomainTemplate != nil && s.provider.DomainTemplate.Env == name
	switch {
	case s.provider.DomainEnv == "" && !templated:
		// The domain is built from the variable in code (process.env.X?.replace(…), a call):
		// the variable's value, even when it is the issuer, is not the domain itself.
		return warn("check by hand that "+s.authRel+"'s domain comes out as "+s.issuer,
			"the %s deployment's %s is %s; %s builds the domain from it, which doctor does not evaluate", dep, name, quoted(value), s.authRel)
	case s.prodWithTestKeys():
		return s.judgeProdWithTestKeys(what, value)
	case value == s.issuer:
		return pass("%s is %s", what, shown(value))
	case strings.TrimRight(value, "/") == s.issuer:
		return warn(set, "%s is %s, the issuer with a trailing slash (Convex ignores it, other tools may not)", what, quoted(value))
	}
	desc, dev, own := s.instanceOf(value)
	switch {
	case desc != "" && dev && s.in.Prod:
		// The development issuer on production: name the instance, and what belongs there.
		return fail(set, "%s is %s, the issuer of %s: production would accept that development instance's sign-ins and refuse your production users' tokens; the prod deployment needs your production instance's issuer %s",
			what, quoted(value), desc, s.issuer)
	case own:
		return fail(set, "%s is %s, the issuer of %s, but the issuer is %s: Convex would look for tokens from the wrong instance", what, quoted(value), desc, s.issuer)
	}
	return fail(set, "%s is %s, but the issuer is %s: Convex would look for tokens from the wrong issuer", what, quoted(value), s.issuer)
}

// checkAuthEnv checks that every variable auth.config reads is set on the deployment: Convex
// evaluates the whole file at every push, and refuses the push while one is unset
// (AuthConfigMissingEnvironmentVariable) — a fallback or a console.log counts as much as a
// provider. The Clerk domain variable convex.env_var already failed is not named twice. It
// also fails another provider whose variable holds another Clerk instance's issuer there.
func checkAuthEnv(ctx context.Context, s *state) outcome {
	if !s.authRead {
		return skip("%s could not be read", s.authRel)
	}
	if len(s.authReads) == 0 {
		return pass("%s reads no environment variable", s.authRel)
	}
	f := s.convexEnvFuture()
	if f == nil {
		return skip("npx convex env list was not run")
	}
	vars, err := f.wait(ctx)
	if err != nil {
		if s.provider != nil {
			return skip("the deployment's variables could not be read (see convex.env_var)")
		}
		return s.envListFailure(err)
	}
	dep := s.deployment()
	var missing, cmds []string
	for _, r := range s.authReads {
		if _, ok := vars[r.Name]; ok || r.Name == s.issuerUnset || r.Name == s.appIDUnset {
			continue
		}
		missing = append(missing, fmt.Sprintf("%s (%s:%s)", r.Name, s.authRel, joinInts(r.Lines)))
		cmds = append(cmds, s.setCommand(r.Name))
	}
	if len(missing) > 0 {
		return fail(strings.Join(cmds, " && "),
			"%s reads %s, not set on the Convex %s deployment: Convex refuses every push while a variable auth.config reads is unset (AuthConfigMissingEnvironmentVariable)",
			s.authRel, listAnd(missing), dep)
	}
	// The Clerk provider's fallbacks must hold the issuer too: Convex uses the first one set,
	// so a wrong fallback takes over as soon as the one before it is unset.
	if s.issuer != "" && !s.prodWithTestKeys() {
		for _, n := range s.issuerVars {
			if v, ok := vars[n]; ok && n != s.issuerVar && strings.TrimRight(v, "/") != s.issuer {
				return fail(convex.ManualCommand(n, s.issuer, s.target()),
					"the Clerk provider's %s (%s) is %s on the %s deployment, not the issuer %s: Convex would trust it whenever %s is unset",
					n, envList(s.issuerVars), shown(v), dep, s.issuer, s.issuerVar)
			}
		}
	}
	if s.pub.Host != "" {
		var others []convex.ParsedProvider
		for _, p := range s.parsed {
			if s.provider == nil || p.Line != s.provider.Line {
				others = append(others, p)
			}
		}
		lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
		if stale, _ := splitOwn(otherInstances(others, s.pub, false, lookup, "on the "+dep+" deployment", s.ownInstances)); len(stale) > 0 {
			p := stale[0]
			return fail(fmt.Sprintf("point it at your instance (%s) or remove that provider from %s", s.pub.Issuer(), s.authRel),
				"%s:%d reads %s: another Clerk instance than this project's %s, so Convex would accept that instance's sign-ins", s.authRel, p.line, p.how, s.pub.Host)
		}
	}
	// A variable convex.env_var already reports unset is not called set here.
	var names, left []string
	for _, n := range convex.Names(s.authReads) {
		if n == s.issuerUnset || n == s.appIDUnset {
			left = append(left, n)
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return skip("%s reads only %s, which convex.env_var reports", s.authRel, listAnd(left))
	}
	return pass("%s %s set on the %s deployment", listAnd(names), Plural(len(names), "is", "are"), dep)
}

// setCommand is the command that sets name on the deployment, to knownValue's value, else to
// a placeholder.
func (s *state) setCommand(name string) string {
	value, ok := s.knownValue(name)
	if !ok {
		return strings.Replace(convex.ManualCommand(name, "VALUE", s.target()), "VALUE", "<value>", 1)
	}
	return convex.ManualCommand(name, value, s.target())
}

// knownValue is the value name should have on the deployment, when doctor knows it: the issuer
// for the Clerk domain's variables, the env file's value when there is one (not under --prod,
// whose values the file does not hold, and never a secret).
func (s *state) knownValue(name string) (string, bool) {
	switch {
	case slices.Contains(s.issuerVars, name) && s.issuer != "" && !s.prodWithTestKeys():
		return s.issuerValue(name), true
	case !s.in.Prod || s.in.EnvFileExplicit:
		// Only a value certainly not secret.
		if v, ok := s.fileValue(name); ok && !secretEnvName(name) && dotenv.IsPublic(strings.TrimSpace(v)) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ",")
}

// listAnd joins items as "a", "a and b", "a, b and c".
func listAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// issuerValue is the value of the Clerk domain's variable name that makes the domain the
// issuer: the issuer itself, or the part a template (`https://${process.env.X}`) leaves.
func (s *state) issuerValue(name string) string {
	if s.provider == nil {
		return s.issuer
	}
	if t := s.provider.DomainTemplate; t != nil && t.Env == name {
		if v, ok := t.ValueFor(s.issuer); ok {
			return v
		}
	}
	return s.issuer
}

func checkConvexEnvMatchesFile(ctx context.Context, s *state) outcome {
	if s.issuerVar == "" {
		return skip("%s names the domain literally", s.authRel)
	}
	if s.in.Prod && !s.in.EnvFileExplicit {
		return skip("--prod: %s holds development values, so it is not compared with the prod deployment; pass --env-file with your production env file to compare them", s.in.EnvFile)
	}
	if s.env == nil {
		return skip("%s does not exist: nothing to compare with the %s deployment", s.in.EnvFile, s.deployment())
	}
	name := s.issuerVar
	fileVal, ok := s.fileValue(name)
	// Under --prod with test keys the issuer doctor knows is the development instance's:
	// it is no value to write for production.
	want := s.issuerValue(name)
	if s.prodWithTestKeys() {
		want = "<your production Clerk instance's issuer>"
	}
	if !ok {
		return warn(fmt.Sprintf("add %s=%s to %s", name, want, s.in.EnvFile),
			"%s is not in %s (the %s deployment has %s)", name, s.in.EnvFile, s.deployment(), shown(s.deployValue))
	}
	if strings.TrimRight(fileVal, "/") == strings.TrimRight(s.deployValue, "/") {
		return pass("%s in %s matches the %s deployment", name, s.in.EnvFile, s.deployment())
	}
	fix := fmt.Sprintf("set %s=%s in %s", name, want, s.in.EnvFile)
	switch {
	case s.prodWithTestKeys():
		fix += ", the same as on the prod deployment; " + s.liveKeysFix()
	case strings.TrimRight(s.deployValue, "/") != want:
		fix += " and run: " + convex.ManualCommand(name, want, s.target())
	}
	return fail(fix, "%s is %s in %s but %s on the %s deployment", name, quoted(fileVal), s.in.EnvFile, quoted(s.deployValue), s.deployment())
}
