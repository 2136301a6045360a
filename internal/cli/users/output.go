package users

import (
	"errors"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/svixsig"
	"github.com/clerkconvex/clerkconvex/internal/textdiff"
)

func isPromptInterrupt(err error) bool { return errors.Is(err, prompt.ErrInterrupted) }

// endpointText is the webhook URL to give Clerk, or a template of it when the site URL is
// not known.
func endpointText(p *initPlan) string {
	if p.site != "" {
		return endpoint(p.site)
	}
	return endpoint("https://<your " + p.deployment + " deployment>.convex.site")
}

// printClerkSteps prints, on stdout (unless --json), what to do in Clerk's dashboard: its
// Backend API cannot create Svix endpoints.
func printClerkSteps(opts *Options, p *initPlan) {
	if opts.JSON {
		return
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "\nIn Clerk's dashboard (%s):\n", Dashboard)
	fmt.Fprintf(out, "  1. Add Endpoint. Endpoint URL: %s\n", endpointText(p))
	if p.site != "" {
		fmt.Fprintf(out, "     (from %s)\n", p.siteFrom)
	} else {
		fmt.Fprintf(out, "     (the deployment's HTTP actions URL, shown in Convex's dashboard under Settings → URL & Deploy Key;\n      set CONVEX_SITE_URL to have it filled in)\n")
	}
	fmt.Fprintf(out, "  2. Subscribe to events: %s\n", strings.Join(Events, ", "))
	fmt.Fprintf(out, "  3. Create it, then copy its Signing Secret (whsec_…)\n\n")
}

// promptSecret asks for the signing secret, hidden, until it has the right shape (3 tries).
func promptSecret(opts *Options) (svixsig.Secret, error) {
	var last error
	for range 3 {
		raw, err := opts.Prompter().Password("Paste the endpoint's Signing Secret (whsec_…):")
		if err != nil {
			return svixsig.Secret{}, err
		}
		s, err := svixsig.ParseSecret(raw)
		if err == nil {
			return s, nil
		}
		last = err
		opts.IO.Step(iostreams.Fail, "%v", err)
	}
	return svixsig.Secret{}, cmdutil.FlagErrorf("no valid signing secret after 3 tries: %v", last)
}

// printDryRun shows the diffs and the planned steps; nothing is changed or called.
func printDryRun(opts *Options, p *initPlan, res *InitResult) error {
	if p.install != nil {
		res.Svix.Action = "planned"
		if opts.SkipInstall {
			res.Svix.Action = "skipped"
		}
	}
	res.Convex.Action = "planned"
	if opts.SkipConvexEnv {
		res.Convex.Action = "skipped"
	}
	if opts.JSON {
		return nil
	}
	out := opts.IO.Out
	fmt.Fprintln(out, "Dry run: nothing is changed.")
	for _, f := range p.files {
		var old []byte
		if f.Exists {
			old = f.Old
		}
		if d := textdiff.Unified(f.Rel, old, f.New); d != "" {
			fmt.Fprint(out, "\n"+d)
		} else {
			fmt.Fprintf(out, "\n%s: unchanged\n", f.Rel)
		}
	}
	fmt.Fprintln(out)
	if p.install != nil {
		fmt.Fprintf(out, "Would run: %s (%s)\n", strings.Join(p.install, " "), res.Svix.Action)
	}
	switch {
	case opts.SkipConvexEnv:
		fmt.Fprintf(out, "Would not set %s (--skip-convex-env)\n", SecretEnv)
	case p.secret.IsZero():
		fmt.Fprintf(out, "Would ask for the signing secret and set %s on the %s deployment (on stdin)\n", SecretEnv, p.deployment)
	default:
		fmt.Fprintf(out, "Would set %s=%s (from %s) on the %s deployment (on stdin)\n", SecretEnv, p.secret, p.secretFrom, p.deployment)
	}
	printClerkSteps(opts, p)
	return nil
}
