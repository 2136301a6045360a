package initcmd

import (
	"context"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
)

// Project defaults (docs/deployments.md): the variables every new deployment of a type starts
// with — a teammate's dev deployment, each preview deployment. init sets the issuer there too
// with --defaults dev,preview, or when the user says yes to the question on a terminal; with
// user sync, users init adds the webhook secret.

// defaultsQuestion is asked on a terminal, on a first run, in a cloud project with test keys.
const defaultsQuestion = "Also set it as the default for new dev and preview deployments?"

// defaultsStep decides the deployment types whose project defaults init sets: --defaults, or
// dev and preview after a yes. Types that do not fit the keys are refused before anything
// changes: production must not default to a development instance, and development and
// preview deployments are not pointed at the production one.
type defaultsStep struct{}

func (defaultsStep) String() string { return "defaults" }

func (defaultsStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	p.defaults = nil
	types := opts.Defaults
	sel := convex.SelectionIn(s.p.convexDir(), s.opts.Getenv)
	if len(types) == 0 {
		if !opts.askDefaults || opts.JSON || opts.DryRun || opts.SkipConvexEnv || !s.canPrompt ||
			p.secret.Live || p.prod || !sel.Cloud || !firstRun(p) || sel.DefaultsBlocked() != "" {
			return nil
		}
		ok, err := opts.Prompter().Confirm(defaultsQuestion, false)
		if err != nil || !ok {
			return err
		}
		types = []string{"dev", "preview"}
	}
	if err := defaultsKeyError(sel, types); err != nil {
		return err
	}
	if sel.SelfHosted != "" {
		return cmdutil.FlagErrorf("--defaults: project defaults exist only for Convex cloud projects, and this one uses a self-hosted backend (%s); set the variables on each deployment instead (init --deployment <ref>)", sel.SelfHosted)
	}
	for _, t := range types {
		switch {
		case t == "prod" && !p.secret.Live:
			return cmdutil.FlagErrorf("--defaults prod with test keys: new production deployments would trust your development Clerk instance; run init --prod --defaults prod with the production instance's keys (pk_live_/sk_live_), and keep --defaults dev,preview for test keys")
		case t != "prod" && p.secret.Live:
			return cmdutil.FlagErrorf("--defaults %s with live keys: %s deployments would trust your production Clerk instance; run init --defaults dev,preview with the development instance's keys (pk_test_/sk_test_), and use --defaults prod with live keys", t, t)
		}
	}
	p.defaults = types
	return nil
}

// defaultsKeyError refuses --defaults where a deployment's deploy key stands between the Convex
// CLI and the project defaults (CI): a usage error naming the flag and where to run it instead.
func defaultsKeyError(sel convex.Selection, types []string) error {
	why := sel.DefaultsBlocked()
	if why == "" {
		return nil
	}
	return cmdutil.FlagErrorf("--defaults: %s; run clerkconvex init --defaults %s on a machine where npx convex is logged in (npx convex login) and no deploy key is set", why, strings.Join(types, ","))
}
