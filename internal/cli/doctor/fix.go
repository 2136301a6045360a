package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
	"github.com/clerkconvex/clerkconvex/internal/textdiff"
)

// maxFixRounds bounds check → fix → check again: a fix can reveal a problem its check hid (a
// new auth.config's variable missing on the deployment), fixed in the next round.
const maxFixRounds = 4

// FixResult is one fix in --fix's --json output.
type FixResult struct {
	Check  string `json:"check"`
	Kind   string `json:"kind"`
	Action string `json:"action"` // what it does, in words
	// Status: applied, declined (answered no), failed, planned (--dry-run), or manual (the
	// repair turned out unsafe: the check's printed fix stands).
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// runFix is doctor --fix: check, offer each safe fix, apply the accepted ones with init's
// code, check again (a fix may reveal the next problem), and print the final report.
func runFix(ctx context.Context, opts *Options) error {
	in, err := inputs(opts)
	if err != nil {
		return err
	}
	rep, err := check(ctx, opts, in, !opts.JSON)
	if err != nil {
		return err
	}
	fx := &fixer{opts: opts, env: newFixEnv(opts, in), tried: map[string]bool{}}
	for round := 0; round < maxFixRounds; round++ {
		fixes, err := fx.plan(ctx, rep.Repairs)
		if err != nil || len(fixes) == 0 {
			if err != nil {
				return err
			}
			break
		}
		if opts.DryRun {
			for _, f := range fixes {
				fx.results = append(fx.results, f.result("planned"))
			}
			break
		}
		n, err := fx.apply(ctx, fixes)
		if err != nil || n == 0 {
			if err != nil {
				return err
			}
			break
		}
		if rep, err = check(ctx, opts, in, false); err != nil {
			return err
		}
	}
	return finishFix(opts, rep, fx.results, fx.applied)
}

// fixer carries --fix's rounds: what was tried (each check's fix is offered once), the results,
// and how many fixes were applied.
type fixer struct {
	opts    *Options
	env     *fixEnv
	tried   map[string]bool
	results []FixResult
	applied int
}

func (f *fix) result(status string) FixResult {
	return FixResult{Check: f.repair.Check, Kind: string(f.repair.Kind), Action: f.what, Status: status}
}

// plan plans the repairs not tried yet. One that turns out unsafe is reported (manual) and its
// check keeps its printed fix; one with nothing left to do is dropped.
func (fx *fixer) plan(ctx context.Context, repairs []doctor.Repair) ([]*fix, error) {
	opts := fx.opts
	var fixes []*fix
	for _, r := range repairs {
		key := r.Check + " " + string(r.Kind)
		if fx.tried[key] {
			continue
		}
		fx.tried[key] = true
		f, err := fx.env.plan(ctx, r)
		if errors.Is(err, errNothingToDo) {
			continue
		}
		if ctx.Err() != nil {
			return nil, interruptedFixing(fx.applied, nil)
		}
		if !opts.JSON && f != nil && len(f.manual) > 0 {
			printManual(opts.IO, f.manual)
		}
		if err != nil {
			msg := clerk.RedactSecrets(err.Error())
			fx.results = append(fx.results, FixResult{Check: r.Check, Kind: string(r.Kind), Status: "manual", Error: msg})
			if !opts.JSON {
				opts.IO.Step(iostreams.Warn, "%s: no safe automatic fix: %s; see its Fix line", r.Check, safetext.Line(msg))
			}
			continue
		}
		fixes = append(fixes, f)
	}
	return fixes, nil
}

// apply asks about the round's fixes (all before any change), then applies the accepted ones
// in order and returns how many were applied. A fix that fails is reported and the others go on.
func (fx *fixer) apply(ctx context.Context, fixes []*fix) (int, error) {
	opts := fx.opts
	accepted, err := askFixes(opts, fixes)
	if err != nil {
		if errors.Is(err, prompt.ErrInterrupted) || ctx.Err() != nil {
			return 0, interruptedFixing(fx.applied, nil)
		}
		return 0, err
	}
	n := 0
	for _, f := range fixes {
		if !accepted[f] {
			fx.results = append(fx.results, f.result("declined"))
			continue
		}
		res := f.result("applied")
		if err := fx.env.apply(ctx, f); err != nil {
			if ctx.Err() != nil {
				return n, interruptedFixing(fx.applied, f)
			}
			res.Status, res.Error = "failed", clerk.RedactSecrets(err.Error())
			if !opts.JSON {
				opts.IO.Step(iostreams.Fail, "%s: %s failed: %s", f.repair.Check, f.what, safetext.Line(res.Error))
			}
		} else {
			n++
			fx.applied++
			if !opts.JSON {
				opts.IO.Step(iostreams.OK, "fixed %s: %s", f.repair.Check, f.what)
			}
		}
		fx.results = append(fx.results, res)
	}
	return n, nil
}

// finishFix prints the outcome: in --json one object, the fixes and the final report; as text
// the dry run's plan, or the report after the fixes.
func finishFix(opts *Options, rep *doctor.Report, results []FixResult, applied int) error {
	var err error
	switch {
	case opts.JSON:
		err = writeFixJSON(opts.IO.Out, rep, results, opts.DryRun)
	case opts.DryRun:
		err = printFixPlan(opts.IO.Out, results)
	case applied > 0:
		fmt.Fprintf(opts.IO.Out, "\nAfter %d %s, doctor checked again:\n\n", applied, doctor.Plural(applied, "fix", "fixes"))
		err = WriteText(opts.IO, rep)
	case len(results) > 0:
		fmt.Fprintln(opts.IO.Out, "\nNothing was changed.")
	case !rep.OK():
		fmt.Fprintln(opts.IO.Out, "\nNo failed check has a safe automatic fix: follow the Fix lines above.")
	}
	if err != nil {
		return err
	}
	// A fix that failed fails the run, even when its check only warned.
	if !rep.OK() || slices.ContainsFunc(results, func(r FixResult) bool { return r.Status == "failed" }) {
		return cmdutil.ErrSilent
	}
	return nil
}

// check runs every check; show prints the report as a plain doctor run does.
func check(ctx context.Context, opts *Options, in doctor.Inputs, show bool) (*doctor.Report, error) {
	if !show {
		busy := opts.IO.StartProgress("Checking again…")
		rep, err := doctor.Run(ctx, in)
		busy.Stop()
		if err != nil && ctx.Err() != nil {
			return nil, &cmdutil.InterruptedError{Msg: "interrupted: the checks were stopped; run clerkconvex doctor again"}
		}
		return rep, err
	}
	return report(ctx, opts, in)
}

// askFixes asks about each fix, all before any is applied, so that Ctrl-C at any question
// changes nothing. --yes accepts every one.
func askFixes(opts *Options, fixes []*fix) (map[*fix]bool, error) {
	ok := map[*fix]bool{}
	if opts.Yes {
		for _, f := range fixes {
			ok[f] = true
		}
		return ok, nil
	}
	pr := opts.Prompter()
	for _, f := range fixes {
		if d := fixDiff(f); d != "" {
			fmt.Fprint(opts.IO.ErrOut, "\n"+d+"\n")
		}
		yes, err := pr.Confirm(question(opts.IO, f), true)
		if err != nil {
			return nil, err
		}
		ok[f] = yes
	}
	return ok, nil
}

// question is "Fix <check>? (<what it will do>)" when that fits the terminal's line with
// survey's "? " and " (Y/n) "; else what it will do is printed above, wrapped, and the question
// refers to it.
func question(ios *iostreams.IOStreams, f *fix) string {
	what := safetext.Line(f.what)
	q := fmt.Sprintf("Fix %s? (%s)", f.repair.Check, what)
	w := ios.OutWidth()
	if w <= 0 || iostreams.Width(q)+len("? ")+len(" (Y/n) ") < w {
		return q
	}
	msg := iostreams.Wrap(what, 2, w-1, "  ")
	fmt.Fprintf(ios.ErrOut, "  %s\n", msg)
	return fmt.Sprintf("Fix %s? (as above)", f.repair.Check)
}

// fixDiff is the unified diff of a fix that edits source code (auth.config, the client
// wiring), shown before its question; the env file's lines are not shown (the others hold the
// keys): the question names the line.
func fixDiff(f *fix) string {
	files := f.files
	if f.file != nil && f.repair.Kind == doctor.RepairAuthConfig {
		files = append(files, f.file)
	}
	var b strings.Builder
	for _, pf := range files {
		var base []byte
		if pf.Exists {
			base = []byte(clerk.RedactSecrets(string(pf.Old)))
		}
		b.WriteString(textdiff.Unified(pf.Rel, base, []byte(clerk.RedactSecrets(string(pf.New)))))
	}
	return b.String()
}

func printFixPlan(w io.Writer, results []FixResult) error {
	var b strings.Builder
	planned := 0
	for _, r := range results {
		if r.Status == "planned" {
			planned++
		}
	}
	if planned == 0 {
		b.WriteString("\nDry run: no failed or warned check has a safe automatic fix.\n")
	} else {
		b.WriteString("\nDry run: nothing was changed. doctor --fix would:\n")
		for _, r := range results {
			if r.Status == "planned" {
				fmt.Fprintf(&b, "  %s: %s\n", r.Check, safetext.Line(r.Action))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// interruptedFixing is Ctrl-C during --fix: at a question nothing of that round was applied;
// while a fix was being applied (inFlight), that one may or may not be done.
func interruptedFixing(applied int, inFlight *fix) error {
	msg := "interrupted: nothing was changed"
	if applied > 0 {
		msg = fmt.Sprintf("interrupted after %d %s", applied, doctor.Plural(applied, "fix", "fixes"))
	}
	if inFlight != nil {
		if applied == 0 {
			msg = "interrupted: nothing else was changed"
		}
		msg += fmt.Sprintf("; %s (%s) may or may not be done", inFlight.repair.Check, safetext.Line(inFlight.what))
	}
	if applied > 0 || inFlight != nil {
		msg += ": run clerkconvex doctor to see where things stand"
	}
	return &cmdutil.InterruptedError{Msg: msg}
}

// writeFixJSON prints --fix's one JSON object: the report's fields, with the fixes before the
// checks (the final report's: after the fixes, or as found under --dry-run).
func writeFixJSON(w io.Writer, rep *doctor.Report, results []FixResult, dry bool) error {
	if results == nil {
		results = []FixResult{}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  \"dry_run\": %t,\n  \"fixes\": [", dry)
	for i, r := range results {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    " + strings.TrimRight(line.String(), "\n"))
	}
	if len(results) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("],\n")
	return writeJSON(w, rep, b.String())
}
