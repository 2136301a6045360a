package initcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/textdiff"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// wiringPlan is the client wiring init writes: the framework planner's files (written only
// with --yes or a yes at the prompt; a dry run shows them), what is left to the user, and the
// Clerk or Convex package to install.
type wiringPlan struct {
	files    []*filePlan
	why      map[*filePlan]string
	manual   []wiring.Manual
	accepted bool // write files
	// install is the command adding the missing packages (empty when none is missing);
	// installOK: run it (--yes, or a yes at the prompt).
	install   []string
	packages  []string
	installOK bool
	declined  string // why files are not written, for the result ("" when they are)
}

// wiringStep plans the client wiring: only when doctor's client.provider_wiring check fails
// (never rewriting wiring that passes), plus what the framework's planner owns besides (Clerk's
// middleware for Next.js). It shows the diff and asks on a terminal; --yes writes it.
type wiringStep struct{}

func (wiringStep) String() string { return "client wiring" }

func (wiringStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	p.wiring = nil
	if p.proj == nil {
		return nil
	}
	check := doctor.ProviderWiring(ctx, p.dir, p.proj)
	in := &wiring.Input{Dir: p.dir, Root: p.root(), Project: p.proj, ProviderWired: check.Status != doctor.Fail}
	wp, err := wiring.PlanFor(ctx, in)
	if errors.Is(err, wiring.ErrNoPlanner) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("planning the client wiring: %w", err)
	}
	if wp.Empty() {
		return nil
	}
	w := &wiringPlan{why: map[*filePlan]string{}, manual: wp.Manual, packages: wp.Install}
	if w.files, err = cmdutil.WiringFiles(p.dir, p.root(), "init", wp.Changes); err != nil {
		return err
	}
	for i, f := range w.files {
		w.why[f] = wp.Changes[i].Why
	}
	if len(w.packages) > 0 {
		w.install = strings.Fields(project.AddCommand(p.dir, w.packages...))
	}
	p.wiring = w
	for _, m := range w.manual {
		p.warn(s.io, "%s: client wiring left to you (%s); add %s:\n%s", m.Path, m.Reason, m.Where, indent(m.Snippet, "    "))
	}
	if len(w.files) == 0 {
		// All of it is the user's to add: nothing installs the packages its snippets import.
		if len(w.install) > 0 {
			p.warn(s.io, "install %s yourself: %s", strings.Join(w.packages, " and "), strings.Join(w.install, " "))
		}
		return nil
	}
	names := w.names()
	switch {
	case opts.Yes:
		w.accepted = true
	case opts.DryRun:
		w.declined = "dry run"
	case s.canPrompt:
		if check.Status == doctor.Fail {
			s.hint("The app's client is not wired to Clerk and Convex (%s).", check.Message)
		}
		for _, f := range w.files {
			fmt.Fprint(s.io.ErrOut, "\n"+textdiff.Unified(f.Rel, f.Old, f.New))
		}
		fmt.Fprintln(s.io.ErrOut)
		ok, err := opts.Prompter().Confirm(fmt.Sprintf("Write the client wiring (%s)?", names), true)
		if err != nil {
			return err
		}
		w.accepted = ok
		if !ok {
			w.declined = "declined at the prompt"
			p.warn(s.io, "client wiring not written: add it yourself (clerkconvex init --dry-run shows the diff), then run clerkconvex doctor")
		}
	default:
		w.declined = "needs --yes"
		p.warn(s.io, "client wiring not written (%s): rerun with --yes to write it, or see the diff with --dry-run", names)
	}
	if !w.accepted || len(w.install) == 0 {
		return nil
	}
	command := strings.Join(w.install, " ")
	switch {
	case opts.Yes:
		w.installOK = true
	case s.canPrompt:
		ok, err := opts.Prompter().Confirm(fmt.Sprintf("The wiring imports %s, which the app does not depend on. Run %s?", strings.Join(w.packages, " and "), command), true)
		if err != nil {
			return err
		}
		w.installOK = ok
		if !ok {
			p.warn(s.io, "install %s yourself: %s", strings.Join(w.packages, " and "), command)
		}
	}
	return nil
}

// names lists the files, for prompts and messages.
func (w *wiringPlan) names() string {
	var out []string
	for _, f := range w.files {
		out = append(out, f.Rel)
	}
	return strings.Join(out, ", ")
}

