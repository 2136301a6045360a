package initcmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/textdiff"
)

func printSummary(io *iostreams.IOStreams, p *plan, r *Result) {
	var changed []string
	if r.Template.Action != "unchanged" {
		changed = append(changed, fmt.Sprintf("JWT template %q %s", r.Template.Name, r.Template.Action))
	}
	for _, f := range r.Files {
		if f.Action != "unchanged" && f.Action != "manual" && f.Action != "skipped" {
			changed = append(changed, fmt.Sprintf("%s %s", f.Path, f.Action))
		}
	}
	out := io.Out
	// On one terminal the progress lines above already said what changed: repeat only what
	// is left to do. Piped or redirected, stdout gets the whole result.
	sameTerminal := io.IsStdoutTTY() && io.IsStderrTTY()
	switch {
	case len(changed) == 0:
		fmt.Fprintln(out, "Nothing to change in Clerk or in your files.")
	case !sameTerminal:
		fmt.Fprintln(out, "Changed:")
		for _, c := range changed {
			fmt.Fprintf(out, "  %s\n", c)
		}
	}
	if !sameTerminal {
		printConvexResult(out, r)
		printDefaultsResult(out, r)
	}
	printWiringManual(p, out, io.OutWidth())
	printLiveKeys(out, p)
	if len(p.manual) > 0 {
		fmt.Fprintf(out, "To do by hand: add to the providers array of %s:\n%s\n", p.authFile.Rel, indent(strings.Join(p.manual, ",\n"), "  "))
	}
	if r.Convex.Action == "set" || r.Convex.Action == "skipped" {
		if p.deployment != "" {
			fmt.Fprintf(out, "Next: push auth.config to that deployment (npx convex deploy, or npx convex dev for a dev deployment), then run `clerkconvex doctor%s`.\n", p.target().Flag())
		} else if p.prod {
			fmt.Fprintln(out, "Next: deploy auth.config with `npx convex deploy`, then run `clerkconvex doctor --prod`.")
		} else {
			fmt.Fprintln(out, "Next: deploy auth.config with `npx convex dev`, then run `clerkconvex doctor`.")
		}
	}
}

func printConvexResult(out io.Writer, r *Result) {
	switch r.Convex.Action {
	case "set":
		fmt.Fprintf(out, "Convex %s deployment%s: %s=%s\n", r.Convex.Deployment, named(r.Convex.DeploymentName), r.Convex.Variable, r.Convex.Value)
	case "failed":
		fmt.Fprintf(out, "Convex %s deployment: %s NOT set; run: %s\n", r.Convex.Deployment, r.Convex.Variable, r.Convex.Command)
	case "skipped":
		fmt.Fprintf(out, "Convex %s deployment: not set (--skip-convex-env); run: %s\n", r.Convex.Deployment, r.Convex.Command)
	}
}

// printDryRun shows the plan and the diffs; the secret key is masked in them.
func printDryRun(opts *Options, p *plan) error {
	r := p.result(true)
	r.Convex.Action = "planned"
	var api *convex.PlatformEnv
	if opts.SkipConvexEnv {
		r.Convex.Action = "skipped"
	} else if env, err := opts.convexEnv(p); err == nil {
		r.Convex.Via = env.Via()
		api, _ = env.(*convex.PlatformEnv)
	}
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, r)
	}
	out := opts.IO.Out
	fmt.Fprintln(out, "Dry run: nothing was changed. init would:")
	switch p.tmpl.Action {
	case clerk.Created:
		fmt.Fprintf(out, "  create JWT template %q (aud %q)\n", p.tmplName, p.appID)
	case clerk.Updated:
		fmt.Fprintf(out, "  update JWT template %q: %s\n", p.tmplName, strings.Join(p.tmpl.Changes, "; "))
	default:
		fmt.Fprintf(out, "  leave JWT template %q unchanged\n", p.tmplName)
	}
	for _, f := range p.files() {
		switch f.Action() {
		case "created":
			fmt.Fprintf(out, "  create %s\n", f.Rel)
		case "updated":
			fmt.Fprintf(out, "  update %s\n", f.Rel)
		default:
			fmt.Fprintf(out, "  leave %s unchanged\n", f.Rel)
		}
	}
	if p.chmod != 0 {
		fmt.Fprintf(out, "  chmod %o %s\n", p.chmod, p.envFile.Rel)
	}
	printWiringDryRun(p, func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) })
	if p.liveKeysElsewhere {
		fmt.Fprintf(out, "  leave %s alone (the live keys go to your hosting provider's production environment)\n", p.keptEnv)
	}
	if p.gitignore != "" {
		fmt.Fprintf(out, "  add %s to .gitignore\n", strings.Join(gitx.IgnorePatterns(p.gitignore), " and "))
	}
	if opts.SkipConvexEnv {
		fmt.Fprintf(out, "  not set the Convex variable (--skip-convex-env)\n")
	} else if api != nil {
		k := api.Key()
		where := "the self-hosted deployment"
		if k.Name != "" {
			where = "the " + k.Type + " deployment " + k.Name
		}
		fmt.Fprintf(out, "  set %s=%s on %s through the Convex Deployment Platform API (key in %s)\n", r.Convex.Variable, r.Convex.Value, where, k.Source)
	} else {
		fmt.Fprintf(out, "  run: %s\n", r.Convex.Command)
		printDefaultsPlan(out, p)
	}
	masked := false
	for _, f := range p.files() {
		old, nw := []byte(clerk.RedactSecrets(string(f.Old))), []byte(clerk.RedactSecrets(string(f.New)))
		if f == p.envFile {
			var m1, m2 bool
			old, m1 = maskEnvValues(old)
			nw, m2 = maskEnvValues(nw)
			masked = masked || (m1 && f.Exists) || m2
		}
		var base []byte
		if f.Exists {
			base = old
		}
		if d := textdiff.Unified(f.Rel, base, nw); d != "" && (f.Action() != "unchanged") {
			fmt.Fprint(out, "\n"+d)
		}
	}
	fmt.Fprint(out, p.wiringDiffs())
	if masked {
		fmt.Fprintf(out, "\n(values in %s that may be secret are masked, as …abcd; URLs are shown without passwords or queries)\n", p.envFile.Rel)
	}
	return nil
}

func named(name string) string {
	if name == "" {
		return ""
	}
	return " " + name
}
