package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// planWiring plans the client wiring (providerWired false) or only what else the planner owns,
// Next.js's middleware (providerWired true), with internal/wiring's planner: the code init
// writes. Each change becomes a planned file (inside the workspace, written only if it still
// holds what was planned from). What the planner leaves to the user is printed, snippet and
// all; a plan with no change is no fix.
func (e *fixEnv) planWiring(ctx context.Context, f *fix, providerWired bool) error {
	proj, err := project.Load(e.in.Dir)
	if err != nil {
		return err
	}
	plan, err := wiring.PlanFor(ctx, &wiring.Input{Dir: e.in.Dir, Root: e.root, Project: proj, ProviderWired: providerWired})
	if err != nil {
		return err
	}
	f.manual = plan.Manual
	if len(plan.Changes) == 0 {
		if len(plan.Manual) > 0 {
			return errors.New(manualReasons(plan.Manual))
		}
		return errNothingToDo
	}
	if f.files, err = cmdutil.WiringFiles(e.in.Dir, e.root, "doctor --fix", plan.Changes); err != nil {
		return err
	}
	var whys []string
	for _, c := range plan.Changes {
		verb := "edit"
		if c.Old == nil {
			verb = "create"
		}
		whys = append(whys, fmt.Sprintf("%s %s (%s)", verb, c.Path, c.Why))
	}
	f.what = strings.Join(whys, "; ")
	if len(plan.Manual) > 0 {
		f.what += "; the rest is left to you (" + manualReasons(plan.Manual) + ")"
	}
	if len(plan.Install) > 0 {
		f.what += fmt.Sprintf("; then install %s yourself: %s", strings.Join(plan.Install, " "), project.InFolder(e.in.Dir, project.AddCommand(e.in.Dir, plan.Install...)))
	}
	return nil
}

func manualReasons(ms []wiring.Manual) string {
	var rs []string
	for _, m := range ms {
		rs = append(rs, m.Reason)
	}
	return strings.Join(rs, "; ")
}

// printManual shows what the wiring planner left to the user: where, why, and the snippet.
func printManual(ios *iostreams.IOStreams, ms []wiring.Manual) {
	for _, m := range ms {
		ios.Step(iostreams.Warn, "%s: add by hand, %s (%s):", m.Path, m.Where, m.Reason)
		fmt.Fprintf(ios.ErrOut, "%s\n", indentLines(m.Snippet, "    "))
	}
}

func indentLines(s, pre string) string {
	return pre + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+pre)
}
