package initcmd

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// ResultDefaults is what init did to one deployment type's project defaults (--json).
type ResultDefaults struct {
	Type      string   `json:"type"` // dev, preview or prod
	Variables []string `json:"variables"`
	Action    string   `json:"action"` // set, unchanged, failed, planned
	Command   string   `json:"command"`
	Error     string   `json:"error,omitempty"`
}

// defaultVars are the variables a type's defaults get: the issuer variable and its fallbacks,
// as on the deployment.
func (p *plan) defaultVars() map[string]string {
	vars := map[string]string{p.issuerVar: p.issuerValue}
	for _, v := range p.extraIssuerVars {
		vars[v] = p.issuer
	}
	return vars
}

func (p *plan) resultDefaults(action string) []ResultDefaults {
	var out []ResultDefaults
	vars := p.defaultVars()
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, t := range p.defaults {
		out = append(out, ResultDefaults{Type: t, Variables: names, Action: action, Command: defaultsCommand(names, t)})
	}
	return out
}

// defaultsCommand is what a person runs to do the same by hand.
func defaultsCommand(names []string, typ string) string {
	cmds := make([]string, len(names))
	for i, n := range names {
		cmds[i] = convex.DefaultCommand(n, typ)
	}
	return strings.Join(cmds, "; ")
}

// applyDefaults sets the variables as the project's defaults of each type in p.defaults, one
// npx call per type, after they were set on the deployment. A type whose defaults already hold
// another value is replaced only with --yes or after asking.
func applyDefaults(ctx context.Context, opts *Options, p *plan, res *Result) error {
	io := opts.IO
	res.Defaults = p.resultDefaults("planned")
	r := run.WithTimeout(opts.Runner(), opts.NpxTimeout, npxTimeoutHint)
	for i := range res.Defaults {
		d := &res.Defaults[i]
		p.inFlight = "the project defaults for " + d.Type + " deployments"
		busy := progress(opts, fmt.Sprintf("Setting %s as the default for new %s deployments…", strings.Join(d.Variables, ", "), d.Type))
		got, err := convex.SetDefaults(ctx, r, p.convexDir(), d.Type, p.defaultVars(), false)
		busy.Stop()
		if convex.IsDefaultConflict(err) && ctx.Err() == nil {
			replace := opts.Yes
			if !replace && opts.IO.CanPrompt() && !opts.JSON {
				replace, err = opts.Prompter().Confirm(fmt.Sprintf("The project's defaults for new %s deployments hold another value of %s. Replace it?", d.Type, strings.Join(d.Variables, " or ")), false)
				if err != nil {
					return err
				}
			}
			if replace {
				got, err = convex.SetDefaults(ctx, r, p.convexDir(), d.Type, p.defaultVars(), true)
			} else {
				err = fmt.Errorf("the project's defaults for %s deployments already hold another value (npx convex env default list --type %s shows them): rerun with --yes to replace it", d.Type, d.Type)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d.Action, d.Error, res.OK = "failed", err.Error(), false
			io.Step(iostreams.Fail, "Defaults for new %s deployments not set: %v", d.Type, err)
			return errConvexFailed
		}
		p.inFlight = ""
		d.Action = string(got)
		if got == convex.DefaultsUnchanged {
			io.Step(iostreams.OK, "Defaults for new %s deployments already hold %s", d.Type, strings.Join(d.Variables, ", "))
		} else {
			p.done = append(p.done, "defaults for "+d.Type+" deployments")
			io.Step(iostreams.OK, "Defaults for new %s deployments: %s=%s", d.Type, p.issuerVar, p.issuerValue)
		}
	}
	return nil
}

// printDefaultsPlan is the dry run's lines for the defaults.
func printDefaultsPlan(out io.Writer, p *plan) {
	for _, d := range p.resultDefaults("planned") {
		fmt.Fprintf(out, "  set as the default for new %s deployments: %s (npx convex env default set --type %s, values on stdin)\n", d.Type, strings.Join(d.Variables, ", "), d.Type)
	}
}

// printDefaultsResult is the summary's lines for the defaults.
func printDefaultsResult(out io.Writer, r *Result) {
	for _, d := range r.Defaults {
		switch d.Action {
		case "set":
			fmt.Fprintf(out, "Defaults for new %s deployments: %s set\n", d.Type, strings.Join(d.Variables, ", "))
		case "unchanged":
			fmt.Fprintf(out, "Defaults for new %s deployments: %s already set\n", d.Type, strings.Join(d.Variables, ", "))
		case "failed":
			fmt.Fprintf(out, "Defaults for new %s deployments: NOT set; run: %s\n", d.Type, d.Command)
		}
	}
}
