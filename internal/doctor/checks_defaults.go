package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/convex"
)

// convex.defaults: the project's default variables per deployment type (`npx convex env
// default list --type T`), which every new deployment of that type starts with — a teammate's
// dev deployment, each preview deployment. It is listed in a cloud project (defaults exist
// only there) and wherever the project shows it uses preview deployments (a preview deploy
// key, --preview-* flags, a Vercel/Netlify build running convex deploy): then a preview type
// without the issuer is a warning, because every preview push fails with
// AuthConfigMissingEnvironmentVariable, and only at deploy time.

// defaultsFacts is what the check reads, decided when the checks are listed.
type defaultsFacts struct {
	sel      convex.Selection
	evidence []string // why the project looks like it uses preview deployments
	types    []string // the types read
	lists    map[string]*future[map[string]string]
}

// defaultsListed decides whether convex.defaults runs (once per run).
func (s *state) defaultsListed() bool {
	s.defaultsOnce.Do(func() {
		if s.in.Dir == "" {
			return
		}
		f := &defaultsFacts{sel: convex.SelectionIn(s.convexDir(), s.in.Getenv)}
		// Without a way to read them (the Deployment Platform API path) the check is listed
		// only when a deploy key says why: it then says so rather than disappearing.
		if s.in.ConvexDefaultsList == nil && f.sel.DefaultsBlocked() == "" {
			return
		}
		f.evidence = convex.PreviewEvidence(s.in.Dir, []string{s.in.Dir, s.convexDir(), s.in.WorkspaceRoot}, s.in.Getenv)
		if !f.sel.Cloud && len(f.evidence) == 0 {
			return
		}
		f.types = []string{"dev", "preview"}
		if s.in.Prod {
			f.types = append(f.types, "prod")
		}
		s.defaults = f
	})
	return s.defaults != nil
}

// startDefaults starts reading each type's defaults, side by side with the deployment's list.
func (s *state) startDefaults() {
	if s.in.Offline || !s.defaultsListed() || s.defaults.sel.SelfHosted != "" || s.defaults.sel.DefaultsBlocked() != "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.defaults.lists != nil {
		return
	}
	s.defaults.lists = map[string]*future[map[string]string]{}
	for _, t := range s.defaults.types {
		s.defaults.lists[t] = goFuture(&s.bg, s.ctx, s.in.Timeout, func(ctx context.Context) (map[string]string, error) {
			if err := s.nodeGate(ctx); err != nil {
				return nil, err
			}
			return s.in.ConvexDefaultsList(ctx, t)
		})
	}
}

func (s *state) defaultsFuture(t string) *future[map[string]string] {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.defaults.lists[t]
}

