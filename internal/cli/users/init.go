package users

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/svixsig"
)

// Events are the Clerk webhook events the route handles.
var Events = []string{"user.created", "user.updated", "user.deleted"}

// Dashboard is where Clerk's webhook endpoints are created.
const Dashboard = "https://dashboard.clerk.com → your application → Configure → Webhooks"

// filePlan is one file users init may write.
type filePlan = cmdutil.PlannedFile

// initPlan is everything users init will do, decided before anything changes.
type initPlan struct {
	dir        string // the app folder (-C)
	root       string // the folder every write must stay in: the workspace, or the app
	convexDir  string // the package holding the Convex functions: npx and the install run there
	files      []*filePlan
	install    []string // the command adding svix ("npm install svix"); nil when it is a dependency
	secret     svixsig.Secret
	secretFrom string
	site       string
	siteFrom   string
	deployment string // dev, prod or --deployment's ref, for messages
	target     convex.Deployment
}

// InitResult is users init's --json output (version 1). It never holds the secret.
type InitResult struct {
	Version  int          `json:"version"`
	OK       bool         `json:"ok"`
	DryRun   bool         `json:"dry_run"`
	Files    []FileResult `json:"files"`
	Svix     StepResult   `json:"svix"`
	Convex   StepResult   `json:"convex"`
	Clerk    ClerkSteps   `json:"clerk"`
	Warnings []string     `json:"warnings"`
	Error    string       `json:"error,omitempty"`
	plan     *initPlan
	io       *iostreams.IOStreams
}

// FileResult is one file and what happened to it: created, updated, unchanged.
type FileResult struct {
	Path   string `json:"path"`
	Action string `json:"action"`
}

// StepResult is the svix install or the deployment variable: its action (installed, present,
// skipped, planned, failed; set, unchanged, skipped, planned, failed) and the command.
type StepResult struct {
	Action     string `json:"action"`
	Command    string `json:"command"`
	Deployment string `json:"deployment,omitempty"`
	Variable   string `json:"variable,omitempty"`
	Error      string `json:"error,omitempty"`
}

// ClerkSteps is what to do in Clerk's dashboard.
type ClerkSteps struct {
	EndpointURL string   `json:"endpoint_url"`
	Events      []string `json:"events"`
	Dashboard   string   `json:"dashboard"`
}

func (r *InitResult) warn(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	r.Warnings = append(r.Warnings, msg)
	r.io.Step(iostreams.Warn, "%s", msg)
}

func runInit(ctx context.Context, opts *Options) error {
	res, err := Init(ctx, opts)
	if opts.JSON {
		if werr := cmdutil.WriteJSON(opts.IO.Out, res); werr != nil && err == nil {
			return werr
		}
		return cmdutil.JSONWritten(err)
	}
	return err
}

// Init does what `users init` does and returns its result without printing it (with
// opts.JSON, nothing goes to stdout): `clerkconvex init --sync-users` embeds it in its own.
func Init(ctx context.Context, opts *Options) (*InitResult, error) {
	res := &InitResult{Version: 1, DryRun: opts.DryRun, Files: []FileResult{}, Warnings: []string{}, Clerk: ClerkSteps{Events: Events, Dashboard: Dashboard}, io: opts.IO}
	err := doInit(ctx, opts, res)
	res.OK = err == nil
	if err != nil {
		res.Error = err.Error()
	}
	return res, err
}

