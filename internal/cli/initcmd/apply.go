package initcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// npxTimeoutHint ends the error of an npx call stopped at its time limit.
const npxTimeoutHint = "it may be waiting on the network or a Convex login: run it by hand to see, or allow it longer with --npx-timeout or CLERKCONVEX_NPX_TIMEOUT"

// errConvexFailed: the Convex step failed after everything else was done.
var errConvexFailed = errors.New("setting the Convex variable failed")

// apply carries out the plan in order; each step is idempotent, so a rerun finishes the job.
func apply(ctx context.Context, opts *Options, p *plan) (*Result, error) {
	io := opts.IO
	res := p.result(false)

	// 1. The JWT template.
	if err := ctx.Err(); err != nil {
		return res, err
	}
	saving := &iostreams.Progress{}
	if p.tmpl.Action != clerk.Unchanged {
		p.inFlight = fmt.Sprintf("JWT template %q", p.tmplName)
		saving = progress(opts, fmt.Sprintf("Saving JWT template %q in Clerk…", p.tmplName))
	}
	t, err := p.clerk.ApplyTemplate(ctx, p.tmplName, p.tmpl)
	saving.Stop()
	if err != nil {
		return res, authHint(err, p.secret, "")
	}
	if t != nil {
		res.Template.ID = t.ID
	}
	p.inFlight = ""
	if p.tmpl.Action != clerk.Unchanged {
		p.done = append(p.done, fmt.Sprintf("JWT template %q %s", p.tmplName, p.tmpl.Action))
	}
	switch p.tmpl.Action {
	case clerk.Created:
		io.Step(iostreams.OK, "JWT template %q created (aud %q)", p.tmplName, p.appID)
	case clerk.Updated:
		io.Step(iostreams.OK, "JWT template %q updated: %s", p.tmplName, strings.Join(p.tmpl.Changes, "; "))
	default:
		io.Step(iostreams.OK, "JWT template %q already up to date (aud %q)", p.tmplName, p.appID)
	}

	// 2. and 3. The files.
	for _, f := range p.files() {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := writePlanned(opts, p, f); err != nil {
			return res, err
		}
		p.done = append(p.done, f.Rel+" "+f.Action())
		what := map[string]string{"created": "created", "updated": "updated", "unchanged": "already up to date"}[f.Action()]
		if f == p.authFile && len(p.manual) > 0 {
			io.Step(iostreams.Warn, "%s needs a manual edit (see above)", f.Rel)
		} else {
			io.Step(iostreams.OK, "%s %s", f.Rel, what)
		}
	}
	stepLiveKeys(io, p)
	if p.chmod != 0 {
		if err := cmdutil.MakePrivate(p.root(), p.envFile.Rel, p.envFile.Abs); err != nil {
			return res, err
		}
		p.done = append(p.done, "chmod "+p.envFile.Rel)
		io.Step(iostreams.OK, "%s is now readable only by you (mode %04o, was %04o)", p.envFile.Rel, p.chmod, p.chmodWas)
	}
	if p.gitignore != "" {
		if _, err := gitx.IgnoreFile(ctx, p.dir, p.gitignore); err != nil {
			return res, fmt.Errorf("adding %s to .gitignore: %w", p.gitignore, err)
		}
		p.done = append(p.done, ".gitignore updated")
		io.Step(iostreams.OK, ".gitignore now ignores %s", p.gitignore)
	}

	if err := applyWiring(ctx, opts, p, res); err != nil {
		return res, err
	}

	// 4. The Convex deployment.
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if opts.SkipConvexEnv {
		res.Convex.Action = "skipped"
		io.Step(iostreams.Skip, "Convex variable not set (--skip-convex-env); run: %s", res.Convex.Command)
		return res, nil
	}
	p.inFlight = "the Convex variable " + p.issuerVar
	busy := progress(opts, fmt.Sprintf("Setting %s on the %s deployment…", p.issuerVar, res.Convex.Deployment))
	env, err := opts.convexEnv(p)
	if err != nil {
		busy.Stop()
		return res, err
	}
	res.Convex.Via = env.Via()
	target, err := env.Set(ctx, p.issuerVar, p.issuerValue)
	busy.Stop()
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		res.Convex.Action = "failed"
		res.OK = false
		msg := err.Error()
		var ce *convex.CLIError
		if errors.As(err, &ce) && ce.Manual != "" {
			msg = strings.TrimSuffix(msg, "; to do it by hand, run: "+ce.Manual) // said once, below
		}
		res.Convex.Error = msg
		io.Step(iostreams.Fail, "Convex variable %s not set on the %s deployment: %s", p.issuerVar, res.Convex.Deployment, msg)
		done := "Everything else is done. "
		if len(p.manual) > 0 {
			done = "The rest is done, but for the auth.config edit above. "
		}
		fmt.Fprintf(io.ErrOut, "  %sSet it by hand, in %s:\n    %s\n", done, p.convexDir(), res.Convex.Command)
		return res, errConvexFailed
	}
	res.Convex.Action = "set"
	res.Convex.DeploymentName = target.Name
	if otherDeployment(p.target(), target) {
		// The CLI chose another deployment than asked (a CONVEX_DEPLOY_KEY overrides --prod, say).
		w := fmt.Sprintf("the Convex CLI set %s on its %s deployment %s, not on %s: check CONVEX_DEPLOY_KEY / CONVEX_DEPLOYMENT", p.issuerVar, target.Type, target.Name, res.Convex.Deployment)
		res.Warnings = append(res.Warnings, w)
		io.Step(iostreams.Warn, "%s", w)
		res.Convex.Deployment = target.Type
	}
	io.Step(iostreams.OK, "Convex %s deployment%s: %s=%s", res.Convex.Deployment, named(target.Name), p.issuerVar, p.issuerValue)
	// The fallbacks the Clerk provider's domain reads (process.env.A ?? process.env.B): Convex
	// refuses a push while one is unset, so they get the issuer too.
	for _, v := range p.extraIssuerVars {
		if _, err := env.Set(ctx, v, p.issuer); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Convex.Action, res.OK = "failed", false
			res.Convex.Error = err.Error()
			io.Step(iostreams.Fail, "Convex variable %s not set on the %s deployment: %v", v, res.Convex.Deployment, err)
			return res, errConvexFailed
		}
		io.Step(iostreams.OK, "Convex %s deployment%s: %s=%s", res.Convex.Deployment, named(target.Name), v, p.issuer)
	}
	if len(p.defaults) > 0 {
		return res, applyDefaults(ctx, opts, p, res)
	}
	return res, nil
}