func checkDefaults(ctx context.Context, s *state) outcome {
	f := s.defaults
	usesPreview := ""
	if len(f.evidence) > 0 {
		usesPreview = "this project uses preview deployments (" + strings.Join(f.evidence, "; ") + ")"
	}
	if f.sel.SelfHosted != "" {
		return skip("project defaults exist only for Convex cloud projects; this one uses a self-hosted backend (%s)", f.sel.SelfHosted)
	}
	if why := f.sel.DefaultsBlocked(); why != "" {
		// CI with a deploy key: neither the API nor npx reaches the defaults. Not a pass: say
		// why, and where they can be read.
		note := ""
		if usesPreview != "" {
			note = fmt.Sprintf("; %s, so new preview deployments need %s there", usesPreview, s.domainVarName())
		}
		return skip("project defaults for new deployments not checked: %s%s. To check them, run npx convex env default list --type preview (and --type dev) where npx convex is logged in and no deploy key is set, or clerkconvex doctor there", why, note)
	}
	s.startDefaults()
	// What every new deployment needs: one of the Clerk domain's variables, and each other
	// variable auth.config reads.
	var others []string
	for _, r := range s.authReads {
		if !contains(s.issuerVars, r.Name) {
			others = append(others, r.Name)
		}
	}
	var report, problems, fixes []string
	var readErr error
	for _, t := range f.types {
		vars, err := s.defaultsFuture(t).wait(ctx)
		if err != nil {
			if o, ok := timedOut(err); ok {
				return o
			}
			readErr = err
			continue
		}
		missing, wrong := s.judgeDefaults(t, vars, others)
		switch {
		case len(missing) > 0 && (t == "preview" && usesPreview != "" || t == "prod" && s.in.Prod && s.secret.Live):
			problems = append(problems, fmt.Sprintf("new %s deployments start without %s, so their push fails (AuthConfigMissingEnvironmentVariable)", t, listAnd(missing)))
			fixes = append(fixes, s.defaultsFix(t))
		case wrong != "":
			problems = append(problems, fmt.Sprintf("new %s deployments would start with %s", t, wrong))
			fixes = append(fixes, s.defaultsFix(t)+" --yes")
		}
		switch {
		case len(missing) > 0:
			report = append(report, fmt.Sprintf("%s: no %s", t, listAnd(missing)))
		case wrong != "":
			report = append(report, t+": another issuer")
		default:
			report = append(report, t+": "+s.defaultsNames(vars, others))
		}
	}
	if readErr != nil && len(report) == 0 {
		fix := "run npx convex login" + s.inConvexDir() + " (project defaults are read with your Convex login; a deploy key cannot read them), then run clerkconvex doctor again"
		if usesPreview != "" {
			return warn(fix, "could not read the project's default variables (%v), and %s: make sure new preview deployments get %s (clerkconvex init --defaults preview)", readErr, usesPreview, s.domainVarName())
		}
		return skip("could not read the project's default variables: %v", readErr)
	}
	summary := "project defaults for new deployments: " + strings.Join(report, "; ")
	if len(problems) > 0 {
		msg := strings.Join(problems, "; ")
		if usesPreview != "" {
			msg += "; " + usesPreview
		}
		return warn(strings.Join(fixes, " && "), "%s (%s)", msg, summary)
	}
	if usesPreview == "" {
		summary += " (no sign of preview deployments in this project)"
	}
	return pass("%s", summary)
}

// judgeDefaults says what type t's defaults lack (names) and what they hold wrong (a domain
// variable with another issuer).
func (s *state) judgeDefaults(t string, vars map[string]string, others []string) (missing []string, wrong string) {
	if len(s.issuerVars) > 0 {
		name, value, found := "", "", false
		for _, n := range s.issuerVars {
			if v, ok := vars[n]; ok {
				name, value, found = n, v, true
				break
			}
		}
		switch {
		case !found:
			missing = append(missing, s.issuerVars[0])
		case s.issuer != "" && s.keysFitType(t) && strings.TrimRight(value, "/") != strings.TrimRight(s.issuerValue(name), "/"):
			wrong = fmt.Sprintf("%s=%s, not the issuer %s", name, shown(value), s.issuerValue(name))
		}
	}
	for _, n := range others {
		if _, ok := vars[n]; !ok {
			missing = append(missing, n)
		}
	}
	return missing, wrong
}

// keysFitType: the issuer doctor knows is the one type t should have (test keys for dev and
// preview, live keys for prod); otherwise the value cannot be judged.
func (s *state) keysFitType(t string) bool {
	return (t == "prod") == s.secret.Live
}

func (s *state) defaultsNames(vars map[string]string, others []string) string {
	var have []string
	for _, n := range append(append([]string(nil), s.issuerVars...), others...) {
		if _, ok := vars[n]; ok {
			have = append(have, n)
		}
	}
	if len(have) == 0 {
		return "none needed"
	}
	return strings.Join(have, ", ") + " set"
}

func (s *state) domainVarName() string {
	if len(s.issuerVars) > 0 {
		return s.issuerVars[0]
	}
	return convex.DefaultIssuerEnv
}

// defaultsFix is the command that sets type t's defaults.
func (s *state) defaultsFix(t string) string {
	flag := ""
	if t == "prod" {
		flag = " --prod"
	}
	return "clerkconvex init" + flag + " --defaults " + t
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