func doInit(ctx context.Context, opts *Options, res *InitResult) error {
	p, err := planInit(opts)
	if err != nil {
		return err
	}
	res.plan = p
	for _, f := range p.files {
		res.Files = append(res.Files, FileResult{Path: f.Rel, Action: f.Action()})
	}
	res.Svix = StepResult{Action: "present", Command: strings.Join(p.install, " ")}
	res.Convex = StepResult{Variable: SecretEnv, Deployment: p.deployment, Command: manualSet(p.target)}
	res.Clerk.EndpointURL = endpointText(p)
	for _, f := range p.files {
		if line, ok := convex.VerifyResultUse(f.New); ok && strings.HasSuffix(f.Rel, "/http.ts") {
			res.warn("%s:%d uses Webhook.verify's return value, which svix 2.x no longer returns: that route refuses every Clerk event; call verify, then JSON.parse the body (docs/users.md)", f.Rel, line)
		}
	}
	if err := checkReadOnly(opts, p, res); err != nil {
		return err
	}
	if opts.DryRun {
		return printDryRun(opts, p, res)
	}

	// 1. The files.
	for _, f := range p.files {
		if err := ctx.Err(); err != nil {
			return interrupted(err)
		}
		if err := writePlanned(opts, p, f); err != nil {
			return err
		}
		opts.IO.Step(iostreams.OK, "%s %s", f.Rel, f.Action())
	}

	// 2. svix.
	if err := installSvix(ctx, opts, p, res); err != nil {
		return err
	}

	// 3. Clerk's side, then the secret.
	printClerkSteps(opts, p)
	if opts.SkipConvexEnv {
		res.Convex.Action = "skipped"
		opts.IO.Step(iostreams.Warn, "skipped: set %s on the deployment yourself: %s", SecretEnv, res.Convex.Command)
		return nil
	}
	if p.secret.IsZero() {
		s, err := promptSecret(opts)
		if err != nil {
			return interrupted(err)
		}
		p.secret, p.secretFrom = s, "the prompt"
	}
	return setSecret(ctx, opts, p, res)
}