// applyWiring writes the accepted wiring and installs the missing packages. An install that
// fails is a warning: the files are written, and the command is named to run by hand.
func applyWiring(ctx context.Context, opts *Options, p *plan, res *Result) error {
	w := p.wiring
	if w == nil || !w.accepted {
		return nil
	}
	for _, f := range w.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writePlanned(opts, p, f); err != nil {
			return err
		}
		p.done = append(p.done, f.Rel+" "+f.Action())
		opts.IO.Step(iostreams.OK, "%s %s: %s", f.Rel, f.Action(), w.why[f])
	}
	if !w.installOK {
		return nil
	}
	command := strings.Join(w.install, " ")
	p.inFlight = command
	opts.IO.Step(iostreams.Info, "running %s", command)
	r, err := cmdutil.Install(ctx, opts.Runner(), p.dir, w.install)
	p.inFlight = ""
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		why := convex.CLIMessage(string(r.Stderr))
		if why == "" {
			why = err.Error()
		}
		msg := fmt.Sprintf("%s failed (%s): the wiring is written; run it yourself", command, why)
		res.Warnings = append(res.Warnings, msg)
		if res.Install != nil {
			res.Install.Action = "failed"
		}
		opts.IO.Step(iostreams.Warn, "%s", msg)
		return nil
	}
	p.done = append(p.done, command)
	if res.Install != nil {
		res.Install.Action = "installed"
	}
	opts.IO.Step(iostreams.OK, "%s installed (%s)", strings.Join(w.packages, " and "), command)
	return nil
}

// wiringResult adds the wiring's files and install to init's result.
func (p *plan) wiringResult(r *Result, dry bool) {
	w := p.wiring
	if w == nil {
		return
	}
	for _, f := range w.files {
		rf := ResultFile{Path: f.Rel, Action: f.Action(), Note: w.why[f]}
		if !w.accepted && !dry {
			rf.Action, rf.Note = "skipped", "client wiring not written: "+w.declined
		}
		r.Files = append(r.Files, rf)
	}
	for _, m := range w.manual {
		r.Files = append(r.Files, ResultFile{Path: m.Path, Action: "manual", Note: m.Reason + "; add " + m.Where + ": " + m.Snippet})
	}
	if len(w.install) > 0 {
		action := "skipped"
		switch {
		case dry:
			action = "planned"
		case w.installOK:
			action = "pending" // until apply runs it: installed or failed
		}
		r.Install = &ResultInstall{Packages: w.packages, Command: strings.Join(w.install, " "), Action: action}
	}
}

// ResultInstall is the packages the client wiring needs, and what became of installing them.
type ResultInstall struct {
	Packages []string `json:"packages"`
	Command  string   `json:"command"`
	Action   string   `json:"action"` // installed, failed, skipped, planned
}

// printWiringDryRun lists what the wiring would change, for --dry-run.
func printWiringDryRun(p *plan, say func(format string, a ...any)) {
	w := p.wiring
	if w == nil {
		return
	}
	for _, f := range w.files {
		verb := "update"
		if !f.Exists {
			verb = "create"
		}
		say("  %s %s (%s)", verb, f.Rel, w.why[f])
	}
	if len(w.install) > 0 && len(w.files) > 0 { // with no file to write, nothing installs (wiringStep)
		say("  run: %s", strings.Join(w.install, " "))
	}
	for _, m := range w.manual {
		say("  leave %s to you: %s", m.Path, m.Reason)
	}
}

// wiringDiffs are the unified diffs of the wiring's files, for --dry-run.
func (p *plan) wiringDiffs() string {
	if p.wiring == nil {
		return ""
	}
	var b strings.Builder
	for _, f := range p.wiring.files {
		b.WriteString("\n" + textdiff.Unified(f.Rel, f.Old, f.New))
	}
	return b.String()
}

// printWiringManual prints the snippets left to the user, after the run: the line that says
// where fits width (0: not a terminal, left whole); the snippet's code lines are kept as they
// are, to be copied.
func printWiringManual(p *plan, out io.Writer, width int) {
	if p.wiring == nil {
		return
	}
	for _, m := range p.wiring.manual {
		head := fmt.Sprintf("To do by hand: in %s, add %s (%s):", m.Path, m.Where, m.Reason)
		if width > 0 {
			head = iostreams.Wrap(head, 0, width-1, "  ")
		}
		fmt.Fprintf(out, "%s\n%s\n", head, indent(m.Snippet, "  "))
	}
}