// writePlanned writes one planned file: inside the project (links followed), only if it still
// holds what was planned from, keeping its owner and mode; a read-only file only with --yes.
// Temporary files an interrupted earlier run left next to it are removed first.
func writePlanned(opts *Options, p *plan, f *filePlan) error {
	removed, err := f.Write(p.root(), opts.Yes)
	if removed > 0 {
		opts.IO.Step(iostreams.OK, "removed %d temporary %s an interrupted run left next to %s", removed, plural(removed, "file", "files"), f.Rel)
	}
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// interruptedApplying is Ctrl-C once apply began: the message says what was changed, and
// what may or may not have been (the step that was under way).
func interruptedApplying(ctx context.Context, err error, p *plan) error {
	ie := interrupted(ctx, err, true)
	if !errors.Is(ie, cmdutil.ErrInterrupted) {
		return ie
	}
	msg := "interrupted: stopped before the next step; run clerkconvex init again to finish"
	switch {
	case len(p.done) > 0:
		msg += " (already changed: " + strings.Join(p.done, ", ")
	case p.inFlight == "":
		msg += " (nothing was changed yet"
	default:
		msg += " (nothing else was changed"
	}
	if p.inFlight != "" {
		msg += "; " + p.inFlight + " may or may not be changed"
	}
	return &cmdutil.InterruptedError{Msg: msg + ")"}
}

// otherDeployment tells whether the Convex CLI says it changed another kind of deployment than
// asked (a CONVEX_DEPLOY_KEY overrides --prod, say). A named deployment (--deployment
// dev/james, staging, a deployment name) has a kind the CLI knows and init does not, so only
// the refs that name a kind (dev, prod) are compared.
func otherDeployment(asked convex.Deployment, got convex.Target) bool {
	if got.Type == "" {
		return false
	}
	if asked.Ref != "" && asked.Ref != "dev" && asked.Ref != "prod" {
		return false
	}
	return got.Type != asked.String()
}

// convexEnv is the client for the deployment's variables: npx convex in the Convex folder (each
// call limited by --npx-timeout), or the Deployment Platform API (see convex.ChooseEnv).
func (opts *Options) convexEnv(p *plan) (convex.EnvClient, error) {
	var r run.Runner
	if opts.Runner != nil {
		r = run.WithTimeout(opts.Runner(), opts.NpxTimeout, npxTimeoutHint)
	}
	return cmdutil.ConvexEnv(opts.Via, opts.Getenv, opts.HTTPClient, r, p.convexDir(), p.target())
}