// planInit reads the project and decides every change; it writes nothing.
func planInit(opts *Options) (*initPlan, error) {
	dir, err := cmdutil.ProjectDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	layout, err := (&cmdutil.ProjectFlags{ConvexDir: opts.ConvexDir}).Layout(dir)
	if err != nil {
		return nil, err
	}
	convexDir := layout.Convex
	if convexDir == "" {
		convexDir = dir
	}
	proj, err := project.Load(convexDir)
	if errors.Is(err, project.ErrNoPackageJSON) {
		return nil, &cmdutil.FlagError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	funcDir, _, err := convex.FunctionsDir(convexDir)
	if err != nil {
		return nil, cmdutil.FlagErrorf("%v", err)
	}
	root := layout.Root
	if root == "" {
		root = dir
	}
	p := &initPlan{dir: dir, root: root, convexDir: convexDir, deployment: opts.target().String(), target: opts.target()}
	specs := []struct {
		names []string // the file, then other spellings a project may have
		fresh func() ([]byte, error)
		merge func(string, []byte) ([]byte, error)
		js    bool // the merge also works on the .js spelling
	}{
		{[]string{"schema.ts", "schema.js"}, convex.NewUsersSchema, convex.MergeUsersSchema, true},
		{[]string{"users.ts", "users.js"}, convex.NewUsersModule, convex.MergeUsersModule, false},
		{[]string{"http.ts", "http.js"}, convex.NewUsersHTTP, convex.MergeUsersHTTP, false},
	}
	for _, spec := range specs {
		f, err := planFile(root, dir, funcDir, spec.names, spec.js, spec.fresh, spec.merge)
		if err != nil {
			return nil, err
		}
		p.files = append(p.files, f)
	}
	if !proj.Has("svix") {
		p.install = strings.Fields(project.AddCommand(convexDir, "svix"))
	}
	if p.secret, p.secretFrom, err = secretFromInput(opts); err != nil {
		return nil, err
	}
	env, envRel, err := projectEnv(opts, dir)
	if err != nil {
		return nil, err
	}
	p.site, p.siteFrom, err = siteURL(opts, env, envRel)
	if err != nil && !errors.Is(err, errNoSite) {
		return nil, err
	}
	if p.secret.IsZero() && !opts.SkipConvexEnv && !opts.DryRun && !opts.IO.CanPrompt() {
		return nil, cmdutil.FlagErrorf("no webhook signing secret: create the endpoint in Clerk (%s, URL %s, events %s), then set $%s or pass --webhook-secret-stdin; or pass --skip-convex-env to set it on the deployment yourself",
			Dashboard, endpointText(p), strings.Join(Events, ", "), SecretEnv)
	}
	return p, nil
}

// planFile plans one of the three files: the first existing spelling of names in funcDir,
// merged, or names[0] created. Files are shown relative to the app folder dir and must be
// inside root (the workspace, or the app), links followed.
func planFile(root, dir, funcDir string, names []string, jsOK bool, fresh func() ([]byte, error), merge func(string, []byte) ([]byte, error)) (*filePlan, error) {
	locate := func(name string) (rel, abs string, err error) {
		path := filepath.Join(funcDir, name)
		rel = filepath.ToSlash(relTo(dir, path))
		abs, err = fsutil.ResolveInside(root, relTo(root, path))
		if err != nil {
			if errors.Is(err, fsutil.ErrOutsideRoot) {
				return rel, "", cmdutil.FlagErrorf("users init would write %s outside the project folder: %w", rel, err)
			}
			return rel, "", cmdutil.FlagErrorf("%s: %w", rel, err)
		}
		return rel, abs, nil
	}
	for i, name := range names {
		rel, abs, err := locate(name)
		if err != nil {
			return nil, err
		}
		old, exists, err := fsutil.ReadFileIfExists(abs)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", rel, err)
		}
		if !exists {
			continue
		}
		if i > 0 && !jsOK {
			return nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("%s is JavaScript; the generated %s is TypeScript: rename it to %s (Convex accepts TypeScript files) or add the code by hand (docs/users.md)", rel, names[0], names[0])}
		}
		out, err := merge(rel, old)
		if err != nil {
			var ue *convex.UsersEditError
			if errors.As(err, &ue) {
				return nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("%w; nothing was changed", err)}
			}
			return nil, err
		}
		if err := cmdutil.CheckSyntax(rel, old, out); err != nil {
			return nil, err
		}
		return &filePlan{Rel: rel, Abs: abs, Old: old, Exists: true, New: out, Perm: 0o644}, nil
	}
	rel, abs, err := locate(names[0])
	if err != nil {
		return nil, err
	}
	out, err := fresh()
	if err != nil {
		return nil, err
	}
	if err := cmdutil.CheckSyntax(rel, nil, out); err != nil {
		return nil, err
	}
	return &filePlan{Rel: rel, Abs: abs, New: out, Perm: 0o644}, nil
}

func relTo(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return r
	}
	return path
}

// installSvix adds the svix package with the project's package manager: with --yes, or after
// asking; --skip-install (or no answer possible) prints the command instead.
func installSvix(ctx context.Context, opts *Options, p *initPlan, res *InitResult) error {
	if p.install == nil {
		return nil
	}
	command := strings.Join(p.install, " ")
	switch {
	case opts.SkipInstall:
		res.Svix.Action = "skipped"
		res.warn("skipped: install svix yourself: %s", command)
		return nil
	case opts.Yes:
	case opts.IO.CanPrompt():
		ok, err := opts.Prompter().Confirm(fmt.Sprintf("The webhook route needs the svix package. Run %s?", command), true)
		if err != nil {
			return interrupted(err)
		}
		if !ok {
			res.Svix.Action = "skipped"
			res.warn("skipped: install svix yourself before deploying: %s", command)
			return nil
		}
	default:
		res.Svix.Action = "skipped"
		res.warn("svix is not a dependency: run %s (or pass --yes to let users init run it)", command)
		return nil
	}
	opts.IO.Step(iostreams.Info, "running %s", command)
	r, err := cmdutil.Install(ctx, opts.Runner(), p.convexDir, p.install)
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx.Err())
		}
		res.Svix.Action, res.Svix.Error = "failed", convex.CLIMessage(string(r.Stderr))
		return fmt.Errorf("%s failed (%v); the files are written: run it yourself, then deploy", command, errSummary(err, r.Stderr))
	}
	res.Svix.Action = "installed"
	opts.IO.Step(iostreams.OK, "svix installed (%s)", command)
	return nil
}

