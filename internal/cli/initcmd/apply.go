package initcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/cli/users"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/textdiff"
)

// npxTimeoutHint ends the error of an npx call stopped at its time limit.
const npxTimeoutHint = "it may be waiting on the network or a Convex login: run it by hand to see, or allow it longer with --npx-timeout or CLERKCONVEX_NPX_TIMEOUT"

// errConvexFailed: the Convex step failed after everything else was done.
var errConvexFailed = errors.New("setting the Convex variable failed")

// Result is init's --json output (version 1). It never holds the secret key.
type Result struct {
	Version int `json:"version"`
	// OK is false when a step failed after the others were done (npx convex env set).
	OK       bool           `json:"ok"`
	DryRun   bool           `json:"dry_run"`
	Project  ResultProject  `json:"project"`
	Instance string         `json:"instance"` // test or live
	Issuer   string         `json:"issuer"`
	Template ResultTemplate `json:"template"`
	Files    []ResultFile   `json:"files"`
	Convex   ResultConvex   `json:"convex"`
	Warnings []string       `json:"warnings"`
	// LiveKeys says where the production keys go (--prod with live keys, no --env-file).
	LiveKeys *ResultLiveKeys `json:"live_keys,omitempty"`
	// Defaults are the project defaults set per deployment type (--defaults).
	Defaults []ResultDefaults `json:"defaults,omitempty"`
	// Install is the packages the client wiring needs (absent when none is missing).
	Install *ResultInstall `json:"install,omitempty"`
	// Users is `users init`'s result, with --sync-users (or a yes at the prompt).
	Users *users.InitResult `json:"users,omitempty"`
}

type ResultProject struct {
	Dir       string `json:"dir"`
	Framework string `json:"framework"`
	// ConvexDir is the package folder holding the Convex functions (Dir outside a workspace).
	ConvexDir string `json:"convex_dir"`
	// WorkspaceRoot is the workspace's root folder; "" outside a workspace.
	WorkspaceRoot string `json:"workspace_root,omitempty"`
}

type ResultTemplate struct {
	Name          string   `json:"name"`
	ID            string   `json:"id,omitempty"`
	Action        string   `json:"action"` // created, updated, unchanged
	ApplicationID string   `json:"application_id"`
	Changes       []string `json:"changes"`
}

type ResultFile struct {
	Path   string `json:"path"`
	Action string `json:"action"` // created, updated, unchanged, manual
	Note   string `json:"note,omitempty"`
}

type ResultConvex struct {
	Variable   string `json:"variable"`
	Value      string `json:"value"`
	Deployment string `json:"deployment"` // dev, prod or --deployment's ref, as asked
	// DeploymentName is the deployment the Convex CLI says it changed (empty when it does not say).
	DeploymentName string `json:"deployment_name,omitempty"`
	Action         string `json:"action"` // set, skipped, failed, planned
	// Via is how the variable was (or would be) set: "npx" (npx convex env set) or "api" (the
	// Deployment Platform API, with the key from the environment).
	Via     string `json:"via,omitempty"`
	Command string `json:"command"`
	Error   string `json:"error,omitempty"`
}

func (p *plan) result(dry bool) *Result {
	r := &Result{
		Version:  1,
		OK:       true,
		DryRun:   dry,
		Project:  p.resultProject(),
		Instance: p.secret.Kind(),
		Issuer:   p.issuer,
		Template: ResultTemplate{Name: p.tmplName, ID: p.tmpl.ID, Action: string(p.tmpl.Action), ApplicationID: p.appID, Changes: nonNil(p.tmpl.Changes)},
		Warnings: nonNil(p.warnings),
	}
	for _, f := range p.files() {
		rf := ResultFile{Path: f.Rel, Action: f.Action()}
		if f == p.authFile && len(p.manual) > 0 {
			rf.Action = "manual"
			if f.Action() == "updated" {
				rf.Action = "updated"
			}
			rf.Note = "add the provider(s) by hand: " + strings.Join(p.manual, "; ")
		}
		if f == p.envFile && p.chmod != 0 {
			rf.Note = fmt.Sprintf("mode %04o → %04o", p.chmodWas, p.chmod)
		}
		r.Files = append(r.Files, rf)
	}
	p.wiringResult(r, dry)
	if p.gitignore != "" {
		r.Files = append(r.Files, ResultFile{Path: ".gitignore", Action: "updated", Note: "added " + strings.Join(gitx.IgnorePatterns(p.gitignore), " and ")})
	}
	r.Files = append(r.Files, p.liveKeysFile()...)
	r.LiveKeys = p.resultLiveKeys()
	r.Defaults = p.resultDefaults(map[bool]string{true: "planned", false: "skipped"}[dry])
	r.Convex = ResultConvex{Variable: p.issuerVar, Value: p.issuerValue, Deployment: p.target().String(), Command: convex.ManualCommand(p.issuerVar, p.issuerValue, p.target())}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

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

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

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
		return writeJSON(opts.IO.Out, r)
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

func (p *plan) resultProject() ResultProject {
	r := ResultProject{Dir: p.dir, Framework: p.proj.Framework.ID, ConvexDir: p.convexDir()}
	if p.layout.Workspace {
		r.WorkspaceRoot = p.layout.Root
	}
	return r
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