func errSummary(err error, stderr []byte) string {
	if m := convex.CLIMessage(string(stderr)); m != "" {
		return m
	}
	return err.Error()
}

// setSecret sets CLERK_WEBHOOK_SECRET on the deployment, value on stdin, unless it already
// holds that value.
func setSecret(ctx context.Context, opts *Options, p *initPlan, res *InitResult) error {
	env, err := opts.convexEnv(p.convexDir)
	if err != nil {
		return err
	}
	cur, found, err := env.Get(ctx, SecretEnv)
	if err == nil && found && cur == p.secret.Reveal() {
		res.Convex.Action = "unchanged"
		opts.IO.Step(iostreams.OK, "Convex %s deployment: %s already set to this secret (%s)", p.deployment, SecretEnv, p.secret)
		return setSecretDefaults(ctx, opts, p, res)
	}
	if err != nil && ctx.Err() != nil {
		return interrupted(ctx.Err())
	}
	target, err := env.SetSecret(ctx, SecretEnv, p.secret.Reveal())
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx.Err())
		}
		res.Convex.Action, res.Convex.Error = "failed", err.Error()
		return fmt.Errorf("setting %s on the Convex %s deployment: %w", SecretEnv, p.deployment, err)
	}
	res.Convex.Action = "set"
	name := ""
	if target.Name != "" {
		name = " " + target.Name
	}
	opts.IO.Step(iostreams.OK, "Convex %s deployment%s: %s set (%s, from %s)", p.deployment, name, SecretEnv, p.secret, p.secretFrom)
	return setSecretDefaults(ctx, opts, p, res)
}

// setSecretDefaults sets the secret as the project's default for new deployments of each type
// in opts.Defaults (init --defaults): value on stdin, one call per type; another secret already
// there is replaced only with --yes.
func setSecretDefaults(ctx context.Context, opts *Options, p *initPlan, res *InitResult) error {
	if len(opts.Defaults) == 0 {
		return nil
	}
	// Project defaults are the control plane's (a login or a team token): only npx sets them.
	r := run.WithTimeout(opts.Runner(), opts.NpxTimeout, "allow it longer with CLERKCONVEX_NPX_TIMEOUT")
	for _, typ := range opts.Defaults {
		got, err := convex.SetDefaults(ctx, r, p.convexDir, typ, map[string]string{SecretEnv: p.secret.Reveal()}, opts.Yes)
		if convex.IsDefaultConflict(err) {
			err = fmt.Errorf("the project's defaults for %s deployments hold another %s: rerun with --yes to replace it", typ, SecretEnv)
		}
		if err != nil {
			if ctx.Err() != nil {
				return interrupted(ctx.Err())
			}
			res.Convex.Action, res.Convex.Error = "failed", err.Error()
			return fmt.Errorf("setting %s as the default for new %s deployments: %w", SecretEnv, typ, err)
		}
		if got == convex.DefaultsUnchanged {
			opts.IO.Step(iostreams.OK, "Defaults for new %s deployments: %s already this secret", typ, SecretEnv)
		} else {
			opts.IO.Step(iostreams.OK, "Defaults for new %s deployments: %s set (%s)", typ, SecretEnv, p.secret)
		}
	}
	return nil
}

func manualSet(dep convex.Deployment) string {
	return "npx convex env set " + SecretEnv + dep.Flag() + " (it asks for the value)"
}

func interrupted(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, cmdutil.ErrInterrupted) || isPromptInterrupt(err) {
		return &cmdutil.InterruptedError{Msg: "interrupted: run clerkconvex users init again to finish (it keeps what is done)"}
	}
	return err
}
